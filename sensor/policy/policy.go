package policy

import (
	"net/netip"
	"slices"
	"time"
)

// Level is a Purdue model level or span of levels, such as L3 or L1/2; Low <= High.
type Level struct {
	Low, High float64
	Name      string
}

// Zone is a named set of networks at one Purdue level.
type Zone struct {
	Name     string
	Level    Level
	Networks []netip.Prefix
}

// Protocol values of a conduit.
const (
	ProtocolAny = "any"
	ProtocolTCP = "tcp"
	ProtocolUDP = "udp"
)

// Range is an inclusive range of ports or data addresses.
type Range struct{ First, Last uint16 }

// Contains reports whether v is in the range.
func (r Range) Contains(v uint16) bool { return v >= r.First && v <= r.Last }

// Conduit allows flows from one zone to another, to the listed destination ports (all
// ports when Ports is empty).
type Conduit struct {
	From, To string
	Protocol string
	Ports    []Range
}

// Writer is a client trusted to write Modbus data. Empty Units allows every unit; nil
// Registers or Coils allows every address of that table.
type Writer struct {
	Client    netip.Prefix
	Units     []uint8
	Registers []Range
	Coils     []Range
}

// Limit is the safe range of one holding register. Values are compared as unsigned
// 16-bit numbers, or as two's complement when Signed is set.
type Limit struct {
	Unit     uint8
	Register uint16
	Name     string
	Min, Max int
	Signed   bool
}

// Scan holds the thresholds of the OT_BRUTE_FORCE_SCAN rule, each counted within Window.
type Scan struct {
	Window     time.Duration
	Exceptions int // exception responses sent to one client
	UnitIDs    int // distinct unit IDs one client addressed on one server
	Registers  int // distinct start addresses one client read from one server and unit
}

// Detection holds the timing and thresholds of the rules.
type Detection struct {
	// AlertWindow is how long an alert folds repeats before it is emitted again.
	AlertWindow        time.Duration
	TransactionTimeout time.Duration
	FlowTimeout        time.Duration
	Scan               Scan
}

// Policy is a loaded, validated policy file.
type Policy struct {
	ModbusPorts  []uint16
	Zones        []Zone
	Conduits     []Conduit
	Writers      []Writer
	SafetyLimits []Limit
	Detection    Detection

	limits map[limitKey]*Limit
}

type limitKey struct {
	unit     uint8
	register uint16
}

// Defaults of the optional settings.
const (
	DefaultModbusPort         = 502
	DefaultAlertWindow        = time.Minute
	DefaultTransactionTimeout = 5 * time.Second
	DefaultFlowTimeout        = 2 * time.Minute
	DefaultScanWindow         = time.Minute
	DefaultScanExceptions     = 10
	DefaultScanUnitIDs        = 8
	DefaultScanRegisters      = 32
)

// Default returns a policy with no zones, writers or limits and the default settings, so
// that only the scan rule and untrusted-write rule (everyone untrusted) apply.
func Default() *Policy {
	p := &Policy{ModbusPorts: []uint16{DefaultModbusPort}}
	p.Detection = Detection{
		AlertWindow:        DefaultAlertWindow,
		TransactionTimeout: DefaultTransactionTimeout,
		FlowTimeout:        DefaultFlowTimeout,
		Scan: Scan{
			Window:     DefaultScanWindow,
			Exceptions: DefaultScanExceptions,
			UnitIDs:    DefaultScanUnitIDs,
			Registers:  DefaultScanRegisters,
		},
	}
	p.index()
	return p
}

func (p *Policy) index() {
	p.limits = make(map[limitKey]*Limit, len(p.SafetyLimits))
	for i := range p.SafetyLimits {
		l := &p.SafetyLimits[i]
		p.limits[limitKey{l.Unit, l.Register}] = l
	}
}

// IsModbusPort reports whether port is one of the Modbus server ports.
func (p *Policy) IsModbusPort(port uint16) bool {
	return slices.Contains(p.ModbusPorts, port)
}

// ZoneOf returns the zone whose most specific network contains addr, or nil.
func (p *Policy) ZoneOf(addr netip.Addr) *Zone {
	var best *Zone
	bestBits := -1
	for i := range p.Zones {
		for _, network := range p.Zones[i].Networks {
			if network.Bits() > bestBits && network.Contains(addr) {
				best, bestBits = &p.Zones[i], network.Bits()
			}
		}
	}
	return best
}

// Allowed reports whether a flow from zone src to zone dst over proto ("tcp" or "udp")
// to dstPort may pass. Flows inside one zone always may, and so may flows with an end
// outside every zone, because the policy does not cover them.
func (p *Policy) Allowed(src, dst *Zone, proto string, dstPort uint16) bool {
	if src == nil || dst == nil || src == dst {
		return true
	}

	for _, c := range p.Conduits {
		if c.From != src.Name || c.To != dst.Name {
			continue
		}
		if c.Protocol != ProtocolAny && c.Protocol != proto {
			continue
		}
		if len(c.Ports) == 0 || slices.ContainsFunc(c.Ports, func(r Range) bool { return r.Contains(dstPort) }) {
			return true
		}
	}
	return false
}

// TrustedWriter reports whether client may write quantity items from address on unit:
// coils when coils is set (functions 5 and 15), holding registers otherwise.
func (p *Policy) TrustedWriter(client netip.Addr, unit uint8, coils bool, address, quantity uint16) bool {
	for _, w := range p.Writers {
		if !w.Client.Contains(client) {
			continue
		}
		if len(w.Units) > 0 && !slices.Contains(w.Units, unit) {
			continue
		}

		ranges := w.Registers
		if coils {
			ranges = w.Coils
		}
		if ranges == nil || coversSpan(ranges, address, quantity) {
			return true
		}
	}
	return false
}

// coversSpan reports whether one range holds every address from address to
// address+quantity-1.
func coversSpan(ranges []Range, address, quantity uint16) bool {
	last := int(address) + max(int(quantity), 1) - 1
	for _, r := range ranges {
		if address >= r.First && last <= int(r.Last) {
			return true
		}
	}
	return false
}

// LimitOf returns the safety limit of a unit's holding register, or nil.
func (p *Policy) LimitOf(unit uint8, register uint16) *Limit {
	return p.limits[limitKey{unit, register}]
}

// Violates reports whether a raw register value lies outside the limit.
func (l *Limit) Violates(raw uint16) bool {
	v := l.Value(raw)
	return v < l.Min || v > l.Max
}

// Value returns a raw register value as the limit compares it.
func (l *Limit) Value(raw uint16) int {
	if l.Signed {
		return int(int16(raw))
	}
	return int(raw)
}
