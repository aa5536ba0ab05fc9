package formats

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// TestBlocksGiveSameRecords parses every line twice, once with shared Blocks and once without,
// and compares the records before the next line reuses the blocks. The lines alternate
// between formats, so each kind of block is reused after a different one.
func TestBlocksGiveSameRecords(t *testing.T) {
	lines := synth.New(7, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(3000)
	for _, name := range []string{"netfilter_cases.jsonl", "eve_cases.jsonl", "envelope_cases.jsonl", "sensor_cases.jsonl"} {
		lines = append(lines, caseInputs(t, name)...)
	}
	lines = append(lines, testdataLines(t, "sensor_alerts.ndjson")...)
	require.Greater(t, len(lines), 3000)

	plain := Context{ObjectDate: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)}
	reused := plain
	reused.Blocks = new(Blocks)
	for i, line := range lines {
		want, wantErr := ParseString(line, plain)
		got, gotErr := ParseString(line, reused)

		assert.Equal(t, wantErr, gotErr, "line %d: %s", i+1, line)
		assert.Equal(t, want, got, "line %d: %s", i+1, line)
	}
}

// caseInputs returns the input of every case in a testdata cases file that has a string input.
func caseInputs(t testing.TB, name string) []string {
	t.Helper()
	var inputs []string
	for _, line := range testdataLines(t, name) {
		var c struct {
			Input any `json:"input"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &c), "%s: %s", name, line)
		if s, ok := c.Input.(string); ok {
			inputs = append(inputs, s)
		}
	}
	require.NotEmpty(t, inputs, name)
	return inputs
}

// testdataLines returns the non-empty lines of a file in testdata.
func testdataLines(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	defer f.Close()

	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if sc.Text() != "" {
			lines = append(lines, sc.Text())
		}
	}
	require.NoError(t, sc.Err())
	return lines
}

// FuzzParseWithBlocks checks that reused Blocks never change a record: each input is parsed
// with shared Blocks after a line of every format has filled them, and without.
func FuzzParseWithBlocks(f *testing.F) {
	for _, name := range []string{"netfilter_cases.jsonl", "eve_cases.jsonl", "envelope_cases.jsonl", "sensor_cases.jsonl"} {
		for _, input := range caseInputs(f, name) {
			f.Add(input)
		}
	}
	fill := synth.New(3, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)).Mix(20)
	plain := Context{ObjectDate: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)}

	f.Fuzz(func(t *testing.T, line string) {
		reused := plain
		reused.Blocks = new(Blocks)
		for _, l := range fill {
			_, _ = ParseString(l, reused)
		}

		want, wantErr := ParseString(line, plain)
		got, gotErr := ParseString(line, reused)
		if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
			t.Fatalf("errors differ: %v and %v", wantErr, gotErr)
		}
		if wantErr == nil {
			assert.Equal(t, want, got)
		}
	})
}
