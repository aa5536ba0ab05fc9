package detection

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

var correlatorPattern = regexp.MustCompile(`^[A-Z0-9_]+#`)

// FuzzFromRecord feeds untrusted alert fields through FromRecord and checks that it never
// panics, stays deterministic, and produces keys and text that the stores accept.
func FuzzFromRecord(f *testing.F) {
	f.Add(true, RuleCrossZoneViolation, "HIGH", "T0886,T0822", "L4/5", 0, 1, "198.51.100.7", "192.0.2.10", "host", "raw line", "message")
	f.Add(true, RuleProcessSafetyViolation, "", "T0835", "L3", 6, 0, "", "", "", "", "\xff\xfe")
	f.Add(true, RuleBruteForceScan, "medium", "t0846, T0861 ,T0831", "level 5", 43, 0, "2001:db8::1", "", "", "{}", "")
	f.Add(false, "", "", "T0855,T1190,T1059.001", "", 16, 1, "198.51.100.7", "192.0.2.10", "malcolm", `{"event_type":"alert"}`, "OT Modbus write")
	f.Add(false, "", "", "", "", 0, 3, "", "", "", "", "")

	f.Fuzz(func(t *testing.T, sensor bool, rule, severity, techniques, srcZone string, function, eveSeverity int, src, dst, host, raw, message string) {
		rec := telemetry.Record{
			Format: telemetry.FormatEVE,
			Host:   host,
			Alert: &telemetry.Alert{
				Rule: rule, Severity: severity, EVESeverity: eveSeverity,
				Techniques: strings.Split(techniques, ","), SrcZone: srcZone, Message: message,
			},
			Modbus: &telemetry.Modbus{Function: &function},
			Raw:    raw,
		}
		if sensor {
			rec.Format = telemetry.FormatSensorAlert
		}
		rec.SrcIP, _ = netip.ParseAddr(src)
		rec.DstIP, _ = netip.ParseAddr(dst)

		got, ok := FromRecord(rec, telemetry.SourceSensor, testRef)
		again, okAgain := FromRecord(rec, telemetry.SourceSensor, testRef)
		if ok != okAgain || got.DetectionID != again.DetectionID {
			t.Fatalf("FromRecord is not deterministic: %v %q, then %v %q", ok, got.DetectionID, okAgain, again.DetectionID)
		}
		if !ok {
			return
		}

		if !correlatorPattern.MatchString(got.IncidentCorrelator) {
			t.Errorf("correlator %q is not RULE#source", got.IncidentCorrelator)
		}
		if SeverityRank(got.Severity) == 0 {
			t.Errorf("severity %q is not one of the four levels", got.Severity)
		}
		if strings.TrimSpace(got.Host) == "" || !utf8.ValidString(got.Host) {
			t.Errorf("host %q is empty or invalid UTF-8", got.Host)
		}
		if !utf8.ValidString(got.Message) || len(got.Message) > maxTextBytes {
			t.Errorf("message of %d bytes is too long or invalid UTF-8", len(got.Message))
		}
		if got.Techniques == nil || len(got.Techniques) > maxTechniques {
			t.Errorf("techniques %v are nil or too many", got.Techniques)
		}
		for i, id := range got.Techniques {
			if id == "T0831" || (i > 0 && got.Techniques[i-1] >= id) {
				t.Errorf("techniques %v contain T0831 or are not sorted and unique", got.Techniques)
			}
		}
	})
}
