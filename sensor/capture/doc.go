// Package capture reads frames from pcap and pcapng files (gzip-compressed or not) and
// from live network interfaces through AF_PACKET, all with the pure-Go pcapgo package.
//
// A File is read one frame at a time without copying. A Live source copies each frame and
// sends it on a channel, so several interfaces can feed one pipeline. PortFilter builds the
// kernel BPF program that keeps only the configured TCP and UDP ports.
package capture
