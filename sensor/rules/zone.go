package rules

import (
	"fmt"

	"github.com/otlake/cloud-telemetry-lake/sensor/output"
)

// enterpriseLevel is the lowest Purdue level of the enterprise zones (L4/5); flows from
// there into the plant use external remote services.
const enterpriseLevel = 4

// CheckFlow applies CROSS_ZONE_VIOLATION to a new flow at capture time now and reports
// whether the policy forbids it. Repeated connections between the same two addresses and
// server port fold into one alert.
func (e *Engine) CheckFlow(f *Flow, now int64) bool {
	if e.policy.Allowed(f.ClientZone, f.ServerZone, f.Proto, f.ServerPort) {
		return false
	}

	// The client port changes with every connection, so it is left out of the key.
	key := alertKey{rule: ruleCrossZone, client: f.Client, server: f.Server, serverPort: f.ServerPort}
	if e.fold(key, now) {
		return true
	}

	// Severity and techniques: reaching into the plant from the enterprise is the worst case.
	severity := output.SeverityMedium
	techniques := []string{TechRemoteServices}
	fromEnterprise := f.ClientZone.Level.Low >= enterpriseLevel
	if fromEnterprise {
		techniques = append(techniques, TechExternalRemoteServices)
	}
	if fromEnterprise || f.ClientZone.Level.Low-f.ServerZone.Level.High >= 2 {
		severity = output.SeverityHigh
	}

	alert := base(output.RuleCrossZone, severity, f)
	alert.Techniques = techniques
	alert.Message = fmt.Sprintf("%s flow from %s (zone %s, %s) to %s port %d (zone %s, %s) has no conduit in the policy",
		f.Proto, f.Client, f.ClientZone.Name, f.ClientZone.Level.Name,
		f.Server, f.ServerPort, f.ServerZone.Name, f.ServerZone.Level.Name)
	e.raise(key, alert, now, now)
	return true
}
