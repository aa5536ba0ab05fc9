// Package policy loads the sensor's zone policy and answers the questions the rules ask:
// which zone an address is in, whether a conduit allows a flow, whether a client may
// write a unit's coils or registers, and what range a register must stay in.
//
// A policy file is YAML or JSON. Load rejects an invalid file with an error that names
// the file, the line and the field.
package policy
