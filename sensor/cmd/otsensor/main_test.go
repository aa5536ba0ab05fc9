package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/internal/corpustest"
)

func TestRunReplaysCapture(t *testing.T) {
	dir := t.TempDir()
	policyPath := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(policyPath, []byte("trusted_writers:\n  - client: 192.168.1.100\n"), 0o600))
	alerts := filepath.Join(dir, "alerts.ndjson")
	pcap := corpustest.Path(t, "pcap", "lemay-send_a_fake_command_modbus_6RTU_with_operate.pcap")

	code := run([]string{"--policy", policyPath, "--sensor", "gw", "--alerts", alerts,
		"--drops", filepath.Join(dir, "firewall.log"), "--stats-json", "--pcap", pcap})

	require.Equal(t, 0, code)
	lines := readLines(t, alerts)
	require.Len(t, lines, 1)
	assert.Contains(t, lines[0], `"rule":"UNAUTHORIZED_MODBUS_WRITE"`)
	assert.Contains(t, lines[0], `"sensor":"gw"`)
	assert.FileExists(t, filepath.Join(dir, "firewall.log"))
}

func TestRunRejects(t *testing.T) {
	dir := t.TempDir()
	badPolicy := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(badPolicy, []byte("zones:\n  - name: a\n    level: L7\n    networks: [10.0.0.0/8]\n"), 0o600))

	tests := []struct {
		name string
		args []string
	}{
		{"no input", []string{"--alerts", "-"}},
		{"files and interfaces", []string{"--pcap", "a.pcap", "--iface", "eth0"}},
		{"realtime live", []string{"--iface", "eth0", "--realtime"}},
		{"bad port", []string{"--pcap", "a.pcap", "--ports", "502,x"}},
		{"bad log level", []string{"--pcap", "a.pcap", "--log-level", "loud"}},
		{"invalid policy", []string{"--pcap", "a.pcap", "--policy", badPolicy, "--alerts", filepath.Join(dir, "a.ndjson"), "--drops", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, 2, run(tt.args))
		})
	}
}

func TestRunMissingCapture(t *testing.T) {
	dir := t.TempDir()

	code := run([]string{"--alerts", filepath.Join(dir, "a.ndjson"), "--drops", "", "--pcap", filepath.Join(dir, "missing.pcap")})

	assert.Equal(t, 1, code)
}

func TestParseFlagsCollectsFiles(t *testing.T) {
	opts, err := parseFlags([]string{"--ports", "502, 20000", "--pcap", "a.pcap", "b.pcapng", "c.pcap.gz"})

	require.NoError(t, err)
	assert.Equal(t, []string{"a.pcap", "b.pcapng", "c.pcap.gz"}, opts.pcaps)
	assert.Equal(t, []uint16{502, 20000}, opts.filterPorts)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	var lines []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if line := strings.TrimSpace(scanner.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	require.NoError(t, scanner.Err())
	return lines
}
