//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// harnessMaxObjectBytes is the parser's decompressed-size cap in the harness: small, so a
// gzip bomb of a few KB goes past it.
const harnessMaxObjectBytes = 1 << 20

// h is the harness that TestMain starts for every test.
var h struct {
	env        *env
	c          clients
	res        resources
	parser     *function
	aggregator *function
}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// The test's own SDK clients and the otlake runs read the same variables.
	for _, kv := range awsEnv() {
		name, value, _ := strings.Cut(kv, "=")
		os.Setenv(name, value)
	}
	h.env = &env{
		tools: requireEnv(envTools), lambdaDir: requireEnv(envLambdaDir),
		otlake: requireEnv(envOtlake), root: requireEnv(envRoot),
	}
	defer h.env.stopAll()

	if err := setUp(); err != nil {
		fmt.Fprintf(os.Stderr, "integration: %v\n", err)
		return 1
	}
	fmt.Printf("cold start (process start to first response): %s %d ms, %s %d ms\n",
		h.parser.name, h.parser.coldStart.Milliseconds(), h.aggregator.name, h.aggregator.coldStart.Milliseconds())
	return m.Run()
}

func setUp() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	if err := h.env.startEmulators(); err != nil {
		return err
	}
	var err error
	if h.c, err = newClients(ctx); err != nil {
		return err
	}
	if h.res, err = createResources(ctx, h.c); err != nil {
		return err
	}

	common := []string{names.EnvS3PathStyle + "=true", names.EnvLogLevel + "=info"}
	h.parser, err = h.env.startFunction(names.ParserFunction, parserRIEPort, parserAPIPort, append(common,
		names.EnvStagedBucket+"="+stagedBucket,
		names.EnvDetectionsTable+"="+names.DetectionsTable,
		fmt.Sprintf("%s=%d", names.EnvMaxObjectBytes, harnessMaxObjectBytes),
	))
	if err != nil {
		return err
	}
	h.aggregator, err = h.env.startFunction(names.AggregatorFunction, aggregatorRIEPort, aggregatorAPIPort, append(common,
		names.EnvReportsBucket+"="+reportsBucket,
		names.EnvAlertsTopicARN+"="+h.res.topicARN,
	))
	return err
}
