package constructs

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// DetectionsTableProps configures the ot_detections table.
type DetectionsTableProps struct {
	// NameSuffix is appended to the table name after a hyphen. Default: none.
	NameSuffix string
}

// Validate reports conflicting props. The table has no tunable settings yet, so every value
// is valid.
func (p DetectionsTableProps) Validate() error {
	return nil
}

// DetectionsTable is the ot_detections table: one item per detection keyed by
// detection_id, the severity-index and host-index GSIs (both sorted by detected_at), and a
// NEW_AND_OLD_IMAGES stream that feeds the aggregator.
type DetectionsTable struct {
	awsconstructs.Construct

	Table awsdynamodb.Table
}

// NewDetectionsTable creates the table with on-demand billing, point-in-time recovery,
// encryption under the AWS managed DynamoDB key, the expires_at TTL attribute, and
// retention on stack deletion.
func NewDetectionsTable(scope awsconstructs.Construct, id string, props DetectionsTableProps) (*DetectionsTable, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	c := &DetectionsTable{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}

	c.Table = awsdynamodb.NewTable(c.Construct, jsii.String("Table"), &awsdynamodb.TableProps{
		TableName:    jsii.String(suffixed(names.DetectionsTable, props.NameSuffix)),
		PartitionKey: stringAttribute(names.AttrDetectionID),
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		Encryption:          awsdynamodb.TableEncryption_AWS_MANAGED,
		TimeToLiveAttribute: jsii.String(names.TTLAttribute),
		Stream:              awsdynamodb.StreamViewType_NEW_AND_OLD_IMAGES,
		RemovalPolicy:       awscdk.RemovalPolicy_RETAIN,
	})

	// Both indexes serve "the newest detections of one severity (or host)", so they
	// project every attribute and spare a fetch from the base table.
	for _, index := range []struct{ name, partition string }{
		{names.SeverityIndex, names.AttrSeverity},
		{names.HostIndex, names.AttrHost},
	} {
		c.Table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(index.name),
			PartitionKey:   stringAttribute(index.partition),
			SortKey:        stringAttribute(names.AttrDetectedAt),
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
	return c, nil
}

// stringAttribute returns a key attribute of type S.
func stringAttribute(name string) *awsdynamodb.Attribute {
	return &awsdynamodb.Attribute{Name: jsii.String(name), Type: awsdynamodb.AttributeType_STRING}
}
