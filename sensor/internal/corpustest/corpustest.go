// Package corpustest finds the shared test corpus of real captures and input cases, which
// lives outside the repository in shared/corpus beside the checkout.
//
// Tests skip when the corpus is absent, except under CI=true, where a missing corpus
// fails them.
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

// Dir returns the corpus folder. It skips the test when the folder is missing, or fails
// it under CI=true.
func Dir(t testing.TB) string {
	t.Helper()

	if dir := os.Getenv(EnvDir); dir != "" {
		return requireDir(t, dir, EnvDir+" names a folder that does not exist")
	}

	// Walk up to the checkout root (the folder with .git) and look beside it.
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
	return requireDir(t, filepath.Clean(searched), "set "+EnvDir+" to its folder")
}

// Path returns a file inside the corpus, skipping or failing like Dir.
func Path(t testing.TB, elem ...string) string {
	t.Helper()

	path := filepath.Join(append([]string{Dir(t)}, elem...)...)
	if _, err := os.Stat(path); err != nil {
		fail(t, "corpus file %q not found: %v", path, err)
	}
	return path
}

// requireDir returns dir if it is a folder, and otherwise skips or fails with hint.
func requireDir(t testing.TB, dir, hint string) string {
	t.Helper()

	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	fail(t, "test corpus %q not found: %s", dir, hint)
	return ""
}

func fail(t testing.TB, format string, args ...any) {
	t.Helper()

	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// Case is one line of a cases/*.jsonl file. Want stays raw for the test to decode.
type Case struct {
	ID          string          `json:"id"`
	Direction   string          `json:"direction"`
	SegmentsHex []string        `json:"segments_hex"`
	Want        json.RawMessage `json:"want"`
	Note        string          `json:"note"`
}

// Cases reads cases/<kind>.jsonl from the corpus.
func Cases(t testing.TB, kind string) []Case {
	t.Helper()

	f, err := os.Open(Path(t, "cases", kind+".jsonl"))
	if err != nil {
		t.Fatalf("open cases %q: %v", kind, err)
	}
	defer f.Close()

	var cases []Case
	scanner := bufio.NewScanner(f)
	for line := 1; scanner.Scan(); line++ {
		if len(scanner.Bytes()) == 0 {
			continue
		}
		var c Case
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			t.Fatalf("decode case %s.jsonl line %d: %v", kind, line, err)
		}
		cases = append(cases, c)
	}
	if err := scanner.Err(); err != nil {
		t.Fatalf("read cases %q: %v", kind, err)
	}
	return cases
}
