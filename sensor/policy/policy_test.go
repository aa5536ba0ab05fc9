package policy

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var labFiles = map[string]string{
	"yaml": filepath.Join("..", "examples", "lab-policy.yaml"),
	"json": filepath.Join("testdata", "lab-policy.json"),
}

func TestLoadLabPolicy(t *testing.T) {
	for format, path := range labFiles {
		t.Run(format, func(t *testing.T) {
			p, err := Load(path)
			require.NoError(t, err)

			assert.Equal(t, []uint16{502}, p.ModbusPorts)
			require.Len(t, p.Zones, 3)
			assert.Equal(t, "enterprise", p.Zones[0].Name)
			assert.Equal(t, Level{Low: 4, High: 5, Name: "L4/5"}, p.Zones[0].Level)
			assert.Equal(t, Level{Low: 3, High: 3, Name: "L3"}, p.Zones[1].Level)
			assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("172.21.0.0/24")}, p.Zones[2].Networks)
			require.Len(t, p.Conduits, 2)
			assert.Equal(t, Conduit{From: "operations", To: "control", Protocol: "tcp", Ports: []Range{{502, 502}}}, p.Conduits[1])
			require.Len(t, p.Writers, 1)
			assert.Equal(t, Writer{Client: netip.MustParsePrefix("172.21.0.20/32"), Units: []uint8{1}}, p.Writers[0])
			require.Len(t, p.SafetyLimits, 3)
			assert.Equal(t, Limit{Unit: 1, Register: 0, Name: "pump_speed_setpoint_rpm", Min: 0, Max: 1500}, p.SafetyLimits[0])
			assert.Equal(t, Limit{Unit: 1, Register: 2, Name: "high_level_alarm_mm", Min: 0, Max: 2000}, p.SafetyLimits[2])
			assert.Equal(t, time.Minute, p.Detection.AlertWindow)
			assert.Equal(t, 5*time.Second, p.Detection.TransactionTimeout)
			assert.Equal(t, 2*time.Minute, p.Detection.FlowTimeout)
			assert.Equal(t, Scan{Window: time.Minute, Exceptions: 10, UnitIDs: 8, Registers: 32}, p.Detection.Scan)
		})
	}
}

func TestPolicyLookups(t *testing.T) {
	p, err := Load(labFiles["yaml"])
	require.NoError(t, err)
	zone := func(addr string) string {
		if z := p.ZoneOf(netip.MustParseAddr(addr)); z != nil {
			return z.Name
		}
		return ""
	}

	t.Run("zone of address", func(t *testing.T) {
		assert.Equal(t, "enterprise", zone("172.24.0.5"))
		assert.Equal(t, "operations", zone("172.24.0.2"), "host prefix beats the /24")
		assert.Equal(t, "operations", zone("172.21.0.2"))
		assert.Equal(t, "control", zone("172.21.0.10"))
		assert.Equal(t, "", zone("192.0.2.1"))
	})

	enterprise, operations, control := &p.Zones[0], &p.Zones[1], &p.Zones[2]
	t.Run("conduits", func(t *testing.T) {
		assert.True(t, p.Allowed(operations, control, "tcp", 502))
		assert.False(t, p.Allowed(operations, control, "tcp", 22), "port outside the conduit")
		assert.False(t, p.Allowed(operations, control, "udp", 502), "protocol outside the conduit")
		assert.False(t, p.Allowed(enterprise, control, "tcp", 502), "no conduit from L4/5 to L1/2")
		assert.False(t, p.Allowed(control, operations, "tcp", 502), "conduits are one-way")
		assert.True(t, p.Allowed(control, control, "tcp", 502), "inside one zone")
		assert.True(t, p.Allowed(nil, control, "tcp", 502), "unknown source")
	})

	t.Run("trusted writer", func(t *testing.T) {
		hmi := netip.MustParseAddr("172.21.0.20")
		assert.True(t, p.TrustedWriter(hmi, 1, false, 0, 10))
		assert.True(t, p.TrustedWriter(hmi, 1, true, 3, 1))
		assert.False(t, p.TrustedWriter(hmi, 2, false, 0, 1), "unit outside the list")
		assert.False(t, p.TrustedWriter(netip.MustParseAddr("172.24.0.5"), 1, false, 0, 1))
	})

	t.Run("safety limit", func(t *testing.T) {
		require.NotNil(t, p.LimitOf(1, 2))
		assert.Nil(t, p.LimitOf(1, 3))
		assert.Nil(t, p.LimitOf(2, 0))
		assert.True(t, p.LimitOf(1, 0).Violates(1501))
		assert.False(t, p.LimitOf(1, 0).Violates(1500))
	})
}

func TestSignedLimit(t *testing.T) {
	p, err := Parse("signed.yaml", []byte(`
safety_limits:
  - {unit: 1, register: 2, name: valve_temperature_c, min: -20, max: 120, signed: true}
`))
	require.NoError(t, err)
	limit := p.LimitOf(1, 2)
	require.NotNil(t, limit)

	assert.True(t, limit.Violates(0xffe0), "-32 is below -20")
	assert.False(t, limit.Violates(0xfff6), "-10 is in range")
	assert.True(t, limit.Violates(121))
	assert.Equal(t, -32, limit.Value(0xffe0))
}

func TestTrustedWriterRanges(t *testing.T) {
	p, err := Parse("ranges.yaml", []byte(`
trusted_writers:
  - client: 192.0.2.0/28
    registers: ["10-19", 40]
    coils: []
`))
	require.NoError(t, err)
	client := netip.MustParseAddr("192.0.2.3")

	assert.True(t, p.TrustedWriter(client, 7, false, 10, 10), "span inside one range")
	assert.False(t, p.TrustedWriter(client, 7, false, 15, 10), "span runs past the range")
	assert.True(t, p.TrustedWriter(client, 7, false, 40, 1))
	assert.False(t, p.TrustedWriter(client, 7, true, 10, 1), "empty coil list allows no coil")
	assert.False(t, p.TrustedWriter(netip.MustParseAddr("192.0.2.16"), 7, false, 10, 1))
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		input string
		line  int
		field string
		cause string
	}{
		{"unknown top field", "p.yaml", "zones: []\nwriters: []\n", 2, "writers", "unknown field"},
		{"bad cidr", "p.yaml", "zones:\n  - name: a\n    level: L3\n    networks:\n      - 10.0.0.0/33\n", 5, "zones[0].networks[0]", "invalid network"},
		{"host bits", "p.yaml", "zones:\n  - name: a\n    level: L3\n    networks: [10.0.0.1/24]\n", 4, "zones[0].networks[0]", "host bits"},
		{"bad level", "p.yaml", "zones:\n  - name: a\n    level: L9\n    networks: [10.0.0.0/8]\n", 3, "zones[0].level", "invalid Purdue level"},
		{"missing networks", "p.yaml", "zones:\n  - name: a\n    level: L3\n", 2, "zones[0].networks", "missing required field"},
		{"duplicate zone", "p.yaml", "zones:\n  - {name: a, level: L3, networks: [10.0.0.0/8]}\n  - {name: a, level: L2, networks: [10.1.0.0/16]}\n", 3, "zones[1].name", "defined twice"},
		{"conduit to unknown zone", "p.yaml", "zones:\n  - {name: a, level: L3, networks: [10.0.0.0/8]}\nconduits:\n  - from: a\n    to: b\n", 5, "conduits[0].to", "not found"},
		{"bad protocol", "p.yaml", "zones:\n  - {name: a, level: L3, networks: [10.0.0.0/8]}\nconduits:\n  - {from: a, to: a, protocol: icmp}\n", 4, "conduits[0].protocol", "invalid protocol"},
		{"bad port range", "p.yaml", "zones:\n  - {name: a, level: L3, networks: [10.0.0.0/8]}\nconduits:\n  - from: a\n    to: a\n    ports: [\"600-500\"]\n", 6, "conduits[0].ports[0]", "invalid range"},
		{"writer unit too big", "p.yaml", "trusted_writers:\n  - client: 10.0.0.1\n    units: [256]\n", 3, "trusted_writers[0].units[0]", "from 0 to 255"},
		{"writer bad client", "p.yaml", "trusted_writers:\n  - client: hmi\n", 2, "trusted_writers[0].client", "invalid address"},
		{"limit min above max", "p.yaml", "safety_limits:\n  - {unit: 1, register: 0, name: x, min: 10,\n     max: 5}\n", 3, "safety_limits[0].max", "below min"},
		{"limit negative unsigned", "p.yaml", "safety_limits:\n  - {unit: 1, register: 0, name: x, min: -1, max: 5}\n", 2, "safety_limits[0].min", "from 0 to 65535"},
		{"limit twice", "p.yaml", "safety_limits:\n  - {unit: 1, register: 0, name: x, min: 0, max: 5}\n  - {unit: 1, register: 0, name: y, min: 0, max: 5}\n", 3, "safety_limits[1]", "has a limit already"},
		{"bad duration", "p.yaml", "detection:\n  alert_window: soon\n", 2, "detection.alert_window", "invalid duration"},
		{"scan threshold one", "p.yaml", "detection:\n  scan:\n    unit_ids: 1\n", 3, "detection.scan.unit_ids", "from 2 to 256"},
		{"field twice", "p.yaml", "modbus_ports: [502]\nmodbus_ports: [503]\n", 2, "modbus_ports", "given twice"},
		{"zero port", "p.yaml", "modbus_ports: [0]\n", 1, "modbus_ports[0]", "from 1 to 65535"},
		{"not a mapping", "p.yaml", "- zones\n", 1, "", "expected a mapping"},
		{"json trailing comma", "p.json", "{\n  \"modbus_ports\": [502],\n}\n", 3, "", "invalid character"},
		{"json bad field", "p.json", "{\n  \"zones\": [\n    {\"name\": \"a\", \"level\": \"L3\", \"networks\": [\"10.0.0.0/8\"], \"vlan\": 3}\n  ]\n}\n", 3, "zones[0].vlan", "unknown field"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.file, []byte(tt.input))

			var parseErr *ParseError
			require.True(t, errors.As(err, &parseErr), "got %v", err)
			assert.Equal(t, tt.file, parseErr.File)
			assert.Equal(t, tt.line, parseErr.Line)
			assert.Equal(t, tt.field, parseErr.Field)
			assert.Contains(t, parseErr.Err.Error(), tt.cause)
			assert.Contains(t, err.Error(), tt.file)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.yaml")
}

func TestParseEmptyFile(t *testing.T) {
	_, err := Parse("empty.yaml", nil)

	var parseErr *ParseError
	require.ErrorAs(t, err, &parseErr)
	assert.Equal(t, 1, parseErr.Line)
}

func FuzzParse(f *testing.F) {
	for _, path := range labFiles {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(filepath.Base(path), data)
	}
	f.Add("p.yaml", []byte("zones:\n  - {name: a, level: L3, networks: [10.0.0.0/8]}\n"))

	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := Parse(name, data)
		if err != nil {
			assert.Nil(t, p)
			return
		}

		// A policy that loads handles every lookup without panicking.
		addr := netip.MustParseAddr("10.0.0.1")
		zone := p.ZoneOf(addr)
		p.Allowed(zone, zone, "tcp", 502)
		p.TrustedWriter(addr, 1, false, 0, 1)
		for _, l := range p.SafetyLimits {
			assert.LessOrEqual(t, l.Min, l.Max)
		}
	})
}
