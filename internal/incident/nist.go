package incident

import (
	"github.com/otlake/cloud-telemetry-lake/internal/attack"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// Guidance names the documents whose structure the nist block follows.
const Guidance = "NIST SP 800-61 Rev. 3 (CSF 2.0 categories) with the tracking fields and impact scales of SP 800-61 Rev. 2"

// TrackingStatusNew is the SP 800-61 Rev. 2 status of an incident that no handler has worked on yet.
const TrackingStatusNew = "new"

// Functional impact scale of SP 800-61 Rev. 2, section 3.2.6.
const (
	FunctionalNone   = "none"
	FunctionalLow    = "low"
	FunctionalMedium = "medium"
	FunctionalHigh   = "high"
)

// Information impact scale of SP 800-61 Rev. 2, section 3.2.6.
const (
	InformationNone        = "none"
	InformationPrivacy     = "privacy"
	InformationProprietary = "proprietary"
	InformationIntegrity   = "integrity"
)

// Recoverability scale of SP 800-61 Rev. 2, section 3.2.6.
const (
	RecoverabilityRegular        = "regular"
	RecoverabilitySupplemented   = "supplemented"
	RecoverabilityExtended       = "extended"
	RecoverabilityNotRecoverable = "not recoverable"
)

// NIST is the report's SP 800-61 block: which report fields serve which CSF 2.0 category, and
// the Rev. 2 tracking fields. Summary, indicators, evidence and impact, which Rev. 2 also
// tracks, are the report's own fields.
type NIST struct {
	Guidance          string        `json:"guidance"`
	CSFCategories     []CSFCategory `json:"csf_categories"`
	CurrentStatus     string        `json:"current_status"`
	FunctionalImpact  Rating        `json:"functional_impact"`
	InformationImpact Rating        `json:"information_impact"`
	Recoverability    Rating        `json:"recoverability"`
	// RelatedIncidents, ActionsTaken, Contacts and Comments are for the incident handlers and
	// start empty. Build correlates no incidents across batches.
	RelatedIncidents []string `json:"related_incidents"`
	ActionsTaken     []string `json:"actions_taken"`
	Contacts         []string `json:"contacts"`
	Comments         []string `json:"comments"`
	// NextSteps are the containment actions, the first steps to take.
	NextSteps []string `json:"next_steps"`
}

// CSFCategory is a CSF 2.0 category and the report fields that serve it.
type CSFCategory struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ReportFields []string `json:"report_fields"`
}

// Rating is one value of an SP 800-61 Rev. 2 scale and the rule that chose it.
type Rating struct {
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// csfCategories tags the report's fields with the CSF 2.0 categories that SP 800-61 Rev. 3
// organizes incident response by.
func csfCategories() []CSFCategory {
	return []CSFCategory{
		{"DE.AE", "Adverse Event Analysis", []string{"detection_count", "event_count", "window", "timeline", "indicators", "evidence"}},
		{"RS.MA", "Incident Management", []string{"incident_id", "created_at", "status", "severity", "incident_correlators", "nist.current_status"}},
		{"RS.AN", "Incident Analysis", []string{"mitre_techniques", "impact", "affected_assets", "sources", "nist.functional_impact", "nist.information_impact", "nist.recoverability"}},
		{"RS.CO", "Incident Response Reporting and Communication", []string{"summary", "nist.contacts"}},
		{"RS.MI", "Incident Mitigation", []string{"recommended_actions.containment", "recommended_actions.eradication", "nist.next_steps"}},
		{"RC.RP", "Incident Recovery Plan Execution", []string{"recommended_actions.recovery"}},
	}
}

// functionalImpact rates the effect on the process from the worst tactic among the
// detections' techniques: high for Impact, medium for Impair Process Control and Inhibit
// Response Function, low for access techniques, none for Discovery and Collection. A safety
// violation rates high and a write medium even when the detection names no technique. T0831 is
// left out because it is the incident-level summary of those writes.
func functionalImpact(batch []detection.Detection) Rating {
	rating := Rating{FunctionalNone, "only discovery or collection techniques: no effect on the process was seen"}
	raise := func(value, reason string) {
		if rank(functionalScale, value) > rank(functionalScale, rating.Value) {
			rating = Rating{value, reason}
		}
	}

	for _, d := range batch {
		switch {
		case isSafetyViolation(d):
			raise(FunctionalHigh, "detection "+d.DetectionID+" wrote outside a safe range")
		case isWrite(d):
			raise(FunctionalMedium, "detection "+d.DetectionID+" wrote to the process")
		}

		known := 0
		for _, id := range d.Techniques {
			t, ok := attack.Lookup(id)
			if !ok {
				continue
			}
			known++

			switch {
			case t.HasTactic(attack.TacticImpact) && id != techniqueManipulationOfControl && id != techniqueTheftOfInformation:
				raise(FunctionalHigh, id+" "+t.Name+" is an impact on the process itself")
			case t.HasTactic(attack.TacticImpairProcessControl) || t.HasTactic(attack.TacticInhibitResponseFunction):
				raise(FunctionalMedium, id+" "+t.Name+" changes or blocks process control")
			case !t.HasTactic(attack.TacticDiscovery) && !t.HasTactic(attack.TacticCollection):
				raise(FunctionalLow, id+" "+t.Name+" gives access to the control zone but changes nothing")
			}
		}

		// An alert that names no known technique still fired, so it rates low even though it
		// shows no effect on the process.
		if known == 0 {
			raise(FunctionalLow, "detection "+d.DetectionID+" names no ATT&CK for ICS technique")
		}
	}
	return rating
}

// integrityTechniques change the program, firmware, alarms or credentials of a device, beyond
// the writes that isWrite finds.
var integrityTechniques = map[string]bool{
	"T0809": true, "T0821": true, "T0838": true, "T0839": true, "T0843": true,
	"T0857": true, "T0889": true, "T0892": true,
}

// informationImpact rates the effect on information: integrity when a value, program or
// setting changed, proprietary when process information was collected. Privacy is never
// derived because Modbus and firewall telemetry carries no personal data.
func informationImpact(batch []detection.Detection) Rating {
	rating := Rating{InformationNone, "no technique changes or collects process information"}

	for _, d := range batch {
		if isWrite(d) {
			return Rating{InformationIntegrity, "detection " + d.DetectionID + " wrote to the process, so process values lost integrity"}
		}
		for _, id := range d.Techniques {
			if integrityTechniques[id] {
				return Rating{InformationIntegrity, id + " changes device logic or settings"}
			}
			t, ok := attack.Lookup(id)
			if rating.Value == InformationNone && ok && (t.HasTactic(attack.TacticCollection) || id == techniqueTheftOfInformation) {
				rating = Rating{InformationProprietary, id + " " + t.Name + " collects process information"}
			}
		}
	}
	return rating
}

// extendedTechniques need outside help to recover from: process safety review (T0880), repair
// (T0879), vendor support for programs and firmware (T0839, T0857, T0889) or lost data (T0809).
var extendedTechniques = map[string]bool{
	"T0809": true, "T0839": true, "T0857": true, "T0879": true, "T0880": true, "T0889": true,
}

// recoverability rates the recovery effort. "not recoverable" is never derived: only a handler
// can establish that, for example, information was exfiltrated.
func recoverability(batch []detection.Detection) Rating {
	rating := Rating{RecoverabilityRegular, "nothing in the process changed: the existing team can recover"}

	for _, d := range batch {
		for _, id := range d.Techniques {
			if extendedTechniques[id] {
				t, _ := attack.Lookup(id)
				return Rating{RecoverabilityExtended, id + " " + t.Name + " needs outside help such as process safety engineers or the vendor"}
			}
		}
		if isWrite(d) && rating.Value == RecoverabilityRegular {
			rating = Rating{RecoverabilitySupplemented, "written values must be checked against the engineering baseline, which needs the process engineers"}
		}
	}
	return rating
}

var functionalScale = []string{FunctionalNone, FunctionalLow, FunctionalMedium, FunctionalHigh}

func rank(scale []string, value string) int {
	for i, v := range scale {
		if v == value {
			return i
		}
	}
	return -1
}

// buildNIST returns the nist block.
func buildNIST(batch []detection.Detection, actions RecommendedActions) NIST {
	nextSteps := make([]string, 0, len(actions.Containment))
	for _, a := range actions.Containment {
		nextSteps = append(nextSteps, a.Action)
	}

	return NIST{
		Guidance:          Guidance,
		CSFCategories:     csfCategories(),
		CurrentStatus:     TrackingStatusNew,
		FunctionalImpact:  functionalImpact(batch),
		InformationImpact: informationImpact(batch),
		Recoverability:    recoverability(batch),
		RelatedIncidents:  []string{},
		ActionsTaken:      []string{},
		Contacts:          []string{},
		Comments:          []string{},
		NextSteps:         nextSteps,
	}
}
