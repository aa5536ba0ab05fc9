package detection

import "strings"

// severityRanks orders the severity levels so that a higher rank is more severe.
var severityRanks = map[string]int{
	SeverityLow:      1,
	SeverityMedium:   2,
	SeverityHigh:     3,
	SeverityCritical: 4,
}

// SeverityRank returns 4 for CRITICAL down to 1 for LOW, and 0 for anything that is not one of
// the four levels, so the highest rank of a batch is its most severe detection.
func SeverityRank(severity string) int {
	return severityRanks[severity]
}

// NormalizeSeverity trims and upper-cases severity and reports whether the result is one of
// the four levels.
func NormalizeSeverity(severity string) (string, bool) {
	severity = strings.ToUpper(strings.TrimSpace(severity))
	return severity, SeverityRank(severity) > 0
}

// SeverityFromEVE maps Suricata's alert severity onto ours as the EVE parser does: 1 (high)
// to HIGH, 2 (medium) to MEDIUM, and 3, 4 and anything else to LOW. CRITICAL is kept for the
// sensor's own safety rule, which checks the process's configured safe ranges.
func SeverityFromEVE(eveSeverity int) string {
	switch eveSeverity {
	case 1:
		return SeverityHigh
	case 2:
		return SeverityMedium
	}
	return SeverityLow
}
