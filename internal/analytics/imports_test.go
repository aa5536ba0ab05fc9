package analytics

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLambdasStayFreeOfDuckDB fails when a Lambda imports DuckDB or this package, which
// would make the Lambda builds need cgo.
func TestLambdasStayFreeOfDuckDB(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the Lambda packages")
	}
	out, err := exec.Command("go", "list", "-deps", "github.com/otlake/cloud-telemetry-lake/lambdas/...").CombinedOutput()
	require.NoError(t, err, "go list: %s", out)

	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/otlake/cloud-telemetry-lake/internal/pipeline", "the listing covers the Lambdas")
	for _, dep := range deps {
		assert.NotContains(t, dep, "duckdb", "a Lambda imports %s", dep)
		assert.NotEqual(t, "github.com/otlake/cloud-telemetry-lake/internal/analytics", dep)
	}
}
