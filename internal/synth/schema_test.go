package synth

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alertSchemaPath is the sensor alert contract shared with the sensor module.
var alertSchemaPath = filepath.Join("..", "..", "schema", "sensor-alert.schema.json")

func compileAlertSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()

	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(alertSchemaPath)
	require.NoError(t, err)
	return sch
}

func TestSampleAlertsMatchSchema(t *testing.T) {
	sch := compileAlertSchema(t)

	f, err := os.Open(filepath.Join(samplesDir, "ot_sensor", "alerts.ndjson"))
	require.NoError(t, err)
	defer f.Close()

	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(sc.Text()))
		require.NoError(t, err, "line %d", n)
		assert.NoError(t, sch.Validate(inst), "line %d", n)
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, 200, n)
}

func TestAlertSchemaRejects(t *testing.T) {
	sch := compileAlertSchema(t)
	valid := New(7, sampleStart).SensorAlert()

	tests := []struct {
		name string
		line string
	}{
		{"unknown rule", strings.Replace(valid, `"rule":"`, `"rule":"X`, 1)},
		{"local time", strings.Replace(valid, `Z","sensor"`, `+02:00","sensor"`, 1)},
		{"extra field", strings.Replace(valid, `{"timestamp"`, `{"extra":1,"timestamp"`, 1)},
		{"bad technique id", strings.Replace(valid, `"techniques":["`, `"techniques":["X`, 1)},
		{"bad address", strings.Replace(valid, `"dst_ip":"172.`, `"dst_ip":"999.`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEqual(t, valid, tt.line, "the replacement must change the line")
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.line))
			require.NoError(t, err)
			assert.Error(t, sch.Validate(inst))
		})
	}
}
