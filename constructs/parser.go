package constructs

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// ParserFunctionProps configures the ot-log-parser function and its queue event source.
type ParserFunctionProps struct {
	// NameSuffix is appended to the function name after a hyphen. Default: none.
	NameSuffix string
	// BuildDir holds the parser's bootstrap. Required.
	BuildDir string
	// Architecture of the bootstrap, ArchARM64 or ArchX8664. Default: ArchARM64.
	Architecture string
	// Buckets, Ingest and Detections are the resources the parser reads and writes.
	// Required.
	Buckets    *LakeBuckets
	Ingest     *IngestQueue
	Detections *DetectionsTable
	// MemoryMiB of the function. Parquet encoding holds a whole object's rows, so the
	// parser gets more than the aggregator. Default: 1024.
	MemoryMiB int
	// Timeout of one batch. The ingest queue's visibility timeout must be six times this.
	// Default: DefaultParserTimeout.
	Timeout time.Duration
	// ReservedConcurrency caps the parallel parsers and thereby the write rate to the
	// table and the staged bucket; 0 reserves none. Default: 0 (set by the stack).
	ReservedConcurrency int
	// BatchSize is the maximum number of queue messages (one raw object each) per invocation.
	// Default: 10.
	BatchSize int
	// MaxBatchingWindow is how long the poller gathers messages before it invokes with a
	// partial batch. Default: 5 seconds.
	MaxBatchingWindow time.Duration
	// LogLevel of the function (debug, info, warn, error). Default: info.
	LogLevel string
	// S3PathStyle makes the function address buckets in the URL path, as LocalStack needs
	// when its DNS names for bucket subdomains do not resolve. Default: false.
	S3PathStyle bool
}

// DefaultParserTimeout is the parser's default timeout; a raw object of the default
// maximum size parses well within it.
const DefaultParserTimeout = 2 * time.Minute

// sqsMinMaxConcurrency is the smallest MaxConcurrency an SQS event source accepts.
const sqsMinMaxConcurrency = 2

// withDefaults returns p with each zero field set to its documented default.
func (p ParserFunctionProps) withDefaults() ParserFunctionProps {
	if p.MemoryMiB == 0 {
		p.MemoryMiB = 1024
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultParserTimeout
	}
	if p.BatchSize == 0 {
		p.BatchSize = 10
	}
	if p.MaxBatchingWindow == 0 {
		p.MaxBatchingWindow = 5 * time.Second
	}
	if p.LogLevel == "" {
		p.LogLevel = "info"
	}
	return p
}

// Validate reports missing resources and event source settings outside the SQS limits.
func (p ParserFunctionProps) Validate() error {
	p = p.withDefaults()

	if p.Buckets == nil || p.Ingest == nil || p.Detections == nil {
		return errors.New("validate parser function: Buckets, Ingest and Detections are required")
	}
	if p.BatchSize < 1 || p.BatchSize > 10000 {
		return fmt.Errorf("validate parser batch size %d: SQS event sources allow 1 to 10000", p.BatchSize)
	}
	if p.BatchSize > 10 && p.MaxBatchingWindow <= 0 {
		return fmt.Errorf("validate parser batch size %d: batches above 10 need a batching window", p.BatchSize)
	}
	if p.MaxBatchingWindow > 5*time.Minute {
		return fmt.Errorf("validate parser batching window %s: Lambda allows at most 5m0s", p.MaxBatchingWindow)
	}
	if p.ReservedConcurrency == 1 {
		return fmt.Errorf("validate parser reserved concurrency %d: an SQS event source needs at least %d", p.ReservedConcurrency, sqsMinMaxConcurrency)
	}
	return nil
}

// ParserFunction is the ot-log-parser function consuming the ingest queue.
type ParserFunction struct {
	awsconstructs.Construct

	*BootstrapFunction
}

// NewParserFunction creates the parser, subscribes it to the ingest queue with partial
// batch responses, and grants it exactly the object, table and queue actions it performs.
func NewParserFunction(scope awsconstructs.Construct, id string, props ParserFunctionProps) (*ParserFunction, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()
	c := &ParserFunction{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}
	staged, raw, table := props.Buckets.Staged, props.Buckets.Raw, props.Detections.Table

	fn, err := NewBootstrapFunction(c.Construct, "Parser", BootstrapFunctionProps{
		FunctionName:        suffixed(names.ParserFunction, props.NameSuffix),
		BuildDir:            props.BuildDir,
		Architecture:        props.Architecture,
		MemoryMiB:           props.MemoryMiB,
		Timeout:             props.Timeout,
		ReservedConcurrency: props.ReservedConcurrency,
		Description:         "Parses raw telemetry objects into staged Parquet and detection items",
		Environment: map[string]string{
			names.EnvStagedBucket:    *staged.BucketName(),
			names.EnvDetectionsTable: *table.TableName(),
			names.EnvS3PathStyle:     strconv.FormatBool(props.S3PathStyle),
			names.EnvLogLevel:        props.LogLevel,
		},
	})
	if err != nil {
		return nil, err
	}
	c.BootstrapFunction = fn

	// Event source: a failed object is reported by message ID, so the rest of the batch is
	// deleted and only that message is received again (and after MaxReceiveCount, dead).
	source := &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(float64(props.BatchSize)),
		MaxBatchingWindow:       duration(props.MaxBatchingWindow),
		ReportBatchItemFailures: jsii.Bool(true),
	}
	if props.ReservedConcurrency > 0 {
		// Polling above the reserved concurrency would throttle invocations and spend the
		// messages' receive counts, so the poller stops at the same number.
		source.MaxConcurrency = jsii.Number(float64(props.ReservedConcurrency))
	}
	fn.Function.AddEventSource(awslambdaeventsources.NewSqsEventSource(props.Ingest.Queue, source))

	// Raw objects: read any key, since uploads arrive under any source= prefix.
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadRawObjects"),
		Actions:   jsii.Strings("s3:GetObject"),
		Resources: jsii.Strings(*raw.ArnForObjects(jsii.String("*"))),
	}))

	// Staged objects: write Parquet under parsed/ and bad lines under errors/, nothing else.
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("WriteStagedObjects"),
		Actions: jsii.Strings("s3:PutObject"),
		Resources: jsii.Strings(
			*staged.ArnForObjects(jsii.String(objectkey.StagedPrefix + "*")),
			*staged.ArnForObjects(jsii.String(objectkey.QuarantinePrefix + "*")),
		),
	}))

	// Detections: the store writes items in batches of 25 and never reads. The statement
	// names the table alone; a grant through the table would add its indexes.
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteDetections"),
		Actions:   jsii.Strings("dynamodb:BatchWriteItem"),
		Resources: jsii.Strings(*table.TableArn()),
	}))

	suppress(fn.Role, "AwsSolutions-IAM5", "ot-log-parser reads whichever raw object an S3 notification names, so object keys cannot be listed at deploy time; the grant is s3:GetObject only, on the raw bucket only.",
		"Resource::<"+logicalID(raw)+".Arn>/*")
	suppress(fn.Role, "AwsSolutions-IAM5", "ot-log-parser writes Parquet and quarantine objects whose keys derive from each raw key; the grant is s3:PutObject only, limited to the parsed/ and errors/ prefixes of the staged bucket.",
		"Resource::<"+logicalID(staged)+".Arn>/"+objectkey.StagedPrefix+"*",
		"Resource::<"+logicalID(staged)+".Arn>/"+objectkey.QuarantinePrefix+"*")
	return c, nil
}
