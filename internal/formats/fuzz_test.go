package formats

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
)

// fuzzObjectDate is the object date the fuzz targets pass, so bare netfilter lines get past
// the event time check and into the field parser.
var fuzzObjectDate = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// addSeeds adds the inputs of the corpus cases and of the testdata case files whose names
// match, plus extra lines.
func addSeeds(f *testing.F, corpusName, caseFile string, extra ...string) {
	f.Helper()

	for _, c := range corpustest.Cases(f, corpusName) {
		var s string
		if json.Unmarshal(c.Input, &s) == nil {
			f.Add([]byte(s))
		}
	}
	for _, c := range readCaseFileTB(f, filepath.Join("testdata", caseFile)) {
		f.Add([]byte(c))
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// readCaseFileTB returns the inputs of a testdata case file.
func readCaseFileTB(tb testing.TB, path string) []string {
	tb.Helper()

	var inputs []string
	for _, line := range readLines(tb, path) {
		var c struct {
			Input string `json:"input"`
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			tb.Fatalf("read %s: %v", path, err)
		}
		inputs = append(inputs, c.Input)
	}
	return inputs
}

// checkParse runs Parse on data and checks what holds for every input: no panic, an error
// with a known reason or a record with a UTC event time, and no reference into the input
// buffer once Parse has returned.
func checkParse(t *testing.T, data []byte, ctx Context) {
	buf := append([]byte(nil), data...)
	rec, err := Parse(buf, ctx)
	if err != nil {
		if reason := Reason(err); reason == "other" || reason == "" {
			t.Fatalf("Parse(%q) error %v has reason %q", data, err, reason)
		}
		if !strings.HasPrefix(err.Error(), "parse ") {
			t.Fatalf("Parse(%q) error %q does not start with the operation", data, err)
		}
		return
	}

	if rec.EventTime.IsZero() || rec.EventTime.Location() != time.UTC {
		t.Fatalf("Parse(%q) event time %v is zero or not UTC", data, rec.EventTime)
	}
	if rec.IngestTime == nil && rec.Raw != strings.TrimRight(strings.TrimPrefix(string(data), utf8BOM), "\r\n") {
		t.Fatalf("Parse(%q) Raw = %q, want the line", data, rec.Raw)
	}

	// The caller reuses its buffer: scribbling over it must not change the record.
	before, err := json.Marshal(rec)
	if err != nil {
		t.Fatalf("marshal record of %q: %v", data, err)
	}
	for i := range buf {
		buf[i] = 'X'
	}
	after, _ := json.Marshal(rec)
	if string(before) != string(after) {
		t.Fatalf("record of %q changed when the input buffer was overwritten", data)
	}
}

func FuzzParseNetfilter(f *testing.F) {
	addSeeds(f, "iptables", "netfilter_cases.jsonl",
		"IN= OUT= SRC=::1 DST=::ffff:1.2.3.4 [SRC=1.2.3.4 [DST=5.6.7.8 ]] ]",
		"<0>1 - - - - - [a b=\"\\]\"][c] IN=",
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, Context{ObjectDate: fuzzObjectDate, SourceHint: "iptables"})
	})
}

func FuzzParseEVE(f *testing.F) {
	addSeeds(f, "eve", "eve_cases.jsonl",
		`{"event_type":"alert","timestamp":"2024-05-01T00:00:00Z","alert":{"metadata":{"mitre_technique_id":"T0855"}}}`,
		`{"event_type":"modbus","timestamp":"2024-05-01T00:00:00Z","modbus":{"request":{"write":{"data":7}}}}`,
	)
	addSeeds(f, "eve", "sensor_cases.jsonl")
	for _, line := range readLines(f, sensorAlertsFile) {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, Context{SourceHint: "malcolm"})
	})
}

func FuzzParseEnvelope(f *testing.F) {
	addSeeds(f, "objects", "envelope_cases.jsonl",
		`{"date":1e9,"log":"IN=eth0"}`,
		`{"date":"2024-05-01T00:00:00Z","log":"{\"log\":\"IN=\"}"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data, Context{})
	})
}
