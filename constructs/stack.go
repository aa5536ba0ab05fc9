package constructs

import (
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// LakeStack is the OtTelemetryLake stack and the constructs it is made of. Analytics is
// nil unless LakeStackProps.Analytics is set.
type LakeStack struct {
	awscdk.Stack

	Buckets    *LakeBuckets
	Ingest     *IngestQueue
	Detections *DetectionsTable
	Alerts     *IncidentAlerts
	Parser     *ParserFunction
	Aggregator *AggregatorFunction
	Analytics  *Analytics
}

// NewLakeStack validates props and creates the whole pipeline in one stack, named
// OtTelemetryLake (with "-suffix" when props.NameSuffix is set).
func NewLakeStack(scope awsconstructs.Construct, props LakeStackProps) (*LakeStack, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()

	stackProps := props.StackProps
	if stackProps.Description == nil {
		stackProps.Description = jsii.String("OT security telemetry lake: raw, staged and reports buckets, parser and incident aggregator")
	}
	s := &LakeStack{Stack: awscdk.NewStack(scope, jsii.String(suffixed(names.StackName, props.NameSuffix)), &stackProps)}

	if err := s.build(props); err != nil {
		return nil, err
	}
	s.addOutputs()
	return s, nil
}

// build creates the constructs in dependency order: storage and queues first, then the
// functions that are wired to them.
func (s *LakeStack) build(props LakeStackProps) error {
	var err error
	suffix := props.NameSuffix

	if s.Buckets, err = NewLakeBuckets(s.Stack, "Buckets", LakeBucketsProps{NameSuffix: suffix}); err != nil {
		return err
	}
	if s.Ingest, err = NewIngestQueue(s.Stack, "Ingest", IngestQueueProps{NameSuffix: suffix, ParserTimeout: props.ParserTimeout}); err != nil {
		return err
	}
	rawName := names.Bucket(names.RawBucketPrefix, *awscdk.Aws_ACCOUNT_ID(), suffix)
	if err = s.Ingest.NotifyObjectCreated(s.Buckets.Raw, rawName, props.Notifications); err != nil {
		return err
	}
	if s.Detections, err = NewDetectionsTable(s.Stack, "Detections", DetectionsTableProps{NameSuffix: suffix}); err != nil {
		return err
	}
	if s.Alerts, err = NewIncidentAlerts(s.Stack, "Alerts", IncidentAlertsProps{NameSuffix: suffix}); err != nil {
		return err
	}

	parserConcurrency, aggregatorConcurrency := 0, 0
	if !props.UnreservedConcurrency {
		parserConcurrency, aggregatorConcurrency = DefaultParserConcurrency, DefaultAggregatorConcurrency
	}
	s.Parser, err = NewParserFunction(s.Stack, "Parser", ParserFunctionProps{
		NameSuffix:          suffix,
		BuildDir:            filepath.Join(props.LambdaDir, ParserBuildName),
		Architecture:        props.Architecture,
		Buckets:             s.Buckets,
		Ingest:              s.Ingest,
		Detections:          s.Detections,
		Timeout:             props.ParserTimeout,
		ReservedConcurrency: parserConcurrency,
		S3PathStyle:         props.S3PathStyle,
	})
	if err != nil {
		return err
	}
	s.Aggregator, err = NewAggregatorFunction(s.Stack, "Aggregator", AggregatorFunctionProps{
		NameSuffix:          suffix,
		BuildDir:            filepath.Join(props.LambdaDir, AggregatorBuildName),
		Architecture:        props.Architecture,
		Detections:          s.Detections,
		Reports:             s.Buckets,
		Alerts:              s.Alerts,
		ReservedConcurrency: aggregatorConcurrency,
		S3PathStyle:         props.S3PathStyle,
	})
	if err != nil {
		return err
	}

	if props.Analytics {
		if s.Analytics, err = NewAnalytics(s.Stack, "Analytics", AnalyticsProps{NameSuffix: suffix, Buckets: s.Buckets}); err != nil {
			return err
		}
	}
	return nil
}

// addOutputs exports what otlake verify, the shippers and operators need to find the
// deployed resources.
func (s *LakeStack) addOutputs() {
	out := func(id string, value *string, description string) {
		awscdk.NewCfnOutput(s.Stack, jsii.String(id), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(description)})
	}

	out("RawBucketName", s.Buckets.Raw.BucketName(), "Bucket that otship uploads raw telemetry to")
	out("StagedBucketName", s.Buckets.Staged.BucketName(), "Bucket with staged Parquet (parsed/) and quarantined lines (errors/)")
	out("ReportsBucketName", s.Buckets.Reports.BucketName(), "Bucket with incident reports (incidents/)")
	out("DetectionsTableName", s.Detections.Table.TableName(), "DynamoDB table of detections")
	out("IngestQueueUrl", s.Ingest.Queue.QueueUrl(), "Queue of raw object notifications")
	out("IngestDLQUrl", s.Ingest.DLQ.QueueUrl(), "Dead letter queue of raw objects that failed to parse")
	out("StreamDLQUrl", s.Aggregator.StreamDLQ.QueueUrl(), "Dead letter queue of detection stream batches the aggregator failed")
	out("NotificationsQueueUrl", s.Alerts.NotificationsQueue.QueueUrl(), "Queue subscribed to the incident alert topic")
	out("AlertsTopicArn", s.Alerts.Topic.TopicArn(), "SNS topic of incident alerts")
	out("ParserFunctionName", s.Parser.Function.FunctionName(), "Lambda function that parses raw objects")
	out("AggregatorFunctionName", s.Aggregator.Function.FunctionName(), "Lambda function that builds incident reports")

	if s.Analytics != nil {
		out("GlueDatabaseName", s.Analytics.Database.Ref(), "Glue database of the staged_telemetry and incident_reports tables")
		out("AthenaWorkgroupName", s.Analytics.Workgroup.Ref(), "Athena workgroup with the named queries")
		out("AthenaResultsBucketName", s.Analytics.ResultsBucket.BucketName(), "Bucket of Athena query results")
	}
}
