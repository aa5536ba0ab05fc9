package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantStderr string
	}{
		{"no marker", nil, 2, "missing --lab-marker"},
		{"zero poll", []string{"--lab-marker", "m", "--poll", "0s"}, 2, "--poll must be positive"},
		{"extra argument", []string{"--lab-marker", "m", "now"}, 2, `unexpected argument "now"`},
		{"outside the lab", []string{"--lab-marker", "/nonexistent/lab.marker"}, 1, "refusing to send"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			status := run(tt.args, &stderr)

			assert.Equal(t, tt.wantStatus, status, "stderr: %s", stderr.String())
			assert.Contains(t, stderr.String(), tt.wantStderr)
		})
	}
}
