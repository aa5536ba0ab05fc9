package formats

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReasonLabels(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil error", nil, ""},
		{"foreign error", errors.New("disk full"), "other"},
		{"bare sentinel", ErrBadPort, "bad_port"},
		{"wrapped sentinel", fmt.Errorf("read object: %w", ErrTruncated), "truncated_json"},
		{"parse error", &ParseError{Format: "EVE record", Detail: "x", Err: ErrBadAddress}, "bad_address"},
		{
			"envelope wraps inner parse error",
			fmt.Errorf("parse envelope log: %w", &ParseError{Format: "JSON line", Detail: "x", Err: ErrTruncated, Cause: errors.New("cut")}),
			"truncated_json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Reason(tt.err))
		})
	}
}

func TestReasonsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range reasons {
		assert.False(t, seen[r.reason], "reason %q used twice", r.reason)
		seen[r.reason] = true
		assert.Equal(t, r.reason, Reason(r.err), "Reason of its own sentinel")
	}
}

func TestParseErrorMessage(t *testing.T) {
	cause := errors.New("IPv4 field has value >255")
	err := &ParseError{Format: "netfilter line", Column: 54, Detail: `invalid SRC= "999.1.1.1"`, Err: ErrBadAddress, Cause: cause}

	assert.Equal(t, `parse netfilter line: invalid SRC= "999.1.1.1" at column 54: IPv4 field has value >255`, err.Error())
	assert.ErrorIs(t, err, ErrBadAddress)
	assert.ErrorIs(t, err, cause)
}

func TestParseErrorQuoteCutsLongValues(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = '9'
	}
	_, err := Parse([]byte("IN=eth0 SRC="+string(long)), Context{})
	require.Error(t, err)

	assert.Equal(t, "bad_address", Reason(err))
	assert.Less(t, len(err.Error()), 300, "message repeats at most %d bytes of the value", maxQuotedValue)
}

// TestParseConcurrentMatchesSerial parses the test lines from several goroutines and checks
// the records equal the serial ones, which would catch a pooled parser's buffer leaking into
// a record.
func TestParseConcurrentMatchesSerial(t *testing.T) {
	var lines []string
	lines = append(lines, benchNetfilterLines...)
	lines = append(lines, benchEVEAlertLines...)
	lines = append(lines, benchSensorLines...)
	lines = append(lines, benchEnvelopeLines...)

	want := make([]string, len(lines))
	for i, l := range lines {
		rec, err := Parse([]byte(l), benchContext)
		require.NoError(t, err)
		b, err := json.Marshal(rec)
		require.NoError(t, err)
		want[i] = string(b)
	}

	const workers, rounds = 4, 200
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				i := (r + w) % len(lines)
				rec, err := Parse([]byte(lines[i]), benchContext)
				b, _ := json.Marshal(rec)
				if err != nil || string(b) != want[i] {
					errs <- fmt.Sprintf("line %d: err %v, got %s", i, err, b)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
