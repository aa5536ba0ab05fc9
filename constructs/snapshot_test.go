package constructs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTemplateSnapshot compares each synthesized template with its golden file under
// testdata/. Run go test ./constructs -update to rewrite them after an intended change.
func TestTemplateSnapshot(t *testing.T) {
	for _, v := range []variant{analyticsOff, analyticsOn} {
		t.Run(v.name, func(t *testing.T) {
			got := maskedJSON(t, synth(t, v).template)
			path := filepath.Join("testdata", "OtTelemetryLake-"+v.name+".template.json")

			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "read golden template; run go test ./constructs -update to create it")
			assert.Equal(t, string(want), string(got), "template differs from %s; rerun with -update if the change is intended", path)
		})
	}
}
