// Package pipeline runs the sensor's stages on each captured frame: decode, flow
// tracking, TCP reassembly, Modbus decoding, transaction pairing and the rules, and
// hands alerts and drop lines to the outputs.
//
// A Sensor is driven by one goroutine (the packet loop); only its counters may be read
// from elsewhere.
package pipeline
