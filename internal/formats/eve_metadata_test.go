package formats

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEVEMetadataTechniques covers the technique keys that the scanner stores while it reads
// alert.metadata, including more keys than it keeps, when the reader walks the object.
func TestEVEMetadataTechniques(t *testing.T) {
	line := func(alert string) string {
		return `{"timestamp":"2024-05-01T00:00:00Z","event_type":"alert","alert":` + alert + `}`
	}
	manyKeys := make([]string, maxTechniqueValues+1)
	for i := range manyKeys {
		manyKeys[i] = `"mitre_technique_` + string(rune('a'+i)) + `":["T080` + string(rune('0'+i)) + `"]`
	}

	tests := []struct {
		name string
		line string
		want []string
	}{
		{"id and name keys", line(`{"metadata":{"mitre_technique_id":["T0855","T0836"],"mitre_technique_name":["Unauthorized Command Message"]}}`), []string{"T0855", "T0836"}},
		{"other keys skipped", line(`{"metadata":{"attack_target":["T0001"],"mitre_tactic_id":["TA0104"],"mitre_technique_id":["T0855"]}}`), []string{"T0855"}},
		{"string value", line(`{"metadata":{"mitre_technique_id":"T0855"}}`), []string{"T0855"}},
		{"duplicates once", line(`{"metadata":{"mitre_technique_id":["T0855"],"mitre_technique_id":["T0855","T0836"]}}`), []string{"T0855", "T0836"}},
		{"escaped key", line(`{"metadata":{"mitre_technique\u005fid":["T0855"]}}`), []string{"T0855"}},
		{"more keys than stored", line(`{"metadata":{` + strings.Join(manyKeys, ",") + `}}`), []string{"T0800", "T0801", "T0802", "T0803", "T0804"}},
		{"first alert only", line(`{"metadata":{"mitre_technique_id":["T0855"]}},"alert":{"metadata":{"mitre_technique_id":["T0836"]}}`), []string{"T0855"}},
		{"first metadata only", line(`{"metadata":{"mitre_technique_id":["T0855"]},"metadata":{"mitre_technique_id":["T0836"]}}`), []string{"T0855"}},
		{"nested object skipped", line(`{"metadata":{"x":{"mitre_technique_id":["T0855"]}}}`), nil},
		{"empty metadata", line(`{"metadata":{}}`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Parse([]byte(tt.line), Context{})
			require.NoError(t, err, "Parse(%q)", tt.line)
			require.NotNil(t, rec.Alert, "Parse(%q) alert", tt.line)
			assert.Equal(t, tt.want, rec.Alert.Techniques, "Parse(%q) techniques", tt.line)
		})
	}
}
