// Package corpustest locates the shared test corpus (real captures and input cases) that
// tests read from outside the repository.
//
// The corpus lives in a folder named shared/corpus beside the checkout. Tests skip when it is
// absent, except under CI=true, where a missing corpus fails the test instead.
package corpustest

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// EnvDir names the environment variable that overrides the corpus location.
const EnvDir = "OTLAKE_CORPUS"

// Dir returns the corpus folder, or skips (fails under CI=true) the test when it is missing.
func Dir(t testing.TB) string {
	t.Helper()

	if dir := os.Getenv(EnvDir); dir != "" {
		return requireDir(t, dir, EnvDir+" names a folder that does not exist")
	}

	// Walk up from the test's working folder to the checkout root, then look beside it.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working directory: %v", err)
	}
	// The last candidate is the one beside the checkout root, which the message names.
	searched := ""
	for dir := wd; ; dir = filepath.Dir(dir) {
		searched = filepath.Join(dir, "..", "shared", "corpus")
		if st, err := os.Stat(searched); err == nil && st.IsDir() {
			return searched
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || dir == filepath.Dir(dir) {
			break
		}
	}
	return requireDir(t, filepath.Clean(searched), "set "+EnvDir+" to run this test")
}

// requireDir returns dir if it is a folder. Otherwise it fails the test under CI=true and
// skips it elsewhere, and the message ends with hint.
func requireDir(t testing.TB, dir, hint string) string {
	t.Helper()

	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("test corpus %q not found, and CI=true needs it: %s", dir, hint)
	}
	t.Skipf("test corpus %q not found: %s", dir, hint)
	return ""
}

// Case is one line of a cases/*.jsonl file. Input is raw JSON: a string for most kinds, an
// object for some; Want and Context stay raw for the test to decode into its own type.
type Case struct {
	ID          string          `json:"id"`
	Input       json.RawMessage `json:"input"`
	SegmentsHex []string        `json:"segments_hex"`
	Direction   string          `json:"direction"`
	Key         string          `json:"key"`
	InputHex    *string         `json:"input_hex"`
	InputHexOf  string          `json:"input_hex_of"`
	Context     json.RawMessage `json:"context"`
	Want        json.RawMessage `json:"want"`
	Note        string          `json:"note"`
	Ref         string          `json:"ref"`
}

// InputString decodes Input as a JSON string, failing the test when it is not one.
func (c Case) InputString(t testing.TB) string {
	t.Helper()

	var s string
	if err := json.Unmarshal(c.Input, &s); err != nil {
		t.Fatalf("case %s: input is not a JSON string: %v", c.ID, err)
	}
	return s
}

// Cases reads cases/NAME.jsonl from the corpus.
func Cases(t testing.TB, name string) []Case {
	t.Helper()

	path := filepath.Join(Dir(t), "cases", name+".jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open corpus cases: %v", err)
	}
	defer f.Close()

	var cases []Case
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c Case
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("parse %s line %d: %v", path, line, err)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if len(cases) == 0 {
		t.Fatalf("corpus file %s contains no cases", path)
	}
	return cases
}
