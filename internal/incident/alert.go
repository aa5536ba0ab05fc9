package incident

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxSubjectLength is the longest subject that Subject returns. The SNS Publish API reference
// requires a subject of less than 100 characters without line breaks or control characters
// (older versions of it required ASCII). Emulators accept any subject, so only AWS would
// reject one, and printable ASCII satisfies every version.
const MaxSubjectLength = 99

// shortIDLength is how much of the incident ID the subject shows: the first group of the UUID.
const shortIDLength = 8

// maxSeverityLength is the maximum length of the severity in the subject: CRITICAL, the
// longest level, has 8 characters.
const maxSeverityLength = 16

// ReportKey returns the object key of an incident's report: incidents/<incident_id>.json.
func ReportKey(id string) string {
	return "incidents/" + id + ".json"
}

// Subject returns the alert subject for a report:
//
//	[<SEVERITY>] OT Incident <short id> - <N> Detection(s) | Techniques: <ids>
//
// The result is printable ASCII, at most MaxSubjectLength characters long and never empty.
// Other characters in the report's fields become '?'. When the technique IDs do not fit, the
// subject names as many as fit and ends with "+<n> more"; "none" stands for an empty list.
func Subject(r Report) string {
	severity := truncate(subjectText(r.Severity), maxSeverityLength)
	if strings.TrimSpace(severity) == "" {
		severity = "UNKNOWN"
	}
	shortID := truncate(subjectText(r.IncidentID), shortIDLength)
	if strings.TrimSpace(shortID) == "" {
		shortID = "unknown"
	}
	prefix := fmt.Sprintf("[%s] OT Incident %s - %d Detection(s) | Techniques: ", severity, shortID, r.DetectionCount)

	ids := make([]string, 0, len(r.MitreTechniques))
	for _, t := range r.MitreTechniques {
		if id := subjectText(t.ID); strings.TrimSpace(id) != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return truncate(prefix+"none", MaxSubjectLength)
	}

	// Name as many IDs as fit next to the marker for the rest.
	for shown := len(ids); shown >= 0; shown-- {
		list := strings.Join(ids[:shown], ", ")
		if hidden := len(ids) - shown; hidden > 0 {
			marker := "+" + strconv.Itoa(hidden) + " more"
			if list == "" {
				list = marker
			} else {
				list += ", " + marker
			}
		}
		if len(prefix)+len(list) <= MaxSubjectLength {
			return prefix + list
		}
	}

	// Only a prefix of 90 characters (a detection count of 20 digits) next to a marker of 5 or
	// more digits gets here. The subject then ends inside the marker.
	return truncate(prefix+"+"+strconv.Itoa(len(ids))+" more", MaxSubjectLength)
}

// subjectText replaces every character outside printable ASCII (space to tilde) with '?'.
func subjectText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= ' ' && r <= '~' {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// truncate cuts an ASCII string to at most n bytes.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Body returns the plain-text alert body: the summary, every technique with its name and
// tactic, affected assets, sources, the containment steps and reportURI, where the full report
// is. Control characters from the report's fields become spaces, and invalid UTF-8 becomes
// U+FFFD.
func Body(r Report, reportURI string) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(bodyText(fmt.Sprintf(format, args...)))
		b.WriteByte('\n')
	}

	line("OT incident %s", r.IncidentID)
	line("Severity: %s", r.Severity)
	line("Status: %s", r.Status)
	line("Detections: %d (%d events) from %s to %s", r.DetectionCount, r.EventCount, r.Window.FirstDetectedAt, r.Window.LastDetectedAt)
	line("Report: %s", reportURI)

	b.WriteString("\nSummary\n")
	line("%s", r.Summary)

	b.WriteString("\nATT&CK for ICS techniques\n")
	if len(r.MitreTechniques) == 0 {
		b.WriteString("- none\n")
	}
	for _, t := range r.MitreTechniques {
		tactic := t.Tactic
		if tactic == "" {
			tactic = "no ICS tactic"
		}
		line("- %s %s (%s)", t.ID, t.Name, tactic)
	}

	b.WriteString("\nAffected assets\n")
	if len(r.AffectedAssets) == 0 {
		b.WriteString("- none\n")
	}
	for _, a := range r.AffectedAssets {
		line("- %s: %d %s, max severity %s (%s)", a.Host, a.DetectionCount, plural(a.DetectionCount, "detection"), a.MaxSeverity, strings.Join(a.Rules, ", "))
	}

	b.WriteString("\nSources\n")
	if len(r.Sources) == 0 {
		b.WriteString("- none\n")
	}
	for _, s := range r.Sources {
		zones := ""
		if len(s.Zones) > 0 {
			zones = " in " + strings.Join(s.Zones, ", ")
		}
		line("- %s%s: %d %s", s.Address, zones, s.DetectionCount, plural(s.DetectionCount, "detection"))
	}

	b.WriteString("\nContainment\n")
	for i, a := range r.RecommendedActions.Containment {
		line("%d. %s", i+1, a.Action)
	}

	return b.String()
}

// bodyText makes one line of the body safe: invalid UTF-8 becomes U+FFFD and control
// characters, line breaks included, become spaces so that a field cannot add lines.
func bodyText(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}

	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
