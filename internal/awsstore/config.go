package awsstore

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
)

// DefaultDetectionTTL is how long a detection item lives after its detected_at when
// OTLAKE_DETECTION_TTL_DAYS is unset: 90 days keeps a quarter of history for the GSI queries.
const DefaultDetectionTTL = 90 * 24 * time.Hour

// Env is the configuration a Lambda reads from its environment at cold start. Fields that a
// function does not use may be empty.
type Env struct {
	StagedBucket    string
	ReportsBucket   string
	DetectionsTable string
	AlertsTopicARN  string
	Limits          rawobject.Limits
	DetectionTTL    time.Duration
	S3PathStyle     bool
	LogLevel        string
}

// ReadEnv reads the OTLAKE_* variables. The table name defaults to names.DetectionsTable;
// numbers that do not parse are errors naming the variable.
func ReadEnv() (Env, error) {
	env := Env{
		StagedBucket:    os.Getenv(names.EnvStagedBucket),
		ReportsBucket:   os.Getenv(names.EnvReportsBucket),
		DetectionsTable: os.Getenv(names.EnvDetectionsTable),
		AlertsTopicARN:  os.Getenv(names.EnvAlertsTopicARN),
		DetectionTTL:    DefaultDetectionTTL,
		LogLevel:        os.Getenv(names.EnvLogLevel),
	}
	if env.DetectionsTable == "" {
		env.DetectionsTable = names.DetectionsTable
	}

	maxObject, err := envInt(names.EnvMaxObjectBytes)
	if err != nil {
		return env, err
	}
	env.Limits.MaxDecompressed = maxObject

	maxLine, err := envInt(names.EnvMaxLineBytes)
	if err != nil {
		return env, err
	}
	env.Limits.MaxLine = int(maxLine)

	ttlDays, err := envInt(names.EnvDetectionTTLDays)
	if err != nil {
		return env, err
	}
	if ttlDays > 0 {
		env.DetectionTTL = time.Duration(ttlDays) * 24 * time.Hour
	}

	if v := os.Getenv(names.EnvS3PathStyle); v != "" {
		env.S3PathStyle, err = strconv.ParseBool(v)
		if err != nil {
			return env, fmt.Errorf("read %s %q: want true or false", names.EnvS3PathStyle, v)
		}
	}
	return env, nil
}

// Require returns an error naming every variable in vars that is unset.
func Require(vars ...string) error {
	var missing []string
	for _, v := range vars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("read environment: missing %v", missing)
	}
	return nil
}

// envInt reads a non-negative integer variable; unset reads as 0.
func envInt(name string) (int64, error) {
	v := os.Getenv(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("read %s %q: want a non-negative integer", name, v)
	}
	return n, nil
}

// Clients are the service clients built from one SDK configuration.
type Clients struct {
	S3       *s3.Client
	DynamoDB *dynamodb.Client
	SNS      *sns.Client
}

// Load reads the SDK configuration (region, credentials, AWS_ENDPOINT_URL_<SERVICE>) and
// builds the clients. endpointURL, when set, sends every client to that one endpoint, as
// LocalStack serves all services on one port.
func Load(ctx context.Context, endpointURL string, s3PathStyle bool) (aws.Config, Clients, error) {
	cfg, err := LoadConfig(ctx, endpointURL)
	if err != nil {
		return cfg, Clients{}, err
	}

	clients := Clients{
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = s3PathStyle
		}),
		DynamoDB: dynamodb.NewFromConfig(cfg),
		SNS:      sns.NewFromConfig(cfg),
	}
	return cfg, clients, nil
}
