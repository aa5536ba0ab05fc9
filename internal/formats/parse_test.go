package formats

import (
	"path/filepath"
	"testing"
)

// TestParseCorpusCases runs the shared corpus's line cases through Parse.
func TestParseCorpusCases(t *testing.T) {
	var cases []lineCase
	cases = append(cases, corpusLineCases(t, "iptables", "ipt-")...)
	cases = append(cases, corpusLineCases(t, "eve", "eve-")...)
	cases = append(cases, corpusLineCases(t, "objects", "fb-")...)

	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			runLineCase(t, c)
		})
	}
}

// TestParseCases runs this package's own cases, which cover each kind of input around the
// corpus cases.
func TestParseCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*_cases.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*_cases.jsonl files: %v", err)
	}

	for _, file := range files {
		for _, c := range readCaseFile(t, file) {
			t.Run(filepath.Base(file)+"/"+c.ID, func(t *testing.T) {
				runLineCase(t, c)
			})
		}
	}
}
