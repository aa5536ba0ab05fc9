package simnet

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/pipeline"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// labPolicyPath is the zone policy every lab mode gives otsensor.
const labPolicyPath = "../../lab/policy.yaml"

var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type alertLines struct{ alerts []output.Alert }

func (a *alertLines) WriteAlert(alert *output.Alert) error {
	a.alerts = append(a.alerts, *alert)
	return nil
}

type dropLines struct{ lines []string }

func (d *dropLines) WriteLine(line []byte) error {
	d.lines = append(d.lines, string(line))
	return nil
}

// replayScenario simulates s, writes the capture, and replays it through the sensor with
// the lab policy, as otsensor --pcap does.
func replayScenario(t *testing.T, s Scenario) (Result, []output.Alert, []string) {
	t.Helper()
	result, err := s.Run(context.Background())
	require.NoError(t, err)

	path := filepath.Join(t.TempDir(), "lab.pcap")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, result.Net.WritePcap(f))
	require.NoError(t, f.Close())

	pol, err := policy.Load(labPolicyPath)
	require.NoError(t, err)
	alerts, drops := &alertLines{}, &dropLines{}
	sensor := pipeline.New(pipeline.Config{Name: "otlab-gateway", Policy: pol, Alerts: alerts, Drops: drops})
	require.NoError(t, sensor.ReplayFile(context.Background(), path, nil))
	sensor.Flush()
	return result, alerts.alerts, drops.lines
}

func TestBaselineRaisesNoAlerts(t *testing.T) {
	tests := []struct {
		name       string
		baseline   time.Duration
		seed       uint64
		wantPolls  int
		wantWrites int
	}{
		{"one minute", time.Minute, 1, 60, 6},
		{"one minute other setpoints", time.Minute, 42, 60, 6},
		{"ten minutes", 10 * time.Minute, 7, 600, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			result, alerts, drops := replayScenario(t, Scenario{Start: testStart, Baseline: tt.baseline, Seed: tt.seed})

			assert.Equal(t, tt.wantPolls, result.Operator.Polls, "polls")
			assert.Equal(t, tt.wantWrites, result.Operator.Writes, "setpoint writes")
			assert.Empty(t, alerts, "alerts on the benign baseline")
			assert.Empty(t, drops, "drop lines on the benign baseline")
		})
	}
}

func TestCampaignRaisesEveryRule(t *testing.T) {
	_, alerts, drops := replayScenario(t, Scenario{
		Start: testStart, Baseline: 20 * time.Second, Attack: true, AttackAt: 5 * time.Second, Seed: 1,
	})

	tests := []struct {
		name   string
		rule   string
		client string
		server string
		value  uint16 // written value, 0 when the rule is not about a write
	}{
		{"scan by the attacker", output.RuleScan, "172.24.0.10", "172.24.0.2", 0},
		{"scan seen on the control leg", output.RuleScan, "172.21.0.2", "172.21.0.10", 0},
		{"direct access to the plc", output.RuleCrossZone, "172.24.0.10", "172.21.0.10", 0},
		{"unauthorized write", output.RuleWrite, "172.24.0.10", "172.24.0.2", 1200},
		{"unauthorized write forwarded", output.RuleWrite, "172.21.0.2", "172.21.0.10", 1200},
		{"unsafe write", output.RuleSafety, "172.24.0.10", "172.24.0.2", 2900},
		{"unsafe write forwarded", output.RuleSafety, "172.21.0.2", "172.21.0.10", 2900},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, hasAlert(alerts, tt.rule, tt.client, tt.server, tt.value),
				"no %s alert from %s to %s (value %d) among %d alerts", tt.rule, tt.client, tt.server, tt.value, len(alerts))
		})
	}

	t.Run("no alert from the hmi", func(t *testing.T) {
		assert.False(t, hasAlert(alerts, output.RuleWrite, "172.21.0.20", "172.21.0.10", 0))
		assert.False(t, hasAlert(alerts, output.RuleSafety, "172.21.0.20", "172.21.0.10", 0))
	})
	t.Run("in-range write is not unsafe", func(t *testing.T) {
		assert.False(t, hasAlert(alerts, output.RuleSafety, "172.24.0.10", "172.24.0.2", 1200))
	})
	t.Run("one drop line for the direct attempt", func(t *testing.T) {
		require.Len(t, drops, 1)
		assert.Contains(t, drops[0], "SRC=172.24.0.10 DST=172.21.0.10")
		assert.Contains(t, drops[0], "DPT=502")
	})
}

// hasAlert reports whether alerts hold one of rule from client to server, with value as
// the first written value when value is not 0.
func hasAlert(alerts []output.Alert, rule, client, server string, value uint16) bool {
	for _, a := range alerts {
		if a.Rule != rule || a.SrcIP != client || a.DstIP != server {
			continue
		}
		if value == 0 || (a.Modbus != nil && len(a.Modbus.Values) > 0 && a.Modbus.Values[0] == value) {
			return true
		}
	}
	return false
}

func TestCampaignAlertsGolden(t *testing.T) {
	_, alerts, _ := replayScenario(t, Scenario{
		Start: testStart, Baseline: 20 * time.Second, Attack: true, AttackAt: 5 * time.Second, Seed: 1,
	})
	// The sensor emits the alerts still open at the end in map order, so sort them.
	slices.SortStableFunc(alerts, func(a, b output.Alert) int {
		return cmp.Or(time.Time(a.Timestamp).Compare(time.Time(b.Timestamp)), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.SrcIP, b.SrcIP))
	})
	var got bytes.Buffer
	for _, a := range alerts {
		line, err := json.Marshal(a)
		require.NoError(t, err)
		got.Write(append(line, '\n'))
	}

	golden := filepath.Join("testdata", "campaign-alerts.ndjson")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create %s", golden)
	assert.Equal(t, string(want), got.String())
}

func TestCaptureIsReproducible(t *testing.T) {
	write := func() []byte {
		result, err := Scenario{Start: testStart, Baseline: 10 * time.Second, Attack: true, AttackAt: 2 * time.Second, Seed: 3}.Run(context.Background())
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, result.Net.WritePcap(&buf))
		return buf.Bytes()
	}
	first, second := write(), write()
	assert.Equal(t, first, second, "two runs of one scenario wrote different captures")
}

// BenchmarkScenarioMinute measures simulating and writing one minute of the HMI baseline
// with the campaign, the capture of the replay fallback.
func BenchmarkScenarioMinute(b *testing.B) {
	s := Scenario{Start: testStart, Baseline: time.Minute, Attack: true, AttackAt: 5 * time.Second, Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		result, err := s.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if err := result.Net.WritePcap(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
