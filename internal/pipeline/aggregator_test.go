package pipeline

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// memReports is a ReportStore in memory with the same put-if-absent rule as S3's
// If-None-Match: * and the local lake's link.
type memReports struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (m *memReports) PutIfAbsent(_ context.Context, key string, body []byte) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objects[key]; ok {
		return false, nil
	}
	m.objects[key] = body
	return true, nil
}

func (m *memReports) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}

func (m *memReports) URI(key string) string { return "mem://" + key }

type memNotifier struct {
	subjects []string
	fail     error
}

func (n *memNotifier) Publish(_ context.Context, subject, _ string) error {
	if n.fail != nil {
		return n.fail
	}
	n.subjects = append(n.subjects, subject)
	return nil
}

func testDetections() []detection.Detection {
	at := time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC)
	return []detection.Detection{
		{DetectionID: "aa", IncidentCorrelator: "UNAUTHORIZED_MODBUS_WRITE#ot_sensor", Rule: "UNAUTHORIZED_MODBUS_WRITE",
			Severity: "HIGH", DetectedAt: at, Host: "172.21.0.10", Source: "ot_sensor", Techniques: []string{"T0855"}, Count: 1, SrcIP: "172.24.0.10"},
		{DetectionID: "bb", IncidentCorrelator: "OT_BRUTE_FORCE_SCAN#ot_sensor", Rule: "OT_BRUTE_FORCE_SCAN",
			Severity: "MEDIUM", DetectedAt: at.Add(time.Second), Host: "172.21.0.10", Source: "ot_sensor", Techniques: []string{"T0846"}, Count: 40, SrcIP: "172.24.0.10"},
	}
}

func newAggregator(reports *memReports, notes *memNotifier) *Aggregator {
	return &Aggregator{
		Reports: reports, Notifier: notes,
		Now: func() time.Time { return time.Date(2026, 5, 20, 19, 30, 0, 0, time.UTC) },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
}

func TestAggregateOncePerIncident(t *testing.T) {
	reports, notes := &memReports{objects: map[string][]byte{}}, &memNotifier{}
	agg := newAggregator(reports, notes)

	first, err := agg.Aggregate(context.Background(), testDetections())
	require.NoError(t, err)
	require.True(t, first.Created)
	assert.Equal(t, "incidents/"+first.IncidentID+".json", first.ReportKey)
	assert.Len(t, notes.subjects, 1)
	assert.Equal(t, first.Subject, notes.subjects[0])

	// The same batch delivered again, in another order: same incident, no second alert.
	dets := testDetections()
	dets[0], dets[1] = dets[1], dets[0]
	again, err := agg.Aggregate(context.Background(), dets)
	require.NoError(t, err)
	assert.False(t, again.Created)
	assert.Equal(t, first.IncidentID, again.IncidentID)
	assert.Len(t, notes.subjects, 1)
	assert.Len(t, reports.objects, 1)
}

func TestAggregatePublishFailureUndoesReport(t *testing.T) {
	reports, notes := &memReports{objects: map[string][]byte{}}, &memNotifier{fail: errors.New("throttled")}
	agg := newAggregator(reports, notes)

	_, err := agg.Aggregate(context.Background(), testDetections())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "throttled")
	assert.Empty(t, reports.objects, "the retry must be able to create the report and publish")

	notes.fail = nil
	out, err := agg.Aggregate(context.Background(), testDetections())
	require.NoError(t, err)
	assert.True(t, out.Created)
	assert.Len(t, notes.subjects, 1)
}

func TestAggregateSkipsInvalidDetections(t *testing.T) {
	reports, notes := &memReports{objects: map[string][]byte{}}, &memNotifier{}
	agg := newAggregator(reports, notes)

	dets := append(testDetections(), detection.Detection{DetectionID: "cc", Severity: "URGENT", DetectedAt: time.Now()})
	out, err := agg.Aggregate(context.Background(), dets)
	require.NoError(t, err)
	assert.Equal(t, 2, out.Report.DetectionCount)

	out, err = agg.Aggregate(context.Background(), []detection.Detection{{DetectionID: "dd"}})
	require.NoError(t, err)
	assert.Nil(t, out, "a batch with no valid detection makes no incident")
}
