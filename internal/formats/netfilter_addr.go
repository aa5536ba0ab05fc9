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
	// Seven bytes for "0.0.0.0" to fifteen for "255.255.255.255".
	if len(s) < 7 || len(s) > 15 {
		return netip.Addr{}, false
	}

	var quad [4]byte
	i := 0
	for octet := 0; octet < 4; octet++ {
		// One to three digits with no leading zero, as netip.ParseAddr requires. The digits are
		// read one by one without a loop, because a loop's exit branch depends on the octet's
		// width and so is mispredicted often.
		if i >= len(s) || !isDigit(s[i]) {
			return netip.Addr{}, false
		}
		v := int(s[i] - '0')
		i++
		if i < len(s) && isDigit(s[i]) {
			if v == 0 {
				return netip.Addr{}, false
			}
			v = v*10 + int(s[i]-'0')
			i++
			if i < len(s) && isDigit(s[i]) {
				v = v*10 + int(s[i]-'0')
				i++
				if v > 255 {
					return netip.Addr{}, false
				}
			}
		}
		quad[octet] = byte(v)

		// A dot between octets, and nothing after the fourth.
		if octet < 3 {
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
