package formats

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// scanTokenSimple is the byte-by-byte definition that scanToken must match.
func scanTokenSimple(s string, i int) (end, eq int) {
	end = strings.IndexByte(s[i:], ' ')
	if end < 0 {
		end = len(s) - i
	}
	return i + end, strings.IndexByte(s[i:i+end], '=')
}

func TestScanToken(t *testing.T) {
	cases := []struct {
		name    string
		s       string
		i       int
		wantEnd int
		wantEq  int
	}{
		{"key and value", "SRC=198.51.100.7 DST=1.2.3.4", 0, 16, 3},
		{"second token", "SRC=198.51.100.7 DST=1.2.3.4", 17, 28, 3},
		{"bare flag", "DF PROTO=TCP", 0, 2, -1},
		{"bare flag at end", "URGP=0 SYN", 7, 10, -1},
		{"long value", "MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=", 0, 45, 3},
		{"long key", "LONGKEYNAME_OVER_EIGHT=1 X", 0, 24, 22},
		{"second equals in value", "A=B=C D", 0, 5, 1},
		{"empty value", "OUT= MAC=", 0, 4, 3},
		{"equals first", "=x y", 0, 2, 0},
		{"at space", " x", 0, 0, -1},
		{"at end", "abc", 3, 3, -1},
		{"empty", "", 0, 0, -1},
		{"tab is not a separator", "A=1\tB=2 C", 0, 7, 1},
		{"high bytes", "K=\xff\x80\xfe\xef\xbb\xbf\x80\x81\x82 x", 0, 11, 1},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			end, eq := scanToken(c.s, c.i)
			assert.Equal(t, c.wantEnd, end, "scanToken(%q, %d) end", c.s, c.i)
			assert.Equal(t, c.wantEq, eq, "scanToken(%q, %d) eq", c.s, c.i)
		})
	}
}

// FuzzScanToken checks scanToken against the byte-by-byte definition at every start offset.
func FuzzScanToken(f *testing.F) {
	f.Add("IN=eth1 OUT=eth0 MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DF")
	f.Add("= == =x= x=  =")
	f.Fuzz(func(t *testing.T, s string) {
		for i := 0; i <= len(s); i++ {
			end, eq := scanToken(s, i)
			wantEnd, wantEq := scanTokenSimple(s, i)
			if end != wantEnd || eq != wantEq {
				t.Fatalf("scanToken(%q, %d) = %d, %d, want %d, %d", s, i, end, eq, wantEnd, wantEq)
			}
		}
	})
}

// BenchmarkScanTokens scans every token of a netfilter message, as parseNetfilter does.
func BenchmarkScanTokens(b *testing.B) {
	const msg = "OT-DROP: IN=eth1 OUT=eth0 MAC=00:00:5e:00:53:01:00:00:5e:00:53:02:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=54321 DF PROTO=TCP SPT=40000 DPT=502 WINDOW=64240 RES=0x00 SYN URGP=0"
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tokens := 0
		for pos := 0; pos < len(msg); pos++ {
			pos, _ = scanToken(msg, pos)
			tokens++
		}
		if tokens != 19 {
			b.Fatalf("scanned %d tokens, want 19", tokens)
		}
	}
}
