package constructs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/glue"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

func TestResourceCounts(t *testing.T) {
	// Shared by every variant: three lake buckets, four queues (ingest, its DLQ, the
	// stream DLQ, notifications), one table, one topic and two functions with their roles,
	// policies, log groups and event source mappings.
	base := map[string]int{
		"AWS::S3::Bucket":                 3,
		"AWS::S3::BucketPolicy":           3,
		"AWS::SQS::Queue":                 4,
		"AWS::SQS::QueuePolicy":           4,
		"AWS::DynamoDB::Table":            1,
		"AWS::SNS::Topic":                 1,
		"AWS::SNS::TopicPolicy":           1,
		"AWS::SNS::Subscription":          1,
		"AWS::Lambda::Function":           2,
		"AWS::Lambda::EventSourceMapping": 2,
		"AWS::IAM::Role":                  2,
		"AWS::IAM::Policy":                2,
		"AWS::Logs::LogGroup":             2,
	}
	with := func(extra map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] += v
		}
		return out
	}

	// The CDK's notification custom resource brings its own function, role and policy.
	customResource := map[string]int{
		"Custom::S3BucketNotifications": 1,
		"AWS::Lambda::Function":         1,
		"AWS::IAM::Role":                1,
		"AWS::IAM::Policy":              1,
	}
	tests := []struct {
		v    variant
		want map[string]int
	}{
		{analyticsOff, with(customResource)},
		{analyticsOn, with(merge(customResource, map[string]int{
			"AWS::Glue::Database":     1,
			"AWS::Glue::Table":        2,
			"AWS::Athena::WorkGroup":  1,
			"AWS::Athena::NamedQuery": len(glue.QueryNames()),
			"AWS::S3::Bucket":         1,
			"AWS::S3::BucketPolicy":   1,
		}))},
		{localStack, base},
	}
	for _, tt := range tests {
		t.Run(tt.v.name, func(t *testing.T) {
			got := map[string]int{}
			for _, r := range synth(t, tt.v).template["Resources"].(map[string]any) {
				got[r.(map[string]any)["Type"].(string)]++
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// merge returns the sum of two count maps.
func merge(a, b map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range a {
		out[k] += v
	}
	for k, v := range b {
		out[k] += v
	}
	return out
}

func TestDetectionsTableSettings(t *testing.T) {
	tmpl := synth(t, analyticsOff).template
	_, table := oneResource(t, tmpl, "AWS::DynamoDB::Table", "Detections")
	p := propsOf(table)

	assert.Equal(t, names.DetectionsTable, p["TableName"])
	assert.Equal(t, "PAY_PER_REQUEST", p["BillingMode"])
	assert.Equal(t, "NEW_AND_OLD_IMAGES", path(p, "StreamSpecification", "StreamViewType"))
	assert.Equal(t, true, path(p, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
	assert.Equal(t, true, path(p, "SSESpecification", "SSEEnabled"))
	assert.Equal(t, names.TTLAttribute, path(p, "TimeToLiveSpecification", "AttributeName"))
	assert.Equal(t, true, path(p, "TimeToLiveSpecification", "Enabled"))
	assert.Equal(t, "Retain", table["DeletionPolicy"])
	assert.Equal(t, []any{map[string]any{"AttributeName": names.AttrDetectionID, "KeyType": "HASH"}}, p["KeySchema"])

	want := map[string][]any{
		names.SeverityIndex: {
			map[string]any{"AttributeName": names.AttrSeverity, "KeyType": "HASH"},
			map[string]any{"AttributeName": names.AttrDetectedAt, "KeyType": "RANGE"},
		},
		names.HostIndex: {
			map[string]any{"AttributeName": names.AttrHost, "KeyType": "HASH"},
			map[string]any{"AttributeName": names.AttrDetectedAt, "KeyType": "RANGE"},
		},
	}
	got := map[string][]any{}
	for _, gsi := range p["GlobalSecondaryIndexes"].([]any) {
		name := path(gsi, "IndexName").(string)
		got[name] = path(gsi, "KeySchema").([]any)
		assert.Equal(t, "ALL", path(gsi, "Projection", "ProjectionType"), "projection of %s", name)
	}
	assert.Equal(t, want, got)
}

func TestIngestQueueRedrive(t *testing.T) {
	tmpl := synth(t, analyticsOff).template
	dlqID, _ := oneResource(t, tmpl, "AWS::SQS::Queue", "IngestDLQ")
	_, queue := oneResource(t, tmpl, "AWS::SQS::Queue", "IngestQueue")
	_, parser := oneResource(t, tmpl, "AWS::Lambda::Function", "ParserFunction")
	p := propsOf(queue)

	assert.Equal(t, names.IngestQueue, p["QueueName"])
	assert.Equal(t, "<"+dlqID+".Arn>", render(path(p, "RedrivePolicy", "deadLetterTargetArn")))
	assert.Equal(t, float64(5), path(p, "RedrivePolicy", "maxReceiveCount"))

	timeout := propsOf(parser)["Timeout"].(float64)
	assert.GreaterOrEqual(t, p["VisibilityTimeout"].(float64), 6*timeout, "visibility timeout against 6 x parser timeout %v s", timeout)
}

func TestEventSourceMappings(t *testing.T) {
	tmpl := synth(t, analyticsOff).template

	t.Run("ingest queue", func(t *testing.T) {
		queueID, _ := oneResource(t, tmpl, "AWS::SQS::Queue", "IngestQueue")
		_, mapping := oneResource(t, tmpl, "AWS::Lambda::EventSourceMapping", "ParserFunctionSqsEventSource")
		p := propsOf(mapping)

		assert.Equal(t, "<"+queueID+".Arn>", render(p["EventSourceArn"]))
		assert.Equal(t, []any{"ReportBatchItemFailures"}, p["FunctionResponseTypes"])
		assert.Equal(t, float64(10), p["BatchSize"])
		assert.Equal(t, float64(5), p["MaximumBatchingWindowInSeconds"])
		assert.Equal(t, float64(DefaultParserConcurrency), path(p, "ScalingConfig", "MaximumConcurrency"))
	})

	t.Run("detections stream", func(t *testing.T) {
		tableID, _ := oneResource(t, tmpl, "AWS::DynamoDB::Table", "Detections")
		dlqID, _ := oneResource(t, tmpl, "AWS::SQS::Queue", "AggregatorStreamDLQ")
		_, mapping := oneResource(t, tmpl, "AWS::Lambda::EventSourceMapping", "AggregatorFunctionDynamoDBEventSource")
		p := propsOf(mapping)

		assert.Equal(t, "<"+tableID+".StreamArn>", render(p["EventSourceArn"]))
		assert.Equal(t, []any{"ReportBatchItemFailures"}, p["FunctionResponseTypes"])
		assert.Equal(t, true, p["BisectBatchOnFunctionError"])
		assert.Equal(t, float64(3), p["MaximumRetryAttempts"])
		assert.Equal(t, float64(6*3600), p["MaximumRecordAgeInSeconds"])
		assert.Equal(t, "TRIM_HORIZON", p["StartingPosition"])
		assert.Equal(t, "<"+dlqID+".Arn>", render(path(p, "DestinationConfig", "OnFailure", "Destination")))
		assert.JSONEq(t, `{"eventName":["INSERT"]}`, path(p, "FilterCriteria", "Filters", 0, "Pattern").(string))
		assert.Len(t, path(p, "FilterCriteria", "Filters"), 1)
	})
}

func TestEncryptionAtRest(t *testing.T) {
	for _, v := range []variant{analyticsOff, analyticsOn, localStack} {
		t.Run(v.name, func(t *testing.T) {
			tmpl := synth(t, v).template

			for id, b := range resourcesOf(tmpl, "AWS::S3::Bucket") {
				assert.Equal(t, "AES256", path(propsOf(b), "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm"), "bucket %s", id)
			}
			for id, q := range resourcesOf(tmpl, "AWS::SQS::Queue") {
				assert.Equal(t, true, propsOf(q)["SqsManagedSseEnabled"], "queue %s", id)
			}
			for id, topic := range resourcesOf(tmpl, "AWS::SNS::Topic") {
				assert.True(t, strings.HasSuffix(render(propsOf(topic)["KmsMasterKeyId"]), ":"+awsManagedSNSKey), "topic %s key %v", id, propsOf(topic)["KmsMasterKeyId"])
			}
			for id, wg := range resourcesOf(tmpl, "AWS::Athena::WorkGroup") {
				cfg := path(propsOf(wg), "WorkGroupConfiguration")
				assert.Equal(t, "SSE_S3", path(cfg, "ResultConfiguration", "EncryptionConfiguration", "EncryptionOption"), "workgroup %s", id)
				assert.Equal(t, true, path(cfg, "EnforceWorkGroupConfiguration"), "workgroup %s", id)
			}
		})
	}
}

func TestBucketsBlockPublicAccess(t *testing.T) {
	for _, v := range []variant{analyticsOff, analyticsOn, localStack} {
		t.Run(v.name, func(t *testing.T) {
			tmpl := synth(t, v).template

			// Every bucket policy denies plain HTTP; remember which buckets have one.
			tlsOnly := map[string]bool{}
			for _, policy := range resourcesOf(tmpl, "AWS::S3::BucketPolicy") {
				for _, s := range statements(propsOf(policy)["PolicyDocument"]) {
					if s["Effect"] == "Deny" && path(s, "Condition", "Bool", "aws:SecureTransport") == "false" {
						tlsOnly[render(propsOf(policy)["Bucket"])] = true
					}
				}
			}

			for id, b := range resourcesOf(tmpl, "AWS::S3::Bucket") {
				p := propsOf(b)
				for _, setting := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
					assert.Equal(t, true, path(p, "PublicAccessBlockConfiguration", setting), "bucket %s %s", id, setting)
				}
				assert.Equal(t, "BucketOwnerEnforced", path(p, "OwnershipControls", "Rules", 0, "ObjectOwnership"), "bucket %s", id)
				assert.True(t, tlsOnly["<"+id+">"], "bucket %s has no TLS-only policy", id)
			}
		})
	}
}

func TestQueuesAndTopicRequireTLS(t *testing.T) {
	tmpl := synth(t, analyticsOff).template

	denied := map[string]bool{}
	for _, typ := range []string{"AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"} {
		for _, policy := range resourcesOf(tmpl, typ) {
			p := propsOf(policy)
			for _, s := range statements(p["PolicyDocument"]) {
				if s["Effect"] == "Deny" && path(s, "Condition", "Bool", "aws:SecureTransport") == "false" {
					for _, target := range stringList(p["Queues"]) {
						denied[target] = true
					}
					for _, target := range stringList(p["Topics"]) {
						denied[target] = true
					}
				}
			}
		}
	}
	for id := range resourcesOf(tmpl, "AWS::SQS::Queue") {
		assert.True(t, denied["<"+id+">"], "queue %s has no TLS-only policy", id)
	}
	for id := range resourcesOf(tmpl, "AWS::SNS::Topic") {
		assert.True(t, denied["<"+id+">"], "topic %s has no TLS-only policy", id)
	}
}

func TestBucketLifecycleRules(t *testing.T) {
	tmpl := synth(t, analyticsOff).template
	rules := func(prefix string) map[string]any {
		_, b := oneResource(t, tmpl, "AWS::S3::Bucket", prefix)
		out := map[string]any{}
		for _, r := range path(propsOf(b), "LifecycleConfiguration", "Rules").([]any) {
			out[path(r, "Id").(string)] = r
		}
		return out
	}

	raw := rules("BucketsRaw")
	assert.Equal(t, "STANDARD_IA", path(raw["tier-old-raw-objects"], "Transitions", 0, "StorageClass"))
	assert.Equal(t, float64(30), path(raw["tier-old-raw-objects"], "Transitions", 0, "TransitionInDays"))
	assert.Equal(t, "GLACIER_IR", path(raw["tier-old-raw-objects"], "Transitions", 1, "StorageClass"))
	assert.Equal(t, float64(90), path(raw["tier-old-raw-objects"], "Transitions", 1, "TransitionInDays"))
	assert.Nil(t, path(raw["tier-old-raw-objects"], "ExpirationInDays"), "raw objects must not expire")

	staged := rules("BucketsStaged")
	assert.Equal(t, "errors/", path(staged["expire-quarantine"], "Prefix"))
	assert.Equal(t, float64(30), path(staged["expire-quarantine"], "ExpirationInDays"))

	for _, prefix := range []string{"BucketsRaw", "BucketsReports"} {
		_, b := oneResource(t, tmpl, "AWS::S3::Bucket", prefix)
		assert.Equal(t, "Enabled", path(propsOf(b), "VersioningConfiguration", "Status"), "versioning of %s", prefix)
		assert.Equal(t, "Retain", b["DeletionPolicy"], "deletion policy of %s", prefix)
	}
	_, staging := oneResource(t, tmpl, "AWS::S3::Bucket", "BucketsStaged")
	assert.Nil(t, propsOf(staging)["VersioningConfiguration"], "staged bucket is rewritten in place and stays unversioned")
}

func TestFunctionSettings(t *testing.T) {
	tests := []struct {
		v           variant
		prefix      string
		name        string
		arch        string
		memory      float64
		reserved    any
		environment []string
		pathStyle   string
	}{
		{analyticsOff, "ParserFunction", names.ParserFunction, ArchARM64, 1024, float64(DefaultParserConcurrency),
			[]string{names.EnvDetectionsTable, names.EnvLogLevel, names.EnvS3PathStyle, names.EnvStagedBucket}, "false"},
		{analyticsOff, "AggregatorFunction", names.AggregatorFunction, ArchARM64, 256, float64(DefaultAggregatorConcurrency),
			[]string{names.EnvAlertsTopicARN, names.EnvLogLevel, names.EnvReportsBucket, names.EnvS3PathStyle}, "false"},
		{localStack, "ParserFunction", names.ParserFunction + "-dev", ArchX8664, 1024, nil,
			[]string{names.EnvDetectionsTable, names.EnvLogLevel, names.EnvS3PathStyle, names.EnvStagedBucket}, "true"},
	}
	for _, tt := range tests {
		t.Run(tt.v.name+"/"+tt.name, func(t *testing.T) {
			tmpl := synth(t, tt.v).template
			_, fn := oneResource(t, tmpl, "AWS::Lambda::Function", tt.prefix)
			p := propsOf(fn)

			assert.Equal(t, tt.name, p["FunctionName"])
			assert.Equal(t, "provided.al2023", p["Runtime"])
			assert.Equal(t, "bootstrap", p["Handler"])
			assert.Equal(t, []any{tt.arch}, p["Architectures"])
			assert.Equal(t, tt.memory, p["MemorySize"])
			assert.Equal(t, tt.reserved, p["ReservedConcurrentExecutions"])

			var env []string
			for k := range path(p, "Environment", "Variables").(map[string]any) {
				env = append(env, k)
			}
			assert.ElementsMatch(t, tt.environment, env)
			assert.Equal(t, tt.pathStyle, path(p, "Environment", "Variables", names.EnvS3PathStyle))

			// The function logs to its own log group, which has a retention.
			logGroup := render(path(p, "LoggingConfig", "LogGroup"))
			group := resourcesOf(tmpl, "AWS::Logs::LogGroup")[strings.Trim(logGroup, "<>")]
			require.NotNil(t, group, "log group %s", logGroup)
			assert.Equal(t, "/aws/lambda/"+tt.name, propsOf(group)["LogGroupName"])
			assert.Equal(t, float64(30), propsOf(group)["RetentionInDays"])
		})
	}
}

func TestStackOutputs(t *testing.T) {
	base := []string{
		"RawBucketName", "StagedBucketName", "ReportsBucketName", "DetectionsTableName",
		"IngestQueueUrl", "IngestDLQUrl", "StreamDLQUrl", "NotificationsQueueUrl",
		"AlertsTopicArn", "ParserFunctionName", "AggregatorFunctionName",
	}
	tests := []struct {
		v    variant
		want []string
	}{
		{analyticsOff, base},
		{analyticsOn, append(append([]string(nil), base...), "GlueDatabaseName", "AthenaWorkgroupName", "AthenaResultsBucketName")},
	}
	for _, tt := range tests {
		t.Run(tt.v.name, func(t *testing.T) {
			var got []string
			for id := range synth(t, tt.v).template["Outputs"].(map[string]any) {
				got = append(got, id)
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

func TestNamedQueriesMatchFiles(t *testing.T) {
	tmpl := synth(t, analyticsOn).template
	dbID, _ := oneResource(t, tmpl, "AWS::Glue::Database", "AnalyticsDatabase")
	wgID, _ := oneResource(t, tmpl, "AWS::Athena::WorkGroup", "AnalyticsWorkgroup")

	byName := map[string]map[string]any{}
	for _, q := range resourcesOf(tmpl, "AWS::Athena::NamedQuery") {
		byName[propsOf(q)["Name"].(string)] = propsOf(q)
	}

	files, err := filepath.Glob(filepath.Join("..", "glue", "queries", "*.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	assert.Len(t, byName, len(files), "one named query per file")

	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(file)
			require.NoError(t, err)
			q := byName[names.NamedQueryPrefix+strings.ReplaceAll(name, "_", "-")]
			require.NotNil(t, q, "named query for %s", file)

			assert.Equal(t, string(want), q["QueryString"])
			assert.Equal(t, "<"+dbID+">", render(q["Database"]))
			assert.Equal(t, "<"+wgID+">", render(q["WorkGroup"]))
		})
	}
}

func TestGlueTables(t *testing.T) {
	tmpl := synth(t, analyticsOn).template
	_, db := oneResource(t, tmpl, "AWS::Glue::Database", "AnalyticsDatabase")
	assert.Equal(t, names.GlueDatabase, path(propsOf(db), "DatabaseInput", "Name"))

	_, staged := oneResource(t, tmpl, "AWS::Glue::Table", "AnalyticsStagedTable")
	in := path(propsOf(staged), "TableInput")
	assert.Equal(t, names.StagedTable, path(in, "Name"))
	assert.Equal(t, "EXTERNAL_TABLE", path(in, "TableType"))
	assert.Equal(t, []any{
		map[string]any{"Name": "date", "Type": "string"},
		map[string]any{"Name": "source", "Type": "string"},
	}, path(in, "PartitionKeys"))
	assert.Equal(t, "true", path(in, "Parameters", "projection.enabled"))
	assert.Equal(t, "s3://<BucketsStaged08E11AC8>/parsed/date=${date}/source=${source}/", render(path(in, "Parameters", "storage.location.template")))
	assert.Equal(t, glue.ParquetSerDe, path(in, "StorageDescriptor", "SerdeInfo", "SerializationLibrary"))

	columns, err := glue.StagedColumns()
	require.NoError(t, err)
	assert.Equal(t, glueColumnsJSON(columns), path(in, "StorageDescriptor", "Columns"))

	_, reports := oneResource(t, tmpl, "AWS::Glue::Table", "AnalyticsReportsTable")
	in = path(propsOf(reports), "TableInput")
	assert.Equal(t, names.ReportsTable, path(in, "Name"))
	assert.Equal(t, glue.JSONSerDe, path(in, "StorageDescriptor", "SerdeInfo", "SerializationLibrary"))
	assert.Equal(t, "s3://<BucketsReportsE712E931>/incidents/", render(path(in, "StorageDescriptor", "Location")))
	assert.Nil(t, path(in, "PartitionKeys"))

	table, err := glue.IncidentReports("any")
	require.NoError(t, err)
	assert.Equal(t, glueColumnsJSON(table.Columns), path(in, "StorageDescriptor", "Columns"))
}

// glueColumnsJSON renders columns as they appear in a decoded template.
func glueColumnsJSON(columns []glue.Column) []any {
	out := make([]any, 0, len(columns))
	for _, c := range columns {
		out = append(out, map[string]any{"Name": c.Name, "Type": c.Type})
	}
	return out
}

func TestLocalStackVariant(t *testing.T) {
	tmpl := synth(t, localStack).template
	queueID, _ := oneResource(t, tmpl, "AWS::SQS::Queue", "IngestQueue")
	_, raw := oneResource(t, tmpl, "AWS::S3::Bucket", "BucketsRaw")

	assert.Empty(t, resourcesOf(tmpl, "Custom::S3BucketNotifications"), "no custom resource in l1 mode")
	assert.Equal(t, "s3:ObjectCreated:*", path(propsOf(raw), "NotificationConfiguration", "QueueConfigurations", 0, "Event"))
	assert.Equal(t, "<"+queueID+".Arn>", render(path(propsOf(raw), "NotificationConfiguration", "QueueConfigurations", 0, "Queue")))
	assert.Equal(t, "ot-telemetry-raw-<AWS::AccountId>-dev", render(propsOf(raw)["BucketName"]))

	// S3 validates the destination when it stores the configuration, so the bucket must
	// wait for the queue policy that lets S3 send to the queue.
	policyID, policy := oneResource(t, tmpl, "AWS::SQS::QueuePolicy", "IngestQueuePolicy")
	assert.Contains(t, stringList(raw["DependsOn"]), policyID)
	var allowsS3 bool
	for _, s := range statements(propsOf(policy)["PolicyDocument"]) {
		if path(s, "Principal", "Service") == "s3.amazonaws.com" {
			allowsS3 = true
			assert.Equal(t, "arn:<AWS::Partition>:s3:::ot-telemetry-raw-<AWS::AccountId>-dev", render(path(s, "Condition", "ArnLike", "aws:SourceArn")))
			assert.Equal(t, "<AWS::AccountId>", render(path(s, "Condition", "StringEquals", "aws:SourceAccount")))
		}
	}
	assert.True(t, allowsS3, "ingest queue policy lets s3.amazonaws.com send")

	// Every name carries the suffix.
	for typ, key := range map[string]string{
		"AWS::SQS::Queue":       "QueueName",
		"AWS::SNS::Topic":       "TopicName",
		"AWS::DynamoDB::Table":  "TableName",
		"AWS::Lambda::Function": "FunctionName",
	} {
		for id, r := range resourcesOf(tmpl, typ) {
			assert.True(t, strings.HasSuffix(render(propsOf(r)[key]), "-dev"), "%s %s %s", typ, id, render(propsOf(r)[key]))
		}
	}
}
