package formats

import "time"

// syslogKind is the kind of syslog header a line starts with, if any.
type syslogKind int

const (
	syslogNone    syslogKind = iota // bare line, no header
	syslogRFC3164                   // <PRI>Mmm dd hh:mm:ss host tag: msg
	syslogRFC5424                   // <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD msg
	syslogISO                       // ISO 8601 timestamp host tag: msg (rsyslog's high-precision form)
)

// syslogHeader is the host and time a syslog header gives for the message after it.
type syslogHeader struct {
	kind       syslogKind
	host       string
	time       time.Time // zero when the header has no timestamp (RFC 5424 "-")
	assumedUTC bool      // the timestamp had no zone
}

// maxPRI is the largest syslog priority: facility 23 * 8 + severity 7 (RFC 5424 section 6.2.1).
const maxPRI = 191

// nowUTC is the clock RFC 3164 year inference uses when the object has no date; tests set it.
var nowUTC = func() time.Time { return time.Now().UTC() }

// splitSyslog reads an optional syslog header at the start of s into hdr, which must be zero,
// and returns the offset of the message that follows. A line without a header leaves hdr
// zero (syslogNone) and returns 0. After an error, hdr may be partly filled. The header is
// filled in place because copying the 56-byte struct back through up to three returns was a
// measurable share of the header's cost.
func splitSyslog(s string, ctx *Context, hdr *syslogHeader) (int, error) {
	i := 0

	// <PRI>: one to three digits up to 191.
	hasPRI := false
	if len(s) > 0 && s[0] == '<' {
		end := 1
		for end < len(s) && end <= 4 && isDigit(s[end]) {
			end++
		}
		pri, ok := digits(s[1:end])
		if !ok || end >= len(s) || s[end] != '>' || pri > maxPRI {
			return 0, &ParseError{Format: "syslog header", Column: 1, Detail: "invalid PRI " + quote(prefixOf(s, 6)), Err: ErrBadSyslog}
		}
		i = end + 1
		hasPRI = true
	}

	// The version digit after PRI marks RFC 5424; a month name RFC 3164; a year ISO 8601.
	rest := s[i:]
	switch {
	case hasPRI && len(rest) >= 2 && isDigit(rest[0]) && (rest[1] == ' ' || (isDigit(rest[1]) && len(rest) >= 3 && rest[2] == ' ')):
		return splitRFC5424(s, i, hdr)
	case monthIndex(rest) > 0:
		return splitRFC3164(s, i, ctx.ObjectDate, hdr)
	case len(rest) >= 5 && isDigit(rest[0]) && isDigit(rest[1]) && isDigit(rest[2]) && isDigit(rest[3]) && rest[4] == '-':
		t, assumed, n, ok := parseISOTime(rest)
		if !ok || n >= len(rest) || rest[n] != ' ' {
			return 0, &ParseError{Format: "syslog header", Column: i + 1, Detail: "invalid timestamp " + quote(fieldAt(rest, 0)), Err: ErrBadTimestamp}
		}
		hdr.kind, hdr.time, hdr.assumedUTC = syslogISO, t, assumed
		return splitHostTag(s, i+n+1, hdr)
	case hasPRI:
		return 0, &ParseError{Format: "syslog header", Column: i + 1, Detail: "no timestamp after PRI", Err: ErrBadSyslog}
	}
	return 0, nil
}

// splitRFC3164 reads "Mmm dd hh:mm:ss host tag:" starting at i into hdr.
func splitRFC3164(s string, i int, objectDate time.Time, hdr *syslogHeader) (int, error) {
	bad := func(detail string) (int, error) {
		return 0, &ParseError{Format: "syslog header", Column: i + 1, Detail: detail + " " + quote(prefixOf(s[i:], 15)), Err: ErrBadTimestamp}
	}

	// The day is space-padded ("May  1"), but some senders write "May 01" or "May 1".
	month := monthIndex(s[i:])
	j := i + 3
	if j >= len(s) || s[j] != ' ' {
		return bad("invalid RFC 3164 timestamp")
	}
	j++
	if j < len(s) && s[j] == ' ' {
		j++
	}
	dayStart := j
	for j < len(s) && isDigit(s[j]) && j-dayStart < 2 {
		j++
	}
	day, ok := digits(s[dayStart:j])
	if !ok || j >= len(s) || s[j] != ' ' {
		return bad("invalid RFC 3164 day")
	}
	j++

	// hh:mm:ss, then the host.
	if len(s)-j < 8 || s[j+2] != ':' || s[j+5] != ':' {
		return bad("invalid RFC 3164 time")
	}
	hour, ok1 := digits(s[j : j+2])
	minute, ok2 := digits(s[j+3 : j+5])
	second, ok3 := digits(s[j+6 : j+8])
	if !ok1 || !ok2 || !ok3 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 {
		return bad("invalid RFC 3164 time")
	}
	j += 8
	if j >= len(s) || s[j] != ' ' {
		return bad("invalid RFC 3164 time")
	}

	t, ok := rfc3164Year(time.Month(month), day, hour, minute, second, objectDate)
	if !ok {
		return bad("invalid RFC 3164 date")
	}
	hdr.kind, hdr.time, hdr.assumedUTC = syslogRFC3164, t, true
	return splitHostTag(s, j+1, hdr)
}

// rfc3164Year dates an RFC 3164 timestamp, which has no year. With an object date, the year
// that puts the line nearest to that date wins. So a Dec 31 line in an object dated Jan 1
// lands in the previous year, and a Jan 1 line in an object dated Dec 31 in the next one.
// Without an object date, the line is from the current UTC year unless that puts it more than
// a day in the future, in which case it is from the previous year.
func rfc3164Year(month time.Month, day, hour, minute, second int, objectDate time.Time) (time.Time, bool) {
	// The caller has checked day, hour, minute and second, so only the day of the month and
	// the year can be out of range. Both are checked by arithmetic, as parseISOTime does,
	// because time.Date and reading the day and year back cost more than the rest of the
	// header.
	at := func(year int) (time.Time, bool) {
		if year < minYear || year > maxYear || day > daysInMonth(year, int(month)) {
			return time.Time{}, false
		}
		unix := int64(daysSinceEpoch(year, int(month), day))*secondsPerDay + int64(hour*3600+minute*60+second)
		return time.Unix(unix, 0).UTC(), true
	}

	if objectDate.IsZero() {
		now := nowUTC()
		if t, ok := at(now.Year()); ok && !t.After(now.Add(24*time.Hour)) {
			return t, true
		}
		return at(now.Year() - 1)
	}

	// Most lines fall within half a year of their object's date in the same year, which
	// settles the year without trying the neighbours.
	ref := objectDate.UTC()
	const halfYear = 182 * 24 * time.Hour
	if t, ok := at(ref.Year()); ok && absDuration(t.Sub(ref)) <= halfYear {
		return t, true
	}

	var best time.Time
	found := false
	for _, year := range [...]int{ref.Year() - 1, ref.Year(), ref.Year() + 1} {
		t, ok := at(year)
		if !ok {
			continue
		}
		if !found || absDuration(t.Sub(ref)) < absDuration(best.Sub(ref)) {
			best, found = t, true
		}
	}
	return best, found
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// splitHostTag reads "host tag: " from i, shared by RFC 3164 and the ISO 8601 form. The tag
// is the first word when it ends in ':' (with an optional "[pid]"); otherwise the message
// starts right after the host. It sets hdr.host.
func splitHostTag(s string, i int, hdr *syslogHeader) (int, error) {
	host := fieldAt(s, i)
	if host == "" {
		return 0, &ParseError{Format: "syslog header", Column: i + 1, Detail: "missing hostname", Err: ErrBadSyslog}
	}

	// Local files written without a hostname go straight from the time to the tag.
	if host[len(host)-1] == ':' {
		return skipSpaces(s, i+len(host)), nil
	}
	hdr.host = host
	i = skipSpaces(s, i+len(host))

	tag := fieldAt(s, i)
	if len(tag) > 1 && tag[len(tag)-1] == ':' {
		i = skipSpaces(s, i+len(tag))
	}
	return i, nil
}

// splitRFC5424 reads "VERSION TIMESTAMP HOST APP PROCID MSGID SD [MSG]" from i into hdr.
func splitRFC5424(s string, i int, hdr *syslogHeader) (int, error) {
	hdr.kind = syslogRFC5424
	bad := func(at int, detail string, kind error) (int, error) {
		return 0, &ParseError{Format: "RFC 5424 header", Column: at + 1, Detail: detail, Err: kind}
	}

	// VERSION was checked by the caller to be one or two digits and a space.
	i = skipSpaces(s, i+len(fieldAt(s, i)))

	// TIMESTAMP: "-" or a full date-time.
	stamp := fieldAt(s, i)
	if stamp != "-" {
		t, assumed, n, ok := parseISOTime(stamp)
		if !ok || n != len(stamp) {
			return bad(i, "invalid timestamp "+quote(stamp), ErrBadTimestamp)
		}
		hdr.time, hdr.assumedUTC = t, assumed
	}
	i = skipSpaces(s, i+len(stamp))

	// HOSTNAME, APP-NAME, PROCID and MSGID are single words, "-" when empty.
	for field := 0; field < 4; field++ {
		word := fieldAt(s, i)
		if word == "" {
			return bad(i, "header ends before MSGID", ErrBadSyslog)
		}
		if field == 0 && word != "-" {
			hdr.host = word
		}
		i = skipSpaces(s, i+len(word))
	}

	// STRUCTURED-DATA: "-" or [id param="value" ...] elements, where values escape '"', '\'
	// and ']' with a backslash.
	if i >= len(s) {
		return bad(i, "missing STRUCTURED-DATA", ErrBadSyslog)
	}
	if s[i] == '-' {
		i++
	} else {
		end, ok := skipStructuredData(s, i)
		if !ok {
			return bad(i, "invalid STRUCTURED-DATA", ErrBadSyslog)
		}
		i = end
	}

	// MSG may start with a UTF-8 byte order mark (RFC 5424 section 6.4).
	i = skipSpaces(s, i)
	if len(s)-i >= 3 && s[i] == 0xEF && s[i+1] == 0xBB && s[i+2] == 0xBF {
		i += 3
	}
	return i, nil
}

// skipStructuredData returns the offset after the SD elements that start at i.
func skipStructuredData(s string, i int) (int, bool) {
	for i < len(s) && s[i] == '[' {
		i++
		inValue := false
		closed := false
		for i < len(s) && !closed {
			switch c := s[i]; {
			case inValue && c == '\\' && i+1 < len(s):
				i++
			case c == '"':
				inValue = !inValue
			case !inValue && c == ']':
				closed = true
			}
			i++
		}
		if !closed {
			return 0, false
		}
	}
	return i, true
}

// monthIndex returns 1 to 12 when s starts with one of RFC 3164's English month
// abbreviations and a space, else 0.
func monthIndex(s string) int {
	if len(s) < 4 || s[3] != ' ' {
		return 0
	}

	// A switch compiles to a few compares of the 3-byte name where a loop over the names
	// makes up to twelve.
	switch s[:3] {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

// fieldAt returns the run of non-space bytes starting at i.
func fieldAt(s string, i int) string {
	if i >= len(s) {
		return ""
	}
	return s[i:indexSpace(s, i)]
}

// skipSpaces returns the offset of the first non-space byte at or after i.
func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// prefixOf returns at most n bytes of s, for error messages.
func prefixOf(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
