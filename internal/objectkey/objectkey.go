package objectkey

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// Key prefixes of the staged and reports buckets.
const (
	StagedPrefix     = "parsed/"
	QuarantinePrefix = "errors/"
	ReportPrefix     = "incidents/" // incident.ReportKey builds the keys under it
)

// DateLayout is the layout of the date= partition value.
const DateLayout = "2006-01-02"

// Raw contains the partitions and name that a raw key carries. Source and Date are empty when the key has no
// such partition.
type Raw struct {
	Key    string
	Source string
	Date   string // YYYY-MM-DD
	Name   string // last path element
}

// ParseRaw reads the Hive partitions of a raw key. Partition segments may appear at any depth
// and in either order. A date that is not YYYY-MM-DD is an error, because the parser takes the
// year of RFC 3164 timestamps from it.
func ParseRaw(key string) (Raw, error) {
	raw := Raw{Key: key, Name: path.Base(key)}

	for _, seg := range strings.Split(path.Dir(key), "/") {
		name, value, ok := strings.Cut(seg, "=")
		if !ok {
			continue
		}
		switch name {
		case "source":
			raw.Source = value
		case "date":
			if _, err := time.Parse(DateLayout, value); err != nil {
				return raw, fmt.Errorf("parse raw key %q: invalid date partition %q: want YYYY-MM-DD", key, value)
			}
			raw.Date = value
		}
	}
	return raw, nil
}

// DateTime returns the date partition as midnight UTC, or the zero time when there is none.
func (r Raw) DateTime() time.Time {
	t, err := time.Parse(DateLayout, r.Date)
	if err != nil {
		return time.Time{}
	}
	return t
}

// RawKey builds a raw key: source=<source>/date=<date>/<name>.
func RawKey(source, date, name string) string {
	return fmt.Sprintf("source=%s/date=%s/%s", source, date, name)
}

// Staged builds the staged Parquet key of a raw object's rows. The name is the digest of the
// object's decompressed content, so the same lines delivered again, under the same key or a
// new one, overwrite the same object instead of adding rows. part numbers the files of an
// object too large for one.
func Staged(date, source, digest string, part int) string {
	if part == 0 {
		return fmt.Sprintf("%sdate=%s/source=%s/%s.parquet", StagedPrefix, date, source, digest)
	}
	return fmt.Sprintf("%sdate=%s/source=%s/%s-%04d.parquet", StagedPrefix, date, source, digest, part)
}

// Quarantine builds the key of the NDJSON object that keeps a raw object's bad lines.
func Quarantine(date, source, digest string) string {
	return fmt.Sprintf("%sdate=%s/source=%s/%s.ndjson", QuarantinePrefix, date, source, digest)
}
