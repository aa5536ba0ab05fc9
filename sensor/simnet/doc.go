// Package simnet records the lab's Modbus traffic as a capture file without any socket:
// a simulated network with the lab's hosts, the gateway's firewall and port forward, and
// the plant behind the PLC's address, driven by simulated clocks.
//
// Each client (the HMI, the attacker) gets a campaign.Network from Net.Host and its own
// Clock; the packets of every client are merged by time when the capture is written. The
// sensor replays the capture as it would see the live lab from the gateway: the enterprise
// leg and the control leg of every forwarded connection.
package simnet
