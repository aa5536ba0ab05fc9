package formats

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMonthIndex(t *testing.T) {
	names := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, i+1, monthIndex(name+"  1 10:02:38"), "monthIndex(%q)", name)
		})
	}

	rejects := []struct {
		name string
		in   string
	}{
		{"lower case", "may  1"},
		{"upper case", "MAY  1"},
		{"no space", "May1"},
		{"full name", "March 1"},
		{"too short", "May"},
		{"empty", ""},
	}
	for _, c := range rejects {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, 0, monthIndex(c.in), "monthIndex(%q)", c.in)
		})
	}
}
