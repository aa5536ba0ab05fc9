//go:build integration

package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// TestDetectionsAdapter writes more than one BatchWriteItem chunk straight through the
// adapter into a table of its own, then reads it back through both indexes.
func TestDetectionsAdapter(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	table := "ot_detections_adapter_test"
	_, err := h.c.ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{
			{AttributeName: aws.String("detection_id"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("severity"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("host"), AttributeType: ddbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("detected_at"), AttributeType: ddbtypes.ScalarAttributeTypeS},
		},
		KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String("detection_id"), KeyType: ddbtypes.KeyTypeHash}},
		GlobalSecondaryIndexes: []ddbtypes.GlobalSecondaryIndex{
			gsi(names.SeverityIndex, "severity"), gsi(names.HostIndex, "host"),
		},
	})
	require.NoError(t, err)

	// 60 detections: three chunks of at most 25; the last 10 have no host.
	start := time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC)
	var dets []detection.Detection
	for i := range 60 {
		d := detection.Detection{
			DetectionID: fmt.Sprintf("adapter-%03d", i), IncidentCorrelator: "CROSS_ZONE_VIOLATION#iptables",
			Rule: "CROSS_ZONE_VIOLATION", Severity: detection.SeverityHigh, Source: "iptables",
			DetectedAt: start.Add(time.Duration(59-i) * time.Second), Host: "192.0.2.10",
			Techniques: []string{"T0886"}, Count: 1,
		}
		if i%2 == 1 {
			d.Severity = detection.SeverityLow
		}
		if i >= 50 {
			d.Host = ""
		}
		dets = append(dets, d)
	}
	store := &awsstore.Detections{Client: h.c.ddb, Table: table, TTL: 90 * 24 * time.Hour, Now: func() time.Time { return start }}

	_, err = store.Put(ctx, dets)
	require.NoError(t, err)
	_, err = store.Put(ctx, dets)
	require.NoError(t, err)

	all, err := store.Scan(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, all, 60)
	high, err := store.QueryIndex(ctx, names.SeverityIndex, "severity", detection.SeverityHigh)
	require.NoError(t, err)
	require.Len(t, high, 30)
	assert.Equal(t, "adapter-058", high[0].DetectionID, "oldest first")
	byHost, err := store.QueryIndex(ctx, names.HostIndex, "host", "192.0.2.10")
	require.NoError(t, err)
	assert.Len(t, byHost, 50, "detections without a host are not in host-index")
}

func gsi(name, partition string) ddbtypes.GlobalSecondaryIndex {
	return ddbtypes.GlobalSecondaryIndex{
		IndexName: aws.String(name),
		KeySchema: []ddbtypes.KeySchemaElement{
			{AttributeName: aws.String(partition), KeyType: ddbtypes.KeyTypeHash},
			{AttributeName: aws.String("detected_at"), KeyType: ddbtypes.KeyTypeRange},
		},
		Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
	}
}
