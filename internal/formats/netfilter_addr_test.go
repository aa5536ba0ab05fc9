package formats

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseDottedQuad(t *testing.T) {
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"plain", "198.51.100.7", true},
		{"zeros", "0.0.0.0", true},
		{"broadcast", "255.255.255.255", true},
		{"one digit octets", "1.2.3.4", true},
		{"octet over 255", "256.1.1.1", false},
		{"leading zero", "01.2.3.4", false},
		{"leading zero last octet", "1.2.3.04", false},
		{"four digit octet", "1000.1.1.1", false},
		{"three octets", "1.2.3", false},
		{"five octets", "1.2.3.4.5", false},
		{"empty octet", "1..3.4", false},
		{"trailing dot", "1.2.3.4.", false},
		{"trailing bracket", "1.2.3.4]", false},
		{"zone", "1.2.3.4%eth0", false},
		{"sign", "+1.2.3.4", false},
		{"empty", "", false},
		{"ipv6", "2001:db8::1", false},
		{"ipv4-mapped ipv6", "::ffff:1.2.3.4", false},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseDottedQuad(c.in)
			assert.Equal(t, c.ok, ok, "parseDottedQuad(%q) ok", c.in)
			if !ok {
				return
			}

			// The fast path must agree with netip.ParseAddr on every string it accepts.
			want, err := netip.ParseAddr(c.in)
			assert.NoError(t, err, "netip.ParseAddr(%q)", c.in)
			assert.Equal(t, want, got, "parseDottedQuad(%q)", c.in)
		})
	}
}

// FuzzParseDottedQuad checks that the fast path never accepts a string that netip.ParseAddr
// rejects or reads as another address.
func FuzzParseDottedQuad(f *testing.F) {
	for _, s := range []string{"198.51.100.7", "0.0.0.0", "01.2.3.4", "1.2.3.4.5", "::1", "256.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseDottedQuad(s)
		want, err := netip.ParseAddr(s)
		if ok && (err != nil || want != got) {
			t.Fatalf("parseDottedQuad(%q) = %v, netip.ParseAddr = %v, %v", s, got, want, err)
		}
		if !ok && err == nil && want.Is4() {
			t.Fatalf("parseDottedQuad(%q) rejects an IPv4 address that netip.ParseAddr reads as %v", s, want)
		}
	})
}

func BenchmarkParseAddrField(b *testing.B) {
	b.ReportAllocs()
	var addr netip.Addr
	for i := 0; i < b.N; i++ {
		if err := parseAddrField("SRC", "198.51.100.7", 1, &addr); err != nil {
			b.Fatal(err)
		}
	}
}
