//go:build integration

package integration

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// The account and region of every resource; both are placeholders the emulators accept.
const (
	account = "000000000000"
	region  = "eu-central-1"
)

var (
	rawBucket     = names.Bucket(names.RawBucketPrefix, account, "")
	stagedBucket  = names.Bucket(names.StagedBucketPrefix, account, "")
	reportsBucket = names.Bucket(names.ReportsBucketPrefix, account, "")
)

// clients are SDK clients configured like the Lambdas: from the environment in awsEnv.
type clients struct {
	s3      *s3.Client
	ddb     *dynamodb.Client
	streams *dynamodbstreams.Client
	sqs     *sqs.Client
	sns     *sns.Client
}

// resources are what createResources made.
type resources struct {
	ingestURL, dlqURL, notificationsURL string
	topicARN, streamARN                 string
}

func newClients(ctx context.Context) (clients, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return clients{}, err
	}
	return clients{
		s3:      s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		ddb:     dynamodb.NewFromConfig(cfg),
		streams: dynamodbstreams.NewFromConfig(cfg),
		sqs:     sqs.NewFromConfig(cfg),
		sns:     sns.NewFromConfig(cfg),
	}, nil
}

// createResources makes the buckets, the detections table with its GSIs and stream, the
// ingest queue with its DLQ, the alerts topic and the notifications queue subscribed to it.
func createResources(ctx context.Context, c clients) (resources, error) {
	var r resources

	for _, b := range []string{rawBucket, stagedBucket, reportsBucket} {
		if _, err := c.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			return r, fmt.Errorf("create bucket %q: %w", b, err)
		}
	}

	// ot_detections: key detection_id; GSIs severity-index and host-index sorted by
	// detected_at; a stream with both images.
	str := ddbtypes.ScalarAttributeTypeS
	table, err := c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(names.DetectionsTable),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("detection_id"), AttributeType: str},
			{AttributeName: aws.String("severity"), AttributeType: str},
			{AttributeName: aws.String("host"), AttributeType: str},
			{AttributeName: aws.String("detected_at"), AttributeType: str},
		},
		KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("detection_id"), KeyType: ddbtypes.KeyTypeHash}},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{
			gsi(names.SeverityIndex, "severity"),
			gsi(names.HostIndex, "host"),
		},
		StreamSpecification: &ddbtypes.StreamSpecification{
			StreamEnabled: aws.Bool(true), StreamViewType: ddbtypes.StreamViewTypeNewAndOldImages,
		},
	})
	if err != nil {
		return r, fmt.Errorf("create table %q: %w", names.DetectionsTable, err)
	}
	r.streamARN = aws.ToString(table.TableDescription.LatestStreamArn)
	_, err = c.ddb.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(names.DetectionsTable),
		TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{
			AttributeName: aws.String(names.TTLAttribute), Enabled: aws.Bool(true),
		},
	})
	if err != nil {
		return r, fmt.Errorf("enable TTL on table %q: %w", names.DetectionsTable, err)
	}

	// Queues: the ingest queue, its DLQ, and the notifications queue.
	for name, url := range map[string]*string{
		names.IngestQueue: &r.ingestURL, names.IngestDLQ: &r.dlqURL, names.NotificationsQueue: &r.notificationsURL,
	} {
		out, err := c.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		if err != nil {
			return r, fmt.Errorf("create queue %q: %w", name, err)
		}
		*url = aws.ToString(out.QueueUrl)
	}

	// The alerts topic, delivering to the notifications queue in the SNS envelope.
	topic, err := c.sns.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(names.AlertsTopic)})
	if err != nil {
		return r, fmt.Errorf("create topic %q: %w", names.AlertsTopic, err)
	}
	r.topicARN = aws.ToString(topic.TopicArn)
	attrs, err := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(r.notificationsURL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return r, fmt.Errorf("read queue %q: %w", names.NotificationsQueue, err)
	}
	_, err = c.sns.Subscribe(ctx, &sns.SubscribeInput{
		TopicArn: aws.String(r.topicARN), Protocol: aws.String("sqs"), Endpoint: aws.String(attrs.Attributes["QueueArn"]),
	})
	if err != nil {
		return r, fmt.Errorf("subscribe queue %q to topic %q: %w", names.NotificationsQueue, names.AlertsTopic, err)
	}
	return r, nil
}
