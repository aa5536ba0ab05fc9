package ship

import (
	"bytes"
	"fmt"
	"time"
)

// keyTimeLayout is the first event's time in object names: compact ISO 8601, UTC.
const keyTimeLayout = "20060102T150405Z"

// ObjectKey builds source=<source>/date=<day of first>/<host>-<first>-<seq>.json.gz.
func ObjectKey(source, host string, first time.Time, seq uint64) string {
	first = first.UTC()
	return fmt.Sprintf("source=%s/date=%s/%s-%s-%06d.json.gz", source, first.Format("2006-01-02"), host, first.Format(keyTimeLayout), seq)
}

// firstEventTime reads the event time of a batch's first line: the "timestamp" member of a
// JSON alert, or the RFC 3339 syslog stamp that starts a firewall line. Lines without either
// take fallback, the time the batch was cut.
func firstEventTime(data []byte, fallback time.Time) time.Time {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}

	if bytes.HasPrefix(line, []byte("{")) {
		const member = `"timestamp":"`
		if i := bytes.Index(line, []byte(member)); i >= 0 {
			rest := line[i+len(member):]
			if j := bytes.IndexByte(rest, '"'); j > 0 {
				if t, err := time.Parse(time.RFC3339Nano, string(rest[:j])); err == nil {
					return t
				}
			}
		}
		return fallback
	}

	if j := bytes.IndexByte(line, ' '); j > 0 {
		if t, err := time.Parse(time.RFC3339Nano, string(line[:j])); err == nil {
			return t
		}
	}
	return fallback
}
