package formats

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScanJSONValidity(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		valid     bool
		truncated bool
	}{
		{"empty object", `{}`, true, false},
		{"nested", `{"a":[1,{"b":null}],"c":"\u00e9\n"}`, true, false},
		{"spaces everywhere", " { \"a\" : [ 1 , 2 ] } ", true, false},
		{"number forms", `[0,-1,1.5,2e3,-0.5E-2]`, true, false},
		{"leading zero", `[01]`, false, false},
		{"bare minus", `[-]`, false, false},
		{"fraction without digits", `[1.]`, false, false},
		{"exponent without digits", `[1e]`, false, false},
		{"trailing comma", `{"a":1,}`, false, false},
		{"missing colon", `{"a" 1}`, false, false},
		{"unquoted key", `{a:1}`, false, false},
		{"bad escape", `["\x"]`, false, false},
		{"bad unicode escape", `["\u12G4"]`, false, false},
		{"control character", "[\"a\tb\"]", false, false},
		{"bad literal", `[tru]`, false, false},
		{"data after value", `{} {}`, false, false},
		{"cut in string", `{"a":"bc`, false, true},
		{"cut after colon", `{"a":`, false, true},
		{"cut in literal", `{"a":tr`, false, true},
		{"cut in number", `{"a":1.`, false, true},
		{"cut in escape", `{"a":"\u00`, false, true},
		{"cut after comma", `[1,`, false, true},
		{"only opening brace", `{`, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := scanJSON(tt.input, 0, nil)
			if tt.valid {
				require.NoError(t, err)
				assert.Equal(t, strings.TrimSpace(tt.input), v.text)
				return
			}
			require.Error(t, err)
			var syntax *jsonSyntaxError
			require.ErrorAs(t, err, &syntax)
			assert.Equal(t, tt.truncated, syntax.truncated, "truncated")
		})
	}
}

func TestScanJSONDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	_, err := scanJSON(deep, 0, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nested deeper")

	ok := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	_, err = scanJSON(ok, 0, nil)
	require.NoError(t, err)
}

func TestDecodeJSONString(t *testing.T) {
	tests := []struct {
		name   string
		quoted string
		want   string
	}{
		{"plain", `"abc"`, "abc"},
		{"short escapes", `"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{"unicode escape", `"caf\u00e9"`, "café"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"lone high surrogate", `"\ud83dx"`, "\uFFFDx"},
		{"lone low surrogate", `"\ude00"`, "\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, decodeJSONString(tt.quoted))

			var std string
			require.NoError(t, json.Unmarshal([]byte(tt.quoted), &std))
			assert.Equal(t, std, decodeJSONString(tt.quoted), "same as encoding/json")
		})
	}
}

// FuzzScanJSON checks the scanner against encoding/json: the same inputs are valid, and
// every string value and key decodes to the same text.
func FuzzScanJSON(f *testing.F) {
	for _, l := range benchEVEAlertLines {
		f.Add(l)
	}
	f.Add(benchSensorLines[0])
	f.Add(`{"a":"\ud83d\ude00\u0000","b":[1e5,-0.0,true,false,null]}`)

	f.Fuzz(func(t *testing.T, s string) {
		var fields jsonFields
		v, err := scanJSON(s, 0, &fields)
		if err != nil {
			if strings.Contains(err.Error(), "nested deeper") {
				return
			}
			if json.Valid([]byte(s)) {
				t.Fatalf("scanJSON(%q) = %v, encoding/json finds it valid", s, err)
			}
			return
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("scanJSON(%q) accepted input that encoding/json rejects", s)
		}

		// Every string and key in the value reads like encoding/json decodes it.
		compareTree(t, s, v)
	})
}

// compareTree checks every string and key inside v against encoding/json's decoding, and
// that each child's position points at its text in the line s.
func compareTree(t *testing.T, s string, v jsonValue) {
	t.Helper()

	if s[v.pos:v.pos+len(v.text)] != v.text {
		t.Fatalf("value %q is not at offset %d of %q", v.text, v.pos, s)
	}
	if v.kind == jsonString {
		compareDecoded(t, v.text, v.stringValue())
	}
	if v.kind != jsonObject && v.kind != jsonArray {
		return
	}
	var quotedKeys []string
	err := v.children(func(_ int, quotedKey string, _ bool, child jsonValue) error {
		quotedKeys = append(quotedKeys, quotedKey)
		compareTree(t, s, child)
		return nil
	})
	if err != nil {
		t.Fatalf("children of %q: %v", v.text, err)
	}
	if v.kind != jsonObject {
		return
	}

	// members decodes the keys that children returned quoted, in the same order.
	var keys []string
	if err := v.members(func(key string, _ jsonValue) error {
		keys = append(keys, key)
		return nil
	}); err != nil {
		t.Fatalf("members of %q: %v", v.text, err)
	}
	if len(keys) != len(quotedKeys) {
		t.Fatalf("members of %q: %d keys, children found %d", v.text, len(keys), len(quotedKeys))
	}
	for i, key := range keys {
		compareDecoded(t, quotedKeys[i], key)
	}
}

// compareDecoded compares one string with encoding/json's decoding. Invalid UTF-8 is left
// out: encoding/json replaces it with U+FFFD, while the scanner keeps the line's bytes.
func compareDecoded(t *testing.T, quoted, got string) {
	t.Helper()

	if !utf8.ValidString(quoted) {
		return
	}
	var std string
	if err := json.Unmarshal([]byte(quoted), &std); err != nil {
		t.Fatalf("encoding/json rejects string %q the scanner accepted: %v", quoted, err)
	}
	if got != std {
		t.Fatalf("string %q reads as %q, encoding/json gives %q", quoted, got, std)
	}
}
