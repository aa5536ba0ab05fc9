package formats

import (
	"errors"
	"net/netip"
)

// parseDottedQuad parses the dotted-decimal IPv4 form that netfilter prints for SRC= and
// DST=, and reports false for anything else. For the strings it accepts, netip.ParseAddr
// returns the same address, but one call costs more than this loop (see
// BenchmarkParseAddrField). Every other value, including each invalid one, goes on to
// netip.ParseAddr, which then decides and words the error.
func parseDottedQuad(s string) (netip.Addr, bool) {
	var quad [4]byte
	octet := 0
	i := 0
	for octet < 4 {
		// One to three digits with no leading zero, as netip.ParseAddr requires.
		start := i
		v := 0
		for i < len(s) && i-start < 3 && isDigit(s[i]) {
			v = v*10 + int(s[i]-'0')
			i++
		}
		width := i - start
		if width == 0 || v > 255 || (width > 1 && s[start] == '0') {
			return netip.Addr{}, false
		}
		quad[octet] = byte(v)
		octet++

		// A dot between octets, and nothing after the fourth.
		if octet < 4 {
			if i >= len(s) || s[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
	}
	if i != len(s) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(quad), true
}

// parseAddrField parses an address and canonicalises it: netfilter prints IPv6 in full form.
func parseAddrField(key, val string, col int, dst *netip.Addr) error {
	if addr, ok := parseDottedQuad(val); ok {
		*dst = addr
		return nil
	}

	addr, err := netip.ParseAddr(val)
	if err != nil {
		err = addrCause(val, err)
		return &ParseError{Format: netfilterFormat, Column: col + 1, Detail: "invalid " + key + "= " + quote(val), Err: ErrBadAddress, Cause: err}
	}
	*dst = addr.Unmap()
	return nil
}

// maxAddrText is longer than any textual IP address: 45 bytes for IPv4-mapped IPv6 and a
// zone of at most 15 (IFNAMSIZ - 1 on Linux).
const maxAddrText = 64

// addrCause returns netip's error for short values. netip's message repeats the whole input,
// so a longer value gets a fixed cause instead.
func addrCause(val string, err error) error {
	if len(val) > maxAddrText {
		return errAddrTooLong
	}
	return err
}

var errAddrTooLong = errors.New("too long for an IP address")
