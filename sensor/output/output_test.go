package output

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/decode"
)

func TestAppendDropLine(t *testing.T) {
	at := time.Date(2026, 5, 1, 10, 2, 38, 383092000, time.FixedZone("CEST", 2*3600))
	ipv4 := decode.Packet{
		HasEthernet: true,
		DstMAC:      [6]byte{0, 0, 0x5e, 0, 0x53, 1},
		SrcMAC:      [6]byte{0, 0, 0x5e, 0, 0x53, 2},
		EtherType:   0x0800,
		Src:         netip.MustParseAddr("::ffff:198.51.100.7").As16(),
		Dst:         netip.MustParseAddr("::ffff:192.0.2.10").As16(),
		IPLength:    60, TTL: 63, IPID: 54321, DF: true, TOS: 0xb8,
		Proto: decode.ProtoTCP, SrcPort: 40000, DstPort: 502, Window: 64240, Flags: decode.FlagSYN,
	}
	ipv6 := decode.Packet{
		IPv6:     true,
		Src:      netip.MustParseAddr("2001:db8::1").As16(),
		Dst:      netip.MustParseAddr("2001:db8::2").As16(),
		IPLength: 80, TTL: 64, FlowLabel: 7,
		Proto: decode.ProtoTCP, SrcPort: 40001, DstPort: 502, Window: 512, Flags: decode.FlagACK | decode.FlagPSH,
	}
	udp := ipv4
	udp.Proto, udp.Payload, udp.Flags = decode.ProtoUDP, make([]byte, 12), 0

	tests := []struct {
		name string
		drop Drop
		want string
	}{
		{
			name: "ipv4 syn",
			drop: Drop{Time: at, Host: "gateway", In: "eth1", Packet: &ipv4},
			want: "2026-05-01T08:02:38.383092Z gateway kernel: OT-DROP: IN=eth1 OUT= " +
				"MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 " +
				"TOS=0x18 PREC=0xA0 TTL=63 ID=54321 DF PROTO=TCP SPT=40000 DPT=502 WINDOW=64240 RES=0x00 SYN URGP=0\n",
		},
		{
			name: "ipv6 without ethernet",
			drop: Drop{Time: at, Host: "gateway", Prefix: "LAB", Packet: &ipv6},
			want: "2026-05-01T08:02:38.383092Z gateway kernel: LAB IN= OUT= SRC=2001:db8::1 DST=2001:db8::2 " +
				"LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=7 PROTO=TCP SPT=40001 DPT=502 WINDOW=512 RES=0x00 ACK PSH URGP=0\n",
		},
		{
			name: "ipv4 udp",
			drop: Drop{Time: at, Host: "gw", Packet: &udp},
			want: "2026-05-01T08:02:38.383092Z gw kernel: OT-DROP: IN= OUT= " +
				"MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 " +
				"TOS=0x18 PREC=0xA0 TTL=63 ID=54321 DF PROTO=UDP SPT=40000 DPT=502 LEN=20\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, string(AppendDropLine(nil, tt.drop)))
		})
	}
}

func TestRotatingFileRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alerts.ndjson")
	out, err := OpenRotating(path, 25, 2)
	require.NoError(t, err)

	// Each line is 10 bytes, so a file holds two before the third rotates it.
	for i := range 7 {
		require.NoError(t, out.WriteLine([]byte(fmt.Sprintf("line %04d\n", i))))
	}
	require.NoError(t, out.Close())

	read := func(name string) string {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		return string(data)
	}
	assert.Equal(t, "line 0006\n", read(path))
	assert.Equal(t, "line 0004\nline 0005\n", read(path+".1"))
	assert.Equal(t, "line 0002\nline 0003\n", read(path+".2"))
	assert.NoFileExists(t, path+".3", "only two rotated files kept")
}

func TestRotatingFileAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firewall.log")
	require.NoError(t, os.WriteFile(path, []byte("earlier\n"), 0o600))

	out, err := OpenRotating(path, 0, 0)
	require.NoError(t, err)
	require.NoError(t, out.WriteLine([]byte("later\n")))

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "earlier\n", string(data), "lines stay buffered until a flush")

	require.NoError(t, out.Flush())
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "earlier\nlater\n", string(data))
	require.NoError(t, out.Close())
}

func TestAlertWriterLine(t *testing.T) {
	var sb strings.Builder
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	port := uint16(502)
	w := NewAlertWriter(StreamLines{W: &sb})

	require.NoError(t, w.WriteAlert(&Alert{
		Timestamp: Time(at), Sensor: "s", Rule: RuleWrite, Severity: SeverityHigh,
		Techniques: []string{"T0855"}, SrcIP: "192.0.2.1", DstIP: "192.0.2.2", DstPort: &port,
		Count: 1, FirstSeen: Time(at), LastSeen: Time(at), Message: "m",
	}))

	assert.Equal(t, `{"timestamp":"2026-05-01T10:00:00Z","sensor":"s","rule":"UNAUTHORIZED_MODBUS_WRITE",`+
		`"severity":"HIGH","techniques":["T0855"],"src_ip":"192.0.2.1","src_port":null,"dst_ip":"192.0.2.2",`+
		`"dst_port":502,"src_zone":null,"dst_zone":null,"count":1,"first_seen":"2026-05-01T10:00:00Z",`+
		`"last_seen":"2026-05-01T10:00:00Z","message":"m"}`+"\n", sb.String())
}
