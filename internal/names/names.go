// Package names holds the names of every cloud resource and environment variable that the
// CDK constructs create and the Lambdas, the adapters and otlake read, so that both sides
// use one spelling.
package names

// Resource names. Bucket names end in the account ID (and the optional name suffix).
const (
	StackName = "OtTelemetryLake"

	RawBucketPrefix     = "ot-telemetry-raw-"
	StagedBucketPrefix  = "ot-telemetry-staged-"
	ReportsBucketPrefix = "ot-telemetry-reports-"

	IngestQueue        = "ot-telemetry-ingest"
	IngestDLQ          = "ot-telemetry-ingest-dlq"
	NotificationsQueue = "ot-incident-notifications"
	AlertsTopic        = "ot-incident-alerts"
	// StreamDLQ receives the metadata of detection stream batches that the aggregator
	// could not process within its retries.
	StreamDLQ = "ot-detections-stream-dlq"

	DetectionsTable = "ot_detections"
	SeverityIndex   = "severity-index" // partition key severity, sort key detected_at
	HostIndex       = "host-index"     // partition key host, sort key detected_at
	// TTLAttribute is the detections table's time-to-live attribute (epoch seconds).
	TTLAttribute = "expires_at"

	ParserFunction     = "ot-log-parser"
	AggregatorFunction = "ot-incident-aggregator"

	GlueDatabase     = "ot_telemetry"
	StagedTable      = "staged_telemetry"
	ReportsTable     = "incident_reports"
	AthenaWorkgroup  = "ot-telemetry"
	NamedQueryPrefix = "ot-"
	// AthenaResultsBucketPrefix names the workgroup's query results bucket.
	AthenaResultsBucketPrefix = "ot-telemetry-athena-results-"
)

// Attribute names of the detections table's key schema and indexes.
const (
	AttrDetectionID = "detection_id"
	AttrSeverity    = "severity"
	AttrHost        = "host"
	AttrDetectedAt  = "detected_at"
)

// Environment variables the Lambdas read at cold start; the constructs set them.
const (
	EnvStagedBucket    = "OTLAKE_STAGED_BUCKET"
	EnvReportsBucket   = "OTLAKE_REPORTS_BUCKET"
	EnvDetectionsTable = "OTLAKE_DETECTIONS_TABLE"
	EnvAlertsTopicARN  = "OTLAKE_ALERTS_TOPIC_ARN"
	EnvMaxObjectBytes  = "OTLAKE_MAX_OBJECT_BYTES"
	EnvMaxLineBytes    = "OTLAKE_MAX_LINE_BYTES"
	EnvLogLevel        = "OTLAKE_LOG_LEVEL"
	// EnvDetectionTTLDays sets how many days after detected_at a detection item expires.
	EnvDetectionTTLDays = "OTLAKE_DETECTION_TTL_DAYS"
	// EnvS3PathStyle, when "true", addresses buckets in the URL path, as emulators need.
	EnvS3PathStyle = "OTLAKE_S3_PATH_STYLE"
)

// Suffixed returns name, or name-suffix when suffix is set: the CDK app's name suffix lets
// several copies of the stack live in one account.
func Suffixed(name, suffix string) string {
	if suffix == "" {
		return name
	}
	return name + "-" + suffix
}

// Bucket returns a bucket name: prefix, account ID, and "-suffix" when suffix is set.
func Bucket(prefix, account, suffix string) string {
	name := prefix + account
	if suffix != "" {
		name += "-" + suffix
	}
	return name
}
