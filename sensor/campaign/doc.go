// Package campaign drives the lab's Modbus clients: the operator station's benign
// baseline (hmisim) and the attack campaign in four phases (attacksim).
//
// The clients talk through a Network: LiveNetwork opens real TCP connections from a lab
// address, and the simnet package records the same exchanges as a capture file with
// simulated time. Before anything is sent live, Guard checks that the process runs inside
// the lab's network namespace and that every destination is a lab address, so the
// programs never send outside the lab.
package campaign
