package attack

import (
	"regexp"
	"strings"
)

// Tactics of the ATT&CK for ICS matrix, in the matrix's column order.
const (
	TacticInitialAccess           = "Initial Access"
	TacticExecution               = "Execution"
	TacticPersistence             = "Persistence"
	TacticPrivilegeEscalation     = "Privilege Escalation"
	TacticEvasion                 = "Evasion"
	TacticDiscovery               = "Discovery"
	TacticLateralMovement         = "Lateral Movement"
	TacticCollection              = "Collection"
	TacticCommandAndControl       = "Command and Control"
	TacticInhibitResponseFunction = "Inhibit Response Function"
	TacticImpairProcessControl    = "Impair Process Control"
	TacticImpact                  = "Impact"
)

// Technique is one ATT&CK for ICS technique.
type Technique struct {
	ID      string   // e.g. T0855
	Name    string   // e.g. Unauthorized Command Message
	Tactics []string // one or more of the Tactic constants, in matrix order
}

// Tactic returns the technique's tactics joined by ", ", the single-string form that the
// incident report's tactic field uses.
func (t Technique) Tactic() string {
	return strings.Join(t.Tactics, ", ")
}

// HasTactic reports whether tactic is one of the technique's tactics.
func (t Technique) HasTactic(tactic string) bool {
	for _, have := range t.Tactics {
		if have == tactic {
			return true
		}
	}
	return false
}

// idPattern matches an ATT&CK technique ID of any matrix: T and four digits, with an optional
// three-digit sub-technique (Enterprise IDs such as T1190 or T1059.001 appear in NDR rule
// metadata next to ICS IDs).
var idPattern = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)

// NormalizeID trims and upper-cases id and reports whether the result is a well-formed ATT&CK
// technique ID. A well-formed ID need not be in the ICS table.
func NormalizeID(id string) (string, bool) {
	id = strings.ToUpper(strings.TrimSpace(id))
	return id, idPattern.MatchString(id)
}

// Lookup returns the ICS technique with the given ID (for example "T0855"). ok is false for
// IDs that are not current ICS techniques, which includes Enterprise IDs and deprecated ICS
// IDs such as T0808.
func Lookup(id string) (Technique, bool) {
	t, ok := techniques[id]
	return t, ok
}

// All returns every technique of the table, sorted by ID.
func All() []Technique {
	all := make([]Technique, 0, len(techniques))
	for _, id := range sortedIDs {
		all = append(all, techniques[id])
	}
	return all
}
