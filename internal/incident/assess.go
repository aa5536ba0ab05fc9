package incident

import (
	"sort"

	"github.com/otlake/cloud-telemetry-lake/internal/attack"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// Techniques named by the incident-level rules.
const (
	techniqueManipulationOfControl = "T0831"
	techniqueLossOfSafety          = "T0880"
	techniqueTheftOfInformation    = "T0882"
)

// writeFunctions are the Modbus function codes that write: 5, 6, 15, 16, 22 and 23.
var writeFunctions = map[int]bool{5: true, 6: true, 15: true, 16: true, 22: true, 23: true}

// writeTechniques are the per-detection techniques that mean a value in the process changed:
// T0806 Brute Force I/O, T0836 Modify Parameter and T0855 Unauthorized Command Message.
var writeTechniques = map[string]bool{"T0806": true, "T0836": true, "T0855": true}

// isWrite reports whether a detection saw a write to the process: an unauthorized write or
// safety violation rule, a Modbus write function, or a technique that changes a value.
func isWrite(d detection.Detection) bool {
	if d.Rule == detection.RuleUnauthorizedModbusWrite || d.Rule == detection.RuleProcessSafetyViolation {
		return true
	}
	if d.ModbusFunction != nil && writeFunctions[*d.ModbusFunction] {
		return true
	}
	for _, id := range d.Techniques {
		if writeTechniques[id] {
			return true
		}
	}
	return false
}

// isSafetyViolation reports whether a detection is a process safety violation, by rule or by
// its T0880 Loss of Safety technique.
func isSafetyViolation(d detection.Detection) bool {
	if d.Rule == detection.RuleProcessSafetyViolation {
		return true
	}
	for _, id := range d.Techniques {
		if id == techniqueLossOfSafety {
			return true
		}
	}
	return false
}

// buildTechniques returns mitre_techniques: every technique of the detections, plus T0831
// Manipulation of Control at incident level when a detection wrote to the process, sorted by
// ID.
func buildTechniques(batch []detection.Detection) []Technique {
	counts := map[string]int{}
	manipulated := false
	for _, d := range batch {
		for _, id := range d.Techniques {
			counts[id]++
		}
		if isWrite(d) || isSafetyViolation(d) {
			manipulated = true
		}
	}

	techniques := make([]Technique, 0, len(counts)+1)
	for id, count := range counts {
		techniques = append(techniques, describeTechnique(id, LevelDetection, count))
	}
	if manipulated && counts[techniqueManipulationOfControl] == 0 {
		techniques = append(techniques, describeTechnique(techniqueManipulationOfControl, LevelIncident, 0))
	}

	sort.Slice(techniques, func(i, j int) bool { return techniques[i].ID < techniques[j].ID })
	return techniques
}

func describeTechnique(id, level string, count int) Technique {
	t := Technique{ID: id, Name: NameNotInICSTable, Level: level, DetectionCount: count}
	if known, ok := attack.Lookup(id); ok {
		t.Name = known.Name
		t.Tactic = known.Tactic()
	}
	return t
}

// buildImpact returns the impact section from the batch and its techniques.
func buildImpact(batch []detection.Detection, techniques []Technique) Impact {
	impact := Impact{Techniques: []string{}}
	for _, t := range techniques {
		if known, ok := attack.Lookup(t.ID); ok && known.HasTactic(attack.TacticImpact) {
			impact.Techniques = append(impact.Techniques, t.ID)
		}
	}
	for _, d := range batch {
		impact.ManipulationOfControl = impact.ManipulationOfControl || isWrite(d) || isSafetyViolation(d)
		impact.LossOfSafety = impact.LossOfSafety || isSafetyViolation(d)
	}

	// description: the worst effect first.
	switch {
	case impact.LossOfSafety:
		impact.Description = "A write outside a configured safe range was sent to the process. Unless the device rejected it, safety functions may no longer protect the process and control was manipulated."
	case impact.ManipulationOfControl:
		impact.Description = "Unauthorized write requests reached the controlled process. Unless the device rejected them, control was manipulated."
	case len(impact.Techniques) > 0:
		impact.Description = "Detections name impact techniques, but no write to the process was seen."
	default:
		impact.Description = "No write to the process was seen: the activity is reconnaissance or access to the control zone."
	}
	return impact
}
