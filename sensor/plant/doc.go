// Package plant simulates the lab's PLC: a water tank filled by a speed-controlled inflow
// pump and drained through an outlet valve, with a high-level alarm, exposed as Modbus
// registers on unit 1.
//
// Plant implements the request handler of github.com/simonvetter/modbus, which plcsim
// serves over TCP, and Serve handles a raw request PDU the same way, which the campaign's
// capture writer uses to build responses without a network. The process advances with
// the clock the Plant is given, so a simulated clock gives reproducible values.
package plant
