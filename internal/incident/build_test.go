package incident

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var createdAt = time.Date(2026, 3, 14, 9, 28, 0, 123456789, time.UTC)

func loadBatch(t testing.TB, name string) []detection.Detection {
	t.Helper()

	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var batch []detection.Detection
	require.NoError(t, json.Unmarshal(data, &batch))
	require.NotEmpty(t, batch)
	return batch
}

// encodeReport returns the stored encoding of r indented, so that golden files stay readable.
func encodeReport(t testing.TB, r Report) []byte {
	t.Helper()

	data, err := r.Encode()
	require.NoError(t, err)
	require.Equal(t, 1, bytes.Count(data, []byte("\n")), "a stored report is one JSON line")
	require.True(t, bytes.HasSuffix(data, []byte("\n")))

	var indented bytes.Buffer
	require.NoError(t, json.Indent(&indented, bytes.TrimSpace(data), "", "  "))
	indented.WriteByte('\n')
	return indented.Bytes()
}

// compareGolden compares got with testdata/name, or rewrites the file under -update.
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()

	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}

func TestBuildLabBatchGolden(t *testing.T) {
	report, err := Build(loadBatch(t, "lab-batch.json"), createdAt)
	require.NoError(t, err)

	compareGolden(t, "lab-batch.golden.json", encodeReport(t, report))
	compareGolden(t, "lab-batch.golden.txt", []byte(Subject(report)+"\n\n"+Body(report, "s3://ot-telemetry-reports-000000000000/"+ReportKey(report.IncidentID))))
}

func TestBuildLabBatchFields(t *testing.T) {
	batch := loadBatch(t, "lab-batch.json")

	report, err := Build(batch, createdAt)
	require.NoError(t, err)

	ids := []string{}
	for _, d := range batch {
		ids = append(ids, d.DetectionID)
	}
	slices.Sort(ids)
	parsed, err := uuid.Parse(report.IncidentID)
	require.NoError(t, err)
	assert.Equal(t, uuid.Version(5), parsed.Version())
	assert.Equal(t, uuid.NewSHA1(idNamespace, []byte(joinLines(ids))).String(), report.IncidentID)

	assert.Equal(t, "2026-03-14T09:28:00.123Z", report.CreatedAt)
	assert.Equal(t, Window{"2026-03-14T09:26:53.589Z", "2026-03-14T09:27:41.209Z"}, report.Window)
	assert.Equal(t, StatusOpen, report.Status)
	assert.Equal(t, detection.SeverityCritical, report.Severity)
	assert.Equal(t, 5, report.DetectionCount)
	assert.Equal(t, 3004, report.EventCount)

	techniqueIDs := []string{}
	for _, tech := range report.MitreTechniques {
		techniqueIDs = append(techniqueIDs, tech.ID)
	}
	assert.Equal(t, []string{"T0822", "T0831", "T0836", "T0846", "T0855", "T0861", "T0880", "T0886"}, techniqueIDs)
	assert.Equal(t, Technique{"T0831", "Manipulation of Control", "Impact", LevelIncident, 0}, report.MitreTechniques[1])
	assert.Equal(t, Technique{"T0855", "Unauthorized Command Message", "Impair Process Control", LevelDetection, 2}, report.MitreTechniques[4])

	assert.Equal(t, []string{"T0831", "T0880"}, report.Impact.Techniques)
	assert.True(t, report.Impact.ManipulationOfControl)
	assert.True(t, report.Impact.LossOfSafety)

	require.Len(t, report.AffectedAssets, 2)
	assert.Equal(t, "192.0.2.10", report.AffectedAssets[0].Host)
	assert.Equal(t, 4, report.AffectedAssets[0].DetectionCount)
	assert.Equal(t, detection.SeverityCritical, report.AffectedAssets[0].MaxSeverity)
	assert.Equal(t, []string{"L1/2"}, report.AffectedAssets[0].Zones)
	assert.Equal(t, "192.0.2.11", report.AffectedAssets[1].Host)
	require.Len(t, report.Sources, 1)
	assert.Equal(t, Source{"198.51.100.7", []string{"L4/5"}, 5, []string{
		"CROSS_ZONE_VIOLATION", "NDR_SIGNATURE_4000001", "OT_BRUTE_FORCE_SCAN", "PROCESS_SAFETY_VIOLATION", "UNAUTHORIZED_MODBUS_WRITE",
	}}, report.Sources[0])

	require.Len(t, report.Timeline, 5)
	assert.Equal(t, "CROSS_ZONE_VIOLATION", report.Timeline[0].Rule)
	assert.Equal(t, "OT_BRUTE_FORCE_SCAN", report.Timeline[1].Rule)
	assert.Equal(t, "UNAUTHORIZED_MODBUS_WRITE", report.Timeline[2].Rule, "same time as the safety violation, smaller ID first")
	assert.Equal(t, "PROCESS_SAFETY_VIOLATION", report.Timeline[3].Rule)
	assert.Equal(t, "OT Modbus write from unlisted client", report.Timeline[4].Description)

	require.Len(t, report.Evidence, 5)
	assert.Equal(t, "source=malcolm/date=2026-03-14/malcolm-sensor-20260314T092741Z-0001.json.gz", report.Evidence[0].Key)
	assert.Equal(t, 1, report.Evidence[1].Line)

	require.NotEmpty(t, report.RecommendedActions.Containment)
	assert.Contains(t, report.RecommendedActions.Containment[0].Action, "safe state")
	assert.Equal(t, []string{"T0880"}, report.RecommendedActions.Containment[0].Techniques)
	assert.NotEmpty(t, report.RecommendedActions.Eradication)
	assert.NotEmpty(t, report.RecommendedActions.Recovery)

	assert.Equal(t, FunctionalHigh, report.NIST.FunctionalImpact.Value)
	assert.Equal(t, InformationIntegrity, report.NIST.InformationImpact.Value)
	assert.Equal(t, RecoverabilityExtended, report.NIST.Recoverability.Value)
	assert.Equal(t, TrackingStatusNew, report.NIST.CurrentStatus)
	assert.Len(t, report.NIST.NextSteps, len(report.RecommendedActions.Containment))
	csf := []string{}
	for _, c := range report.NIST.CSFCategories {
		csf = append(csf, c.ID)
	}
	assert.ElementsMatch(t, []string{"DE.AE", "RS.MA", "RS.AN", "RS.MI", "RC.RP", "RS.CO"}, csf)
}

func joinLines(values []string) string {
	out := ""
	for i, v := range values {
		if i > 0 {
			out += "\n"
		}
		out += v
	}
	return out
}

func TestBuildOrderAndRetryIndependent(t *testing.T) {
	batch := loadBatch(t, "lab-batch.json")
	want, err := Build(batch, createdAt)
	require.NoError(t, err)
	wantJSON := encodeReport(t, want)

	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := slices.Clone(batch)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		// Every third run delivers part of the batch twice, as a retried stream batch does.
		if i%3 == 0 {
			shuffled = append(shuffled, shuffled[:i%len(shuffled)+1]...)
		}

		got, err := Build(shuffled, createdAt)
		require.NoError(t, err)

		assert.Equal(t, string(wantJSON), string(encodeReport(t, got)), "run %d", i)
	}

	t.Run("created_at only changes created_at", func(t *testing.T) {
		later, err := Build(batch, createdAt.Add(time.Hour))
		require.NoError(t, err)

		assert.Equal(t, "2026-03-14T10:28:00.123Z", later.CreatedAt)
		later.CreatedAt = want.CreatedAt
		assert.Equal(t, want, later)
	})
}

func TestBuildConflictingDuplicates(t *testing.T) {
	batch := loadBatch(t, "lab-batch.json")
	changed := batch[0]
	changed.Message = "same ID, other content"

	first, err := Build(append(slices.Clone(batch), changed), createdAt)
	require.NoError(t, err)
	second, err := Build(append([]detection.Detection{changed}, batch...), createdAt)
	require.NoError(t, err)

	assert.Equal(t, 5, first.DetectionCount)
	assert.Equal(t, first, second)
}

func TestBuildRejectsInvalidBatches(t *testing.T) {
	valid := loadBatch(t, "lab-batch.json")[0]
	tests := []struct {
		name  string
		batch []detection.Detection
		want  error
	}{
		{"nil batch", nil, ErrEmptyBatch},
		{"empty batch", []detection.Detection{}, ErrEmptyBatch},
		{"missing id", []detection.Detection{valid, func() detection.Detection { d := valid; d.DetectionID = ""; return d }()}, detection.ErrMissingID},
		{"invalid severity", []detection.Detection{func() detection.Detection { d := valid; d.Severity = "SEVERE"; return d }()}, detection.ErrInvalidSeverity},
		{"zero time", []detection.Detection{func() detection.Detection { d := valid; d.DetectedAt = time.Time{}; return d }()}, detection.ErrMissingDetectedAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.batch, createdAt)

			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestIncidentIDIgnoresOrderAndDuplicates(t *testing.T) {
	a := IncidentID([]string{"b", "a", "c"})

	assert.Equal(t, a, IncidentID([]string{"c", "b", "a", "a"}))
	assert.NotEqual(t, a, IncidentID([]string{"a", "b"}))
	// The newline separator keeps one ID "ab" apart from the two IDs "a" and "b".
	assert.NotEqual(t, IncidentID([]string{"ab"}), IncidentID([]string{"a", "b"}))
}

func BenchmarkBuild(b *testing.B) {
	batch := loadBatch(b, "lab-batch.json")
	b.ReportAllocs()

	for b.Loop() {
		if _, err := Build(batch, createdAt); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEventCountOfReemittedAlerts(t *testing.T) {
	start := time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC)
	scan := func(id string, count int, at time.Duration) detection.Detection {
		first := start
		return detection.Detection{
			DetectionID: id, IncidentCorrelator: "OT_BRUTE_FORCE_SCAN#ot_sensor", Rule: "OT_BRUTE_FORCE_SCAN",
			Severity: detection.SeverityMedium, DetectedAt: start.Add(at), Host: "172.21.0.10",
			SrcIP: "172.24.0.10", DstIP: "172.21.0.10", Count: count, FirstSeen: &first,
		}
	}

	// One scan re-emitted with a growing count, plus an alert without first_seen.
	batch := []detection.Detection{scan("a1", 8, 4*time.Second), scan("a2", 106, 9*time.Second), scan("a3", 212, 14*time.Second)}
	other := scan("b1", 5, 20*time.Second)
	other.FirstSeen = nil
	batch = append(batch, other)

	report, err := Build(batch, start.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 4, report.DetectionCount)
	assert.Equal(t, 212+5, report.EventCount, "the largest count of the re-emitted scan, once")
	assert.Equal(t, "2026-05-20T19:20:00.000Z", report.Window.FirstDetectedAt, "the window starts at the scan's first event")
	assert.Equal(t, "2026-05-20T19:20:20.000Z", report.Window.LastDetectedAt)
}
