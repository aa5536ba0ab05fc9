package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var samplesDir = filepath.Join("..", "..", "samples")

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitStatus(t *testing.T) {
	lake := t.TempDir()
	corrupt := filepath.Join(t.TempDir(), "corrupt.json")
	require.NoError(t, os.WriteFile(corrupt, []byte{0x1f, 0x8b, 8, 0, 1, 2}, 0o644))

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"no command", nil, exitUsage, "usage: otlake"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"ingest without path", []string{"ingest", "--lake", lake}, exitUsage, "no PATH given"},
		{"ingest unknown flag", []string{"ingest", "--nope", "x"}, exitUsage, "flag provided but not defined"},
		{"ingest missing file", []string{"ingest", "--lake", lake, "/does/not/exist"}, exitFailure, "/does/not/exist"},
		{"ingest corrupt object", []string{"ingest", "--lake", lake, "--source", "ot_sensor", corrupt}, exitFailure, "1 of 1 objects could not be processed"},
		{"detections bad severity", []string{"detections", "--lake", lake, "--severity", "urgent"}, exitUsage, `invalid --severity "urgent"`},
		{"detections bad since", []string{"detections", "--lake", lake, "--since", "yesterday"}, exitUsage, `invalid --since "yesterday"`},
		{"help", []string{"help"}, exitOK, "commands:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(tt.args...)
			assert.Equal(t, tt.wantCode, code, "stderr: %s", stderr)
			assert.Contains(t, stderr, tt.wantStderr)
		})
	}
}

func TestIngestThenDetections(t *testing.T) {
	lake := t.TempDir()

	code, out, stderr := runCLI("ingest", "--lake", lake, samplesDir)
	require.Equal(t, exitOK, code, stderr)
	for _, want := range []string{
		"processed 3, unchanged 0, failed 0",
		"records by source and format:",
		"bad lines: 2",
		"firewall.log line 301: unknown_format",
		"UNAUTHORIZED_MODBUS_WRITE#ot_sensor",
		"incidents (8, one per incident_correlator):",
		"  [CRITICAL] OT Incident ",
		"    report: ",
	} {
		assert.Contains(t, out, want)
	}

	code, out, stderr = runCLI("ingest", "--lake", lake, samplesDir)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "processed 0, unchanged 3, failed 0")
	assert.NotContains(t, out, "incidents (")

	code, out, stderr = runCLI("detections", "--lake", lake, "--severity", "HIGH")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Greater(t, len(lines), 2)
	assert.True(t, strings.HasPrefix(lines[0], "DETECTED_AT"))
	for _, line := range lines[1 : len(lines)-1] {
		assert.Contains(t, line, " HIGH ")
	}
	assert.Regexp(t, `^\d+ detection\(s\)$`, lines[len(lines)-1])

	code, out, _ = runCLI("detections", "--lake", lake, "--host", "192.0.2.99")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "0 detection(s)")
}

func TestWatchOnceAndIncidents(t *testing.T) {
	lake := t.TempDir()

	// An object placed under raw/ by a shipper is picked up by watch.
	data, err := os.ReadFile(filepath.Join(samplesDir, "ot_sensor", "alerts.ndjson"))
	require.NoError(t, err)
	key := filepath.Join(lake, "raw", "source=ot_sensor", "date=2026-05-20", "ot-gateway-1.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(key), 0o755))
	require.NoError(t, os.WriteFile(key, data, 0o644))

	code, out, stderr := runCLI("watch", "--lake", lake, "--once")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "processed source=ot_sensor/date=2026-05-20/ot-gateway-1.json: 200 records, 0 bad, 200 detections (200 new)")
	assert.Contains(t, out, "incident  ")

	code, out, stderr = runCLI("incidents", "--lake", lake, "--details")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "57 detection(s)", "the PROCESS_SAFETY_VIOLATION incident")
	assert.Contains(t, out, "subject: [CRITICAL] OT Incident ")
	assert.Contains(t, out, "containment:")
	assert.Contains(t, out, "4 incident report(s)", "one per sensor rule")

	code, _, stderr = runCLI("watch", "--lake", lake, "--interval", "0s")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "invalid --interval")
}

func TestFlagsAfterArguments(t *testing.T) {
	lake := t.TempDir()
	data, err := os.ReadFile(filepath.Join(samplesDir, "ot_sensor", "alerts.ndjson"))
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "alerts.ndjson")
	require.NoError(t, os.WriteFile(file, data, 0o644))

	// The flag after the path applies: the lake is the one named, not ./.lake.
	code, out, stderr := runCLI("ingest", file, "--lake", lake)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "processed 1, unchanged 0, failed 0")
	assert.FileExists(t, filepath.Join(lake, "lake.db"))

	// After "--" a path that looks like a flag is a path.
	code, _, stderr = runCLI("ingest", "--lake", lake, "--", "--not-a-flag")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, `"--not-a-flag"`)
}

func TestReadCommandsNeedALake(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-lake")
	for _, args := range [][]string{
		{"detections", "--lake", missing},
		{"incidents", "--lake", missing},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := runCLI(args...)
			assert.Equal(t, exitFailure, code)
			assert.Contains(t, stderr, "run otlake ingest or otlake watch first")
			assert.NoDirExists(t, missing, "a read command must not create a lake")
		})
	}
}
