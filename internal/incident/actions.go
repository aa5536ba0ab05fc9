package incident

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/attack"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// playbookEntry is the response to one technique, by phase. In the texts, {sources} and
// {assets} stand for the incident's source addresses and affected hosts.
type playbookEntry struct {
	containment, eradication, recovery []string
}

// Shared texts, so that techniques that call for the same step merge into one action.
const (
	blockSources   = "Block traffic from {sources} to {assets} at the Level 3 gateway and confirm in the firewall log that it is dropped."
	removeAccess   = "Find how {sources} reached the control zone and remove that path: the firewall rule, route, remote access account or compromised host."
	reviewConduits = "Compare the firewall rules of the zone boundaries with the zone and conduit policy and remove every rule the policy does not list."
	restoreValues  = "Compare the coils and holding registers of {assets} with the engineering baseline and restore every value that differs."
	reimageSource  = "Take the hosts at {sources} off the network, preserve their disks as evidence and reimage them."
	watchScanned   = "Watch the scanned devices {assets} for writes or mode changes in the days after the scan."
)

// playbook maps the techniques that the sensor rules and common NDR rules emit to their
// response. Techniques without an entry get genericResponse.
var playbook = map[string]playbookEntry{
	"T0822": {
		containment: []string{blockSources, "Disable the external remote service (VPN, remote desktop or vendor access) that reached the control zone until its use is explained."},
		eradication: []string{removeAccess, "Reset the credentials of the remote access accounts used during the incident."},
		recovery:    []string{reviewConduits, "Restore remote access only through the Level 3 jump host, with multi-factor authentication and session logging."},
	},
	"T0886": {
		containment: []string{blockSources},
		eradication: []string{removeAccess},
		recovery:    []string{reviewConduits},
	},
	"T0866": {
		containment: []string{blockSources},
		eradication: []string{removeAccess, "Patch or disable the exploited service on {assets}."},
		recovery:    []string{reviewConduits},
	},
	"T0855": {
		containment: []string{blockSources, "Allow Modbus writes (function codes 5, 6, 15, 16, 22 and 23) to {assets} only from the engineering workstations that the policy lists."},
		eradication: []string{removeAccess},
		recovery:    []string{restoreValues},
	},
	"T0836": {
		containment: []string{"Have operators watch the process on {assets} and lock setpoint changes at the HMI until the values are verified."},
		eradication: []string{"Enable write protection or register range limits on {assets} where the controllers support them."},
		recovery:    []string{restoreValues, "Have the process engineer confirm the restored setpoints before normal operation resumes."},
	},
	"T0806": {
		containment: []string{blockSources},
		eradication: []string{removeAccess},
		recovery:    []string{restoreValues},
	},
	"T0831": {
		containment: []string{"Switch the control loops of {assets} to manual or local control until their logic and values are verified."},
		eradication: []string{"Verify the program of each controller in {assets} against the approved version and reload it where it differs."},
		recovery:    []string{"Return {assets} to automatic control one loop at a time, with operators watching each loop."},
	},
	"T0880": {
		containment: []string{"Bring the process on {assets} to a safe state by the site's safety procedure and confirm that the safety instrumented system is in service."},
		eradication: []string{"Enforce the safe range of each register in the controller or safety system itself, so that the device rejects an out-of-range write."},
		recovery:    []string{"Restart the process only after a process safety review has signed off the setpoints and safety functions of {assets}."},
	},
	"T0846": {
		containment: []string{blockSources},
		eradication: []string{reimageSource},
		recovery:    []string{watchScanned, "Add every device that the scan reached to the asset inventory, and remove the ones no longer needed."},
	},
	"T0861": {
		containment: []string{blockSources},
		eradication: []string{reimageSource},
		recovery:    []string{watchScanned, "Treat the point and tag list read from {assets} as disclosed, and review which process details it reveals."},
	},
	"T0888": {
		containment: []string{blockSources, "Disable device identification (Modbus function 43, MEI type 14, and function 17) on {assets} where no tool needs it."},
		eradication: []string{reimageSource},
		recovery:    []string{watchScanned},
	},
}

// genericResponse is the response to a technique that the playbook lacks, and to an incident
// whose detections name no technique.
var genericResponse = playbookEntry{
	containment: []string{blockSources},
	eradication: []string{"Investigate the detections' raw lines (see evidence) to establish how the activity was possible, and remove its cause."},
	recovery:    []string{"Restore {assets} to a known-good configuration and watch them for the same activity."},
}

// maxListed bounds the addresses named in an action text. The full lists are in sources and
// affected_assets.
const maxListed = 5

// buildActions returns the recommended actions for the incident's techniques. The most
// severe techniques come first (by the rightmost tactic of the ATT&CK for ICS matrix, so
// Impact before Discovery). A step that several techniques call for appears once, naming all
// of them, and its text names the sources and assets of the detections behind them.
func buildActions(techniques []Technique, detections []detection.Detection) RecommendedActions {
	ordered := append([]Technique(nil), techniques...)
	sort.SliceStable(ordered, func(i, j int) bool {
		ri, rj := tacticRank(ordered[i].ID), tacticRank(ordered[j].ID)
		if ri != rj {
			return ri > rj
		}
		return ordered[i].ID < ordered[j].ID
	})

	phases := [3]*phaseBuilder{newPhaseBuilder(), newPhaseBuilder(), newPhaseBuilder()}
	add := func(entry playbookEntry, id string, behind []detection.Detection) {
		phases[0].add(entry.containment, id, behind)
		phases[1].add(entry.eradication, id, behind)
		phases[2].add(entry.recovery, id, behind)
	}

	for _, t := range ordered {
		entry, ok := playbook[t.ID]
		if !ok {
			entry = genericResponse
		}
		add(entry, t.ID, detectionsBehind(t.ID, detections))
	}
	if len(ordered) == 0 {
		add(genericResponse, "", detections)
	}

	return RecommendedActions{
		Containment: phases[0].render(),
		Eradication: phases[1].render(),
		Recovery:    phases[2].render(),
	}
}

// detectionsBehind returns the detections that carry a technique. For the incident-level
// T0831 Manipulation of Control, those are the writes and safety violations.
func detectionsBehind(id string, detections []detection.Detection) []detection.Detection {
	var behind []detection.Detection
	for _, d := range detections {
		if id == techniqueManipulationOfControl && (isWrite(d) || isSafetyViolation(d)) || slices.Contains(d.Techniques, id) {
			behind = append(behind, d)
		}
	}
	return behind
}

// phaseBuilder collects the actions of one phase in order, merging repeated templates.
type phaseBuilder struct {
	templates []string
	merged    map[string]*mergedAction
}

type mergedAction struct {
	techniques      []string
	sources, assets map[string]bool
}

func newPhaseBuilder() *phaseBuilder {
	return &phaseBuilder{merged: map[string]*mergedAction{}}
}

func (p *phaseBuilder) add(templates []string, techniqueID string, behind []detection.Detection) {
	for _, template := range templates {
		m, seen := p.merged[template]
		if !seen {
			m = &mergedAction{techniques: []string{}, sources: map[string]bool{}, assets: map[string]bool{}}
			p.merged[template] = m
			p.templates = append(p.templates, template)
		}

		if techniqueID != "" {
			m.techniques = append(m.techniques, techniqueID)
		}
		for _, d := range behind {
			if d.SrcIP != "" {
				m.sources[d.SrcIP] = true
			}
			m.assets[d.Host] = true
		}
	}
}

// render fills in each template's addresses and returns the actions in the order added.
func (p *phaseBuilder) render() []Action {
	actions := make([]Action, 0, len(p.templates))
	for _, template := range p.templates {
		m := p.merged[template]
		text := strings.NewReplacer(
			"{sources}", listOrNone(sortedHosts(m.sources), "the source addresses"),
			"{assets}", listOrNone(sortedHosts(m.assets), "the affected assets"),
		).Replace(template)
		sort.Strings(m.techniques)
		actions = append(actions, Action{Action: text, Techniques: m.techniques})
	}
	return actions
}

func sortedHosts(set map[string]bool) []string {
	hosts := make([]string, 0, len(set))
	for host := range set {
		hosts = append(hosts, host)
	}
	sort.Slice(hosts, func(i, j int) bool { return lessHost(hosts[i], hosts[j]) })
	return hosts
}

// tacticRank returns the matrix column of the technique's rightmost tactic (Impact is the
// highest), or -1 for a technique outside the ICS table. T0880 Loss of Safety ranks above all,
// so that bringing the process to a safe state is the first step.
func tacticRank(id string) int {
	if id == techniqueLossOfSafety {
		return len(tacticOrder)
	}

	t, ok := attack.Lookup(id)
	if !ok {
		return -1
	}

	best := -1
	for _, tactic := range t.Tactics {
		best = max(best, rank(tacticOrder, tactic))
	}
	return best
}

var tacticOrder = []string{
	attack.TacticInitialAccess, attack.TacticExecution, attack.TacticPersistence,
	attack.TacticPrivilegeEscalation, attack.TacticEvasion, attack.TacticDiscovery,
	attack.TacticLateralMovement, attack.TacticCollection, attack.TacticCommandAndControl,
	attack.TacticInhibitResponseFunction, attack.TacticImpairProcessControl, attack.TacticImpact,
}

// listOrNone joins up to maxListed values with ", " and counts the rest, or returns fallback
// when there are none.
func listOrNone(values []string, fallback string) string {
	if len(values) == 0 {
		return fallback
	}
	if len(values) <= maxListed {
		return strings.Join(values, ", ")
	}
	return strings.Join(values[:maxListed], ", ") + " and " + strconv.Itoa(len(values)-maxListed) + " more"
}
