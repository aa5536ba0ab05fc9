package pipeline

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
	"github.com/otlake/cloud-telemetry-lake/sensor/internal/corpustest"
	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/rules"
)

// wantADU is one expected ADU of a modbus.jsonl case.
type wantADU struct {
	TransactionID uint16  `json:"transaction_id"`
	UnitID        uint8   `json:"unit_id"`
	Function      uint8   `json:"function"`
	Address       *uint16 `json:"address"`
	Quantity      *uint16 `json:"quantity"`
	Value         *uint16 `json:"value"`
	Exception     bool    `json:"exception"`
	ExceptionCode uint8   `json:"exception_code"`
}

// wantCounts is the expectation of a case whose input must not decode.
type wantCounts struct {
	ADUs         int            `json:"adus"`
	DecodeErrors map[string]int `json:"decode_errors"`
}

// gotADU is what the sensor reported for one ADU, in the case's terms.
func gotADU(adu *modbus.ADU, req *modbus.Request) wantADU {
	got := wantADU{TransactionID: adu.TransactionID, UnitID: adu.UnitID, Function: adu.BaseFunction()}
	if adu.IsException() {
		got.Exception = true
		got.ExceptionCode = modbus.ExceptionCode(adu.PDU)
	}
	if req == nil {
		return got
	}

	// The request fields a case names: address, quantity, and the value of a single write.
	address, quantity := req.Address, req.Quantity
	got.Address = &address
	if req.Function == modbus.FuncWriteSingleRegister || req.Function == modbus.FuncWriteSingleCoil {
		value := req.Values[0]
		got.Value = &value
	} else {
		got.Quantity = &quantity
	}
	return got
}

// segmentVariants returns the case's segments as given, and the same bytes split in two
// at every offset, delivered in order, in reverse order, and with a retransmission.
func segmentVariants(segments [][]byte) map[string][][]byte {
	whole := []byte{}
	for _, s := range segments {
		whole = append(whole, s...)
	}

	variants := map[string][][]byte{"as given": segments}
	for cut := 1; cut < len(whole); cut++ {
		head, tail := whole[:cut], whole[cut:]
		variants["split at "+strconv.Itoa(cut)] = [][]byte{head, tail}
		variants["reversed at "+strconv.Itoa(cut)] = [][]byte{nil, tail, head} // nil marks "deliver the tail first"
		variants["retransmitted at "+strconv.Itoa(cut)] = [][]byte{head, head, tail, tail}
	}
	return variants
}

// framesFor turns the byte segments of one direction into TCP frames, with sequence
// numbers that place each segment where it belongs. In-order segments come from a
// connection seen mid-stream; reversed ones follow a handshake.
func framesFor(t *testing.T, toServer bool, segments [][]byte) []capture.Frame {
	t.Helper()

	c := newConn(t, "192.0.2.10", 40000, "192.0.2.20", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(segments) > 0 && segments[0] == nil {
		// Reverse: after a handshake, which fixes where the stream starts, send the tail at
		// its own offset first and then the head.
		c.handshake()
		head, tail := segments[2], segments[1]
		start := c.clientSeq
		if !toServer {
			start = c.serverSeq
		}
		setSeq(c, toServer, start+uint32(len(head)))
		c.segment(toServer, false, false, tail)
		setSeq(c, toServer, start)
		c.segment(toServer, false, false, head)
		return c.frames
	}

	for _, s := range segments {
		c.segment(toServer, false, false, s)
	}
	return c.frames
}

func seqOf(c *conn, toServer bool) uint32 {
	if toServer {
		return c.clientSeq
	}
	return c.serverSeq
}

func setSeq(c *conn, toServer bool, seq uint32) {
	if toServer {
		c.clientSeq = seq
	} else {
		c.serverSeq = seq
	}
}

func TestCorpusModbusCases(t *testing.T) {
	for _, tc := range corpustest.Cases(t, "modbus") {
		t.Run(tc.ID, func(t *testing.T) {
			var segments [][]byte
			for _, s := range tc.SegmentsHex {
				b, err := hex.DecodeString(s)
				require.NoError(t, err)
				segments = append(segments, b)
			}
			toServer := tc.Direction == "to_server"

			var wantList []wantADU
			var counts wantCounts
			if err := json.Unmarshal(tc.Want, &wantList); err != nil {
				require.NoError(t, json.Unmarshal(tc.Want, &counts), "want is a list of ADUs or counts")
			} else {
				counts.ADUs = len(wantList)
			}

			for name, variant := range segmentVariants(segments) {
				t.Run(name, func(t *testing.T) {
					s := New(Config{Name: "test"})
					var got []wantADU
					s.OnADU = func(_ *rules.Flow, dirToServer bool, adu *modbus.ADU, req *modbus.Request) {
						assert.Equal(t, toServer, dirToServer, "direction")
						got = append(got, gotADU(adu, req))
					}

					frames := framesFor(t, toServer, variant)
					if strings.HasPrefix(name, "retransmitted") {
						frames = retransmitPairs(t, toServer, variant)
					}
					for _, frame := range frames {
						s.HandleFrame(frame)
					}

					snapshot := s.Counters().Snapshot()
					assert.Equal(t, uint64(counts.ADUs), snapshot.ADUs, "ADU count")
					if wantList != nil {
						assert.Equal(t, wantList, got)
					}
					for kind, n := range counts.DecodeErrors {
						assert.Equal(t, uint64(n), snapshot.DecodeErrors[kind], "decode errors of kind %s", kind)
					}
				})
			}
		})
	}
}

// retransmitPairs sends each pair of identical segments with the same sequence number.
func retransmitPairs(t *testing.T, toServer bool, segments [][]byte) []capture.Frame {
	c := newConn(t, "192.0.2.10", 40000, "192.0.2.20", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for i := 0; i < len(segments); i += 2 {
		start := seqOf(c, toServer)
		c.segment(toServer, false, false, segments[i])
		setSeq(c, toServer, start)
		c.segment(toServer, false, false, segments[i+1])
	}
	return c.frames
}

func TestLemayFakeCommand(t *testing.T) {
	path := corpustest.Path(t, "pcap", "lemay-send_a_fake_command_modbus_6RTU_with_operate.pcap")
	pol := mustParsePolicy(t, "trusted_writers:\n  - client: 192.168.1.100\n")

	s, alerts, _ := replay(t, pol, path)

	// Counts as tshark 4.0 reports them for this capture.
	snapshot := s.Counters().Snapshot()
	assert.Equal(t, uint64(2466), snapshot.ADUs)
	assert.Equal(t, map[string]uint64{"1": 816, "2": 816, "3": 816, "5": 18}, snapshot.ADUsByFunction)
	assert.Equal(t, uint64(0), snapshot.DecodeErrors["protocol_id"]+snapshot.DecodeErrors["length"]+snapshot.DecodeErrors["pdu"])

	writes := alerts.byRule(output.RuleWrite)
	require.Len(t, writes, 1, "one forged write; the master's 8 coil writes are trusted")
	a := writes[0]
	assert.Equal(t, "192.168.1.101", a.SrcIP)
	assert.Equal(t, "192.168.1.102", a.DstIP)
	assert.Equal(t, uint16(502), *a.DstPort)
	assert.Equal(t, []string{"T0855"}, a.Techniques)
	require.NotNil(t, a.Modbus)
	assert.Equal(t, uint8(5), a.Modbus.Function)
	assert.Equal(t, uint16(2), *a.Modbus.Address, "PDU address field, 0-based")
	assert.Equal(t, []uint16{1}, a.Modbus.Values, "coil ON (0xFF00)")
	assert.Equal(t, uint16(1), a.Modbus.TransactionID)
	assert.Equal(t, uint8(1), a.Modbus.UnitID)
	assert.Equal(t, 1, a.Count)
	assert.Contains(t, a.Message, "ON (0xFF00)")
	assert.Empty(t, alerts.byRule(output.RuleScan), "polling is no scan")
	requireValidAlerts(t, alerts)
}

// tsharkCounts are per-function ADU counts that tshark 4.0.17 reported for corpus
// captures, from:
//
//	tshark -r FILE -Y mbtcp -T fields -e modbus.func_code | tr ',' '\n' | sort -n | uniq -c
var tsharkCounts = map[string]map[string]uint64{
	"iti-modbus_test.pcap": {"4": 2132, "6": 126},
	"bro-modbusBig.pcap":   {"1": 2774, "5": 2774},
	"bro-modbusSmall.pcap": {"1": 16, "15": 16},
}

func TestADUCountsMatchTshark(t *testing.T) {
	for name, want := range tsharkCounts {
		t.Run(name, func(t *testing.T) {
			s, _, _ := replay(t, nil, corpustest.Path(t, "pcap", name))

			assert.Equal(t, want, s.Counters().Snapshot().ADUsByFunction)
		})
	}
}

func TestCorpusCapturesReplay(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(corpustest.Dir(t), "pcap", "*.pcap"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)

	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			s, alerts, _ := replay(t, labPolicy(t), path)

			snapshot := s.Counters().Snapshot()
			assert.NotZero(t, snapshot.Packets)
			requireValidAlerts(t, alerts)

			if strings.HasPrefix(name, "bro-fuzz-") {
				total := uint64(0)
				for _, n := range snapshot.DecodeErrors {
					total += n
				}
				assert.NotZero(t, total, "malformed capture yields counted decode errors")
			}
		})
	}
}

func TestGzipCaptureReplays(t *testing.T) {
	data, err := os.ReadFile(corpustest.Path(t, "pcap", "bro-modbusSmall.pcap"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "small.pcap.gz")
	require.NoError(t, writeGzip(path, data))

	s, _, _ := replay(t, nil, path)

	assert.Equal(t, tsharkCounts["bro-modbusSmall.pcap"], s.Counters().Snapshot().ADUsByFunction)
}
