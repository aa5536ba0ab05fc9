package analytics

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzStagedFilePath checks that no bucket key maps to a path outside the download folder or
// into a folder DuckDB would not read as a date and source partition.
func FuzzStagedFilePath(f *testing.F) {
	for _, seed := range []string{
		"parsed/date=2026-05-20/source=ot_sensor/0d4b5b9e0ffa355274b0e131ba218e92.parquet",
		"parsed/date=2026-05-20/source=../../x.parquet",
		"parsed/date=2026-05-20/source=a/..",
		"parsed//x.parquet",
		"errors/date=2026-05-20/source=iptables/86ea.ndjson",
	} {
		f.Add(seed)
	}
	dir := filepath.Join(f.TempDir(), "download")

	f.Fuzz(func(t *testing.T, key string) {
		path, err := stagedFilePath(dir, key)
		if err != nil {
			return
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
			t.Fatalf("key %q maps outside the folder: %q", key, path)
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 4 || parts[0] != "parsed" || !strings.HasPrefix(parts[1], "date=") || !strings.HasPrefix(parts[2], "source=") {
			t.Fatalf("key %q maps to %q, not parsed/date=/source=/file", key, rel)
		}
		if strings.ContainsAny(rel, globChars) {
			t.Fatalf("key %q maps to %q with glob characters", key, rel)
		}
	})
}

// FuzzCellText checks that a table cell never carries a control character or invalid UTF-8,
// whatever a logged string holds.
func FuzzCellText(f *testing.F) {
	for _, seed := range []string{"ET SCADA Modbus", "a\nb\x1b[2J", "Brute Force – Scan", "\xff\xfe", "\u0085\u2028"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cellText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("cellText(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
				t.Fatalf("cellText(%q) = %q keeps control character %U", s, got, r)
			}
		}
	})
}

// FuzzParseAthenaValue checks that any cell text Athena returns either converts to the
// column's kind or fails with an error, and that an integer keeps the value of its text.
func FuzzParseAthenaValue(f *testing.F) {
	for _, seed := range []string{"500", "-1", "0.25", "true", "2026-05-20 19:20:00.896", "", "9223372036854775808", "NaN"} {
		for kind := KindText; kind <= KindTime; kind++ {
			f.Add(seed, int(kind))
		}
	}
	f.Fuzz(func(t *testing.T, text string, kindNumber int) {
		kind := Kind(kindNumber)
		got, err := parseAthenaValue(&text, kind)
		if err != nil {
			return
		}
		switch kind {
		case KindInteger:
			n, ok := got.(int64)
			if !ok {
				t.Fatalf("integer %q parsed as %T", text, got)
			}
			if strings.TrimPrefix(text, "+") != strconv.FormatInt(n, 10) && !strings.HasPrefix(strings.TrimLeft(text, "+-"), "0") {
				t.Fatalf("integer %q parsed as %d", text, n)
			}
		case KindFloat:
			if _, ok := got.(float64); !ok {
				t.Fatalf("number %q parsed as %T", text, got)
			}
		case KindBool:
			if _, ok := got.(bool); !ok {
				t.Fatalf("boolean %q parsed as %T", text, got)
			}
		default:
			if got != text {
				t.Fatalf("text %q came back as %v", text, got)
			}
		}
	})
}
