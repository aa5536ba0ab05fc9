package constructs

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/glue"
)

func TestPropsValidate(t *testing.T) {
	tests := []struct {
		name    string
		props   interface{ Validate() error }
		wantErr string
	}{
		{"stack defaults", LakeStackProps{}, ""},
		{"stack suffix uppercase", LakeStackProps{NameSuffix: "Dev"}, `name suffix "Dev"`},
		{"stack suffix trailing hyphen", LakeStackProps{NameSuffix: "dev-"}, `name suffix "dev-"`},
		{"stack suffix too long", LakeStackProps{NameSuffix: strings.Repeat("a", maxSuffixLength+1)}, "name suffix"},
		{"stack suffix longest", LakeStackProps{NameSuffix: strings.Repeat("a", maxSuffixLength)}, ""},
		{"stack architecture amd64", LakeStackProps{Architecture: "amd64"}, `architecture "amd64"`},
		{"stack notifications unknown", LakeStackProps{Notifications: "eventbridge"}, `notifications "eventbridge"`},

		{"buckets defaults", LakeBucketsProps{}, ""},
		{"buckets IA before 30 days", LakeBucketsProps{RawInfrequentAccessAfter: 7 * 24 * time.Hour}, "at least 30 days"},
		{"buckets Glacier before IA", LakeBucketsProps{RawInfrequentAccessAfter: 60 * 24 * time.Hour, RawGlacierAfter: 45 * 24 * time.Hour}, "must come after"},
		{"buckets partial day", LakeBucketsProps{QuarantineExpiration: 36 * time.Hour}, "whole days"},

		{"ingest missing parser timeout", IngestQueueProps{}, "parser timeout"},
		{"ingest default visibility", IngestQueueProps{ParserTimeout: time.Minute}, ""},
		{"ingest visibility below 6x", IngestQueueProps{ParserTimeout: time.Minute, VisibilityTimeout: 5 * time.Minute}, "at least 6 times"},
		{"ingest visibility above 12h", IngestQueueProps{ParserTimeout: 3 * time.Hour}, "at most 12h0m0s"},
		{"ingest receive count high", IngestQueueProps{ParserTimeout: time.Minute, MaxReceiveCount: 1001}, "max receive count 1001"},

		{"function missing name", BootstrapFunctionProps{}, "missing FunctionName"},
		{"function architecture", BootstrapFunctionProps{FunctionName: "f", Architecture: "arm"}, `architecture "arm"`},
		{"function memory low", BootstrapFunctionProps{FunctionName: "f", MemoryMiB: 64}, "memory 64 MiB"},
		{"function timeout long", BootstrapFunctionProps{FunctionName: "f", Timeout: 16 * time.Minute}, "timeout 16m0s"},
		{"function timeout fraction", BootstrapFunctionProps{FunctionName: "f", Timeout: 1500 * time.Millisecond}, "whole seconds"},
		{"function concurrency negative", BootstrapFunctionProps{FunctionName: "f", ReservedConcurrency: -1}, "must not be negative"},
		{"function missing build", BootstrapFunctionProps{FunctionName: "f", BuildDir: "testdata/no-such-build"}, "run make lambdas first"},

		{"parser missing resources", ParserFunctionProps{}, "are required"},
		{"parser batch above 10 without window", ParserFunctionProps{Buckets: &LakeBuckets{}, Ingest: &IngestQueue{}, Detections: &DetectionsTable{}, BatchSize: 20, MaxBatchingWindow: -1}, "batching window"},
		{"parser concurrency one", ParserFunctionProps{Buckets: &LakeBuckets{}, Ingest: &IngestQueue{}, Detections: &DetectionsTable{}, ReservedConcurrency: 1}, "at least 2"},

		{"aggregator missing resources", AggregatorFunctionProps{}, "are required"},
		{"aggregator record age short", AggregatorFunctionProps{Detections: &DetectionsTable{}, Reports: &LakeBuckets{}, Alerts: &IncidentAlerts{}, MaxRecordAge: time.Second}, "max record age"},
		{"aggregator batch size large", AggregatorFunctionProps{Detections: &DetectionsTable{}, Reports: &LakeBuckets{}, Alerts: &IncidentAlerts{}, BatchSize: 10001}, "batch size 10001"},

		{"alerts retention long", IncidentAlertsProps{NotificationRetention: 15 * 24 * time.Hour}, "retention"},

		{"analytics missing buckets", AnalyticsProps{}, "Buckets is required"},
		{"analytics cutoff small", AnalyticsProps{Buckets: &LakeBuckets{}, BytesScannedCutoff: 1 << 20}, "at least 10000000"},
		{"analytics expiration partial day", AnalyticsProps{Buckets: &LakeBuckets{}, ResultsExpiration: 12 * time.Hour}, "whole days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.props.Validate()

			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestStackMissingBuild(t *testing.T) {
	dir := t.TempDir()
	app := awscdk.NewApp(nil)

	_, err := NewLakeStack(app, LakeStackProps{LambdaDir: dir})

	require.Error(t, err)
	assert.ErrorIs(t, err, errMissingBuild)
	assert.Contains(t, err.Error(), "make lambdas")
	assert.Contains(t, err.Error(), filepath.Join(dir, ParserBuildName, "bootstrap"))
}

func TestStackBootstrapChecks(t *testing.T) {
	tests := []struct {
		name    string
		arch    string
		write   func(t *testing.T, path string)
		wantIs  error
		wantMsg string
	}{
		{"arm64 build for x86_64 stack", ArchX8664, armBootstrap, errArchitectureMismatch, "built for EM_AARCH64"},
		{"not executable", ArchARM64, func(t *testing.T, path string) {
			armBootstrap(t, path)
			require.NoError(t, os.Chmod(path, 0o644))
		}, nil, "not an executable file"},
		{"not an ELF file", ArchARM64, func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755))
		}, nil, "not a Linux executable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, fn := range []string{ParserBuildName, AggregatorBuildName} {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, fn), 0o755))
				tt.write(t, filepath.Join(dir, fn, "bootstrap"))
			}

			_, err := NewLakeStack(awscdk.NewApp(nil), LakeStackProps{LambdaDir: dir, Architecture: tt.arch})

			require.Error(t, err)
			if tt.wantIs != nil {
				assert.True(t, errors.Is(err, tt.wantIs), "errors.Is(%v, %v)", err, tt.wantIs)
			}
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}

// armBootstrap writes an arm64 ELF header as the bootstrap at path.
func armBootstrap(t *testing.T, path string) {
	writeELF(t, path, elfMachines[ArchARM64])
}

func TestPropsFromContext(t *testing.T) {
	tests := []struct {
		name    string
		context map[string]any
		want    LakeStackProps
		wantErr string
	}{
		{"empty", map[string]any{}, LakeStackProps{}, ""},
		{"cdk.json types", map[string]any{
			"analytics": true, "arch": "x86_64", "suffix": "dev", "notifications": "l1",
			"lambdaDir": "out/lambdas", "reservedConcurrency": false, "s3PathStyle": true,
		}, LakeStackProps{
			Analytics: true, Architecture: ArchX8664, NameSuffix: "dev", Notifications: NotificationsBucketProperty,
			LambdaDir: "out/lambdas", UnreservedConcurrency: true, S3PathStyle: true,
		}, ""},
		{"command line strings", map[string]any{"analytics": "true", "reservedConcurrency": "true"}, LakeStackProps{Analytics: true}, ""},
		{"analytics not a bool", map[string]any{"analytics": "yes"}, LakeStackProps{}, `context analytics "yes"`},
		{"arch not a string", map[string]any{"arch": 64}, LakeStackProps{}, "context arch 64"},
		{"suffix invalid", map[string]any{"suffix": "My_Copy"}, LakeStackProps{}, `name suffix "My_Copy"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := awscdk.NewApp(&awscdk.AppProps{Context: &tt.context})

			got, err := PropsFromContext(app.Node())

			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSuffixedNames(t *testing.T) {
	tests := []struct {
		name, suffix, want, wantGlue string
	}{
		{"ot_telemetry", "", "ot_telemetry", "ot_telemetry"},
		{"ot_telemetry", "dev-2", "ot_telemetry-dev-2", "ot_telemetry_dev_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.suffix, func(t *testing.T) {
			assert.Equal(t, tt.want, suffixed(tt.name, tt.suffix))
			assert.Equal(t, tt.wantGlue, glueSuffixed(tt.name, tt.suffix))
		})
	}
}

// TestLambdasDoNotImportCDK guards the function binaries: the CDK and its jsii runtime would
// add megabytes and a Node.js dependency to every cold start.
func TestLambdasDoNotImportCDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../lambdas/...").Output()
	require.NoError(t, err, "go list -deps ../lambdas/...")

	for _, dep := range strings.Fields(string(out)) {
		for _, forbidden := range []string{"github.com/aws/aws-cdk-go/", "github.com/aws/jsii-runtime-go", "github.com/aws/constructs-go/", "github.com/cdklabs/", "cloud-telemetry-lake/constructs"} {
			assert.False(t, strings.HasPrefix(dep, forbidden) || strings.Contains(dep, forbidden), "lambdas depend on %s", dep)
		}
	}
}

func TestNamedQueryDescriptionLimit(t *testing.T) {
	tests := []struct {
		name    string
		query   glue.Query
		wantLen int
		want    string
	}{
		{"title only", glue.Query{Title: "Top hosts"}, 9, "Top hosts"},
		{"title and description", glue.Query{Title: "T", Description: "lists hosts"}, 14, "T: lists hosts"},
		{"long ASCII cut at limit", glue.Query{Title: strings.Repeat("a", 2000)}, maxNamedQueryDescription, ""},
		{"long multibyte cut at rune", glue.Query{Title: "a" + strings.Repeat("é", 600)}, maxNamedQueryDescription - 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := namedQueryDescription(tt.query)

			assert.Len(t, got, tt.wantLen)
			assert.True(t, utf8.ValidString(got), "valid UTF-8")
			if tt.want != "" {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}
