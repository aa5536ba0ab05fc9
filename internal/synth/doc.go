// Package synth generates realistic but synthetic raw log lines of every format the lake
// reads: otsensor alerts, netfilter LOG lines behind syslog headers, and Suricata EVE alerts as
// Malcolm writes them. The project's sample inputs and the ingest benchmark are made with it,
// so both exercise the same shapes of input. Output is deterministic for a given seed.
//
// Addresses are those of the lab plant: IT zone 172.24.0.0/24 (attacker 172.24.0.10),
// gateway 172.24.0.2 and 172.21.0.2, control zone 172.21.0.0/24 (PLC 172.21.0.10, HMI
// 172.21.0.20) and a second cell 172.22.0.0/24.
package synth
