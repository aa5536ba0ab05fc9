package detection

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

func ptr[T any](v T) *T { return &v }

var alertTime = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

// sensorRecord returns the record that the parser makes of a sensor alert line, with the
// fields that the tests vary set by edit.
func sensorRecord(rule string, edit func(*telemetry.Record)) telemetry.Record {
	rec := telemetry.Record{
		Format:    telemetry.FormatSensorAlert,
		EventTime: alertTime,
		Host:      "otsensor-gw01",
		EventType: "alert",
		SrcIP:     netip.MustParseAddr("198.51.100.7"),
		DstIP:     netip.MustParseAddr("192.0.2.10"),
		SrcPort:   ptr(uint16(40312)),
		DstPort:   ptr(uint16(502)),
		Alert: &telemetry.Alert{
			Rule:     rule,
			Severity: "HIGH",
			SrcZone:  "L4/5",
			DstZone:  "L1/2",
			Count:    1,
			Message:  "alert " + rule,
		},
		Raw: `{"timestamp":"2026-03-14T09:26:53.589Z","sensor":"otsensor-gw01","rule":"` + rule + `"}`,
	}
	if edit != nil {
		edit(&rec)
	}
	return rec
}

// eveRecord returns the record that the parser makes of a Suricata EVE alert.
func eveRecord(severity int, edit func(*telemetry.Record)) telemetry.Record {
	rec := telemetry.Record{
		Format:    telemetry.FormatEVE,
		EventTime: alertTime,
		Host:      "malcolm-sensor",
		EventType: "alert",
		SrcIP:     netip.MustParseAddr("198.51.100.7"),
		DstIP:     netip.MustParseAddr("192.0.2.10"),
		SrcPort:   ptr(uint16(40000)),
		DstPort:   ptr(uint16(502)),
		Protocol:  "TCP",
		Action:    "allowed",
		FlowID:    "376843537971534",
		Alert: &telemetry.Alert{
			Severity:    SeverityFromEVE(severity),
			EVESeverity: severity,
			SignatureID: ptr(int64(4000003)),
			Signature:   "OT Modbus write",
			Category:    "Attempted Administrator Privilege Gain",
			Techniques:  []string{"T0855"},
			Count:       1,
		},
		Modbus: &telemetry.Modbus{UnitID: ptr(1), Function: ptr(6), Address: ptr(40001)},
		Raw:    `{"timestamp":"2026-03-14T09:26:53.589793+0000","event_type":"alert","alert":{"signature_id":4000003,"severity":` + string(rune('0'+severity)) + `}}`,
	}
	if edit != nil {
		edit(&rec)
	}
	return rec
}

var testRef = RawRef{Bucket: "ot-telemetry-raw-000000000000", Key: "source=ot_sensor/date=2026-03-14/otsensor-gw01-20260314T092653Z-0001.json.gz", Line: 7}

func TestFromRecordSensorRules(t *testing.T) {
	tests := []struct {
		name           string
		rec            telemetry.Record
		wantRule       string
		wantSeverity   string
		wantTechniques []string
	}{
		{
			name:           "cross zone from enterprise",
			rec:            sensorRecord(RuleCrossZoneViolation, nil),
			wantRule:       RuleCrossZoneViolation,
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0822", "T0886"},
		},
		{
			name: "cross zone from operations",
			rec: sensorRecord(RuleCrossZoneViolation, func(r *telemetry.Record) {
				r.Alert.SrcZone = "L3"
			}),
			wantRule:       RuleCrossZoneViolation,
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0886"},
		},
		{
			name: "cross zone keeps alert techniques",
			rec: sensorRecord(RuleCrossZoneViolation, func(r *telemetry.Record) {
				r.Alert.SrcZone = "dmz"
				r.Alert.Techniques = []string{"T0886", "T0866"}
			}),
			wantRule:       RuleCrossZoneViolation,
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0866", "T0886"},
		},
		{
			name: "modbus write to setpoint",
			rec: sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) {
				r.Alert.Severity = "CRITICAL"
				r.Alert.Techniques = []string{"T0836", "T0855"}
				r.Modbus = &telemetry.Modbus{TransactionID: ptr(1), UnitID: ptr(1), Function: ptr(6), Address: ptr(40001), Values: []int{900}}
			}),
			wantRule:       RuleUnauthorizedModbusWrite,
			wantSeverity:   SeverityCritical,
			wantTechniques: []string{"T0836", "T0855"},
		},
		{
			name: "modbus coil write without techniques",
			rec: sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) {
				r.Modbus = &telemetry.Modbus{UnitID: ptr(1), Function: ptr(5), Address: ptr(2)}
			}),
			wantRule:       RuleUnauthorizedModbusWrite,
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0855"},
		},
		{
			name: "modbus write drops incident-level T0831",
			rec: sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) {
				r.Alert.Techniques = []string{"T0831"}
			}),
			wantRule:       RuleUnauthorizedModbusWrite,
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0855"},
		},
		{
			name: "scan with point identification",
			rec: sensorRecord(RuleBruteForceScan, func(r *telemetry.Record) {
				r.Alert.Severity = "MEDIUM"
				r.Alert.Count = 3000
				r.Alert.Techniques = []string{"T0861", "T0846"}
				r.Modbus = &telemetry.Modbus{UnitID: ptr(1), Function: ptr(3), Exception: ptr(2)}
			}),
			wantRule:       RuleBruteForceScan,
			wantSeverity:   SeverityMedium,
			wantTechniques: []string{"T0846", "T0861"},
		},
		{
			name: "scan reading device identification",
			rec: sensorRecord(RuleBruteForceScan, func(r *telemetry.Record) {
				r.Alert.Severity = "MEDIUM"
				r.Modbus = &telemetry.Modbus{UnitID: ptr(1), Function: ptr(43)}
			}),
			wantRule:       RuleBruteForceScan,
			wantSeverity:   SeverityMedium,
			wantTechniques: []string{"T0846", "T0888"},
		},
		{
			name: "safety violation",
			rec: sensorRecord(RuleProcessSafetyViolation, func(r *telemetry.Record) {
				r.Alert.Severity = "CRITICAL"
				r.Alert.Techniques = []string{"T0880", "T0836"}
				r.SrcIP = netip.MustParseAddr("192.0.2.20")
			}),
			wantRule:       RuleProcessSafetyViolation,
			wantSeverity:   SeverityCritical,
			wantTechniques: []string{"T0836", "T0880"},
		},
		{
			name: "safety violation drops T0835",
			rec: sensorRecord(RuleProcessSafetyViolation, func(r *telemetry.Record) {
				r.Alert.Severity = ""
				r.Alert.Techniques = []string{"T0835"}
			}),
			wantRule:       RuleProcessSafetyViolation,
			wantSeverity:   SeverityCritical,
			wantTechniques: []string{"T0836", "T0880"},
		},
		{
			name: "unknown rule keeps valid techniques",
			rec: sensorRecord("modbus diag-restart", func(r *telemetry.Record) {
				r.Alert.Severity = "bogus"
				r.Alert.Techniques = []string{" t0816 ", "X", "T0816"}
			}),
			wantRule:       "MODBUS_DIAG_RESTART",
			wantSeverity:   SeverityMedium,
			wantTechniques: []string{"T0816"},
		},
		{
			name: "empty rule",
			rec: sensorRecord("", func(r *telemetry.Record) {
				r.Alert.Severity = "low"
			}),
			wantRule:       "UNNAMED_SENSOR_RULE",
			wantSeverity:   SeverityLow,
			wantTechniques: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromRecord(tt.rec, telemetry.SourceSensor, testRef)
			require.True(t, ok, "FromRecord of a sensor alert")

			assert.Equal(t, tt.wantRule, got.Rule)
			assert.Equal(t, tt.wantRule+"#ot_sensor", got.IncidentCorrelator)
			assert.Equal(t, tt.wantSeverity, got.Severity)
			assert.Equal(t, tt.wantTechniques, got.Techniques)
			assert.Regexp(t, `^[0-9a-f]{32}$`, got.DetectionID)
			assert.Equal(t, "2026-03-14T09:26:53.589Z", got.DetectedAtString())
			assert.Equal(t, tt.rec.Alert.Message, got.Message)
			assert.Equal(t, "otsensor-gw01", got.Sensor)
			assert.Equal(t, testRef, got.RawRef)
			assert.Equal(t, max(tt.rec.Alert.Count, 1), got.Count)
		})
	}
}

func TestFromRecordCopiesFlowFields(t *testing.T) {
	rec := sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) {
		r.Modbus = &telemetry.Modbus{TransactionID: ptr(9), UnitID: ptr(3), Function: ptr(16), Address: ptr(100)}
	})

	got, ok := FromRecord(rec, telemetry.SourceSensor, testRef)
	require.True(t, ok)

	assert.Equal(t, "198.51.100.7", got.SrcIP)
	assert.Equal(t, "192.0.2.10", got.DstIP)
	require.NotNil(t, got.SrcPort)
	assert.Equal(t, 40312, *got.SrcPort)
	require.NotNil(t, got.DstPort)
	assert.Equal(t, 502, *got.DstPort)
	assert.Equal(t, "L4/5", got.SrcZone)
	assert.Equal(t, "L1/2", got.DstZone)
	require.NotNil(t, got.ModbusFunction)
	assert.Equal(t, 16, *got.ModbusFunction)
	require.NotNil(t, got.ModbusUnitID)
	assert.Equal(t, 3, *got.ModbusUnitID)
	require.NotNil(t, got.ModbusAddress)
	assert.Equal(t, 100, *got.ModbusAddress)

	// The detection owns its values: changing the record afterwards changes nothing.
	*rec.Modbus.Function = 5
	assert.Equal(t, 16, *got.ModbusFunction)
}

func TestFromRecordEVESeverities(t *testing.T) {
	tests := []struct {
		name         string
		eveSeverity  int
		wantOK       bool
		wantSeverity string
	}{
		{"severity 1", 1, true, SeverityHigh},
		{"severity 2", 2, true, SeverityMedium},
		{"severity 3", 3, false, ""},
		{"severity 4", 4, false, ""},
		{"severity 0", 0, false, ""},
		{"severity 255", 255, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromRecord(eveRecord(tt.eveSeverity, nil), telemetry.SourceMalcolm, testRef)

			require.Equal(t, tt.wantOK, ok)
			if !tt.wantOK {
				assert.Equal(t, Detection{}, got)
				return
			}
			assert.Equal(t, tt.wantSeverity, got.Severity)
			assert.Equal(t, "NDR_SIGNATURE_4000003", got.Rule)
			assert.Equal(t, "NDR_SIGNATURE_4000003#malcolm", got.IncidentCorrelator)
			assert.Equal(t, []string{"T0855"}, got.Techniques)
			require.NotNil(t, got.SignatureID)
			assert.Equal(t, int64(4000003), *got.SignatureID)
			assert.Equal(t, "OT Modbus write", got.Signature)
			assert.Equal(t, "TCP", got.Protocol)
			assert.Equal(t, "malcolm-sensor", got.Sensor)
		})
	}
}

func TestFromRecordEVEFields(t *testing.T) {
	tests := []struct {
		name           string
		edit           func(*telemetry.Record)
		wantRule       string
		wantSeverity   string
		wantTechniques []string
	}{
		{
			name:           "parser severity kept",
			edit:           func(r *telemetry.Record) { r.Alert.Severity = "high" },
			wantRule:       "NDR_SIGNATURE_4000003",
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0855"},
		},
		{
			name:           "missing severity derived",
			edit:           func(r *telemetry.Record) { r.Alert.Severity = "" },
			wantRule:       "NDR_SIGNATURE_4000003",
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0855"},
		},
		{
			name:           "no signature id",
			edit:           func(r *telemetry.Record) { r.Alert.SignatureID = nil },
			wantRule:       "NDR_SIGNATURE_UNKNOWN",
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0855"},
		},
		{
			name: "techniques sorted and deduplicated",
			edit: func(r *telemetry.Record) {
				r.Alert.Techniques = []string{"T1190", "t0886", "T0855", "T0886", "", "T0831", "mitre"}
			},
			wantRule:       "NDR_SIGNATURE_4000003",
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{"T0855", "T0886", "T1190"},
		},
		{
			name:           "no techniques",
			edit:           func(r *telemetry.Record) { r.Alert.Techniques = nil },
			wantRule:       "NDR_SIGNATURE_4000003",
			wantSeverity:   SeverityHigh,
			wantTechniques: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromRecord(eveRecord(1, tt.edit), telemetry.SourceMalcolm, testRef)
			require.True(t, ok)

			assert.Equal(t, tt.wantRule, got.Rule)
			assert.Equal(t, tt.wantRule+"#malcolm", got.IncidentCorrelator)
			assert.Equal(t, tt.wantSeverity, got.Severity)
			assert.Equal(t, tt.wantTechniques, got.Techniques)
		})
	}
}

func TestFromRecordNotDetections(t *testing.T) {
	tests := []struct {
		name string
		rec  telemetry.Record
	}{
		{"netfilter drop", telemetry.Record{
			Format: telemetry.FormatNetfilter, EventTime: alertTime, Action: "DROP",
			SrcIP: netip.MustParseAddr("198.51.100.7"), DstIP: netip.MustParseAddr("192.0.2.10"),
			Netfilter: &telemetry.Netfilter{Prefix: "OT-DROP:"}, Raw: "OT-DROP: IN=eth1 OUT=eth2",
		}},
		{"eve anomaly", telemetry.Record{Format: telemetry.FormatEVE, EventTime: alertTime, EventType: "anomaly", Raw: `{"event_type":"anomaly"}`}},
		{"sensor line without alert", sensorRecord(RuleCrossZoneViolation, func(r *telemetry.Record) { r.Alert = nil })},
		{"netfilter with alert fields", telemetry.Record{Format: telemetry.FormatNetfilter, Alert: &telemetry.Alert{EVESeverity: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromRecord(tt.rec, tt.rec.Format.DefaultSource(), testRef)

			assert.False(t, ok)
			assert.Equal(t, Detection{}, got)
		})
	}
}

func TestFromRecordHost(t *testing.T) {
	tests := []struct {
		name string
		edit func(*telemetry.Record)
		want string
	}{
		{"destination address", nil, "192.0.2.10"},
		{"source address", func(r *telemetry.Record) { r.DstIP = netip.Addr{} }, "198.51.100.7"},
		{"ipv6 destination", func(r *telemetry.Record) { r.DstIP = netip.MustParseAddr("2001:db8::10") }, "2001:db8::10"},
		{"record host", func(r *telemetry.Record) { r.DstIP, r.SrcIP = netip.Addr{}, netip.Addr{} }, "otsensor-gw01"},
		{"nothing", func(r *telemetry.Record) { r.DstIP, r.SrcIP, r.Host = netip.Addr{}, netip.Addr{}, " " }, HostUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromRecord(sensorRecord(RuleCrossZoneViolation, tt.edit), telemetry.SourceSensor, testRef)
			require.True(t, ok)

			assert.Equal(t, tt.want, got.Host)
		})
	}
}

func TestDetectionIDDeterministic(t *testing.T) {
	rec := sensorRecord(RuleUnauthorizedModbusWrite, nil)
	base, ok := FromRecord(rec, telemetry.SourceSensor, testRef)
	require.True(t, ok)

	t.Run("redelivered under another key", func(t *testing.T) {
		ref := RawRef{Bucket: "other-bucket", Key: "source=ot_sensor/date=2026-03-15/otsensor-gw01-x-0002.json.gz", Line: 99}
		again, ok := FromRecord(rec, telemetry.SourceSensor, ref)
		require.True(t, ok)

		assert.Equal(t, base.DetectionID, again.DetectionID)
		assert.Equal(t, ref, again.RawRef)
	})

	t.Run("parsed again", func(t *testing.T) {
		again, ok := FromRecord(sensorRecord(RuleUnauthorizedModbusWrite, nil), telemetry.SourceSensor, testRef)
		require.True(t, ok)

		assert.Equal(t, base, again)
	})

	t.Run("other source", func(t *testing.T) {
		other, ok := FromRecord(rec, telemetry.SourceMalcolm, testRef)
		require.True(t, ok)

		assert.NotEqual(t, base.DetectionID, other.DetectionID)
		assert.Equal(t, "UNAUTHORIZED_MODBUS_WRITE#malcolm", other.IncidentCorrelator)
	})

	t.Run("empty source", func(t *testing.T) {
		defaulted, ok := FromRecord(rec, "", testRef)
		require.True(t, ok)

		assert.Equal(t, base, defaulted)
	})

	t.Run("other raw line", func(t *testing.T) {
		changed := sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) { r.Raw += " " })
		other, ok := FromRecord(changed, telemetry.SourceSensor, testRef)
		require.True(t, ok)

		assert.NotEqual(t, base.DetectionID, other.DetectionID)
	})

	t.Run("known digest", func(t *testing.T) {
		// printf 'ot_sensor\0%s' "$raw" | sha256sum | cut -c1-32
		assert.Equal(t, "1e5a346f6f628bd18b7f13950d8c9030", base.DetectionID)
	})

	t.Run("record without raw line", func(t *testing.T) {
		noRaw := sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) { r.Raw = "" })
		first, ok := FromRecord(noRaw, telemetry.SourceSensor, testRef)
		require.True(t, ok)
		second, ok := FromRecord(noRaw, telemetry.SourceSensor, testRef)
		require.True(t, ok)
		changed := noRaw
		changed.EventTime = changed.EventTime.Add(time.Second)
		third, ok := FromRecord(changed, telemetry.SourceSensor, testRef)
		require.True(t, ok)

		assert.Equal(t, first.DetectionID, second.DetectionID)
		assert.NotEqual(t, first.DetectionID, third.DetectionID)
		assert.NotEqual(t, base.DetectionID, first.DetectionID)
	})

	t.Run("record without raw line beyond year 9999", func(t *testing.T) {
		// encoding/json rejects such times, so the ID comes from the gob encoding.
		farFuture := sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) {
			r.Raw = ""
			r.EventTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		})
		later := farFuture
		later.EventTime = later.EventTime.Add(time.Hour)

		first, ok := FromRecord(farFuture, telemetry.SourceSensor, testRef)
		require.True(t, ok)
		second, ok := FromRecord(farFuture, telemetry.SourceSensor, testRef)
		require.True(t, ok)
		third, ok := FromRecord(later, telemetry.SourceSensor, testRef)
		require.True(t, ok)

		assert.Equal(t, first.DetectionID, second.DetectionID)
		assert.NotEqual(t, first.DetectionID, third.DetectionID)
	})
}

func TestFromRecordCleansText(t *testing.T) {
	long := strings.Repeat("é", maxTextBytes) // two bytes each
	rec := sensorRecord(RuleCrossZoneViolation, func(r *telemetry.Record) {
		r.Alert.Message = long
		r.Alert.SrcZone = "zone\xff\xfe"
		r.Host = "gw\x00"
	})

	got, ok := FromRecord(rec, telemetry.SourceSensor, testRef)
	require.True(t, ok)

	assert.LessOrEqual(t, len(got.Message), maxTextBytes)
	assert.True(t, utf8.ValidString(got.Message), "message is valid UTF-8")
	assert.True(t, strings.HasPrefix(long, got.Message), "message is a prefix of the original")
	assert.Equal(t, "zone\uFFFD", got.SrcZone)
	assert.Equal(t, "gw\x00", got.Sensor)
}

func TestFromRecordBoundsTechniques(t *testing.T) {
	var many []string
	for i := 0; i < 500; i++ {
		many = append(many, fmt.Sprintf("T%04d", 800+i))
	}
	rec := eveRecord(1, func(r *telemetry.Record) { r.Alert.Techniques = many })

	got, ok := FromRecord(rec, telemetry.SourceMalcolm, testRef)
	require.True(t, ok)

	assert.Len(t, got.Techniques, maxTechniques)
	assert.IsIncreasing(t, got.Techniques)
}

func BenchmarkFromRecord(b *testing.B) {
	rec := sensorRecord(RuleUnauthorizedModbusWrite, func(r *telemetry.Record) {
		r.Alert.Techniques = []string{"T0855", "T0836"}
		r.Modbus = &telemetry.Modbus{UnitID: ptr(1), Function: ptr(6), Address: ptr(40001)}
	})
	b.ReportAllocs()

	for b.Loop() {
		if _, ok := FromRecord(rec, telemetry.SourceSensor, testRef); !ok {
			b.Fatal("FromRecord rejected a sensor alert")
		}
	}
}
