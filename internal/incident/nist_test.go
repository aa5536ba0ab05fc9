package incident

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

func oneDetection(rule, severity string, function *int, techniques ...string) detection.Detection {
	return detection.Detection{
		DetectionID:        "d-" + rule,
		IncidentCorrelator: rule + "#ot_sensor",
		Rule:               rule,
		Severity:           severity,
		DetectedAt:         time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC),
		Host:               "192.0.2.10",
		Source:             "ot_sensor",
		Techniques:         techniques,
		SrcIP:              "198.51.100.7",
		DstIP:              "192.0.2.10",
		ModbusFunction:     function,
		Count:              1,
	}
}

func intPointer(v int) *int { return &v }

func TestBuildRatingsPerRule(t *testing.T) {
	tests := []struct {
		name            string
		detection       detection.Detection
		wantFunctional  string
		wantInformation string
		wantRecovery    string
		wantT0831       bool
	}{
		{
			name:            "scan",
			detection:       oneDetection(detection.RuleBruteForceScan, "MEDIUM", intPointer(3), "T0846", "T0861"),
			wantFunctional:  FunctionalNone,
			wantInformation: InformationProprietary,
			wantRecovery:    RecoverabilityRegular,
		},
		{
			name:            "cross zone",
			detection:       oneDetection(detection.RuleCrossZoneViolation, "HIGH", nil, "T0822", "T0886"),
			wantFunctional:  FunctionalLow,
			wantInformation: InformationNone,
			wantRecovery:    RecoverabilityRegular,
		},
		{
			name:            "unauthorized write",
			detection:       oneDetection(detection.RuleUnauthorizedModbusWrite, "HIGH", intPointer(6), "T0836", "T0855"),
			wantFunctional:  FunctionalMedium,
			wantInformation: InformationIntegrity,
			wantRecovery:    RecoverabilitySupplemented,
			wantT0831:       true,
		},
		{
			name:            "safety violation",
			detection:       oneDetection(detection.RuleProcessSafetyViolation, "CRITICAL", intPointer(16), "T0836", "T0880"),
			wantFunctional:  FunctionalHigh,
			wantInformation: InformationIntegrity,
			wantRecovery:    RecoverabilityExtended,
			wantT0831:       true,
		},
		{
			name:            "eve write without techniques",
			detection:       oneDetection("NDR_SIGNATURE_4000001", "CRITICAL", intPointer(5)),
			wantFunctional:  FunctionalMedium,
			wantInformation: InformationIntegrity,
			wantRecovery:    RecoverabilitySupplemented,
			wantT0831:       true,
		},
		{
			name:            "eve enterprise technique",
			detection:       oneDetection("NDR_SIGNATURE_2019284", "HIGH", nil, "T1190"),
			wantFunctional:  FunctionalLow,
			wantInformation: InformationNone,
			wantRecovery:    RecoverabilityRegular,
		},
		{
			name:            "eve program download",
			detection:       oneDetection("NDR_SIGNATURE_4000010", "CRITICAL", nil, "T0843", "T0889"),
			wantFunctional:  FunctionalLow,
			wantInformation: InformationIntegrity,
			wantRecovery:    RecoverabilityExtended,
		},
		{
			name:            "eve denial of service",
			detection:       oneDetection("NDR_SIGNATURE_4000020", "HIGH", nil, "T0814"),
			wantFunctional:  FunctionalMedium,
			wantInformation: InformationNone,
			wantRecovery:    RecoverabilityRegular,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report, err := Build([]detection.Detection{tt.detection}, createdAt)
			require.NoError(t, err)

			assert.Equal(t, tt.wantFunctional, report.NIST.FunctionalImpact.Value, report.NIST.FunctionalImpact.Reason)
			assert.Equal(t, tt.wantInformation, report.NIST.InformationImpact.Value, report.NIST.InformationImpact.Reason)
			assert.Equal(t, tt.wantRecovery, report.NIST.Recoverability.Value, report.NIST.Recoverability.Reason)
			assert.NotEmpty(t, report.NIST.FunctionalImpact.Reason)
			assert.NotEmpty(t, report.NIST.InformationImpact.Reason)
			assert.NotEmpty(t, report.NIST.Recoverability.Reason)
			assert.Equal(t, tt.wantT0831, slices.ContainsFunc(report.MitreTechniques, func(tech Technique) bool { return tech.ID == "T0831" }))
			assert.Equal(t, tt.wantT0831, report.Impact.ManipulationOfControl)
			assert.Equal(t, tt.detection.Severity, report.Severity)
			assert.NotEmpty(t, report.RecommendedActions.Containment)
			assert.NotEmpty(t, report.RecommendedActions.Eradication)
			assert.NotEmpty(t, report.RecommendedActions.Recovery)
		})
	}
}

func TestBuildTechniqueOutsideICSTable(t *testing.T) {
	report, err := Build([]detection.Detection{oneDetection("NDR_SIGNATURE_2019284", "HIGH", nil, "T1190")}, createdAt)
	require.NoError(t, err)

	require.Len(t, report.MitreTechniques, 1)
	assert.Equal(t, Technique{"T1190", NameNotInICSTable, "", LevelDetection, 1}, report.MitreTechniques[0])
	require.Len(t, report.RecommendedActions.Containment, 1)
	assert.Equal(t, []string{"T1190"}, report.RecommendedActions.Containment[0].Techniques)
	assert.Contains(t, report.RecommendedActions.Containment[0].Action, "198.51.100.7")
}

func TestBuildWithoutTechniques(t *testing.T) {
	report, err := Build([]detection.Detection{oneDetection("NDR_SIGNATURE_1", "LOW", nil)}, createdAt)
	require.NoError(t, err)

	assert.Empty(t, report.MitreTechniques)
	assert.NotNil(t, report.MitreTechniques, "encodes as []")
	require.Len(t, report.RecommendedActions.Containment, 1)
	assert.Equal(t, []string{}, report.RecommendedActions.Containment[0].Techniques)
	assert.Equal(t, "[LOW] OT Incident "+report.IncidentID[:8]+" - 1 Detection(s) | Techniques: none", Subject(report))
}

func TestBuildListsAddresses(t *testing.T) {
	var batch []detection.Detection
	for i := range 8 {
		d := oneDetection(detection.RuleCrossZoneViolation, "HIGH", nil, "T0886")
		d.DetectionID = "d-" + string(rune('a'+i))
		d.SrcIP = "198.51.100." + string(rune('1'+i))
		batch = append(batch, d)
	}

	report, err := Build(batch, createdAt)
	require.NoError(t, err)

	require.Len(t, report.Sources, 8)
	assert.Equal(t, "198.51.100.1", report.Sources[0].Address)
	require.NotEmpty(t, report.RecommendedActions.Containment)
	assert.Contains(t, report.RecommendedActions.Containment[0].Action,
		"from 198.51.100.1, 198.51.100.2, 198.51.100.3, 198.51.100.4, 198.51.100.5 and 3 more to 192.0.2.10")
}

func TestLessHost(t *testing.T) {
	ordered := []string{"10.0.0.2", "192.0.2.9", "192.0.2.10", "2001:DB8::1", "2001:db8::1", "2", "10", "plc-01", "unknown"}
	shuffled := slices.Clone(ordered)
	slices.Reverse(shuffled)

	slices.SortFunc(shuffled, func(a, b string) int {
		if lessHost(a, b) {
			return -1
		}
		if lessHost(b, a) {
			return 1
		}
		return 0
	})

	assert.Equal(t, ordered, shuffled)
}
