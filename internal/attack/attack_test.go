package attack

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookupKnownTechniques(t *testing.T) {
	tests := []struct {
		id      string
		name    string
		tactics []string
	}{
		{"T0801", "Monitor Process State", []string{TacticCollection}},
		{"T0806", "Brute Force I/O", []string{TacticImpairProcessControl}},
		{"T0814", "Denial of Service", []string{TacticInhibitResponseFunction}},
		{"T0822", "External Remote Services", []string{TacticInitialAccess}},
		{"T0831", "Manipulation of Control", []string{TacticImpact}},
		{"T0835", "Manipulate I/O Image", []string{TacticInhibitResponseFunction}},
		{"T0836", "Modify Parameter", []string{TacticImpairProcessControl}},
		{"T0843", "Program Download", []string{TacticLateralMovement}},
		{"T0846", "Remote System Discovery", []string{TacticDiscovery}},
		{"T0855", "Unauthorized Command Message", []string{TacticImpairProcessControl}},
		{"T0858", "Change Operating Mode", []string{TacticExecution, TacticEvasion}},
		{"T0861", "Point & Tag Identification", []string{TacticCollection}},
		{"T0880", "Loss of Safety", []string{TacticImpact}},
		{"T0886", "Remote Services", []string{TacticInitialAccess, TacticLateralMovement}},
		{"T0888", "Remote System Information Discovery", []string{TacticDiscovery}},
		{"T0889", "Modify Program", []string{TacticPersistence}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok := Lookup(tt.id)
			require.True(t, ok, "Lookup(%q)", tt.id)

			assert.Equal(t, tt.id, got.ID)
			assert.Equal(t, tt.name, got.Name)
			assert.Equal(t, tt.tactics, got.Tactics)
		})
	}
}

func TestLookupUnknownIDs(t *testing.T) {
	tests := []struct {
		name string
		id   string
	}{
		{"empty", ""},
		{"deprecated control device identification", "T0808"},
		{"deprecated modify control logic", "T0833"},
		{"enterprise technique", "T1190"},
		{"enterprise sub-technique", "T1059.001"},
		{"lower case", "t0855"},
		{"padded", " T0855"},
		{"tactic id", "TA0102"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := Lookup(tt.id)
			assert.False(t, ok, "Lookup(%q)", tt.id)
		})
	}
}

func TestTacticJoinsMultipleTactics(t *testing.T) {
	remote, ok := Lookup("T0886")
	require.True(t, ok)
	single, ok := Lookup("T0855")
	require.True(t, ok)

	assert.Equal(t, "Initial Access, Lateral Movement", remote.Tactic())
	assert.Equal(t, "Impair Process Control", single.Tactic())
	assert.True(t, remote.HasTactic(TacticLateralMovement))
	assert.False(t, remote.HasTactic(TacticImpact))
}

func TestTableWellFormed(t *testing.T) {
	known := map[string]int{}
	order := []string{
		TacticInitialAccess, TacticExecution, TacticPersistence, TacticPrivilegeEscalation,
		TacticEvasion, TacticDiscovery, TacticLateralMovement, TacticCollection,
		TacticCommandAndControl, TacticInhibitResponseFunction, TacticImpairProcessControl,
		TacticImpact,
	}
	for i, tactic := range order {
		known[tactic] = i
	}

	all := All()
	require.Len(t, all, len(table))
	for i, tech := range all {
		t.Run(tech.ID, func(t *testing.T) {
			id, ok := NormalizeID(tech.ID)
			assert.True(t, ok, "ID is well formed")
			assert.Equal(t, tech.ID, id, "ID is normalized")
			assert.Regexp(t, `^T0[0-9]{3}$`, tech.ID, "ICS IDs start with T0")
			assert.NotEmpty(t, tech.Name)
			require.NotEmpty(t, tech.Tactics)
			if i > 0 {
				assert.Less(t, all[i-1].ID, tech.ID, "All is sorted and has no duplicates")
			}

			// Tactics are known and in matrix order, so Tactic() is stable.
			last := -1
			for _, tactic := range tech.Tactics {
				pos, ok := known[tactic]
				assert.True(t, ok, "tactic %q is a matrix column", tactic)
				assert.Greater(t, pos, last, "tactic %q is in matrix order", tactic)
				last = pos
			}
		})
	}
}

func TestNormalizeID(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
		valid bool
	}{
		{"ics id", "T0855", "T0855", true},
		{"lower case and spaces", "  t0886\t", "T0886", true},
		{"enterprise sub-technique", "t1059.001", "T1059.001", true},
		{"too short", "T085", "T085", false},
		{"too long", "T08555", "T08555", false},
		{"tactic id", "TA0102", "TA0102", false},
		{"sub-technique too short", "T1059.01", "T1059.01", false},
		{"empty", "", "", false},
		{"non-ascii digit", "T08٥5", "T08٥5", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, valid := NormalizeID(tt.input)

			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.valid, valid)
		})
	}
}
