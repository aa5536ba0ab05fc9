// Package modbus decodes Modbus/TCP from a reassembled TCP byte stream.
//
// A Stream splits the bytes of one flow direction into ADUs on the MBAP length field, so
// several ADUs in one segment and one ADU spread over several segments both decode. An ADU
// whose header is invalid is reported as a decode error and the rest of that segment is
// dropped, so the stream resynchronises at the next segment. ParseRequest and
// ParseResponse decode the PDU of one ADU, and Transactions pairs requests with their
// responses by transaction ID.
//
// Sizes come from the Modbus Application Protocol Specification v1.1b3 and the Modbus
// Messaging on TCP/IP Implementation Guide v1.0b.
package modbus
