package formats

import (
	"strconv"
	"time"
)

// maxFractionDigits is the nanosecond precision of time.Time; further digits are dropped.
const maxFractionDigits = 9

// Event times must fall in years minYear to maxYear (UTC). Earlier times come only from
// unset clocks or damage, and RFC 3339 text and JSON cannot write years past 9999.
const (
	minYear = 1970
	maxYear = 9999
)

// inYearRange reports whether t, in UTC, is within minYear to maxYear.
func inYearRange(t time.Time) bool {
	year := t.UTC().Year()
	return year >= minYear && year <= maxYear
}

// parseISOTime reads an ISO 8601 date-time at the start of s: YYYY-MM-DDTHH:MM:SS, optional
// fraction after '.' or ',', then an optional zone: Z, +hh:mm, +hhmm or +hh. Suricata writes
// +hhmm, which time.RFC3339 rejects, so the layout is read by hand. It returns the instant in
// UTC, whether the zone was missing (and UTC assumed), and the number of bytes read.
func parseISOTime(s string) (t time.Time, assumedUTC bool, n int, ok bool) {
	// YYYY-MM-DDTHH:MM:SS is 19 bytes with separators at fixed places.
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

	// Fraction: keep up to nanoseconds, skip any further digits.
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

	// Zone: Z, or a signed offset with or without a colon; none means UTC was assumed.
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

	// The instant, by arithmetic on the fields, because time.Date and reading its day and
	// year back to check them cost more than the rest of the parse.
	if day > daysInMonth(year, month) {
		// The line named a day that does not exist, such as Feb 30.
		return time.Time{}, false, 0, false
	}
	unix := int64(daysSinceEpoch(year, month, day))*secondsPerDay + int64(hour*3600+minute*60+second-offset)
	if unix < 0 || unix >= maxUnixSeconds {
		// Outside minYear to maxYear in UTC, which inYearRange checks for other times.
		return time.Time{}, false, 0, false
	}
	return time.Unix(unix, int64(nanos)).UTC(), assumedUTC, n, true
}

const secondsPerDay = 86400

// maxUnixSeconds is 10000-01-01T00:00:00Z, the first second past maxYear.
const maxUnixSeconds = 253402300800

// daysInMonth returns the number of days in a month of the proleptic Gregorian calendar.
func daysInMonth(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch returns the days from 1970-01-01 to a valid proleptic Gregorian date in
// years 0 to 9999. It counts years from March, so that a leap day is the last day of its
// year, and moves every year forward by 400 (146,097 days) so that every division is of a
// non-negative number.
func daysSinceEpoch(year, month, day int) int {
	const (
		shiftYears = 400
		shiftDays  = 146097
		// epochDays is what the sum below gives for 1970-01-01 without the shift.
		epochDays = 719468
	)
	y := year + shiftYears
	m := month
	if m <= 2 {
		y--
		m += 12
	}

	// 153 days per five months from March on: 31, 30, 31, 30, 31.
	days := 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + day - 1
	return days - shiftDays - epochDays
}

// parseOffset reads +hh:mm, +hhmm or +hh and returns the offset east of UTC in seconds and
// the bytes read.
func parseOffset(s string) (seconds, n int, ok bool) {
	if len(s) < 3 {
		return 0, 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	hours, okHours := digits(s[1:3])
	if !okHours || hours > 23 {
		return 0, 0, false
	}
	n = 3

	minutes := 0
	switch {
	case len(s) >= 6 && s[3] == ':':
		m, okMinutes := digits(s[4:6])
		if !okMinutes {
			return 0, 0, false
		}
		minutes, n = m, 6
	case len(s) >= 5 && isDigit(s[3]):
		m, okMinutes := digits(s[3:5])
		if !okMinutes {
			return 0, 0, false
		}
		minutes, n = m, 5
	}
	if minutes > 59 {
		return 0, 0, false
	}
	return sign * (hours*3600 + minutes*60), n, true
}

// epochMillisDigits is the digit count from which an integer epoch is read as milliseconds:
// seconds stay below 12 digits until the year 5138, and milliseconds have 13 since 2001.
const epochMillisDigits = 12

// parseEpoch reads seconds since the Unix epoch with an optional decimal fraction, or integer
// milliseconds, as Fluent Bit writes its date field. Digits are read as text so microseconds
// survive exactly.
func parseEpoch(s string) (time.Time, bool) {
	dot := len(s)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			dot = i
			break
		}
	}
	if dot == len(s) && len(s) >= epochMillisDigits && len(s) <= 15 {
		ms, ok := digits(s)
		if !ok {
			return time.Time{}, false
		}
		t := time.UnixMilli(int64(ms)).UTC()
		return t, inYearRange(t)
	}
	if dot == 0 || dot >= epochMillisDigits {
		return parseEpochFloat(s)
	}
	secs, ok := digits(s[:dot])
	if !ok {
		return parseEpochFloat(s)
	}

	nanos := 0
	if dot < len(s) {
		frac := s[dot+1:]
		if frac == "" {
			return time.Time{}, false
		}
		scale := 100_000_000
		for i := 0; i < len(frac); i++ {
			if !isDigit(frac[i]) {
				return parseEpochFloat(s)
			}
			if i < maxFractionDigits {
				nanos += int(frac[i]-'0') * scale
				scale /= 10
			}
		}
	}
	t := time.Unix(int64(secs), int64(nanos)).UTC()
	return t, inYearRange(t)
}

// parseEpochFloat handles the rare exponent form, accepting float64 rounding.
func parseEpochFloat(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(s, 64)
	// 1e11 seconds is past year 5000; anything beyond is not a timestamp.
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	secs := int64(f)
	nanos := int64((f - float64(secs)) * 1e9)
	t := time.Unix(secs, nanos).UTC()
	return t, inYearRange(t)
}

// digits parses a short run of ASCII digits; it rejects signs, spaces and empty input.
func digits(s string) (int, bool) {
	// 18 digits always fit in an int64.
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
