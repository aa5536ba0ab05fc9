package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// idNamespace is the UUIDv5 namespace of incident IDs: a random UUID chosen once for this
// project. Changing it changes every incident ID, so retried batches would write new reports.
var idNamespace = uuid.MustParse("2afb862c-6c8c-455e-822f-af5daeb815d9")

// Build returns the incident report for a batch of detections. It fails when the batch is
// empty or a detection fails Validate. Detections with the same ID count once, so a stream
// that delivers an item twice changes nothing, and the order of batch does not matter. Only
// created_at depends on createdAt.
func Build(batch []detection.Detection, createdAt time.Time) (Report, error) {
	if len(batch) == 0 {
		return Report{}, fmt.Errorf("build incident: %w", ErrEmptyBatch)
	}
	for i, d := range batch {
		if err := d.Validate(); err != nil {
			return Report{}, fmt.Errorf("build incident from detection %d of %d: %w", i+1, len(batch), err)
		}
	}

	detections := canonicalBatch(batch)

	// incident_id, severity, window and counts.
	ids := make([]string, len(detections))
	report := Report{Status: StatusOpen, CreatedAt: formatTime(createdAt), DetectionCount: len(detections)}
	first, last := detections[0].DetectedAt, detections[0].DetectedAt
	maxRank := 0
	report.EventCount = eventCount(detections)
	for i, d := range detections {
		ids[i] = d.DetectionID
		if d.DetectedAt.Before(first) {
			first = d.DetectedAt
		}
		if d.FirstSeen != nil && d.FirstSeen.Before(first) {
			first = *d.FirstSeen
		}
		if d.DetectedAt.After(last) {
			last = d.DetectedAt
		}
		if rank := detection.SeverityRank(d.Severity); rank > maxRank {
			maxRank, report.Severity = rank, d.Severity
		}
	}
	report.IncidentID = IncidentID(ids)
	report.Window = Window{FirstDetectedAt: formatTime(first), LastDetectedAt: formatTime(last)}

	// The sections derived from the whole batch.
	report.Correlators = distinct(detections, func(d detection.Detection) string { return d.IncidentCorrelator })
	report.MitreTechniques = buildTechniques(detections)
	report.Impact = buildImpact(detections, report.MitreTechniques)
	report.AffectedAssets = buildAssets(detections)
	report.Sources = buildSources(detections)
	report.Timeline = buildTimeline(detections)
	report.Indicators = buildIndicators(detections)
	report.Evidence = buildEvidence(detections)
	report.RecommendedActions = buildActions(report.MitreTechniques, detections)
	report.NIST = buildNIST(detections, report.RecommendedActions)
	report.Summary = summarize(report, detections)

	return report, nil
}

// IncidentID returns the UUIDv5 of the sorted, deduplicated detection IDs joined by newlines.
// Detection IDs are hex digests, so no ID contains the newline that separates them.
func IncidentID(detectionIDs []string) string {
	ids := append([]string(nil), detectionIDs...)
	sort.Strings(ids)
	ids = compactStrings(ids)
	return uuid.NewSHA1(idNamespace, []byte(strings.Join(ids, "\n"))).String()
}

// canonicalBatch returns the detections sorted by ID with duplicates removed. When two
// detections share an ID but differ, the one with the smaller JSON encoding wins, so the
// choice does not depend on the order of the batch.
func canonicalBatch(batch []detection.Detection) []detection.Detection {
	type keyed struct {
		d       detection.Detection
		encoded []byte
	}
	items := make([]keyed, len(batch))
	for i, d := range batch {
		encoded, err := json.Marshal(d)
		if err != nil {
			// Validate accepted d, so only an exotic time can fail here. Keep a stable key.
			encoded = []byte(err.Error())
		}
		items[i] = keyed{d, encoded}
	}

	sort.Slice(items, func(i, j int) bool {
		if items[i].d.DetectionID != items[j].d.DetectionID {
			return items[i].d.DetectionID < items[j].d.DetectionID
		}
		return bytes.Compare(items[i].encoded, items[j].encoded) < 0
	})

	unique := make([]detection.Detection, 0, len(items))
	for i, item := range items {
		if i > 0 && item.d.DetectionID == items[i-1].d.DetectionID {
			continue
		}
		unique = append(unique, item.d)
	}
	return unique
}

func formatTime(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// distinct returns the sorted, non-empty, distinct values of field over the detections.
func distinct(detections []detection.Detection, field func(detection.Detection) string) []string {
	values := make([]string, 0, len(detections))
	for _, d := range detections {
		if v := field(d); v != "" {
			values = append(values, v)
		}
	}
	sort.Strings(values)
	return compactStrings(values)
}

// compactStrings removes adjacent duplicates from a sorted slice.
func compactStrings(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// summarize writes the one-paragraph summary of the report.
func summarize(r Report, detections []detection.Detection) string {
	ruleCounts := map[string]int{}
	for _, d := range detections {
		ruleCounts[d.Rule]++
	}
	rules := make([]string, 0, len(ruleCounts))
	for rule := range ruleCounts {
		rules = append(rules, rule)
	}
	sort.Strings(rules)
	for i, rule := range rules {
		rules[i] = rule + " (" + strconv.Itoa(ruleCounts[rule]) + ")"
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s OT incident: %d %s (%d %s) from %d %s against %d %s between %s and %s. ",
		r.Severity, r.DetectionCount, plural(r.DetectionCount, "detection"), r.EventCount, plural(r.EventCount, "event"),
		len(r.Sources), plural(len(r.Sources), "source"), len(r.AffectedAssets), plural(len(r.AffectedAssets), "asset"),
		r.Window.FirstDetectedAt, r.Window.LastDetectedAt)
	fmt.Fprintf(&b, "Rules: %s. ", strings.Join(rules, ", "))
	if len(r.MitreTechniques) > 0 {
		ids := make([]string, len(r.MitreTechniques))
		for i, t := range r.MitreTechniques {
			ids[i] = t.ID
		}
		fmt.Fprintf(&b, "Techniques: %s. ", strings.Join(ids, ", "))
	}
	b.WriteString(r.Impact.Description)
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// eventCount adds up the events behind the detections. Re-emissions of one deduplicated alert
// (same rule, addresses and first_seen, with a growing count) are one activity: only the
// largest count of each counts, so a scan reported three times is not counted three times.
func eventCount(detections []detection.Detection) int {
	type activity struct {
		rule, src, dst string
		firstSeen      time.Time
	}
	largest := map[activity]int{}
	total := 0
	for _, d := range detections {
		count := max(d.Count, 1)
		if d.FirstSeen == nil {
			total += count
			continue
		}
		key := activity{d.Rule, d.SrcIP, d.DstIP, d.FirstSeen.UTC()}
		largest[key] = max(largest[key], count)
	}
	for _, count := range largest {
		total += count
	}
	return total
}
