package lambdafn

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// Stream event names that can start an incident (DynamoDB Streams API reference,
// Record.eventName); REMOVE never does.
const (
	eventInsert = "INSERT"
	eventModify = "MODIFY"
)

// StreamEvent is the event a DynamoDB stream mapping delivers. Images stay in DynamoDB's
// JSON form so that numbers are converted by ImageJSON without a float in between.
type StreamEvent struct {
	Records []StreamRecord `json:"Records"`
}

// StreamRecord is one record of a StreamEvent.
type StreamRecord struct {
	EventID   string `json:"eventID"`
	EventName string `json:"eventName"`
	DynamoDB  struct {
		SequenceNumber string `json:"SequenceNumber"`
		Keys           Image  `json:"Keys"`
		NewImage       Image  `json:"NewImage"`
		OldImage       Image  `json:"OldImage"`
	} `json:"dynamodb"`
}

// AggregatorHandler is the ot-incident-aggregator function: new detections in, one incident
// report and one alert per incident correlator out.
type AggregatorHandler struct {
	Aggregator *pipeline.Aggregator
	Log        *slog.Logger
}

// incidentGroup is the detections of one incident correlator, with the sequence number of
// its first record: a retry must start there to see the whole group again.
type incidentGroup struct {
	correlator string
	firstSeq   string
	dets       []detection.Detection
}

// aggregatorTally counts the outcomes of one invocation for its summary line.
type aggregatorTally struct {
	records, detections, ignored, invalid int
	incidents, created, existing          int
}

// Handle groups the batch's new detections by incident correlator, in stream order, and
// aggregates each group. INSERT records count, and MODIFY records only when they raise the
// severity; REMOVE records (TTL expiry included) and everything else produce nothing. A
// record whose image cannot be decoded is skipped with a warning because a retry would
// read the same bytes.
//
// When a group fails, the handler stops and returns that group's first sequence number as
// the only batch item failure. Lambda then retries from that record on, and the groups
// after it are built on the retry instead of twice.
//
// NOTE: an earlier group that succeeded but has records after the failed one gets those
// records again on the retry, where they form a new, smaller incident with its own alert.
// Avoiding that needs state across batches, such as a per-detection marker.
func (h *AggregatorHandler) Handle(ctx context.Context, ev StreamEvent) (events.DynamoDBEventResponse, error) {
	start := time.Now()
	log := requestLogger(ctx, h.Log)
	var resp events.DynamoDBEventResponse
	var tally aggregatorTally

	groups := h.group(log, ev, &tally)

	aggregator := *h.Aggregator
	aggregator.Log = log
	for _, g := range groups {
		out, err := aggregator.Aggregate(ctx, g.dets)
		if err != nil {
			log.Error("incident failed", "correlator", g.correlator, "sequence_number", g.firstSeq,
				"detections", len(g.dets), "err", err)
			resp.BatchItemFailures = []events.DynamoDBBatchItemFailure{{ItemIdentifier: g.firstSeq}}
			break
		}
		if out == nil {
			// Aggregate found no valid detection; newDetection has already checked them.
			continue
		}
		tally.incidents++
		if out.Created {
			tally.created++
		} else {
			tally.existing++
		}
	}

	log.Info("batch processed",
		"records", tally.records, "detections", tally.detections, "ignored_records", tally.ignored,
		"invalid_records", tally.invalid, "incidents", tally.incidents, "reports_created", tally.created,
		"reports_existing", tally.existing, "failed", len(resp.BatchItemFailures) > 0,
		"duration_ms", time.Since(start).Milliseconds())
	return resp, nil
}

// group selects the records that are incident material and groups their detections.
func (h *AggregatorHandler) group(log *slog.Logger, ev StreamEvent, tally *aggregatorTally) []*incidentGroup {
	var groups []*incidentGroup
	byCorrelator := map[string]*incidentGroup{}

	for _, rec := range ev.Records {
		tally.records++
		seq := rec.DynamoDB.SequenceNumber
		d, ok, err := newDetection(rec)
		if err != nil {
			tally.invalid++
			log.Warn("stream record skipped", "sequence_number", seq, "event_name", rec.EventName, "err", err)
			continue
		}
		if !ok {
			tally.ignored++
			log.Debug("stream record ignored", "sequence_number", seq, "event_name", rec.EventName)
			continue
		}

		tally.detections++
		g := byCorrelator[d.IncidentCorrelator]
		if g == nil {
			g = &incidentGroup{correlator: d.IncidentCorrelator, firstSeq: seq}
			byCorrelator[d.IncidentCorrelator] = g
			groups = append(groups, g)
		}
		g.dets = append(g.dets, d)
	}
	return groups
}

// newDetection returns the record's detection and true when the record is new incident
// material: an INSERT, or a MODIFY whose severity rose.
func newDetection(rec StreamRecord) (detection.Detection, bool, error) {
	switch rec.EventName {
	case eventInsert:
	case eventModify:
		if len(rec.DynamoDB.OldImage) == 0 {
			// A stream without old images cannot show an escalation.
			return detection.Detection{}, false, nil
		}
		old, err := DetectionFromImage(rec.DynamoDB.OldImage)
		if err != nil {
			return old, false, err
		}
		cur, err := DetectionFromImage(rec.DynamoDB.NewImage)
		if err != nil {
			return cur, false, err
		}
		if detection.SeverityRank(cur.Severity) <= detection.SeverityRank(old.Severity) {
			return cur, false, nil
		}
	default:
		return detection.Detection{}, false, nil
	}

	d, err := DetectionFromImage(rec.DynamoDB.NewImage)
	if err != nil {
		return d, false, err
	}
	if err := d.Validate(); err != nil {
		return d, false, err
	}
	return d, true, nil
}
