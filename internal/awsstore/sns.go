package awsstore

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// SNSAPI is the part of the SNS client that Notifier uses.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// Notifier publishes alerts to one SNS topic.
type Notifier struct {
	Client   SNSAPI
	TopicARN string
}

var _ pipeline.Notifier = (*Notifier)(nil)

// Publish sends one message with subject to the topic.
func (n *Notifier) Publish(ctx context.Context, subject, body string) error {
	_, err := n.Client.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(n.TopicARN),
		Subject:  aws.String(subject),
		Message:  aws.String(body),
	})
	if err != nil {
		return fmt.Errorf("publish to topic %q: %w", n.TopicARN, err)
	}
	return nil
}
