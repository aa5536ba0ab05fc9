// Command parser is the ot-log-parser Lambda: it reads S3 notifications from the
// ot-telemetry-ingest queue and turns each new raw object into staged Parquet, a quarantine
// object for bad lines, and detection items.
//
// Environment: OTLAKE_STAGED_BUCKET (required), OTLAKE_DETECTIONS_TABLE, OTLAKE_MAX_OBJECT_BYTES,
// OTLAKE_MAX_LINE_BYTES, OTLAKE_DETECTION_TTL_DAYS, OTLAKE_S3_PATH_STYLE, OTLAKE_LOG_LEVEL.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/lambdafn"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

func main() {
	handler, err := newHandler(context.Background())
	if err != nil {
		// Failing the cold start makes Lambda report an init error for every invocation.
		fmt.Fprintf(os.Stderr, "%s: %v\n", names.ParserFunction, err)
		os.Exit(1)
	}
	lambda.Start(handler.Handle)
}

// newHandler reads the configuration and builds the clients once per execution environment.
func newHandler(ctx context.Context) (*lambdafn.ParserHandler, error) {
	cs, err := lambdafn.NewColdStart(ctx, names.EnvStagedBucket)
	if err != nil {
		return nil, err
	}
	env, log, clients := cs.Env, cs.Log, cs.Clients

	objects := &awsstore.Objects{Client: clients.S3, Bucket: env.StagedBucket}
	parser := &pipeline.Parser{
		Raw:        objects,
		Staged:     objects,
		Detections: &awsstore.Detections{Client: clients.DynamoDB, Table: env.DetectionsTable, TTL: env.DetectionTTL},
		Limits:     env.Limits,
		Log:        log,
	}
	return &lambdafn.ParserHandler{Parser: parser, Log: log}, nil
}
