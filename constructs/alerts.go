package constructs

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// awsManagedSNSKey is the alias of the AWS managed key for SNS. Principals of the account
// may publish to a topic encrypted with it without a KMS grant.
const awsManagedSNSKey = "alias/aws/sns"

// IncidentAlertsProps configures the alert topic and the notifications queue.
type IncidentAlertsProps struct {
	// NameSuffix is appended to the topic and queue names after a hyphen. Default: none.
	NameSuffix string
	// MasterKey encrypts the topic. A customer managed key must let the aggregator's role
	// use it. Default: the AWS managed key alias/aws/sns.
	MasterKey awskms.IKey
	// NotificationRetention is how long an alert waits in the notifications queue for its
	// reader. Default: 14 days, the SQS maximum.
	NotificationRetention time.Duration
}

// Validate reports a retention outside the SQS limits of 1 minute to 14 days.
func (p IncidentAlertsProps) Validate() error {
	return validateRetention("notifications queue", p.NotificationRetention)
}

// IncidentAlerts is the encrypted ot-incident-alerts topic with the
// ot-incident-notifications queue subscribed to it.
type IncidentAlerts struct {
	awsconstructs.Construct

	Topic              awssns.Topic
	NotificationsQueue awssqs.Queue
}

// NewIncidentAlerts creates the topic (TLS-only publishing) and the subscribed queue.
func NewIncidentAlerts(scope awsconstructs.Construct, id string, props IncidentAlertsProps) (*IncidentAlerts, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	c := &IncidentAlerts{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}

	key := props.MasterKey
	if key == nil {
		key = awskms.Alias_FromAliasName(c.Construct, jsii.String("SNSKey"), jsii.String(awsManagedSNSKey))
	}
	c.Topic = awssns.NewTopic(c.Construct, jsii.String("Topic"), &awssns.TopicProps{
		TopicName:   jsii.String(suffixed(names.AlertsTopic, props.NameSuffix)),
		DisplayName: jsii.String("OT incident alerts"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})

	retention := props.NotificationRetention
	if retention == 0 {
		retention = dlqRetention
	}
	c.NotificationsQueue = newSecureQueue(c.Construct, "Notifications", suffixed(names.NotificationsQueue, props.NameSuffix), 0, retention, nil, 0)
	c.Topic.AddSubscription(awssnssubscriptions.NewSqsSubscription(c.NotificationsQueue, nil))

	suppress(c.NotificationsQueue, "AwsSolutions-SQS3", "ot-incident-notifications is the alert inbox read by operators or a ticketing integration outside this stack; the stack runs no consumer whose failures a dead letter queue would catch.")
	return c, nil
}
