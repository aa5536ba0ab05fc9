package formats

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// assertSameInt checks that parseJSONInt either agrees with strconv.ParseInt or leaves the
// text to it.
func assertSameInt(t *testing.T, text string) {
	t.Helper()

	got, ok := parseJSONInt(text)
	if !ok {
		return
	}
	want, err := strconv.ParseInt(text, 10, 64)
	if assert.NoError(t, err, "parseJSONInt(%q) accepted text that strconv.ParseInt rejects", text) {
		assert.Equal(t, want, got, "parseJSONInt(%q)", text)
	}
}

func TestParseJSONInt(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		want   int64
		wantOK bool
	}{
		{"zero", "0", 0, true},
		{"negative zero", "-0", 0, true},
		{"port", "65535", 65535, true},
		{"negative", "-42", -42, true},
		{"18 digits", "999999999999999999", 999999999999999999, true},
		{"19 digits left to strconv", "1000000000000000000", 0, false},
		{"fraction", "1.5", 0, false},
		{"exponent", "1e3", 0, false},
		{"bare minus", "-", 0, false},
		{"empty", "", 0, false},
		{"quoted", `"12"`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseJSONInt(tt.text)
			assert.Equal(t, tt.wantOK, ok, "parseJSONInt(%q) ok", tt.text)
			assert.Equal(t, tt.want, got, "parseJSONInt(%q)", tt.text)
			assertSameInt(t, tt.text)
		})
	}
}

// FuzzParseJSONInt holds parseJSONInt to strconv.ParseInt on any text.
func FuzzParseJSONInt(f *testing.F) {
	f.Add("40000")
	f.Add("-9223372036854775808")
	f.Add("007")
	f.Fuzz(func(t *testing.T, text string) {
		assertSameInt(t, text)
	})
}
