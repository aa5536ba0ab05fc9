package constructs

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Defaults that more than one construct uses. The props of each construct document which
// of these they fall back to.
const (
	// DefaultLogRetention keeps function logs for a month: long enough to investigate a
	// failed batch, short enough that debug logging does not pile up cost.
	DefaultLogRetention = awslogs.RetentionDays_ONE_MONTH

	// defaultQueueRetention is how long an unprocessed ingest message waits (SQS maximum
	// is 14 days).
	defaultQueueRetention = 4 * 24 * time.Hour

	// dlqRetention keeps dead letters for the SQS maximum of 14 days, so an operator has
	// two weeks to inspect and redrive them.
	dlqRetention = 14 * 24 * time.Hour

	// abortMultipartAfter removes the parts of uploads that never completed (a shipper
	// that crashed mid-upload), which S3 otherwise bills forever.
	abortMultipartAfter = 7 * 24 * time.Hour
)

// duration converts a Go duration to a CDK duration in whole seconds.
func duration(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number(d.Seconds()))
}

// days converts a Go duration to a CDK duration in whole days, as S3 lifecycle rules count.
func days(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Days(jsii.Number(float64(d / (24 * time.Hour))))
}

// newSecureBucket creates a bucket with the lake's fixed security settings: every public
// access path blocked, bucket-owner-enforced ownership (no ACLs), SSE-S3 encryption and a
// policy that denies requests without TLS. The bucket is retained on stack deletion because
// the buckets hold the evidence the lake exists for. The caller sets versioning and adds
// lifecycle rules.
func newSecureBucket(scope awsconstructs.Construct, id, name string, versioned bool, rules []*awss3.LifecycleRule) awss3.Bucket {
	rules = append(rules, &awss3.LifecycleRule{
		Id:                                  jsii.String("abort-incomplete-multipart-uploads"),
		AbortIncompleteMultipartUploadAfter: days(abortMultipartAfter),
	})

	return awss3.NewBucket(scope, jsii.String(id), &awss3.BucketProps{
		BucketName:        jsii.String(name),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		Versioned:         jsii.Bool(versioned),
		LifecycleRules:    &rules,
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
}

// newSecureQueue creates a standard queue encrypted with SQS-managed keys (SSE-SQS), which
// S3 event notifications and SNS subscriptions can deliver to without a key policy, and
// with a policy that denies requests without TLS. dlq, when not nil, receives messages
// after maxReceiveCount failed receives.
func newSecureQueue(scope awsconstructs.Construct, id, name string, visibility, retention time.Duration, dlq awssqs.IQueue, maxReceiveCount int) awssqs.Queue {
	props := &awssqs.QueueProps{
		QueueName:       jsii.String(name),
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: duration(retention),
		RemovalPolicy:   awscdk.RemovalPolicy_DESTROY,
	}
	if visibility > 0 {
		props.VisibilityTimeout = duration(visibility)
	}
	if dlq != nil {
		props.DeadLetterQueue = &awssqs.DeadLetterQueue{
			Queue:           dlq,
			MaxReceiveCount: jsii.Number(float64(maxReceiveCount)),
		}
	}
	return awssqs.NewQueue(scope, jsii.String(id), props)
}
