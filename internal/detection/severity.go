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

// SeverityFromEVE maps Suricata's alert severity (1 is the highest, 4 the lowest) one to one
// onto CRITICAL, HIGH, MEDIUM and LOW. Values outside 1..4 map to LOW.
func SeverityFromEVE(eveSeverity int) string {
	switch eveSeverity {
	case 1:
		return SeverityCritical
	case 2:
		return SeverityHigh
	case 3:
		return SeverityMedium
	}
	return SeverityLow
}
