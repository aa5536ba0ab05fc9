package campaign

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/simonvetter/modbus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otlake/cloud-telemetry-lake/sensor/plant"
)

func TestCodecReadResponse(t *testing.T) {
	tests := []struct {
		name    string
		sent    uint16
		input   []byte
		want    []byte
		wantErr string
	}{
		{"register read", 1, Frame(1, 1, []byte{3, 2, 0, 7}), []byte{3, 2, 0, 7}, ""},
		{"exception", 5, Frame(5, 9, []byte{0x83, 0x0B}), []byte{0x83, 0x0B}, ""},
		{"other transaction", 2, Frame(1, 1, []byte{3, 2, 0, 7}), nil, "response to transaction 1: expected 2"},
		{"protocol id not zero", 1, []byte{0, 1, 0, 1, 0, 3, 1, 3, 0}, nil, "invalid MBAP protocol ID 1"},
		{"length one", 1, []byte{0, 1, 0, 0, 0, 1, 1}, nil, "invalid MBAP length 1"},
		{"length past the largest pdu", 1, []byte{0, 1, 0, 0, 0x01, 0x00, 1}, nil, "invalid MBAP length 256"},
		{"truncated header", 1, []byte{0, 1, 0}, nil, "unexpected EOF"},
		{"truncated pdu", 1, []byte{0, 1, 0, 0, 0, 5, 1, 3, 2}, nil, "read PDU of transaction 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Codec{sent: tt.sent}
			got, err := c.ReadResponse(bytes.NewReader(tt.input))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCodecNumbersTransactions(t *testing.T) {
	var c Codec
	first := c.Request(1, ReadPDU(FuncReadHoldingRegisters, 0, 1))
	second := c.Request(7, WriteRegisterPDU(0, 1200))

	assert.Equal(t, []byte{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 1}, first)
	assert.Equal(t, []byte{0, 2, 0, 0, 0, 6, 7, 6, 0, 0, 0x04, 0xB0}, second)
}

func TestCheckTarget(t *testing.T) {
	tests := []struct {
		name string
		addr string
		ok   bool
	}{
		{"plc", "172.21.0.10", true},
		{"gateway enterprise side", "172.24.0.2", true},
		{"loopback", "127.0.0.1", false},
		{"neighbouring private network", "172.22.0.10", false},
		{"public address", "8.8.8.8", false},
		{"ipv6 loopback", "::1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckTarget(netip.MustParseAddr(tt.addr))
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrOutsideLab)
			}
		})
	}
}

func TestLiveNetworkRefusesOutsideLab(t *testing.T) {
	// A listener on loopback: the network must refuse before connecting to it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()

	n := LiveNetwork{Source: netip.MustParseAddr("127.0.0.1")}
	_, err = n.Dial(context.Background(), netip.MustParseAddrPort(ln.Addr().String()), time.Second)
	assert.ErrorIs(t, err, ErrOutsideLab)
}

// fakeAddrs returns an InterfaceAddrs function listing addrs.
func fakeAddrs(addrs ...string) func() ([]net.Addr, error) {
	return func() ([]net.Addr, error) {
		var out []net.Addr
		for _, a := range addrs {
			prefix := netip.MustParsePrefix(a)
			out = append(out, &net.IPNet{IP: prefix.Addr().AsSlice(), Mask: net.CIDRMask(prefix.Bits(), prefix.Addr().BitLen())})
		}
		return out, nil
	}
}

func TestGuard(t *testing.T) {
	dir := t.TempDir()
	nsDir := filepath.Join(dir, "netns")
	require.NoError(t, os.Mkdir(nsDir, 0o755))

	// self stands for /proc/self/ns/net: the lab namespace file is a hard link to it, the
	// other namespace a different file.
	self := filepath.Join(dir, "self")
	require.NoError(t, os.WriteFile(self, nil, 0o644))
	require.NoError(t, os.Link(self, filepath.Join(nsDir, "otlab-attacker")))
	require.NoError(t, os.WriteFile(filepath.Join(nsDir, "otlab-other"), nil, 0o644))

	marker := func(text string) string {
		path := filepath.Join(t.TempDir(), "lab.marker")
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}

	tests := []struct {
		name    string
		addrs   []string
		marker  string
		wantErr string
	}{
		{"inside the lab", []string{"127.0.0.1/8", "172.24.0.10/24"}, marker("gateway=otlab-gateway\nattacker=otlab-attacker\n"), ""},
		{"address missing", []string{"127.0.0.1/8", "10.0.0.5/24"}, marker("attacker=otlab-attacker\n"), "no interface has it"},
		{"lab down", []string{"172.24.0.10/24"}, filepath.Join(dir, "absent.marker"), "is the lab up?"},
		{"marker without role", []string{"172.24.0.10/24"}, marker("hmi=otlab-hmi\n"), `no line "attacker=NAMESPACE"`},
		{"namespace with a slash", []string{"172.24.0.10/24"}, marker("attacker=../etc\n"), "invalid namespace name"},
		{"namespace not created", []string{"172.24.0.10/24"}, marker("attacker=otlab-gone\n"), "stat"},
		{"another namespace", []string{"172.24.0.10/24"}, marker("attacker=otlab-other\n"), "runs in another network namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Guard{
				Self: AttackerAddr, Marker: tt.marker, Role: "attacker",
				InterfaceAddrs: fakeAddrs(tt.addrs...), NamespaceDir: nsDir, SelfNamespace: self,
			}
			err := g.Check()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.name != "namespace with a slash" {
				assert.ErrorIs(t, err, ErrOutsideLab)
			}
		})
	}
}

// TestServeMatchesServer sends the same requests to the library's TCP server on loopback
// and to plant.Serve, which simulated captures use, and expects the same responses.
func TestServeMatchesServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	served := plant.New(time.Now, nil)
	server, err := modbus.NewServer(&modbus.ServerConfiguration{URL: "tcp://" + addr, Timeout: 5 * time.Second, MaxClients: 2}, served)
	require.NoError(t, err)
	require.NoError(t, server.Start())
	defer server.Stop()

	conn, err := net.DialTimeout("tcp", addr, time.Second)
	require.NoError(t, err)
	session := &liveSession{conn: conn, peer: netip.MustParseAddrPort(addr), wait: 2 * time.Second}
	defer session.Close()
	simulated := plant.New(time.Now, nil)

	tests := []struct {
		name string
		unit uint8
		pdu  []byte
	}{
		{"read setpoints", 1, ReadPDU(FuncReadHoldingRegisters, 0, 3)},
		{"read coil", 1, ReadPDU(FuncReadCoils, 0, 1)},
		{"read alarms", 1, ReadPDU(FuncReadDiscreteInputs, 0, 2)},
		{"unit sweep", 5, ReadPDU(FuncReadHoldingRegisters, 0, 1)},
		{"register walk", 1, ReadPDU(FuncReadHoldingRegisters, 17, 1)},
		{"device identification", 1, DeviceIDPDU()},
		{"write setpoint", 1, WriteRegisterPDU(plant.RegPumpSetpoint, 1200)},
		{"write above rated speed", 1, WriteRegisterPDU(plant.RegPumpSetpoint, 3001)},
		{"write valve", 1, []byte{16, 0, 1, 0, 1, 2, 0, 40}},
		{"write coil off", 1, []byte{5, 0, 0, 0, 0}},
		{"write coil on", 1, []byte{5, 0, 0, 0xFF, 0}},
		{"write coils", 1, []byte{15, 0, 0, 0, 1, 1, 1}},
		{"write coils past the map", 1, []byte{15, 0, 0, 0, 3, 1, 7}},
		{"read setpoints after writes", 1, ReadPDU(FuncReadHoldingRegisters, 0, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := session.Exchange(context.Background(), tt.unit, tt.pdu)
			require.NoError(t, err)
			assert.Equal(t, simulated.Serve("127.0.0.1", tt.unit, tt.pdu), got, "request % x to unit %d", tt.pdu, tt.unit)
		})
	}
}

func TestIsTimeout(t *testing.T) {
	assert.True(t, IsTimeout(ErrSimTimeout))
	assert.True(t, IsTimeout(context.DeadlineExceeded))
	assert.False(t, IsTimeout(errors.New("connection refused")))
}

func FuzzReadResponse(f *testing.F) {
	f.Add(uint16(1), Frame(1, 1, []byte{3, 2, 0, 7}))
	f.Add(uint16(3), Frame(3, 9, []byte{0x83, 0x0B}))
	f.Add(uint16(1), []byte{0, 1, 0, 0, 0xFF, 0xFF, 1})
	f.Add(uint16(1), []byte{0, 1, 0, 0, 0, 1})

	f.Fuzz(func(t *testing.T, sent uint16, input []byte) {
		c := Codec{sent: sent}
		pdu, err := c.ReadResponse(bytes.NewReader(input))
		if err != nil {
			return
		}

		// An accepted response re-frames to the bytes read.
		require.GreaterOrEqual(t, len(pdu), 1)
		require.LessOrEqual(t, len(pdu), maxPDULen)
		require.Equal(t, input[:mbapHeaderLen+len(pdu)], Frame(sent, input[6], pdu))
	})
}

func BenchmarkCodecRoundTrip(b *testing.B) {
	var c Codec
	pdu := ReadPDU(FuncReadInputRegisters, 0, 4)
	response := []byte{4, 8, 0, 1, 0, 2, 0, 3, 0, 4}
	var r bytes.Reader
	b.ReportAllocs()
	for b.Loop() {
		adu := c.Request(1, pdu)
		r.Reset(Frame(c.sent, 1, response))
		if _, err := c.ReadResponse(&r); err != nil {
			b.Fatal(err)
		}
		_ = adu
	}
}
