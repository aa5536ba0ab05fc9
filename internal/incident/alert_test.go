package incident

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

const labIncidentID = "7f3c9a2e-1b4d-4c8e-9f00-5a6b7c8d9e0f"

func reportWith(severity, id string, detections int, techniques ...string) Report {
	r := Report{Severity: severity, IncidentID: id, DetectionCount: detections}
	for _, t := range techniques {
		r.MitreTechniques = append(r.MitreTechniques, Technique{ID: t})
	}
	return r
}

// assertSubjectValid checks the rules that the SNS Publish API applies to a subject.
func assertSubjectValid(t *testing.T, subject string) {
	t.Helper()

	assert.NotEmpty(t, strings.TrimSpace(subject), "subject is not empty")
	assert.LessOrEqual(t, len(subject), MaxSubjectLength, "subject %q is too long", subject)
	for i := 0; i < len(subject); i++ {
		if subject[i] < ' ' || subject[i] > '~' {
			assert.Failf(t, "subject has a byte outside printable ASCII", "byte %#x at %d in %q", subject[i], i, subject)
		}
	}
}

func TestSubjectCorpusCases(t *testing.T) {
	type input struct {
		Severity   string   `json:"severity"`
		IncidentID string   `json:"incident_id"`
		Detections int      `json:"detections"`
		Techniques []string `json:"techniques"`
	}
	type want struct {
		MaxLen       *int    `json:"max_len"`
		ASCIIOnly    *bool   `json:"ascii_only"`
		NoLineBreaks *bool   `json:"no_line_breaks"`
		StartsWith   *string `json:"starts_with"`
	}

	for _, c := range corpustest.Cases(t, "sns-subject") {
		t.Run(c.ID, func(t *testing.T) {
			var in input
			require.NoError(t, json.Unmarshal(c.Input, &in))
			// Unknown want fields fail the test, so no expectation is skipped silently.
			var w want
			dec := json.NewDecoder(bytes.NewReader(c.Want))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&w), "want of case %s", c.ID)

			subject := Subject(reportWith(in.Severity, in.IncidentID, in.Detections, in.Techniques...))

			if w.MaxLen != nil {
				assert.LessOrEqual(t, len(subject), *w.MaxLen)
			}
			if w.ASCIIOnly != nil && *w.ASCIIOnly {
				for _, r := range subject {
					assert.True(t, r >= ' ' && r <= '~', "rune %q in %q is not printable ASCII", r, subject)
				}
			}
			if w.NoLineBreaks != nil && *w.NoLineBreaks {
				assert.NotContains(t, subject, "\n")
				assert.NotContains(t, subject, "\r")
			}
			if w.StartsWith != nil {
				assert.True(t, strings.HasPrefix(subject, *w.StartsWith), "%q starts with %q", subject, *w.StartsWith)
			}
			assertSubjectValid(t, subject)
		})
	}
}

func TestSubject(t *testing.T) {
	tests := []struct {
		name   string
		report Report
		want   string
	}{
		{
			name:   "single technique",
			report: reportWith("HIGH", labIncidentID, 1, "T0886"),
			want:   "[HIGH] OT Incident 7f3c9a2e - 1 Detection(s) | Techniques: T0886",
		},
		{
			name:   "zero techniques",
			report: reportWith("LOW", labIncidentID, 2),
			want:   "[LOW] OT Incident 7f3c9a2e - 2 Detection(s) | Techniques: none",
		},
		{
			name:   "six techniques fit exactly",
			report: reportWith("HIGH", labIncidentID, 3, "T0806", "T0836", "T0846", "T0855", "T0880", "T0886"),
			want:   "[HIGH] OT Incident 7f3c9a2e - 3 Detection(s) | Techniques: T0806, T0836, T0846, T0855, T0880, T0886",
		},
		{
			name:   "truncated with marker",
			report: reportWith("CRITICAL", labIncidentID, 12, "T0806", "T0822", "T0831", "T0836", "T0846", "T0855", "T0861", "T0880", "T0886"),
			want:   "[CRITICAL] OT Incident 7f3c9a2e - 12 Detection(s) | Techniques: T0806, T0822, T0831, T0836, +5 more",
		},
		{
			name:   "non-ascii severity and id",
			report: reportWith("HÏGH\n", "7f3c–9a2e-1b4d", 1, "T0855"),
			want:   "[H?GH?] OT Incident 7f3c?9a2 - 1 Detection(s) | Techniques: T0855",
		},
		{
			name:   "non-ascii technique id",
			report: reportWith("MEDIUM", labIncidentID, 1, "T08\u200b55", "\t"),
			want:   "[MEDIUM] OT Incident 7f3c9a2e - 1 Detection(s) | Techniques: T08?55, ?",
		},
		{
			name:   "empty report",
			report: Report{},
			want:   "[UNKNOWN] OT Incident unknown - 0 Detection(s) | Techniques: none",
		},
		{
			name:   "oversized severity",
			report: reportWith(strings.Repeat("S", 500), labIncidentID, 1, "T0855"),
			want:   "[SSSSSSSSSSSSSSSS] OT Incident 7f3c9a2e - 1 Detection(s) | Techniques: T0855",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Subject(tt.report)

			assert.Equal(t, tt.want, got)
			assertSubjectValid(t, got)
		})
	}
}

func TestSubjectEverySeverity(t *testing.T) {
	for _, severity := range []string{detection.SeverityCritical, detection.SeverityHigh, detection.SeverityMedium, detection.SeverityLow} {
		t.Run(severity, func(t *testing.T) {
			got := Subject(reportWith(severity, labIncidentID, 4, "T0822", "T0831", "T0836", "T0846", "T0855", "T0861", "T0880", "T0886"))

			assert.True(t, strings.HasPrefix(got, "["+severity+"] OT Incident 7f3c9a2e - 4 Detection(s) | Techniques: T0822, "), got)
			assert.Regexp(t, `, \+[0-9]+ more$`, got)
			assertSubjectValid(t, got)
		})
	}
}

func TestSubjectLongLists(t *testing.T) {
	for _, n := range []int{7, 8, 20, 95, 400} {
		t.Run(fmt.Sprintf("%d techniques", n), func(t *testing.T) {
			ids := make([]string, n)
			for i := range ids {
				ids[i] = fmt.Sprintf("T%04d", 800+i)
			}

			got := Subject(reportWith("CRITICAL", labIncidentID, 99999, ids...))

			assertSubjectValid(t, got)
			shown := strings.Count(got, ", T") + 1
			assert.True(t, strings.HasSuffix(got, fmt.Sprintf(", +%d more", n-shown)), got)
			assert.Contains(t, got, "Techniques: T0800, ")
		})
	}
}

func TestBody(t *testing.T) {
	report, err := Build(loadBatch(t, "lab-batch.json"), createdAt)
	require.NoError(t, err)
	uri := "s3://ot-telemetry-reports-000000000000/" + ReportKey(report.IncidentID)

	body := Body(report, uri)

	assert.Contains(t, body, "Report: "+uri+"\n")
	assert.Contains(t, body, report.Summary)
	for _, tech := range report.MitreTechniques {
		assert.Contains(t, body, "- "+tech.ID+" "+tech.Name+" ("+tech.Tactic+")\n")
	}
	for _, a := range report.AffectedAssets {
		assert.Contains(t, body, "- "+a.Host+":")
	}
	for _, s := range report.Sources {
		assert.Contains(t, body, "- "+s.Address+" ")
	}
	for _, a := range report.RecommendedActions.Containment {
		assert.Contains(t, body, a.Action)
	}
}

func TestBodyNeutralizesControlCharacters(t *testing.T) {
	report := reportWith("HIGH", labIncidentID, 1, "T0855")
	report.Summary = "line one\nSubject: forged\r\x1b[31m\xff"
	report.AffectedAssets = []Asset{{Host: "plc\n01", DetectionCount: 1, Rules: []string{"R"}}}
	report.MitreTechniques[0].Name = "Unauthorized Command Message"

	body := Body(report, "s3://bucket/incidents/x.json\nInjected: yes")

	assert.NotContains(t, body, "\nSubject: forged")
	assert.NotContains(t, body, "\nInjected")
	assert.NotContains(t, body, "\x1b")
	assert.Contains(t, body, "line one Subject: forged  [31m\uFFFD")
	assert.Contains(t, body, "- plc 01: 1 detection")
	assert.Contains(t, body, "- T0855 Unauthorized Command Message (no ICS tactic)")
	assert.Contains(t, body, "\nAffected assets\n")
}

func TestBodyEmptySections(t *testing.T) {
	body := Body(Report{IncidentID: labIncidentID}, "")

	assert.Contains(t, body, "ATT&CK for ICS techniques\n- none\n")
	assert.Contains(t, body, "Affected assets\n- none\n")
	assert.Contains(t, body, "Sources\n- none\n")
}

func TestReportKey(t *testing.T) {
	assert.Equal(t, "incidents/"+labIncidentID+".json", ReportKey(labIncidentID))
}

func BenchmarkSubjectAndBody(b *testing.B) {
	report, err := Build(loadBatch(b, "lab-batch.json"), createdAt)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()

	for b.Loop() {
		_ = Subject(report)
		_ = Body(report, "s3://ot-telemetry-reports-000000000000/"+ReportKey(report.IncidentID))
	}
}
