package constructs

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// Folder names under LakeStackProps.LambdaDir that hold each function's bootstrap, as
// make lambdas writes them: the function names without a suffix.
const (
	ParserBuildName     = names.ParserFunction
	AggregatorBuildName = names.AggregatorFunction
)

// DefaultLambdaDir is the folder that make lambdas writes the function builds to, relative
// to the repository root that cdk runs the app in.
const DefaultLambdaDir = "build/lambdas"

// Reserved concurrency of the functions unless LakeStackProps.UnreservedConcurrency is set.
const (
	// DefaultParserConcurrency bounds parallel parsers, and so the burst of writes to
	// the staged bucket and the detections table.
	DefaultParserConcurrency = 5
	// DefaultAggregatorConcurrency covers the few shards of an on-demand table's stream.
	DefaultAggregatorConcurrency = 2
)

// LakeStackProps configures the OtTelemetryLake stack. PropsFromContext reads it from the
// CDK context.
type LakeStackProps struct {
	// StackProps are passed to the stack (environment, synthesizer, tags). Default: an
	// environment-agnostic stack.
	awscdk.StackProps

	// Analytics adds the Glue database, tables, Athena workgroup and named queries.
	// Default: false.
	Analytics bool
	// Architecture of both functions, ArchARM64 or ArchX8664; the builds must match.
	// Default: ArchARM64.
	Architecture string
	// NameSuffix is appended to the stack and every resource name, so several copies can
	// share one account. Default: none.
	NameSuffix string
	// Notifications selects how the raw bucket notifies the ingest queue.
	// Default: NotificationsCustomResource.
	Notifications NotificationMode
	// LambdaDir holds the function builds in ParserBuildName and AggregatorBuildName
	// subfolders. Default: DefaultLambdaDir.
	LambdaDir string
	// ParserTimeout is the parser's timeout; the ingest queue's visibility timeout is six
	// times it. Default: DefaultParserTimeout.
	ParserTimeout time.Duration
	// S3PathStyle makes both functions address buckets in the URL path, as LocalStack
	// needs. Default: false.
	S3PathStyle bool
	// UnreservedConcurrency drops the reservations of DefaultParserConcurrency and
	// DefaultAggregatorConcurrency executions. Lambda keeps 10 executions of an account
	// unreserved, so an account whose concurrency quota is still 10 can reserve none and
	// needs this set. Default: false (both functions reserve).
	UnreservedConcurrency bool
}

// withDefaults returns p with each zero field set to its documented default.
func (p LakeStackProps) withDefaults() LakeStackProps {
	if p.Architecture == "" {
		p.Architecture = ArchARM64
	}
	if p.Notifications == "" {
		p.Notifications = NotificationsCustomResource
	}
	if p.LambdaDir == "" {
		p.LambdaDir = DefaultLambdaDir
	}
	if p.ParserTimeout == 0 {
		p.ParserTimeout = DefaultParserTimeout
	}
	return p
}

// Validate reports an invalid suffix, architecture or notification mode. The constructs
// validate their own settings when the stack creates them.
func (p LakeStackProps) Validate() error {
	p = p.withDefaults()

	if err := validateSuffix(p.NameSuffix); err != nil {
		return err
	}
	if p.Architecture != ArchARM64 && p.Architecture != ArchX8664 {
		return fmt.Errorf("validate architecture %q: want %q or %q", p.Architecture, ArchARM64, ArchX8664)
	}
	if p.Notifications != NotificationsCustomResource && p.Notifications != NotificationsBucketProperty {
		return fmt.Errorf("validate notifications %q: want %q or %q", p.Notifications, NotificationsCustomResource, NotificationsBucketProperty)
	}
	return nil
}
