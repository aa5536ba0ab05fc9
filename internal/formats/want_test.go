package formats

import (
	"encoding/json"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/internal/corpustest"
	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// lineCase is one input line with its context and expected fields, in the layout of the
// shared corpus's cases files, which testdata/*_cases.jsonl reuse.
type lineCase struct {
	ID      string                     `json:"id"`
	Input   json.RawMessage            `json:"input"`
	Context caseContext                `json:"context"`
	Want    map[string]json.RawMessage `json:"want"`
	Note    string                     `json:"note"`
}

// caseContext is the parse context of a case; Now pins the clock for RFC 3164 year inference.
type caseContext struct {
	ObjectDate string `json:"object_date"`
	SourceHint string `json:"source_hint"`
	Now        string `json:"now"`
}

func (c caseContext) build(t *testing.T) Context {
	t.Helper()

	ctx := Context{SourceHint: c.SourceHint}
	if c.ObjectDate != "" {
		d, err := time.Parse(time.DateOnly, c.ObjectDate)
		require.NoError(t, err, "context.object_date")
		ctx.ObjectDate = d
	}
	return ctx
}

// readCaseFile reads a JSONL file of line cases.
func readCaseFile(t *testing.T, path string) []lineCase {
	t.Helper()

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var cases []lineCase
	for n, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var c lineCase
		require.NoError(t, json.Unmarshal([]byte(line), &c), "%s line %d", path, n+1)
		cases = append(cases, c)
	}
	require.NotEmpty(t, cases, path)
	return cases
}

// corpusLineCases converts the shared corpus's cases to lineCase, keeping only the IDs with
// the given prefix.
func corpusLineCases(t *testing.T, name, idPrefix string) []lineCase {
	t.Helper()

	var cases []lineCase
	for _, c := range corpustest.Cases(t, name) {
		if !strings.HasPrefix(c.ID, idPrefix) {
			continue
		}
		lc := lineCase{ID: c.ID, Input: c.Input, Note: c.Note}
		if len(c.Context) > 0 {
			require.NoError(t, json.Unmarshal(c.Context, &lc.Context), "case %s context", c.ID)
		}
		require.NoError(t, json.Unmarshal(c.Want, &lc.Want), "case %s want", c.ID)
		cases = append(cases, lc)
	}
	require.NotEmpty(t, cases, "corpus %s has no %s* cases", name, idPrefix)
	return cases
}

// runLineCase parses the case's input and checks every key of its want object.
func runLineCase(t *testing.T, c lineCase) {
	t.Helper()

	var input string
	require.NoError(t, json.Unmarshal(c.Input, &input), "input must be a JSON string")
	ctx := c.Context.build(t)
	if c.Context.Now != "" {
		now, err := time.Parse(time.RFC3339, c.Context.Now)
		require.NoError(t, err, "context.now")
		restore := nowUTC
		nowUTC = func() time.Time { return now }
		t.Cleanup(func() { nowUTC = restore })
	}

	rec, err := Parse([]byte(input), ctx)
	assertWant(t, input, rec, err, c.Want)
}

// assertWant checks rec or err against want. Every key must be known, so a misspelt
// expectation fails instead of passing unchecked.
func assertWant(t *testing.T, input string, rec telemetry.Record, err error, want map[string]json.RawMessage) {
	t.Helper()

	kind := "telemetry"
	if raw, ok := want["kind"]; ok {
		require.NoError(t, json.Unmarshal(raw, &kind))
	}
	if kind == "bad_line" {
		require.Error(t, err, "Parse(%q) must reject the line", input)
		for key, raw := range want {
			switch key {
			case "kind":
			case "object_fails":
				// A bad line is an error with a counter reason; the object reader goes on.
				assert.JSONEq(t, "false", string(raw), "object_fails")
				assert.NotEqual(t, "other", Reason(err), "reason of %v", err)
			case "reason":
				assert.Equal(t, str(t, raw), Reason(err), "reason of %v", err)
			case "error_contains":
				assert.Contains(t, err.Error(), str(t, raw))
			default:
				t.Errorf("unknown want key %q for a bad line", key)
			}
		}
		return
	}

	require.NoError(t, err, "Parse(%q)", input)
	if _, ok := want["raw"]; !ok {
		// Raw is the line itself, or for an envelope the inner line, which the input quotes.
		if rec.IngestTime == nil {
			assert.Equal(t, input, rec.Raw, "Raw")
		} else {
			assert.NotEqual(t, input, rec.Raw, "Raw of an envelope is its inner line")
			assert.Contains(t, input, rec.Raw, "Raw of an envelope is its inner line")
		}
	}
	assert.False(t, rec.EventTime.IsZero(), "EventTime is always set")
	assert.Equal(t, time.UTC, rec.EventTime.Location(), "EventTime is in UTC")

	nf := rec.Netfilter
	needNF := func() *telemetry.Netfilter {
		require.NotNil(t, nf, "record has no netfilter fields")
		return nf
	}
	for key, raw := range want {
		switch key {
		case "kind":
		case "format":
			// The corpus names formats by their source partition (iptables for netfilter).
			name := str(t, raw)
			assert.True(t, string(rec.Format) == name || rec.Format.DefaultSource() == name, "format %q, got %q", name, rec.Format)
		case "event_time":
			assert.Equal(t, instant(t, raw), rec.EventTime, "event_time")
		case "time_assumed_utc":
			assert.Equal(t, boolean(t, raw), rec.TimeAssumedUTC, "time_assumed_utc")
		case "ingest_time":
			if string(raw) == "null" {
				assert.Nil(t, rec.IngestTime, "ingest_time")
				continue
			}
			require.NotNil(t, rec.IngestTime, "ingest_time")
			assert.Equal(t, instant(t, raw), *rec.IngestTime, "ingest_time")
		case "raw":
			assert.Equal(t, str(t, raw), rec.Raw, "raw")
		case "host":
			assert.Equal(t, str(t, raw), rec.Host, "host")
		case "event_type":
			assert.Equal(t, str(t, raw), rec.EventType, "event_type")
		case "src_ip":
			assertAddr(t, raw, rec.SrcIP, "src_ip")
		case "dst_ip":
			assertAddr(t, raw, rec.DstIP, "dst_ip")
		case "src_port":
			assertPort(t, raw, rec.SrcPort, "src_port")
		case "dst_port":
			assertPort(t, raw, rec.DstPort, "dst_port")
		case "proto":
			assert.Equal(t, str(t, raw), rec.Protocol, "proto")
		case "action":
			assert.Equal(t, str(t, raw), rec.Action, "action")
		case "flow_id":
			assert.Equal(t, str(t, raw), rec.FlowID, "flow_id")
		case "detection":
			// Only alerts can become detections; other telemetry carries no Alert.
			assert.Equal(t, boolean(t, raw), rec.Alert != nil, "detection (record has an alert)")
		case "prefix":
			assert.Equal(t, str(t, raw), needNF().Prefix, "prefix")
		case "in":
			assert.Equal(t, str(t, raw), needNF().In, "in")
		case "out":
			if string(raw) == "null" {
				assert.Nil(t, needNF().Out, "out must be absent")
				continue
			}
			require.NotNil(t, needNF().Out, "out")
			assert.Equal(t, str(t, raw), *nf.Out, "out")
		case "physin":
			assert.Equal(t, str(t, raw), needNF().PhysIn, "physin")
		case "physout":
			assert.Equal(t, str(t, raw), needNF().PhysOut, "physout")
		case "dst_mac":
			assert.Equal(t, str(t, raw), needNF().DstMAC, "dst_mac")
		case "src_mac":
			assert.Equal(t, str(t, raw), needNF().SrcMAC, "src_mac")
		case "ethertype":
			assert.Equal(t, str(t, raw), needNF().EtherType, "ethertype")
		case "ip_len":
			assertInt(t, raw, needNF().IPLen, "ip_len")
		case "ttl":
			assertInt(t, raw, needNF().TTL, "ttl")
		case "ip_id":
			assertInt(t, raw, needNF().ID, "ip_id")
		case "frag":
			assertInt(t, raw, needNF().Frag, "frag")
		case "icmp_type":
			assertInt(t, raw, needNF().ICMPType, "icmp_type")
		case "icmp_code":
			assertInt(t, raw, needNF().ICMPCode, "icmp_code")
		case "flags":
			assert.Equal(t, strs(t, raw), needNF().Flags, "flags")
		case "kernel_uptime":
			assert.Equal(t, str(t, raw), needNF().KernelUptime, "kernel_uptime")
		case "inner":
			assertInner(t, raw, needNF().Inner)
		default:
			assertAlertWant(t, key, raw, rec)
		}
	}
}

// assertAlertWant checks the alert and Modbus keys of a want object.
func assertAlertWant(t *testing.T, key string, raw json.RawMessage, rec telemetry.Record) {
	t.Helper()

	a := rec.Alert
	needAlert := func() *telemetry.Alert {
		require.NotNil(t, a, "record has no alert for want key %q", key)
		return a
	}
	m := rec.Modbus
	needModbus := func() *telemetry.Modbus {
		require.NotNil(t, m, "record has no modbus fields for want key %q", key)
		return m
	}
	switch key {
	case "signature_id":
		require.NotNil(t, needAlert().SignatureID, "signature_id")
		var id int64
		require.NoError(t, json.Unmarshal(raw, &id))
		assert.Equal(t, id, *a.SignatureID, "signature_id")
	case "signature":
		assert.Equal(t, str(t, raw), needAlert().Signature, "signature")
	case "category":
		assert.Equal(t, str(t, raw), needAlert().Category, "category")
	case "severity":
		// A number is Suricata's scale; a word is the normalised severity.
		if strings.HasPrefix(string(raw), `"`) {
			assert.Equal(t, str(t, raw), needAlert().Severity, "severity")
		} else {
			assert.Equal(t, integer(t, raw), needAlert().EVESeverity, "severity")
		}
	case "alert_severity":
		assert.Equal(t, str(t, raw), needAlert().Severity, "alert_severity")
	case "techniques":
		assert.Equal(t, strs(t, raw), needAlert().Techniques, "techniques")
	case "rule":
		assert.Equal(t, str(t, raw), needAlert().Rule, "rule")
	case "count":
		assert.Equal(t, integer(t, raw), needAlert().Count, "count")
	case "src_zone":
		assert.Equal(t, str(t, raw), needAlert().SrcZone, "src_zone")
	case "dst_zone":
		assert.Equal(t, str(t, raw), needAlert().DstZone, "dst_zone")
	case "message":
		assert.Equal(t, str(t, raw), needAlert().Message, "message")
	case "first_seen":
		require.NotNil(t, needAlert().FirstSeen, "first_seen")
		assert.Equal(t, instant(t, raw), *a.FirstSeen, "first_seen")
	case "last_seen":
		require.NotNil(t, needAlert().LastSeen, "last_seen")
		assert.Equal(t, instant(t, raw), *a.LastSeen, "last_seen")
	case "modbus":
		if string(raw) == "null" {
			assert.Nil(t, m, "modbus must be absent")
		}
	case "modbus_transaction_id":
		assertInt(t, raw, needModbus().TransactionID, key)
	case "modbus_unit_id":
		assertInt(t, raw, needModbus().UnitID, key)
	case "modbus_function":
		assertInt(t, raw, needModbus().Function, key)
	case "modbus_address":
		assertInt(t, raw, needModbus().Address, key)
	case "modbus_quantity":
		assertInt(t, raw, needModbus().Quantity, key)
	case "modbus_exception":
		assertInt(t, raw, needModbus().Exception, key)
	case "modbus_values":
		var values []int
		require.NoError(t, json.Unmarshal(raw, &values))
		assert.Equal(t, values, needModbus().Values, key)
	case "modbus_access":
		assert.Equal(t, strs(t, raw), needModbus().Access, key)
	default:
		t.Errorf("unknown want key %q", key)
	}
}

func assertInner(t *testing.T, raw json.RawMessage, inner *telemetry.InnerPacket) {
	t.Helper()

	if string(raw) == "null" {
		assert.Nil(t, inner, "inner must be absent")
		return
	}
	require.NotNil(t, inner, "inner")
	var want map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &want))
	for key, v := range want {
		switch key {
		case "src_ip":
			assertAddr(t, v, inner.SrcIP, "inner.src_ip")
		case "dst_ip":
			assertAddr(t, v, inner.DstIP, "inner.dst_ip")
		case "proto":
			assert.Equal(t, str(t, v), inner.Protocol, "inner.proto")
		case "src_port":
			assertPort(t, v, inner.SrcPort, "inner.src_port")
		case "dst_port":
			assertPort(t, v, inner.DstPort, "inner.dst_port")
		default:
			t.Errorf("unknown want key inner.%s", key)
		}
	}
}

func assertAddr(t *testing.T, raw json.RawMessage, got netip.Addr, name string) {
	t.Helper()

	if string(raw) == "null" {
		assert.False(t, got.IsValid(), "%s must be absent, got %s", name, got)
		return
	}
	assert.Equal(t, str(t, raw), got.String(), name)
}

func assertPort(t *testing.T, raw json.RawMessage, got *uint16, name string) {
	t.Helper()

	if string(raw) == "null" {
		assert.Nil(t, got, "%s must be absent", name)
		return
	}
	require.NotNil(t, got, name)
	assert.Equal(t, integer(t, raw), int(*got), name)
}

func assertInt(t *testing.T, raw json.RawMessage, got *int, name string) {
	t.Helper()

	if string(raw) == "null" {
		assert.Nil(t, got, "%s must be absent", name)
		return
	}
	require.NotNil(t, got, name)
	assert.Equal(t, integer(t, raw), *got, name)
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(raw, &s), "want value %s is not a string", raw)
	return s
}

func strs(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var s []string
	require.NoError(t, json.Unmarshal(raw, &s), "want value %s is not a string array", raw)
	return s
}

func integer(t *testing.T, raw json.RawMessage) int {
	t.Helper()
	var n int
	require.NoError(t, json.Unmarshal(raw, &n), "want value %s is not an integer", raw)
	return n
}

func boolean(t *testing.T, raw json.RawMessage) bool {
	t.Helper()
	var b bool
	require.NoError(t, json.Unmarshal(raw, &b), "want value %s is not a boolean", raw)
	return b
}

func instant(t *testing.T, raw json.RawMessage) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, str(t, raw))
	require.NoError(t, err, "want time %s", raw)
	return ts.UTC()
}
