package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	sensorAlertsFile  = "testdata/sensor_alerts.ndjson"
	sensorAlertGolden = "testdata/sensor_alerts.golden.json"
	alertSchemaFile   = "../../schema/sensor-alert.schema.json"
)

// readLines returns the non-empty lines of a testdata file.
func readLines(t testing.TB, path string) []string {
	t.Helper()

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()

	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			lines = append(lines, sc.Text())
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, lines, path)
	return lines
}

// TestSensorAlertsMatchSchema validates every sample alert against the schema both modules share.
func TestSensorAlertsMatchSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schemaPath, err := filepath.Abs(alertSchemaFile)
	require.NoError(t, err)
	schema, err := c.Compile(schemaPath)
	require.NoError(t, err, "compile %s", alertSchemaFile)

	for n, line := range readLines(t, sensorAlertsFile) {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(line))
		require.NoError(t, err, "line %d", n+1)
		assert.NoError(t, schema.Validate(inst), "line %d: %s", n+1, line)
	}
}

// TestSensorAlertsSchemaRejects makes sure the schema test above can fail: each line here
// breaks one rule of the schema.
func TestSensorAlertsSchemaRejects(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schemaPath, err := filepath.Abs(alertSchemaFile)
	require.NoError(t, err)
	schema, err := c.Compile(schemaPath)
	require.NoError(t, err)

	good := readLines(t, sensorAlertsFile)[0]
	tests := []struct {
		name    string
		replace [2]string
	}{
		{"timestamp not utc", [2]string{`"2024-05-01T10:02:38.412Z"`, `"2024-05-01T12:02:38.412+02:00"`}},
		{"technique bad shape", [2]string{`"T0855"`, `"T855"`}},
		{"unknown rule", [2]string{`"UNAUTHORIZED_MODBUS_WRITE"`, `"SOMETHING_ELSE"`}},
		{"invalid src ip", [2]string{`"198.51.100.7"`, `"198.51.100.700"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.Replace(good, tt.replace[0], tt.replace[1], 1)
			require.NotEqual(t, good, line, "replacement %q not found", tt.replace[0])
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(line))
			require.NoError(t, err)
			assert.Error(t, schema.Validate(inst))
		})
	}
}

// TestSensorAlertsGolden parses every sample alert and compares the records with the golden
// file; run with -update to rewrite it after a deliberate change.
func TestSensorAlertsGolden(t *testing.T) {
	var records []telemetry.Record
	for n, line := range readLines(t, sensorAlertsFile) {
		rec, err := Parse([]byte(line), Context{SourceHint: telemetry.SourceSensor})
		require.NoError(t, err, "line %d", n+1)
		assert.Equal(t, telemetry.FormatSensorAlert, rec.Format, "line %d format", n+1)
		records = append(records, rec)
	}

	got, err := json.MarshalIndent(records, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	if *update {
		require.NoError(t, os.WriteFile(sensorAlertGolden, got, 0o644))
	}
	want, err := os.ReadFile(sensorAlertGolden)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), string(got))
	assert.True(t, bytes.Contains(want, []byte(`"Rule": "PROCESS_SAFETY_VIOLATION"`)), "golden file has the safety alert")
}
