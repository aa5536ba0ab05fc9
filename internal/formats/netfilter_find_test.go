package formats

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// findNetfilterFieldsSimple is the definition that findNetfilterFields must match.
func findNetfilterFieldsSimple(s string, msg int) int {
	if strings.HasPrefix(s[msg:], "IN=") {
		return msg
	}
	if k := strings.Index(s[msg:], " IN="); k >= 0 {
		return msg + k + 1
	}
	return -1
}

func TestFindNetfilterFields(t *testing.T) {
	cases := []struct {
		name string
		s    string
		msg  int
		want int
	}{
		{"fields first", "IN=eth0 OUT=", 0, 0},
		{"after prefix", "OT-DROP: IN=eth0 OUT=", 0, 9},
		{"after uptime and prefix", "[263511.383092] OT-DROP: IN=eth1", 0, 25},
		{"equals in prefix", "a=b c=d IN=eth0", 0, 8},
		{"IN= inside a word", "xIN=1 IN=eth0", 0, 6},
		{"msg inside IN=", "h IN=eth0", 3, -1},
		{"msg at start of IN=", "host: IN=eth0", 6, 6},
		{"no IN=", "OT-DROP: OUT=eth0 SRC=1.2.3.4", 0, -1},
		{"IN without equals", "OT-DROP: IN eth0", 0, -1},
		{"empty", "", 0, -1},
		{"IN= at end", "x IN=", 0, 2},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, findNetfilterFields(c.s, c.msg), "findNetfilterFields(%q, %d)", c.s, c.msg)
		})
	}
}

// FuzzFindNetfilterFields checks findNetfilterFields against strings.Index at every offset.
func FuzzFindNetfilterFields(f *testing.F) {
	for _, line := range benchNetfilterLines {
		f.Add(line)
	}
	f.Add("= IN= IN=IN= =IN= IN")
	f.Fuzz(func(t *testing.T, s string) {
		for msg := 0; msg <= len(s); msg++ {
			got, want := findNetfilterFields(s, msg), findNetfilterFieldsSimple(s, msg)
			if got != want {
				t.Fatalf("findNetfilterFields(%q, %d) = %d, want %d", s, msg, got, want)
			}
		}
	})
}

// BenchmarkFindNetfilterFields finds IN= after the syslog header of the benchmark lines.
func BenchmarkFindNetfilterFields(b *testing.B) {
	msgs := make([]int, len(benchNetfilterLines))
	for i, line := range benchNetfilterLines {
		var hdr syslogHeader
		msgs[i], _ = splitSyslog(line, &benchContext, &hdr)
	}
	b.ReportAllocs()

	i := 0
	for b.Loop() {
		k := i % len(benchNetfilterLines)
		if findNetfilterFields(benchNetfilterLines[k], msgs[k]) < 0 {
			b.Fatal("no IN= field")
		}
		i++
	}
}
