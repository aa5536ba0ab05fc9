package formats

import (
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

const netfilterFormat = "netfilter line"

// macOctets is the number of octets in the MAC= value for Ethernet: the link-layer header
// with destination (6), source (6) and ethertype (2), printed as hex pairs joined by colons
// (Linux net/netfilter/nf_log_syslog.c, dump_mac_header).
const macOctets = 14

// netfilterBlock holds a record's netfilter fields and the values its pointers refer to, so a
// line costs one allocation instead of one per optional field.
type netfilterBlock struct {
	nf    telemetry.Netfilter
	out   string
	ints  [6]int // IPLen, TTL, ID, Frag, ICMPType, ICMPCode
	ports [2]uint16
	flags [6]string
}

// innerBlock holds the quoted packet of an ICMP error and the ports its pointers refer to, so
// the packet costs one allocation.
type innerBlock struct {
	pkt   telemetry.InnerPacket
	ports [2]uint16
}

// Indexes into netfilterBlock.ints.
const (
	intIPLen = iota
	intTTL
	intID
	intFrag
	intICMPType
	intICMPCode
)

// isFlagWord reports whether tok is one of the bare tokens Linux's nf_log_syslog.c prints for
// IPv4 header flags (CE, DF, MF) and TCP flags (AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
// A switch compiles to a few compares of the length and bytes, where a loop over the words
// made up to twelve string compares per bare token.
func isFlagWord(tok string) bool {
	switch tok {
	case "DF", "MF", "CE", "SYN", "ACK", "FIN", "RST", "PSH", "URG", "ECE", "CWR", "AE":
		return true
	}
	return false
}

// findNetfilterFields returns the offset of the IN= field that ends a netfilter prefix in
// s[msg:], or -1 when the message has none.
func findNetfilterFields(s string, msg int) int {
	if strings.HasPrefix(s[msg:], "IN=") {
		return msg
	}

	// Log prefixes seldom contain '=', so the first '=' that the eight-byte scan finds is
	// usually the one of IN=. strings.Index(s[msg:], " IN=") costs more, because it stops at
	// every space of the prefix.
	for eq := indexEquals(s, msg); eq < len(s); eq = indexEquals(s, eq+1) {
		if eq-3 >= msg && s[eq-3:eq] == " IN" {
			return eq - 2
		}
	}
	return -1
}

// parseNetfilter reads a netfilter LOG message. s is the whole line, msg the offset after any
// syslog header and fields the offset of IN=. The record's strings are substrings of s, which
// the caller owns as a copy of the input line.
func parseNetfilter(s string, msg, fields int, rec *telemetry.Record, blocks *Blocks) error {
	blk := blocks.netfilterBlock()
	nf := &blk.nf
	nf.Flags = blk.flags[:0]
	rec.Format = telemetry.FormatNetfilter
	rec.EventType = "firewall"
	rec.Netfilter = nf

	// KernelUptime: a "[  263511.383092]" stamp before the prefix, seconds since boot.
	i := skipSpaces(s, msg)
	if i < fields && s[i] == '[' {
		if end := strings.IndexByte(s[i:fields], ']'); end > 0 {
			stamp := strings.TrimSpace(s[i+1 : i+end])
			if isUptime(stamp) {
				nf.KernelUptime = stamp
				i += end + 1
			}
		}
	}

	// Prefix and Action: the --log-prefix text up to IN=, which may hold any characters.
	nf.Prefix = strings.TrimSpace(s[i:fields])
	rec.Action = actionFromPrefix(nf.Prefix)

	// Fields: KEY=VALUE and bare flag tokens; "[...]" quotes the packet an ICMP error is about.
	var inner *innerBlock
	inBrackets := false
	protoSeen := false
	for pos := fields; pos < len(s); {
		// The token runs to the next space; eq is the offset of its first '=', or -1.
		pos = skipSpaces(s, pos)
		start := pos
		end, eq := scanToken(s, pos)
		pos = end
		tok := s[start:pos]
		if tok == "" {
			continue
		}

		if !inBrackets && tok[0] == '[' {
			inBrackets = true
			tok = tok[1:]
			start++
			if eq > 0 {
				eq--
			}
		}
		closing := inBrackets && tok != "" && tok[len(tok)-1] == ']'
		if closing {
			tok = tok[:len(tok)-1]
		}

		var err error
		if inBrackets {
			if inner == nil && tok != "" {
				inner = blocks.innerBlock()
				nf.Inner = &inner.pkt
			}
			err = readInnerField(tok, eq, start, inner)
		} else {
			err = readOuterField(tok, eq, start, blk, rec, &protoSeen)
		}
		if err != nil {
			return err
		}

		if closing {
			inBrackets = false
		}
	}
	return nil
}

// readOuterField stores one token of the logged packet's own headers.
func readOuterField(tok string, eq, start int, blk *netfilterBlock, rec *telemetry.Record, protoSeen *bool) error {
	nf := &blk.nf
	if eq < 0 || eq >= len(tok) {
		// Flags and FRAG:n are bare tokens; OPT, INCOMPLETE and the like carry nothing we keep.
		if rest, ok := strings.CutPrefix(tok, "FRAG:"); ok {
			return setInt(&blk.ints[intFrag], &nf.Frag, "FRAG:", rest, start+5)
		}
		if tok == "ARP" && rec.Protocol == "" {
			rec.Protocol = "ARP"
			return nil
		}
		if isFlagWord(tok) {
			nf.Flags = append(nf.Flags, tok)
		}
		return nil
	}

	key, val := tok[:eq], tok[eq+1:]
	col := start + eq + 1
	switch key {
	case "IN":
		nf.In = val
	case "OUT":
		blk.out = val
		nf.Out = &blk.out
	case "PHYSIN":
		nf.PhysIn = val
	case "PHYSOUT":
		nf.PhysOut = val
	case "MAC":
		splitMAC(val, nf)
	case "MACSRC":
		// --log-macdecode prints the Ethernet header as MACSRC=, MACDST= and MACPROTO=; an
		// ARP line prints MACSRC= and MACDST= again for its payload, which is not kept.
		if nf.SrcMAC == "" {
			nf.SrcMAC = val
		}
	case "MACDST":
		if nf.DstMAC == "" {
			nf.DstMAC = val
		}
	case "MACPROTO":
		if nf.EtherType == "" && len(val) == 4 {
			nf.EtherType = val[:2] + ":" + val[2:]
		}
	case "IPSRC":
		// ARP lines name the sender and target addresses IPSRC= and IPDST=.
		if !rec.SrcIP.IsValid() {
			return parseAddrField(key, val, col, &rec.SrcIP)
		}
	case "IPDST":
		if !rec.DstIP.IsValid() {
			return parseAddrField(key, val, col, &rec.DstIP)
		}
	case "SRC":
		if !rec.SrcIP.IsValid() {
			return parseAddrField(key, val, col, &rec.SrcIP)
		}
	case "DST":
		if !rec.DstIP.IsValid() {
			return parseAddrField(key, val, col, &rec.DstIP)
		}
	case "LEN":
		// The first LEN= is the IP datagram; UDP prints its own LEN= later.
		if nf.IPLen == nil {
			return setInt(&blk.ints[intIPLen], &nf.IPLen, "LEN=", val, col)
		}
	case "TTL":
		if nf.TTL == nil {
			return setInt(&blk.ints[intTTL], &nf.TTL, "TTL=", val, col)
		}
	case "HOPLIMIT":
		if nf.TTL == nil {
			return setInt(&blk.ints[intTTL], &nf.TTL, "HOPLIMIT=", val, col)
		}
	case "ID":
		// After PROTO=, ID= is an ICMP echo identifier, not the IP header's.
		if nf.ID == nil && !*protoSeen {
			return setInt(&blk.ints[intID], &nf.ID, "ID=", val, col)
		}
	case "PROTO":
		if !*protoSeen {
			*protoSeen = true
			rec.Protocol = upperASCII(val)
		}
	case "SPT":
		if rec.SrcPort == nil {
			return setPort(&blk.ports[0], &rec.SrcPort, "SPT=", val, col)
		}
	case "DPT":
		if rec.DstPort == nil {
			return setPort(&blk.ports[1], &rec.DstPort, "DPT=", val, col)
		}
	case "TYPE":
		if nf.ICMPType == nil {
			return setInt(&blk.ints[intICMPType], &nf.ICMPType, "TYPE=", val, col)
		}
	case "CODE":
		if nf.ICMPCode == nil {
			return setInt(&blk.ints[intICMPCode], &nf.ICMPCode, "CODE=", val, col)
		}
	}
	return nil
}

// readInnerField stores one token of the quoted packet inside "[...]".
func readInnerField(tok string, eq, start int, blk *innerBlock) error {
	if eq < 0 || eq >= len(tok) || blk == nil {
		return nil
	}
	inner := &blk.pkt

	key, val := tok[:eq], tok[eq+1:]
	col := start + eq + 1
	switch key {
	case "SRC":
		if !inner.SrcIP.IsValid() {
			return parseAddrField("inner SRC", val, col, &inner.SrcIP)
		}
	case "DST":
		if !inner.DstIP.IsValid() {
			return parseAddrField("inner DST", val, col, &inner.DstIP)
		}
	case "PROTO":
		if inner.Protocol == "" {
			inner.Protocol = upperASCII(val)
		}
	case "SPT":
		if inner.SrcPort == nil {
			return setPort(&blk.ports[0], &inner.SrcPort, "inner SPT=", val, col)
		}
	case "DPT":
		if inner.DstPort == nil {
			return setPort(&blk.ports[1], &inner.DstPort, "inner DPT=", val, col)
		}
	}
	return nil
}

// splitMAC fills DstMAC, SrcMAC and EtherType from an Ethernet MAC= value. Other link
// layers print a different length; their MAC= stays only in Raw.
func splitMAC(val string, nf *telemetry.Netfilter) {
	if len(val) != macOctets*3-1 {
		return
	}
	for k := 2; k < len(val); k += 3 {
		if val[k] != ':' {
			return
		}
	}
	nf.DstMAC = val[0:17]
	nf.SrcMAC = val[18:35]
	nf.EtherType = val[36:41]
}

// setInt parses a non-negative decimal field into slot and points field at it.
func setInt(slot *int, field **int, key, val string, col int) error {
	// Nine digits cover every netfilter counter (IP ID, length, TTL, ICMP type and code).
	v, ok := digits(val)
	if !ok || len(val) > 9 {
		return &ParseError{Format: netfilterFormat, Column: col + 1, Detail: "invalid " + key + " " + quote(val), Err: ErrBadNumber}
	}
	*slot = v
	*field = slot
	return nil
}

// setPort parses a port number into slot and points field at it.
func setPort(slot *uint16, field **uint16, key, val string, col int) error {
	v, ok := digits(val)
	if !ok || v > 65535 {
		return &ParseError{Format: netfilterFormat, Column: col + 1, Detail: "invalid " + key + " " + quote(val), Err: ErrBadPort}
	}
	*slot = uint16(v)
	*field = slot
	return nil
}

// isUptime reports whether s looks like the kernel's "seconds.micros" since boot.
func isUptime(s string) bool {
	dot := strings.IndexByte(s, '.')
	if dot <= 0 || dot == len(s)-1 {
		return false
	}
	_, okSeconds := digits(s[:dot])
	_, okMicros := digits(s[dot+1:])
	return okSeconds && okMicros
}

// actionFromPrefix returns DROP, REJECT or ACCEPT for the first such word in the prefix,
// compared without case and bounded by non-letters (so OT-DROP: and DROP-IN: count but
// DROPPED does not), and LOG when none is there.
func actionFromPrefix(prefix string) string {
	for i := 0; i < len(prefix); i++ {
		if i > 0 && isLetter(prefix[i-1]) {
			continue
		}

		// The first letter picks the one word that can start here, so most positions cost a
		// byte compare instead of three strings.EqualFold calls. No non-ASCII rune folds to a
		// letter of these words, so an ASCII first letter is a complete test.
		var word string
		switch prefix[i] | 0x20 {
		case 'd':
			word = "DROP"
		case 'r':
			word = "REJECT"
		case 'a':
			word = "ACCEPT"
		default:
			continue
		}
		end := i + len(word)
		if end <= len(prefix) && strings.EqualFold(prefix[i:end], word) && (end == len(prefix) || !isLetter(prefix[end])) {
			return word
		}
	}
	return "LOG"
}

func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// upperASCII upper-cases protocol names, allocating only when s has a lower-case letter.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}
