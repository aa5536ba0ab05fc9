package rules

import (
	"net/netip"
	"slices"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/output"
	"github.com/otlake/cloud-telemetry-lake/sensor/policy"
)

// ATT&CK for ICS technique IDs.
const (
	TechRemoteServices         = "T0886"
	TechExternalRemoteServices = "T0822"
	TechUnauthorizedCommand    = "T0855"
	TechModifyParameter        = "T0836"
	TechRemoteSystemDiscovery  = "T0846"
	TechPointTagIdentification = "T0861"
	TechDeviceIdentification   = "T0888"
	TechLossOfSafety           = "T0880"
)

// Flow describes a flow's two ends for the rules. The client opened the connection (or,
// seen mid-stream, talks to the server port); the server is the Modbus device.
type Flow struct {
	Client, Server         netip.Addr
	ClientPort, ServerPort uint16
	ClientZone, ServerZone *policy.Zone
	Proto                  string // "tcp" or "udp"
}

// Emitter receives each alert the engine emits. The alert is not reused afterwards.
type Emitter func(*output.Alert)

// ruleID indexes the rules inside alert keys.
type ruleID uint8

const (
	ruleCrossZone ruleID = iota
	ruleWrite
	ruleScan
	ruleSafety
)

// alertKey is the deduplication subject: a flow (both ends) or a client (Server unset).
type alertKey struct {
	rule                   ruleID
	client, server         netip.Addr
	clientPort, serverPort uint16
}

type openAlert struct {
	alert     output.Alert
	lastEmit  int64 // capture time of the last emission, Unix nanoseconds
	lastEvent int64
	emitted   int // count at the last emission
}

// Engine applies the rules. It is not safe for concurrent use: one packet loop drives it.
type Engine struct {
	policy *policy.Policy
	sensor string
	emit   Emitter
	window int64

	open      map[alertKey]*openAlert
	scans     map[netip.Addr]*scanState
	nextSweep int64
}

// New returns an engine for the policy that names itself sensor in alerts and hands them
// to emit.
func New(p *policy.Policy, sensor string, emit Emitter) *Engine {
	return &Engine{
		policy: p,
		sensor: sensor,
		emit:   emit,
		window: int64(p.Detection.AlertWindow),
		open:   make(map[alertKey]*openAlert),
		scans:  make(map[netip.Addr]*scanState),
	}
}

// fold adds an event to the open alert of key and reports whether one was open. It
// re-emits the alert when a window has passed since its last emission.
func (e *Engine) fold(key alertKey, now int64, techniques ...string) bool {
	a := e.open[key]
	if a == nil {
		return false
	}

	a.alert.Count++
	a.lastEvent = now
	a.alert.LastSeen = output.Time(time.Unix(0, now))
	for _, tech := range techniques {
		if !slices.Contains(a.alert.Techniques, tech) {
			a.alert.Techniques = append(a.alert.Techniques, tech)
		}
	}

	if now-a.lastEmit >= e.window {
		e.emitOpen(a, now)
	}
	return true
}

// raise opens a new alert for key, emits it, and keeps it for folding.
func (e *Engine) raise(key alertKey, alert output.Alert, firstSeen, now int64) {
	alert.Sensor = e.sensor
	alert.FirstSeen = output.Time(time.Unix(0, firstSeen))
	alert.LastSeen = output.Time(time.Unix(0, now))
	if alert.Count == 0 {
		alert.Count = 1
	}

	a := &openAlert{alert: alert, lastEvent: now}
	e.open[key] = a
	e.emitOpen(a, now)
}

func (e *Engine) emitOpen(a *openAlert, now int64) {
	a.lastEmit = now
	a.emitted = a.alert.Count
	a.alert.Timestamp = output.Time(time.Unix(0, now))

	// The emitted copy owns its slices, so later folds do not change a written alert.
	copied := a.alert
	copied.Techniques = slices.Clone(a.alert.Techniques)
	e.emit(&copied)
}

// Advance moves the engine's clock to now: alerts idle for a window are closed, with a
// last emission when their count grew. The packet loop calls it for every packet.
func (e *Engine) Advance(now int64) {
	if now < e.nextSweep {
		return
	}
	e.nextSweep = now + e.window/4

	for key, a := range e.open {
		if now-a.lastEvent < e.window {
			continue
		}
		if a.alert.Count > a.emitted {
			e.emitOpen(a, a.lastEvent)
		}
		delete(e.open, key)
	}
	e.sweepScans(now)
}

// Flush emits every open alert whose count grew since its last emission, as at the end
// of a replay or on shutdown. The alerts stay open.
func (e *Engine) Flush() {
	for _, a := range e.open {
		if a.alert.Count > a.emitted {
			e.emitOpen(a, a.lastEvent)
		}
	}
}

func zoneName(z *policy.Zone) *string {
	if z == nil {
		return nil
	}
	return &z.Name
}

func base(rule, severity string, f *Flow) output.Alert {
	clientPort, serverPort := f.ClientPort, f.ServerPort
	return output.Alert{
		Rule:       rule,
		Severity:   severity,
		SrcIP:      f.Client.String(),
		SrcPort:    &clientPort,
		DstIP:      f.Server.String(),
		DstPort:    &serverPort,
		SrcZone:    zoneName(f.ClientZone),
		DstZone:    zoneName(f.ServerZone),
		Techniques: []string{},
	}
}

func flowKey(rule ruleID, f *Flow) alertKey {
	return alertKey{rule: rule, client: f.Client, server: f.Server, clientPort: f.ClientPort, serverPort: f.ServerPort}
}
