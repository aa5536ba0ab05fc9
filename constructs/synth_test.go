package constructs

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden templates in testdata/")

// variant is one configuration of the stack that the tests synthesize.
type variant struct {
	name  string
	props LakeStackProps
}

// Variants under test: the two golden templates (analytics off and on, the AWS defaults)
// and the LocalStack configuration that make deploy-local uses.
var (
	analyticsOff = variant{name: "analytics-off"}
	analyticsOn  = variant{name: "analytics-on", props: LakeStackProps{Analytics: true}}
	localStack   = variant{name: "localstack", props: LakeStackProps{
		Architecture:          ArchX8664,
		Notifications:         NotificationsBucketProperty,
		NameSuffix:            "dev",
		UnreservedConcurrency: true,
		S3PathStyle:           true,
	}}
)

// synthesized is a stack's template and the cdk-nag messages of its synthesis.
type synthesized struct {
	template map[string]any
	errors   []string
	warnings []string
}

var (
	synthMu    sync.Mutex
	synthCache = map[string]*synthesized{}
)

// synth synthesizes v once per test process with the AwsSolutions checks applied, and
// returns the cached result after that: each synth costs seconds of jsii round trips.
func synth(t *testing.T, v variant) *synthesized {
	t.Helper()
	synthMu.Lock()
	defer synthMu.Unlock()
	if s, ok := synthCache[v.name]; ok {
		return s
	}

	// Path metadata is on as under the cdk CLI, so the golden files match cdk synth output.
	app := awscdk.NewApp(&awscdk.AppProps{
		AnalyticsReporting: jsii.Bool(false),
		Context:            &map[string]any{"aws:cdk:enable-path-metadata": true},
	})
	props := v.props
	props.LambdaDir = lambdaBuilds(t, props.Architecture)
	stack, err := NewLakeStack(app, props)
	require.NoError(t, err, "NewLakeStack(%s)", v.name)
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)

	// Template_FromStack synthesizes the app, which runs the cdk-nag aspect.
	raw, err := json.Marshal(assertions.Template_FromStack(stack.Stack, nil).ToJSON())
	require.NoError(t, err)
	s := &synthesized{}
	require.NoError(t, json.Unmarshal(raw, &s.template))

	annotations := assertions.Annotations_FromStack(stack.Stack)
	nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	s.errors = messages(annotations.FindError(jsii.String("*"), nag))
	s.warnings = messages(annotations.FindWarning(jsii.String("*"), nag))

	synthCache[v.name] = s
	return s
}

// messages renders synthesis messages as "path: text" lines.
func messages(found *[]*cxapi.SynthesisMessage) []string {
	var out []string
	for _, m := range *found {
		out = append(out, *m.Id+": "+toString(m.Entry.Data))
	}
	return out
}

// toString renders a metadata entry's data, which is a string for annotations.
func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if p, ok := v.(*string); ok && p != nil {
		return *p
	}
	b, _ := json.Marshal(v)
	return string(b)
}

var (
	buildsMu sync.Mutex
	builds   = map[string]string{}
)

// lambdaBuilds returns a folder laid out as make lambdas writes it, with a bootstrap per
// function for arch. The template does not depend on the bootstrap's bytes beyond the
// masked asset hash, so each bootstrap is only the ELF header that synth checks.
func lambdaBuilds(t *testing.T, arch string) string {
	t.Helper()
	if arch == "" {
		arch = ArchARM64
	}
	buildsMu.Lock()
	defer buildsMu.Unlock()
	if dir, ok := builds[arch]; ok {
		return dir
	}

	dir, err := os.MkdirTemp("", "otlake-lambdas-"+arch+"-")
	require.NoError(t, err)
	for _, fn := range []string{ParserBuildName, AggregatorBuildName} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, fn), 0o755))
		writeELF(t, filepath.Join(dir, fn, "bootstrap"), elfMachines[arch])
	}
	builds[arch] = dir
	return dir
}

// writeELF writes an executable file holding a 64-bit little-endian ELF header for machine.
func writeELF(t *testing.T, path string, machine elf.Machine) {
	t.Helper()
	header := elf.Header64{
		Type:    uint16(elf.ET_EXEC),
		Machine: uint16(machine),
		Version: uint32(elf.EV_CURRENT),
		Ehsize:  uint16(binary.Size(elf.Header64{})),
	}
	copy(header.Ident[:], elf.ELFMAG)
	header.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	header.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	header.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)

	var buf bytes.Buffer
	require.NoError(t, binary.Write(&buf, binary.LittleEndian, header))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o755))
}

// assetHash matches the content hash that names a staged asset (64 hex digits).
var assetHash = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// maskedJSON renders a template as indented JSON for a golden file. It replaces asset hashes,
// so the file changes only when the template does, and the values that come from package
// glue (named query SQL and descriptions, table columns), which TestNamedQueriesMatchFiles
// and TestGlueTables compare with their sources instead.
func maskedJSON(t *testing.T, template map[string]any) []byte {
	t.Helper()
	masked := maskGlueValues(template)

	out, err := json.MarshalIndent(masked, "", "  ")
	require.NoError(t, err)
	out = assetHash.ReplaceAll(out, []byte("<asset-hash>"))
	return append(out, '\n')
}

// maskGlueValues returns a copy of template whose named queries and Glue tables have their
// glue-derived values replaced by placeholders.
func maskGlueValues(template map[string]any) map[string]any {
	raw, _ := json.Marshal(template)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)

	for _, r := range out["Resources"].(map[string]any) {
		res := r.(map[string]any)
		props, _ := res["Properties"].(map[string]any)
		switch res["Type"] {
		case "AWS::Athena::NamedQuery":
			props["QueryString"] = "<glue query SQL>"
			props["Description"] = "<glue query title and description>"
		case "AWS::Glue::Table":
			if sd, ok := path(props, "TableInput", "StorageDescriptor").(map[string]any); ok {
				sd["Columns"] = "<glue table columns>"
			}
		}
	}
	return out
}
