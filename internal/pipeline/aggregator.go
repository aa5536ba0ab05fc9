package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/incident"
)

// Aggregator turns a batch of new detections into one incident report and one alert.
type Aggregator struct {
	Reports  ReportStore
	Notifier Notifier
	Now      func() time.Time // defaults to time.Now
	Log      *slog.Logger
}

// Outcome describes what Aggregate did with a batch.
type Outcome struct {
	IncidentID string
	ReportKey  string
	ReportURI  string
	Subject    string
	Report     incident.Report
	// Created is false when the report already existed: the batch was a retry and no alert
	// was sent again.
	Created bool
}

// Aggregate writes the incident report for dets and publishes its alert, both at most once
// per incident. The report key is derived from the detection IDs and written only if absent,
// and only the call that created the report publishes the alert.
func (a *Aggregator) Aggregate(ctx context.Context, dets []detection.Detection) (*Outcome, error) {
	log := a.logger()

	// Items read back from a store may be damaged; one bad item must not sink the batch.
	valid := make([]detection.Detection, 0, len(dets))
	for _, d := range dets {
		if err := d.Validate(); err != nil {
			log.Warn("skip invalid detection", "detection_id", d.DetectionID, "err", err)
			continue
		}
		valid = append(valid, d)
	}
	if len(valid) == 0 {
		return nil, nil
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}

	report, err := incident.Build(valid, now().UTC())
	if err != nil {
		return nil, fmt.Errorf("build incident report: %w", err)
	}
	body, err := report.Encode()
	if err != nil {
		return nil, fmt.Errorf("encode incident report %s: %w", report.IncidentID, err)
	}
	out := &Outcome{
		IncidentID: report.IncidentID,
		ReportKey:  incident.ReportKey(report.IncidentID),
		Subject:    incident.Subject(report),
		Report:     report,
	}
	out.ReportURI = a.Reports.URI(out.ReportKey)

	// The conditional write decides which delivery of the batch owns the alert.
	created, err := a.Reports.PutIfAbsent(ctx, out.ReportKey, body)
	if err != nil {
		return nil, fmt.Errorf("write incident report %q: %w", out.ReportKey, err)
	}
	out.Created = created
	log = log.With("incident_id", out.IncidentID, "detections", len(valid))
	if !created {
		log.Info("incident report exists; alert already sent", "report_key", out.ReportKey)
		return out, nil
	}

	if err := a.Notifier.Publish(ctx, out.Subject, incident.Body(report, out.ReportURI)); err != nil {
		// Undo the report so that the retry of this batch creates it again and publishes.
		if delErr := a.Reports.Delete(ctx, out.ReportKey); delErr != nil {
			log.Error("remove report after failed publish", "report_key", out.ReportKey, "err", delErr)
		}
		return nil, fmt.Errorf("publish alert for incident %s: %w", out.IncidentID, err)
	}
	log.Info("incident reported", "report_key", out.ReportKey, "subject", out.Subject)
	return out, nil
}

func (a *Aggregator) logger() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// GroupByCorrelator splits detections into one group per incident_correlator, keeping the
// input order within each group and ordering groups by their first detection. Each group is
// one incident: the aggregator Lambda and the local lake both group this way.
func GroupByCorrelator(dets []detection.Detection) [][]detection.Detection {
	var groups [][]detection.Detection
	index := map[string]int{}
	for _, d := range dets {
		i, ok := index[d.IncidentCorrelator]
		if !ok {
			i = len(groups)
			index[d.IncidentCorrelator] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], d)
	}
	return groups
}
