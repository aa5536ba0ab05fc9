package constructs

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// NotificationMode selects how the raw bucket's ObjectCreated notifications are configured.
type NotificationMode string

const (
	// NotificationsCustomResource uses the CDK's bucket notifications custom resource, a
	// Lambda function that merges the configuration into the bucket. It is the default
	// and the one to use on AWS.
	NotificationsCustomResource NotificationMode = "custom-resource"
	// NotificationsBucketProperty writes the NotificationConfiguration property of the
	// AWS::S3::Bucket resource itself. Use it on LocalStack's free tier, which cannot run
	// the custom resource's Python Lambda, or where no custom resource may be deployed.
	// It replaces any notification configuration set on the bucket outside the stack.
	NotificationsBucketProperty NotificationMode = "l1"
)

// sqsVisibilityFactor is the AWS Lambda guidance for SQS event sources: a visibility
// timeout of at least six times the function timeout, so a message is not delivered
// again while its batch is still retried by the poller.
const sqsVisibilityFactor = 6

// maxVisibilityTimeout is the SQS maximum visibility timeout (12 hours).
const maxVisibilityTimeout = 12 * time.Hour

// IngestQueueProps configures the ingest queue and its dead letter queue.
type IngestQueueProps struct {
	// NameSuffix is appended to the queue names after a hyphen. Default: none.
	NameSuffix string
	// ParserTimeout is the timeout of the function that consumes the queue. Required.
	ParserTimeout time.Duration
	// VisibilityTimeout of the ingest queue. It must be at least six times ParserTimeout.
	// Default: six times ParserTimeout.
	VisibilityTimeout time.Duration
	// MaxReceiveCount is how many times a message is received before it moves to the dead
	// letter queue. Default: 5.
	MaxReceiveCount int
}

// withDefaults returns p with each zero field set to its documented default.
func (p IngestQueueProps) withDefaults() IngestQueueProps {
	if p.VisibilityTimeout == 0 {
		p.VisibilityTimeout = sqsVisibilityFactor * p.ParserTimeout
	}
	if p.MaxReceiveCount == 0 {
		p.MaxReceiveCount = 5
	}
	return p
}

// Validate reports a missing parser timeout, a visibility timeout shorter than six parser
// timeouts or beyond the SQS maximum, and a receive count outside 1 to 1000.
func (p IngestQueueProps) Validate() error {
	if p.ParserTimeout <= 0 {
		return fmt.Errorf("validate ingest queue parser timeout %s: must be positive", p.ParserTimeout)
	}
	p = p.withDefaults()

	if p.VisibilityTimeout < sqsVisibilityFactor*p.ParserTimeout {
		return fmt.Errorf("validate ingest queue visibility timeout %s: must be at least %d times the parser timeout %s", p.VisibilityTimeout, sqsVisibilityFactor, p.ParserTimeout)
	}
	if p.VisibilityTimeout > maxVisibilityTimeout {
		return fmt.Errorf("validate ingest queue visibility timeout %s: SQS allows at most %s", p.VisibilityTimeout, maxVisibilityTimeout)
	}
	if p.MaxReceiveCount < 1 || p.MaxReceiveCount > 1000 {
		return fmt.Errorf("validate ingest queue max receive count %d: SQS allows 1 to 1000", p.MaxReceiveCount)
	}
	return nil
}

// IngestQueue is the ot-telemetry-ingest queue, which receives the raw bucket's
// ObjectCreated notifications, and its dead letter queue ot-telemetry-ingest-dlq.
type IngestQueue struct {
	awsconstructs.Construct

	Queue awssqs.Queue
	DLQ   awssqs.Queue
}

// NewIngestQueue creates the ingest queue and its dead letter queue.
func NewIngestQueue(scope awsconstructs.Construct, id string, props IngestQueueProps) (*IngestQueue, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()
	c := &IngestQueue{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}

	c.DLQ = newSecureQueue(c.Construct, "DLQ", suffixed(names.IngestDLQ, props.NameSuffix), 0, dlqRetention, nil, 0)
	c.Queue = newSecureQueue(c.Construct, "Queue", suffixed(names.IngestQueue, props.NameSuffix), props.VisibilityTimeout, defaultQueueRetention, c.DLQ, props.MaxReceiveCount)
	return c, nil
}

// NotifyObjectCreated sends every ObjectCreated event of bucket to the ingest queue, set
// up as mode selects. bucketName must be the bucket's literal name expression (not a
// reference to the bucket), so the queue policy can name the bucket without depending on it.
func (c *IngestQueue) NotifyObjectCreated(bucket awss3.Bucket, bucketName string, mode NotificationMode) error {
	switch mode {
	case NotificationsCustomResource, "":
		bucket.AddEventNotification(awss3.EventType_OBJECT_CREATED, awss3notifications.NewSqsDestination(c.Queue))
		return suppressNotificationsHandler(bucket)
	case NotificationsBucketProperty:
		c.notifyThroughBucketProperty(bucket, bucketName)
		return nil
	}
	return fmt.Errorf("configure raw bucket notifications %q: want %q or %q", mode, NotificationsCustomResource, NotificationsBucketProperty)
}

// notifyThroughBucketProperty sets the notification on the AWS::S3::Bucket resource. S3
// checks that it may send to the queue when the configuration is written, so the bucket
// depends on the queue policy. The policy names the bucket by its ARN built from the name,
// because a reference to the bucket would close a dependency cycle.
func (c *IngestQueue) notifyThroughBucketProperty(bucket awss3.Bucket, bucketName string) {
	bucketARN := "arn:" + *awscdk.Aws_PARTITION() + ":s3:::" + bucketName
	added := c.Queue.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowRawBucketNotifications"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("s3.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"),
		Resources:  jsii.Strings(*c.Queue.QueueArn()),
		Conditions: &map[string]interface{}{
			"ArnLike":      map[string]interface{}{"aws:SourceArn": bucketARN},
			"StringEquals": map[string]interface{}{"aws:SourceAccount": *awscdk.Aws_ACCOUNT_ID()},
		},
	}))

	cfn := bucket.Node().DefaultChild().(awss3.CfnBucket)
	cfn.SetNotificationConfiguration(&awss3.CfnBucket_NotificationConfigurationProperty{
		QueueConfigurations: []interface{}{&awss3.CfnBucket_QueueConfigurationProperty{
			Event: jsii.String("s3:ObjectCreated:*"),
			Queue: c.Queue.QueueArn(),
		}},
	})
	cfn.Node().AddDependency(added.PolicyDependable)
}

// notificationsHandlerPrefix starts the construct ID of the CDK's singleton Lambda function
// that applies bucket notifications; the rest of the ID is a fixed hash.
const notificationsHandlerPrefix = "BucketNotificationsHandler"

// suppressNotificationsHandler records why the CDK's bucket notifications handler passes
// cdk-nag. Its code and role come from the CDK, not from this project.
func suppressNotificationsHandler(bucket awss3.Bucket) error {
	stack := awscdk.Stack_Of(bucket)
	for _, child := range *stack.Node().Children() {
		if !strings.HasPrefix(*child.Node().Id(), notificationsHandlerPrefix) {
			continue
		}
		suppress(child, "AwsSolutions-IAM4", "The CDK bucket notifications handler uses AWSLambdaBasicExecutionRole only to write its own logs; the CDK creates this role and offers no way to replace the managed policy.",
			"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
		suppress(child, "AwsSolutions-IAM5", "The CDK bucket notifications handler gets s3:PutBucketNotification on all buckets because the CDK shares one handler across the stack; it only runs during deployments.",
			"Resource::*")
		return nil
	}
	return fmt.Errorf("configure raw bucket notifications: CDK handler %s* not found in stack %s", notificationsHandlerPrefix, *stack.StackName())
}
