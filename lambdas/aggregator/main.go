// Command aggregator is the ot-incident-aggregator Lambda: it reads the ot_detections
// table's stream, writes one incident report per incident correlator to the reports bucket
// and publishes its alert to the ot-incident-alerts topic.
//
// Environment: OTLAKE_REPORTS_BUCKET and OTLAKE_ALERTS_TOPIC_ARN (required),
// OTLAKE_S3_PATH_STYLE, OTLAKE_LOG_LEVEL.
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
		fmt.Fprintf(os.Stderr, "%s: %v\n", names.AggregatorFunction, err)
		os.Exit(1)
	}
	lambda.Start(handler.Handle)
}

// newHandler reads the configuration and builds the clients once per execution environment.
func newHandler(ctx context.Context) (*lambdafn.AggregatorHandler, error) {
	cs, err := lambdafn.NewColdStart(ctx, names.EnvReportsBucket, names.EnvAlertsTopicARN)
	if err != nil {
		return nil, err
	}
	env, log, clients := cs.Env, cs.Log, cs.Clients

	aggregator := &pipeline.Aggregator{
		Reports:  &awsstore.Objects{Client: clients.S3, Bucket: env.ReportsBucket},
		Notifier: &awsstore.Notifier{Client: clients.SNS, TopicARN: env.AlertsTopicARN},
		Log:      log,
	}
	return &lambdafn.AggregatorHandler{Aggregator: aggregator, Log: log}, nil
}
