// Package telemetry defines the normalised record that every raw log format is parsed into.
//
// A Record is one event from the sensor, the firewall or an NDR sensor, with the fields the
// lake stages, detects on and queries. Optional values are pointers or zero netip.Addr so that
// an absent port stays NULL downstream instead of turning into 0.
package telemetry
