package incident

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// FuzzSubject checks that any report fields give a subject that SNS accepts.
func FuzzSubject(f *testing.F) {
	f.Add("HIGH", labIncidentID, 3, "T0855,T0846,T0886,T0836,T0806,T0880")
	f.Add("HÏGH\r\n", "7f3c–9a2e", -1, "")
	f.Add(strings.Repeat("X", 200), strings.Repeat("\x00", 50), 1<<40, strings.Repeat("T0855,", 100))

	f.Fuzz(func(t *testing.T, severity, id string, detections int, techniques string) {
		r := Report{Severity: severity, IncidentID: id, DetectionCount: detections}
		if techniques != "" {
			for _, tech := range strings.Split(techniques, ",") {
				r.MitreTechniques = append(r.MitreTechniques, Technique{ID: tech})
			}
		}

		subject := Subject(r)

		if strings.TrimSpace(subject) == "" || len(subject) > MaxSubjectLength {
			t.Fatalf("subject %q is empty or longer than %d", subject, MaxSubjectLength)
		}
		for i := 0; i < len(subject); i++ {
			if subject[i] < ' ' || subject[i] > '~' {
				t.Fatalf("subject %q has byte %#x at %d", subject, subject[i], i)
			}
		}
	})
}

// FuzzBuild builds reports from detections with untrusted fields and checks that Build never
// panics, that the order of the batch does not matter and that the alert text stays valid.
func FuzzBuild(f *testing.F) {
	f.Add("a", "b", detection.RuleUnauthorizedModbusWrite, "HIGH", "198.51.100.7", "192.0.2.10", "T0855,T0836", 6, int64(0), "message")
	f.Add("x", "x", detection.RuleProcessSafetyViolation, "CRITICAL", "", "", "T0880", 16, int64(1000), "\xff\n")
	f.Add("1", "2", "NDR_SIGNATURE_1", "LOW", "2001:db8::1", "host\x00", "", -1, int64(-5000), "")

	f.Fuzz(func(t *testing.T, id1, id2, rule, severity, src, host, techniques string, function int, offsetMillis int64, message string) {
		base := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
		first := detection.Detection{
			DetectionID: id1, Rule: rule, Severity: severity, DetectedAt: base,
			Host: host, SrcIP: src, Techniques: strings.Split(techniques, ","),
			ModbusFunction: &function, Message: message, Count: function,
		}
		second := first
		second.DetectionID = id2
		second.DetectedAt = base.Add(time.Duration(offsetMillis) * time.Millisecond)
		second.Techniques = nil

		forward, errForward := Build([]detection.Detection{first, second}, base)
		backward, errBackward := Build([]detection.Detection{second, first}, base)
		if (errForward == nil) != (errBackward == nil) {
			t.Fatalf("Build errors depend on order: %v, then %v", errForward, errBackward)
		}
		if errForward != nil {
			return
		}

		a, err := forward.Encode()
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		b, err := backward.Encode()
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		if string(a) != string(b) {
			t.Fatalf("report depends on batch order:\n%s\n%s", a, b)
		}

		subject := Subject(forward)
		if len(subject) > MaxSubjectLength || strings.TrimSpace(subject) == "" {
			t.Fatalf("invalid subject %q", subject)
		}
		body := Body(forward, "s3://bucket/"+ReportKey(forward.IncidentID))
		if !utf8.ValidString(body) {
			t.Fatalf("body is not valid UTF-8")
		}
	})
}
