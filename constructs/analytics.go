package constructs

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/otlake/cloud-telemetry-lake/glue"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// maxNamedQueryDescription is the Athena limit on a named query's description.
const maxNamedQueryDescription = 1024

// AnalyticsProps configures the Glue catalog and the Athena workgroup.
type AnalyticsProps struct {
	// NameSuffix is appended to the database name (after "_") and to the workgroup and
	// results bucket names (after "-"). Default: none.
	NameSuffix string
	// Buckets are the staged and reports buckets the tables read. Required.
	Buckets *LakeBuckets
	// ResultsExpiration deletes query results this long after a query wrote them.
	// Default: 30 days.
	ResultsExpiration time.Duration
	// BytesScannedCutoff cancels any query of the workgroup that would scan more bytes,
	// as a cost guard. Athena's minimum is 10 MB. Default: 10 GiB.
	BytesScannedCutoff int64
}

// minBytesScannedCutoff is the Athena minimum for a per-query scan limit (10 MB).
const minBytesScannedCutoff = 10_000_000

// withDefaults returns p with each zero field set to its documented default.
func (p AnalyticsProps) withDefaults() AnalyticsProps {
	if p.ResultsExpiration == 0 {
		p.ResultsExpiration = 30 * 24 * time.Hour
	}
	if p.BytesScannedCutoff == 0 {
		p.BytesScannedCutoff = 10 << 30
	}
	return p
}

// Validate reports missing buckets, a results expiration that is not whole days, and a
// scan cutoff below the Athena minimum.
func (p AnalyticsProps) Validate() error {
	p = p.withDefaults()

	if p.Buckets == nil {
		return errors.New("validate analytics: Buckets is required")
	}
	if p.ResultsExpiration < 24*time.Hour || p.ResultsExpiration%(24*time.Hour) != 0 {
		return fmt.Errorf("validate analytics results expiration %s: want whole days, at least one", p.ResultsExpiration)
	}
	if p.BytesScannedCutoff < minBytesScannedCutoff {
		return fmt.Errorf("validate analytics bytes scanned cutoff %d: Athena needs at least %d", p.BytesScannedCutoff, minBytesScannedCutoff)
	}
	return nil
}

// Analytics is the optional query layer: the Glue database with the staged_telemetry and
// incident_reports tables, an Athena workgroup with its own encrypted results bucket, and
// one named query per glue/queries/*.sql file.
type Analytics struct {
	awsconstructs.Construct

	Database      awsglue.CfnDatabase
	StagedTable   awsglue.CfnTable
	ReportsTable  awsglue.CfnTable
	Workgroup     awsathena.CfnWorkGroup
	ResultsBucket awss3.Bucket
	NamedQueries  []awsathena.CfnNamedQuery
}

// NewAnalytics creates the catalog, workgroup and named queries from the definitions in
// package glue, so the table schemas and the SQL have one source.
func NewAnalytics(scope awsconstructs.Construct, id string, props AnalyticsProps) (*Analytics, error) {
	if err := props.Validate(); err != nil {
		return nil, err
	}
	props = props.withDefaults()
	c := &Analytics{Construct: awsconstructs.NewConstruct(scope, jsii.String(id))}
	account := awscdk.Aws_ACCOUNT_ID()

	c.Database = awsglue.NewCfnDatabase(c.Construct, jsii.String("Database"), &awsglue.CfnDatabaseProps{
		CatalogId: account,
		DatabaseInput: &awsglue.CfnDatabase_DatabaseInputProperty{
			Name:        jsii.String(glueSuffixed(names.GlueDatabase, props.NameSuffix)),
			Description: jsii.String("OT security telemetry lake: staged records and incident reports"),
		},
	})

	// Tables: the definitions come from package glue; only the bucket names are ours.
	staged, err := glue.StagedTelemetry(*props.Buckets.Staged.BucketName())
	if err != nil {
		return nil, fmt.Errorf("define table %s: %w", names.StagedTable, err)
	}
	reports, err := glue.IncidentReports(*props.Buckets.Reports.BucketName())
	if err != nil {
		return nil, fmt.Errorf("define table %s: %w", names.ReportsTable, err)
	}
	c.StagedTable = newGlueTable(c.Construct, "StagedTable", c.Database, staged)
	c.ReportsTable = newGlueTable(c.Construct, "ReportsTable", c.Database, reports)

	// Workgroup: results go to a bucket of their own, encrypted, and the workgroup settings
	// override any client-side result location or encryption choice.
	c.ResultsBucket = newSecureBucket(c.Construct, "Results", names.Bucket(names.AthenaResultsBucketPrefix, *account, props.NameSuffix), false, []*awss3.LifecycleRule{{
		Id:         jsii.String("expire-query-results"),
		Expiration: days(props.ResultsExpiration),
	}})
	suppress(c.ResultsBucket, "AwsSolutions-S1", "The Athena results bucket holds only query output that expires within days; Athena records who ran each query in its query history and CloudTrail.")

	c.Workgroup = awsathena.NewCfnWorkGroup(c.Construct, jsii.String("Workgroup"), &awsathena.CfnWorkGroupProps{
		Name:                  jsii.String(suffixed(names.AthenaWorkgroup, props.NameSuffix)),
		Description:           jsii.String("Queries over the OT telemetry lake"),
		State:                 jsii.String("ENABLED"),
		RecursiveDeleteOption: jsii.Bool(true),
		WorkGroupConfiguration: &awsathena.CfnWorkGroup_WorkGroupConfigurationProperty{
			EnforceWorkGroupConfiguration:   jsii.Bool(true),
			PublishCloudWatchMetricsEnabled: jsii.Bool(true),
			BytesScannedCutoffPerQuery:      jsii.Number(float64(props.BytesScannedCutoff)),
			ResultConfiguration: &awsathena.CfnWorkGroup_ResultConfigurationProperty{
				OutputLocation: jsii.String("s3://" + *c.ResultsBucket.BucketName() + "/"),
				EncryptionConfiguration: &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{
					EncryptionOption: jsii.String("SSE_S3"),
				},
			},
		},
	})

	// Named queries: the SQL text is the embedded file, byte for byte.
	for _, q := range glue.Queries() {
		qp := &awsathena.CfnNamedQueryProps{
			Name:        jsii.String(q.NamedQueryName()),
			Database:    c.Database.Ref(),
			QueryString: jsii.String(q.SQL),
			WorkGroup:   c.Workgroup.Ref(),
		}
		if desc := namedQueryDescription(q); desc != "" {
			qp.Description = jsii.String(desc)
		}
		c.NamedQueries = append(c.NamedQueries, awsathena.NewCfnNamedQuery(c.Construct, jsii.String("Query-"+q.Name), qp))
	}
	return c, nil
}

// newGlueTable creates an external table in db from a package glue definition.
func newGlueTable(scope awsconstructs.Construct, id string, db awsglue.CfnDatabase, t glue.Table) awsglue.CfnTable {
	input := &awsglue.CfnTable_TableInputProperty{
		Name:        jsii.String(t.Name),
		Description: jsii.String(t.Description),
		TableType:   jsii.String("EXTERNAL_TABLE"),
		Parameters:  stringMap(t.Parameters),
		StorageDescriptor: &awsglue.CfnTable_StorageDescriptorProperty{
			Columns:      glueColumns(t.Columns),
			Location:     jsii.String(t.Location),
			InputFormat:  jsii.String(t.InputFormat),
			OutputFormat: jsii.String(t.OutputFormat),
			SerdeInfo: &awsglue.CfnTable_SerdeInfoProperty{
				SerializationLibrary: jsii.String(t.SerDeLibrary),
				Parameters:           stringMap(t.SerDeParameters),
			},
		},
	}
	if len(t.PartitionKeys) > 0 {
		input.PartitionKeys = glueColumns(t.PartitionKeys)
	}

	return awsglue.NewCfnTable(scope, jsii.String(id), &awsglue.CfnTableProps{
		CatalogId:    db.CatalogId(),
		DatabaseName: db.Ref(),
		TableInput:   input,
	})
}

// glueColumns converts column definitions to the CloudFormation property type.
func glueColumns(columns []glue.Column) []interface{} {
	out := make([]interface{}, 0, len(columns))
	for _, col := range columns {
		out = append(out, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(col.Name), Type: jsii.String(col.Type)})
	}
	return out
}

// stringMap converts a string map to the pointer map jsii passes on; an empty map is nil,
// so the template leaves the property out.
func stringMap(m map[string]string) *map[string]*string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}

// namedQueryDescription returns the query's title and description, cut to the Athena limit.
func namedQueryDescription(q glue.Query) string {
	desc := q.Title
	if q.Description != "" {
		desc += ": " + q.Description
	}
	if len(desc) <= maxNamedQueryDescription {
		return desc
	}

	// Cut at a rune boundary, so the description stays valid UTF-8.
	cut := maxNamedQueryDescription
	for cut > 0 && !utf8.RuneStart(desc[cut]) {
		cut--
	}
	return desc[:cut]
}
