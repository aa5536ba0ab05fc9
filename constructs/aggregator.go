package constructs

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// AggregatorFunctionProps configures the ot-incident-aggregator function and its
// detections stream event source.
type AggregatorFunctionProps struct {
	// NameSuffix is appended to the function and queue names after a hyphen. Default: none.
	NameSuffix string
	// BuildDir holds the aggregator's bootstrap. Required.
	BuildDir string
	// Architecture of the bootstrap, ArchARM64 or ArchX8664. Default: ArchARM64.
	Architecture string
	// Detections, Reports and Alerts are the stream source, the report bucket and the
	// topic the aggregator publishes to. Required.
	Detections *DetectionsTable
	Reports    *LakeBuckets
	Alerts     *IncidentAlerts
	// MemoryMiB of the function. Default: 256.
	MemoryMiB int
	// Timeout of one batch. Default: 1 minute.
	Timeout time.Duration
	// ReservedConcurrency of the function; 0 reserves none. One batch per stream shard
	// runs at a time, so this bounds shards processed in parallel. Default: 0.
	ReservedConcurrency int
	// BatchSize is the maximum number of stream records per invocation. Default: 100.
	BatchSize int
	// MaxBatchingWindow gathers records of one burst into one batch, so one attack
	// yields one incident. Default: 10 seconds.
	MaxBatchingWindow time.Duration
	// RetryAttempts bounds the retries of a failing batch (after bisecting) before its
	// metadata goes to the stream DLQ. Default: 3.
	RetryAttempts int
	// MaxRecordAge drops records older than this to the stream DLQ instead of retrying
	// them. Default: 6 hours.
	MaxRecordAge time.Duration
	// LogLevel of the function (debug, info, warn, error). Default: info.
	LogLevel string
	// S3PathStyle makes the function address buckets in the URL path, as LocalStack needs
	// when its DNS names for bucket subdomains do not resolve. Default: false.
	S3PathStyle bool
}

// withDefaults returns p with each zero field set to its documented default.
func (p AggregatorFunctionProps) withDefaults() AggregatorFunctionProps {
	if p.MemoryMiB == 0 {
		p.MemoryMiB = 256
	}
	if p.Timeout == 0 {
		p.Timeout = time.Minute
	}
	if p.BatchSize == 0 {
		p.BatchSize = 100
	}
	if p.MaxBatchingWindow == 0 {
		p.MaxBatchingWindow = 10 * time.Second
	}
	if p.RetryAttempts == 0 {
		p.RetryAttempts = 3
	}
	if p.MaxRecordAge == 0 {
		p.MaxRecordAge = 6 * time.Hour
	}
	if p.LogLevel == "" {
		p.LogLevel = "info"
	}
	return p
}

// Validate reports missing resources and stream settings outside the Lambda limits.
func (p AggregatorFunctionProps) Validate() error {
	p = p.withDefaults()

	if p.Detections == nil || p.Reports == nil || p.Alerts == nil {
		return errors.New("validate aggregator function: Detections, Reports and Alerts are required")
	}
	if p.BatchSize < 1 || p.BatchSize > 10000 {
		return fmt.Errorf("validate aggregator batch size %d: stream event sources allow 1 to 10000", p.BatchSize)
	}
	if p.MaxBatchingWindow > 5*time.Minute {
		return fmt.Errorf("validate aggregator batching window %s: Lambda allows at most 5m0s", p.MaxBatchingWindow)
	}
	if p.RetryAttempts < 0 || p.RetryAttempts > 10000 {
		return fmt.Errorf("validate aggregator retry attempts %d: Lambda allows 0 to 10000", p.RetryAttempts)
	}
	if p.MaxRecordAge < time.Minute || p.MaxRecordAge > 7*24*time.Hour {
		return fmt.Errorf("validate aggregator max record age %s: Lambda allows 1 minute to 7 days", p.MaxRecordAge)
	}
	return nil
}

// AggregatorFunction is the ot-incident-aggregator function reading the ot_detections
// stream, with StreamDLQ as its on-failure destination.
type AggregatorFunction struct {
	awsconstructs.Construct

	*BootstrapFunction
	// StreamDLQ receives the shard, sequence numbers and reason of each batch that failed
	// all retries. It holds no records, so read them from the stream within its 24 hours.
	StreamDLQ awssqs.Queue
}

// NewAggregatorFunction creates the aggregator and its stream DLQ, subscribes it to INSERT
// records of the detections stream, and grants it the report writes and publish it performs.
func NewAggregatorFunction(scope awsconstructs.Construct, id string, props AggregatorFunctionProps) (*AggregatorFunction, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()
	c := &AggregatorFunction{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}
	reports, topic := props.Reports.Reports, props.Alerts.Topic

	fn, err := NewBootstrapFunction(c.Construct, "Aggregator", BootstrapFunctionProps{
		FunctionName:        suffixed(names.AggregatorFunction, props.NameSuffix),
		BuildDir:            props.BuildDir,
		Architecture:        props.Architecture,
		MemoryMiB:           props.MemoryMiB,
		Timeout:             props.Timeout,
		ReservedConcurrency: props.ReservedConcurrency,
		Description:         "Correlates new detections into incident reports and alerts",
		Environment: map[string]string{
			names.EnvReportsBucket:  *reports.BucketName(),
			names.EnvAlertsTopicARN: *topic.TopicArn(),
			names.EnvS3PathStyle:    strconv.FormatBool(props.S3PathStyle),
			names.EnvLogLevel:       props.LogLevel,
		},
	})
	if err != nil {
		return nil, err
	}
	c.BootstrapFunction = fn

	c.StreamDLQ = newSecureQueue(c.Construct, "StreamDLQ", suffixed(names.StreamDLQ, props.NameSuffix), 0, dlqRetention, nil, 0)
	suppress(c.StreamDLQ, "AwsSolutions-SQS3", "This queue is itself the on-failure destination of the detections stream mapping; it holds batch metadata for an operator and has no consumer to fail.")

	// Event source: only INSERT records start an incident. A rewritten identical detection
	// emits no record, and MODIFY or REMOVE (TTL expiry) must not alert again. A failing
	// batch is bisected to isolate the bad record, retried a bounded number of times, and
	// then recorded in the stream DLQ so the shard moves on.
	fn.Function.AddEventSource(awslambdaeventsources.NewDynamoEventSource(props.Detections.Table, &awslambdaeventsources.DynamoEventSourceProps{
		StartingPosition:        awslambda.StartingPosition_TRIM_HORIZON,
		BatchSize:               jsii.Number(float64(props.BatchSize)),
		MaxBatchingWindow:       duration(props.MaxBatchingWindow),
		ReportBatchItemFailures: jsii.Bool(true),
		BisectBatchOnError:      jsii.Bool(true),
		RetryAttempts:           jsii.Number(float64(props.RetryAttempts)),
		MaxRecordAge:            duration(props.MaxRecordAge),
		OnFailure:               awslambdaeventsources.NewSqsDlq(c.StreamDLQ),
		Filters: &[]*map[string]interface{}{
			awslambda.FilterCriteria_Filter(&map[string]interface{}{
				"eventName": awslambda.FilterRule_IsEqual(jsii.String("INSERT")),
			}),
		},
	}))

	// Reports: create under incidents/ (conditional put) and delete a report whose alert
	// could not be published, so the retry writes and alerts again.
	fn.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteIncidentReports"),
		Actions:   jsii.Strings("s3:PutObject", "s3:DeleteObject"),
		Resources: jsii.Strings(*reports.ArnForObjects(jsii.String(objectkey.ReportPrefix + "*"))),
	}))

	// Alerts: sns:Publish on the one topic. The topic uses the AWS managed SNS key, which
	// account principals may use through SNS, so no KMS grant is needed.
	topic.GrantPublish(fn.Role)

	suppress(fn.Role, "AwsSolutions-IAM5", "ot-incident-aggregator names each report by its incident ID, known only at run time; the grant is s3:PutObject and s3:DeleteObject only, limited to the incidents/ prefix of the reports bucket.",
		"Resource::<"+logicalID(reports)+".Arn>/"+objectkey.ReportPrefix+"*")
	suppress(fn.Role, "AwsSolutions-IAM5", "dynamodb:ListStreams has no resource-level permissions, so the Lambda event source mapping grant for the ot_detections stream must name all resources for that one action.",
		"Resource::*")
	return c, nil
}
