package formats

import "github.com/otlake/cloud-telemetry-lake/internal/telemetry"

// ParseString parses a line like Parse but copies nothing: the record's strings, Raw
// included, are substrings of line.
func ParseString(line string, ctx Context) (telemetry.Record, error) {
	var rec telemetry.Record
	err := parseLine(line, ctx, nil, &rec)
	return rec, err
}
