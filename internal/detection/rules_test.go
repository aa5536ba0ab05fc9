package detection

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestIsEnterpriseZone(t *testing.T) {
	tests := []struct {
		zone string
		want bool
	}{
		{"L4/5", true},
		{"l4", true},
		{"L5", true},
		{"Level 4/5", true},
		{"level 5", true},
		{"level4_5", true},
		{"LEVEL5-internet", true},
		{"enterprise", true},
		{"IT", true},
		{"corp-IT-net", true},
		{"External", true},
		{"L3", false},
		{"Level 3", false},
		{"L1/2", false},
		{"level 1/2 control", false},
		{"operations", false},
		{"control", false},
		{"dmz", false},
		{"L3.5 DMZ", false},
		{"site", false},
		{"digital", false},
		{"", false},
		{"level", false},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			assert.Equal(t, tt.want, IsEnterpriseZone(tt.zone))
		})
	}
}

func TestSeverityRank(t *testing.T) {
	tests := []struct {
		severity string
		want     int
	}{
		{SeverityCritical, 4},
		{SeverityHigh, 3},
		{SeverityMedium, 2},
		{SeverityLow, 1},
		{"high", 0},
		{"", 0},
		{"INFO", 0},
	}
	for _, tt := range tests {
		t.Run(tt.severity, func(t *testing.T) {
			assert.Equal(t, tt.want, SeverityRank(tt.severity))
		})
	}
}

func TestNormalizeSeverity(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
		valid bool
	}{
		{"upper case", "HIGH", "HIGH", true},
		{"lower case padded", " critical\n", "CRITICAL", true},
		{"unknown", "urgent", "URGENT", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, valid := NormalizeSeverity(tt.input)

			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.valid, valid)
		})
	}
}

func TestSeverityFromEVE(t *testing.T) {
	tests := []struct {
		eve  int
		want string
	}{
		{1, SeverityHigh},
		{2, SeverityMedium},
		{3, SeverityLow},
		{4, SeverityLow},
		{0, SeverityLow},
		{255, SeverityLow},
		{-1, SeverityLow},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("severity %d", tt.eve), func(t *testing.T) {
			assert.Equal(t, tt.want, SeverityFromEVE(tt.eve))
		})
	}
}

func TestSanitizeRule(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"sensor rule", "CROSS_ZONE_VIOLATION", "CROSS_ZONE_VIOLATION"},
		{"lower case", "ot_brute_force_scan", "OT_BRUTE_FORCE_SCAN"},
		{"separator and hash", "rule#x y", "RULE_X_Y"},
		{"non-ascii", "WRITE–Ä", "WRITE__"},
		{"only punctuation", "#/ ", "UNNAMED_SENSOR_RULE"},
		{"too long", "A234567890123456789012345678901234567890123456789012345678901234567890", "A234567890123456789012345678901234567890123456789012345678901234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sanitizeRule(tt.input))
		})
	}
}

func TestDetectionValidate(t *testing.T) {
	valid, ok := FromRecord(sensorRecord(RuleCrossZoneViolation, nil), "ot_sensor", testRef)
	if !ok {
		t.Fatal("FromRecord rejected a sensor alert")
	}

	tests := []struct {
		name string
		edit func(*Detection)
		want error
	}{
		{"valid", func(*Detection) {}, nil},
		{"missing id", func(d *Detection) { d.DetectionID = "" }, ErrMissingID},
		{"lower-case severity", func(d *Detection) { d.Severity = "high" }, ErrInvalidSeverity},
		{"empty severity", func(d *Detection) { d.Severity = "" }, ErrInvalidSeverity},
		{"zero time", func(d *Detection) { d.DetectedAt = time.Time{} }, ErrMissingDetectedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := valid
			tt.edit(&d)

			err := d.Validate()

			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}
