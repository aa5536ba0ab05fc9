package formats

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseISOTimeWithDate is parseISOTime as it was before the arithmetic replaced time.Date:
// the reference that the tests below hold the fast version to.
func parseISOTimeWithDate(s string) (t time.Time, assumedUTC bool, n int, ok bool) {
	const baseLen = 19
	if len(s) < baseLen || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
		s[13] != ':' || s[16] != ':' {
		return time.Time{}, false, 0, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hour, ok4 := digits(s[11:13])
	minute, ok5 := digits(s[14:16])
	second, ok6 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 {
		return time.Time{}, false, 0, false
	}
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false, 0, false
	}
	n = baseLen

	nanos := 0
	if n < len(s) && (s[n] == '.' || s[n] == ',') {
		n++
		start := n
		scale := 100_000_000
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			if n-start < maxFractionDigits {
				nanos += int(s[n]-'0') * scale
				scale /= 10
			}
			n++
		}
		if n == start {
			return time.Time{}, false, 0, false
		}
	}

	offset := 0
	assumedUTC = true
	if n < len(s) {
		switch s[n] {
		case 'Z', 'z':
			n++
			assumedUTC = false
		case '+', '-':
			seconds, width, good := parseOffset(s[n:])
			if !good {
				return time.Time{}, false, 0, false
			}
			offset = seconds
			n += width
			assumedUTC = false
		}
	}

	t = time.Date(year, time.Month(month), day, hour, minute, second, nanos, time.UTC)
	if t.Day() != day {
		return time.Time{}, false, 0, false
	}
	t = t.Add(-time.Duration(offset) * time.Second)
	if !inYearRange(t) {
		return time.Time{}, false, 0, false
	}
	return t, assumedUTC, n, true
}

// assertSameISOTime checks that parseISOTime and the time.Date reference agree on s, down
// to the time.Time representation.
func assertSameISOTime(t *testing.T, s string) {
	t.Helper()

	got, gotAssumed, gotN, gotOK := parseISOTime(s)
	want, wantAssumed, wantN, wantOK := parseISOTimeWithDate(s)
	require.Equal(t, wantOK, gotOK, "parseISOTime(%q) ok", s)
	assert.Equal(t, wantN, gotN, "parseISOTime(%q) bytes read", s)
	assert.Equal(t, wantAssumed, gotAssumed, "parseISOTime(%q) assumed UTC", s)
	assert.Equal(t, want, got, "parseISOTime(%q) time", s)
}

func TestParseISOTimeMatchesTimeDate(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"suricata offset", "2024-05-01T09:15:02.123456-0500"},
		{"zulu millis", "2024-05-01T10:02:38.412Z"},
		{"colon offset", "2024-05-01T09:15:02.123456+02:00"},
		{"hours offset", "2024-05-01T09:15:02-03"},
		{"no zone", "2024-05-01T09:15:02.5"},
		{"leap day", "2024-02-29T00:00:00Z"},
		{"no leap day", "2023-02-29T00:00:00Z"},
		{"century no leap day", "2100-02-29T00:00:00Z"},
		{"400 years leap day", "2000-02-29T23:59:59Z"},
		{"april 31", "2024-04-31T00:00:00Z"},
		{"day 32", "2024-01-32T00:00:00Z"},
		{"epoch", "1970-01-01T00:00:00Z"},
		{"before epoch after offset", "1970-01-01T00:00:00+01:00"},
		{"epoch after offset", "1969-12-31T23:00:00-01:00"},
		{"last second of 9999", "9999-12-31T23:59:59.999999999Z"},
		{"past 9999 after offset", "9999-12-31T23:30:00-01:00"},
		{"year 0", "0000-01-01T00:00:00Z"},
		{"lower-case t and z", "2024-05-01t09:15:02z"},
		{"comma fraction", "2024-05-01T09:15:02,25Z"},
		{"long fraction", "2024-05-01T09:15:02.1234567891234Z"},
		{"trailing text", "2024-05-01T09:15:02Z tail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertSameISOTime(t, tt.input)
		})
	}
}

// TestParseISOTimeEveryDay checks the day arithmetic on every date from 1969 to 2404 and
// around the ends of the accepted range.
func TestParseISOTimeEveryDay(t *testing.T) {
	check := func(from, to time.Time) {
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			assertSameISOTime(t, d.Format("2006-01-02")+"T12:34:56Z")
		}
	}
	check(time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2404, 1, 1, 0, 0, 0, 0, time.UTC))
	check(time.Date(9998, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	check(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1, 3, 1, 0, 0, 0, 0, time.UTC))
}

// FuzzParseISOTime holds parseISOTime to the time.Date reference on any text.
func FuzzParseISOTime(f *testing.F) {
	f.Add("2024-05-01T09:15:02.123456-0500")
	f.Add("2024-02-29T23:59:59.999Z")
	f.Add("9999-12-31T23:59:59+00:00")
	f.Add("1970-01-01T00:00:00-23:59")
	f.Fuzz(func(t *testing.T, s string) {
		assertSameISOTime(t, s)
	})
}
