package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantStderr string
	}{
		{"no mode", nil, 2, "missing --lab-marker"},
		{"both modes", []string{"--pcap", "x.pcap", "--lab-marker", "m"}, 2, "exclude each other"},
		{"bad start", []string{"--pcap", "x.pcap", "--start", "yesterday"}, 2, `invalid --start "yesterday"`},
		{"extra argument", []string{"--pcap", "x.pcap", "now"}, 2, `unexpected argument "now"`},
		{"outside the lab", []string{"--lab-marker", "/nonexistent/lab.marker"}, 1, "refusing to send"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			status := run(tt.args, &stdout, &stderr)

			assert.Equal(t, tt.wantStatus, status, "stderr: %s", stderr.String())
			assert.Contains(t, stderr.String(), tt.wantStderr)
			assert.Empty(t, stdout.String(), "nothing runs on an error")
		})
	}
}

func TestRunWritesCapture(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantFrames int
		wantPhases int
	}{
		{"campaign", []string{"--baseline", "20s", "--attack-at", "5s"}, 644, 4},
		{"baseline only", []string{"--baseline", "10s", "--no-attack"}, 129, 0}, // handshake, 10 polls of 4 exchanges, 1 write, close
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lab.pcap")
			args := append([]string{"--pcap", path, "--start", "2026-03-01T12:00:00Z"}, tt.args...)
			var stdout, stderr bytes.Buffer
			require.Equal(t, 0, run(args, &stdout, &stderr), "stderr: %s", stderr.String())

			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			r, err := pcapgo.NewReader(f)
			require.NoError(t, err)
			frames := 0
			for {
				if _, _, err := r.ReadPacketData(); err != nil {
					break
				}
				frames++
			}
			assert.Equal(t, tt.wantFrames, frames, "frames in the capture")
			assert.Equal(t, tt.wantPhases, bytes.Count(stdout.Bytes(), []byte(": done: ")), "phases done")
		})
	}
}
