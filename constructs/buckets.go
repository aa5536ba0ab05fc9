package constructs

import (
	"fmt"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// LakeBucketsProps configures the raw, staged and reports buckets.
type LakeBucketsProps struct {
	// NameSuffix is appended to each bucket name after the account ID. Default: none.
	NameSuffix string

	// RawInfrequentAccessAfter moves raw objects to S3 Standard-IA this long after upload,
	// because they are read once by the parser and then only to reprocess. S3 requires at
	// least 30 days. Default: 30 days.
	RawInfrequentAccessAfter time.Duration
	// RawGlacierAfter moves raw objects to S3 Glacier Instant Retrieval, which still serves
	// a reprocessing read in milliseconds. Default: 90 days.
	RawGlacierAfter time.Duration
	// NoncurrentExpiration deletes overwritten or deleted versions in the versioned raw
	// and reports buckets this long after they stop being current. Default: 30 days.
	NoncurrentExpiration time.Duration
	// QuarantineExpiration deletes the staged bucket's errors/ objects (bad lines with
	// their reasons) this long after they are written. Default: 30 days.
	QuarantineExpiration time.Duration
}

// minInfrequentAccessAge is the S3 minimum age for a transition to Standard-IA.
const minInfrequentAccessAge = 30 * 24 * time.Hour

// withDefaults returns p with each zero field set to its documented default.
func (p LakeBucketsProps) withDefaults() LakeBucketsProps {
	if p.RawInfrequentAccessAfter == 0 {
		p.RawInfrequentAccessAfter = 30 * 24 * time.Hour
	}
	if p.RawGlacierAfter == 0 {
		p.RawGlacierAfter = 90 * 24 * time.Hour
	}
	if p.NoncurrentExpiration == 0 {
		p.NoncurrentExpiration = 30 * 24 * time.Hour
	}
	if p.QuarantineExpiration == 0 {
		p.QuarantineExpiration = 30 * 24 * time.Hour
	}
	return p
}

// Validate reports lifecycle settings that S3 rejects or that contradict each other.
func (p LakeBucketsProps) Validate() error {
	p = p.withDefaults()

	if p.RawInfrequentAccessAfter < minInfrequentAccessAge {
		return fmt.Errorf("validate raw bucket lifecycle %s: S3 needs at least 30 days before a Standard-IA transition", p.RawInfrequentAccessAfter)
	}
	if p.RawGlacierAfter <= p.RawInfrequentAccessAfter {
		return fmt.Errorf("validate raw bucket lifecycle %s: the Glacier transition must come after the Standard-IA transition at %s", p.RawGlacierAfter, p.RawInfrequentAccessAfter)
	}
	for _, d := range []time.Duration{p.NoncurrentExpiration, p.QuarantineExpiration} {
		if d < 24*time.Hour || d%(24*time.Hour) != 0 {
			return fmt.Errorf("validate bucket expiration %s: want whole days, at least one", d)
		}
	}
	return nil
}

// LakeBuckets is the three buckets of the lake, named as the Lambdas and otlake expect:
// raw (versioned, shipper uploads), staged (Parquet and quarantine) and reports (versioned,
// incident JSON).
type LakeBuckets struct {
	awsconstructs.Construct

	Raw     awss3.Bucket
	Staged  awss3.Bucket
	Reports awss3.Bucket
}

// NewLakeBuckets creates the raw, staged and reports buckets with the secure defaults of
// newSecureBucket and the lifecycle rules of props.
func NewLakeBuckets(scope awsconstructs.Construct, id string, props LakeBucketsProps) (*LakeBuckets, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()
	c := &LakeBuckets{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}
	account := *awscdk.Aws_ACCOUNT_ID()

	// Raw: versioned, so an overwritten upload can still be reprocessed, and tiered to
	// cheaper storage as it ages. Raw objects are evidence and never expire.
	c.Raw = newSecureBucket(c.Construct, "Raw", names.Bucket(names.RawBucketPrefix, account, props.NameSuffix), true, []*awss3.LifecycleRule{{
		Id: jsii.String("tier-old-raw-objects"),
		Transitions: &[]*awss3.Transition{
			{StorageClass: awss3.StorageClass_INFREQUENT_ACCESS(), TransitionAfter: days(props.RawInfrequentAccessAfter)},
			{StorageClass: awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL(), TransitionAfter: days(props.RawGlacierAfter)},
		},
		NoncurrentVersionExpiration: days(props.NoncurrentExpiration),
	}})

	// Staged: not versioned, because reprocessing rewrites a Parquet object under the same
	// key on purpose. Quarantined lines expire once they had time to be looked at.
	c.Staged = newSecureBucket(c.Construct, "Staged", names.Bucket(names.StagedBucketPrefix, account, props.NameSuffix), false, []*awss3.LifecycleRule{{
		Id:         jsii.String("expire-quarantine"),
		Prefix:     jsii.String(objectkey.QuarantinePrefix),
		Expiration: days(props.QuarantineExpiration),
	}})

	// Reports: versioned, so a report deleted to undo a failed alert stays recoverable.
	c.Reports = newSecureBucket(c.Construct, "Reports", names.Bucket(names.ReportsBucketPrefix, account, props.NameSuffix), true, []*awss3.LifecycleRule{{
		Id:                          jsii.String("expire-noncurrent-reports"),
		NoncurrentVersionExpiration: days(props.NoncurrentExpiration),
	}})

	// Server access logs would need a log bucket per copy of the stack, and S3 delivers
	// them best effort. CloudTrail data events are the audit trail for object access.
	suppress(c.Raw, "AwsSolutions-S1", "Raw uploads come from otship with its own IAM identity; audit object reads and writes with CloudTrail S3 data events on this bucket instead of best-effort server access logs.")
	suppress(c.Staged, "AwsSolutions-S1", "Only ot-log-parser writes the staged bucket and Athena reads it; its objects are derived from the raw bucket and can be rebuilt, so server access logs add cost without audit value.")
	suppress(c.Reports, "AwsSolutions-S1", "Only ot-incident-aggregator writes incident reports; audit reads of reports with CloudTrail S3 data events on this bucket instead of best-effort server access logs.")
	return c, nil
}
