package rules

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/otlake/cloud-telemetry-lake/sensor/modbus"
	"github.com/otlake/cloud-telemetry-lake/sensor/output"
)

// Bounds of the scan rule's memory. Past them, the oldest server or unit of a client is
// forgotten, and clients beyond maxScanClients are not tracked until others go idle.
const (
	maxScanClients   = 4096
	maxScanTargets   = 256 // servers per client
	maxScanUnits     = 16  // units per server with a register window
	exceptionIllegal = 2   // exception code Illegal Data Address: the client probes addresses
)

// scanState is the scan rule's record of one client.
type scanState struct {
	lastEvent    int64
	flaggedUntil int64 // while now <= flaggedUntil, every request and exception folds into the alert

	exceptions    []int64 // capture times of the latest exception responses, a ring
	nextException int

	targets []*scanTarget
}

// scanTarget tracks the unit IDs and read addresses one client used on one server,
// within a tumbling window.
type scanTarget struct {
	server     netip.Addr
	lastUsed   int64
	unitsStart int64
	units      [4]uint64 // bitmap of unit IDs
	unitCount  int
	registers  []*registerWindow
}

type registerWindow struct {
	unit      uint8
	start     int64
	lastUsed  int64
	addresses []uint16
}

func (e *Engine) scanOf(client netip.Addr, now int64) *scanState {
	s := e.scans[client]
	if s == nil {
		if len(e.scans) >= maxScanClients {
			return nil
		}
		s = &scanState{exceptions: make([]int64, 0, e.policy.Detection.Scan.Exceptions)}
		e.scans[client] = s
	}
	s.lastEvent = now
	return s
}

func (s *scanState) target(server netip.Addr, now int64) *scanTarget {
	for _, t := range s.targets {
		if t.server == server {
			t.lastUsed = now
			return t
		}
	}

	t := &scanTarget{server: server, lastUsed: now, unitsStart: now}
	if len(s.targets) < maxScanTargets {
		s.targets = append(s.targets, t)
		return t
	}
	oldest := 0
	for i, other := range s.targets {
		if other.lastUsed < s.targets[oldest].lastUsed {
			oldest = i
		}
	}
	s.targets[oldest] = t
	return t
}

func (t *scanTarget) registerWindow(unit uint8, now int64) *registerWindow {
	for _, w := range t.registers {
		if w.unit == unit {
			w.lastUsed = now
			return w
		}
	}

	w := &registerWindow{unit: unit, start: now, lastUsed: now}
	if len(t.registers) < maxScanUnits {
		t.registers = append(t.registers, w)
		return w
	}
	oldest := 0
	for i, other := range t.registers {
		if other.lastUsed < t.registers[oldest].lastUsed {
			oldest = i
		}
	}
	t.registers[oldest] = w
	return w
}

// scanFinding is one detector crossing its threshold.
type scanFinding struct {
	technique string
	count     int
	since     int64
	what      string
}

// trackRequest feeds a request to the unit-sweep and register-walk detectors.
func (e *Engine) trackRequest(f *Flow, adu *modbus.ADU, req *modbus.Request, now int64) {
	s := e.scanOf(f.Client, now)
	if s == nil {
		return
	}
	cfg := e.policy.Detection.Scan
	window := int64(cfg.Window)
	var found *scanFinding
	var techniques []string

	// Device identification reads name the device to the scanner.
	if req.Function == modbus.FuncEncapsulatedInterface && req.MEIType == modbus.MEIReadDeviceID {
		techniques = append(techniques, TechDeviceIdentification)
	}

	// Unit-ID sweep: many distinct unit IDs on one server within the window.
	t := s.target(f.Server, now)
	if now-t.unitsStart > window {
		t.units, t.unitCount, t.unitsStart = [4]uint64{}, 0, now
	}
	word, bit := adu.UnitID/64, uint64(1)<<(adu.UnitID%64)
	if t.units[word]&bit == 0 {
		t.units[word] |= bit
		t.unitCount++
		if t.unitCount >= cfg.UnitIDs {
			found = &scanFinding{TechRemoteSystemDiscovery, t.unitCount, t.unitsStart,
				fmt.Sprintf("%d unit IDs on %s", t.unitCount, f.Server)}
			t.units, t.unitCount, t.unitsStart = [4]uint64{}, 0, now
		}
	}

	// Register walk: many distinct start addresses read from one server and unit.
	if address, ok := readAddress(req); ok {
		w := t.registerWindow(adu.UnitID, now)
		if now-w.start > window {
			w.addresses, w.start = w.addresses[:0], now
		}
		if !slices.Contains(w.addresses, address) {
			w.addresses = append(w.addresses, address)
			if len(w.addresses) >= cfg.Registers {
				found = &scanFinding{TechPointTagIdentification, len(w.addresses), w.start,
					fmt.Sprintf("%d read addresses on %s unit %d", len(w.addresses), f.Server, adu.UnitID)}
				w.addresses, w.start = w.addresses[:0], now
			}
		}
	}

	// Most requests neither fire a detector nor belong to a flagged client.
	if found == nil && now > s.flaggedUntil {
		return
	}
	e.reportScan(s, f, requestDetails(adu, req), found, techniques, now)
}

// readAddress returns the start address of a read request.
func readAddress(req *modbus.Request) (uint16, bool) {
	switch req.Function {
	case modbus.FuncReadCoils, modbus.FuncReadDiscreteInputs, modbus.FuncReadHoldingRegisters, modbus.FuncReadInputRegisters:
		return req.Address, true
	case modbus.FuncReadWriteRegisters:
		return req.ReadAddress, true
	}
	return 0, false
}

// Response applies the rules to a response on flow f. pending is the request it responds to,
// or nil when none was found.
func (e *Engine) Response(f *Flow, adu *modbus.ADU, pending *modbus.Pending, now int64) {
	if !adu.IsException() {
		return
	}
	s := e.scanOf(f.Client, now)
	if s == nil {
		return
	}
	cfg := e.policy.Detection.Scan
	code := modbus.ExceptionCode(adu.PDU)

	// Exception burst: the ring holds the latest threshold exceptions; when full, the burst
	// is the time from its oldest entry to now.
	var found *scanFinding
	if len(s.exceptions) < cfg.Exceptions {
		s.exceptions = append(s.exceptions, now)
	} else {
		s.exceptions[s.nextException] = now
		s.nextException = (s.nextException + 1) % len(s.exceptions)
	}
	if len(s.exceptions) == cfg.Exceptions {
		oldest := s.exceptions[s.nextException]
		if now-oldest <= int64(cfg.Window) {
			found = &scanFinding{TechRemoteSystemDiscovery, cfg.Exceptions, oldest,
				fmt.Sprintf("%d exception responses", cfg.Exceptions)}
			s.exceptions, s.nextException = s.exceptions[:0], 0
		}
	}

	// Most exceptions neither complete a burst nor go to a flagged client.
	if found == nil && now > s.flaggedUntil {
		return
	}

	var techniques []string
	if code == exceptionIllegal {
		techniques = append(techniques, TechPointTagIdentification)
	}

	details := &output.Modbus{TransactionID: adu.TransactionID, UnitID: adu.UnitID, Function: adu.BaseFunction()}
	if code != 0 {
		details.Exception = &code
	}
	if pending != nil {
		address, quantity := pending.Address, pending.Quantity
		details.Address, details.Quantity = &address, &quantity
	}
	e.reportScan(s, f, details, found, techniques, now)
}

// reportScan folds the event into the client's open scan alert, or raises one when a
// detector fired.
func (e *Engine) reportScan(s *scanState, f *Flow, details *output.Modbus, found *scanFinding, techniques []string, now int64) {
	flagged := now <= s.flaggedUntil
	if found == nil && !flagged {
		return
	}
	if found != nil {
		s.flaggedUntil = now + int64(e.policy.Detection.Scan.Window)
		techniques = append(techniques, found.technique)
	}

	key := alertKey{rule: ruleScan, client: f.Client}
	if e.fold(key, now, techniques...) || found == nil {
		return
	}

	alert := base(output.RuleScan, output.SeverityMedium, f)
	alert.Techniques = techniques
	alert.Modbus = details
	alert.Count = found.count
	alert.Message = fmt.Sprintf("Modbus scan by %s: %s within %s", f.Client, found.what, e.policy.Detection.Scan.Window)
	e.raise(key, alert, found.since, now)
}

func (e *Engine) sweepScans(now int64) {
	window := int64(e.policy.Detection.Scan.Window)
	for client, s := range e.scans {
		if now-s.lastEvent > window && now > s.flaggedUntil {
			delete(e.scans, client)
		}
	}
}
