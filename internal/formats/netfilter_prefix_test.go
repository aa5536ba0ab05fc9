package formats

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestActionFromPrefix(t *testing.T) {
	cases := []struct {
		name   string
		prefix string
		want   string
	}{
		{"word then colon", "OT-DROP:", "DROP"},
		{"word first", "DROP-IN:", "DROP"},
		{"lower case", "fw accept", "ACCEPT"},
		{"mixed case", "Reject-L3", "REJECT"},
		{"first word wins", "ACCEPT then DROP", "ACCEPT"},
		{"longer word", "DROPPED:", "LOG"},
		{"letter before", "XDROP", "LOG"},
		{"digit before", "1DROP", "DROP"},
		{"non-ASCII before", "\u017fDROP", "DROP"},
		{"cut word", "DRO", "LOG"},
		{"later word after longer one", "ACCEPTED REJECT", "REJECT"},
		{"no action", "iptables-log:", "LOG"},
		{"empty", "", "LOG"},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, actionFromPrefix(c.prefix), "actionFromPrefix(%q)", c.prefix)
		})
	}
}
