package output

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/otlake/cloud-telemetry-lake/sensor/decode"
)

// DefaultDropPrefix is the log prefix of drop lines, as an iptables LOG rule would set it.
const DefaultDropPrefix = "OT-DROP: "

// Masks of the IPv4 TOS byte that netfilter prints apart (IPTOS_TOS_MASK, IPTOS_PREC_MASK).
const (
	tosMask   = 0x1e
	precMask  = 0xe0
	udpHeader = 8
)

// dropStamp is the syslog header time: RFC 3339 in UTC with microseconds, as rsyslog's
// high-precision format writes it.
const dropStamp = "2006-01-02T15:04:05.000000Z07:00"

// tcpFlagNames are netfilter's TCP flag names in its print order, with their bits.
var tcpFlagNames = []struct {
	bit  uint8
	name string
}{
	{decode.FlagCWR, "CWR"}, {decode.FlagECE, "ECE"}, {decode.FlagURG, "URG"}, {decode.FlagACK, "ACK"},
	{decode.FlagPSH, "PSH"}, {decode.FlagRST, "RST"}, {decode.FlagSYN, "SYN"}, {decode.FlagFIN, "FIN"},
}

// Drop describes the packet of a forbidden flow for a netfilter LOG line.
type Drop struct {
	Time   time.Time
	Host   string // syslog host name
	Prefix string // log prefix, DefaultDropPrefix when empty
	In     string // capture interface, empty for a replayed file
	Packet *decode.Packet
}

// AppendDropLine appends the line that the kernel's LOG target would write for the packet
// (nf_log_syslog field order), behind a syslog header carrying the packet's capture time,
// and a newline.
func AppendDropLine(b []byte, d Drop) []byte {
	p := d.Packet
	prefix := d.Prefix
	if prefix == "" {
		prefix = DefaultDropPrefix
	}

	// Syslog header: event time, host and the kernel tag.
	b = d.Time.UTC().AppendFormat(b, dropStamp)
	b = append(b, ' ')
	b = append(b, d.Host...)
	b = append(b, " kernel: "...)
	b = append(b, prefix...)
	if prefix[len(prefix)-1] != ' ' {
		b = append(b, ' ')
	}

	b = append(b, "IN="...)
	b = append(b, d.In...)
	b = append(b, " OUT= "...)
	if p.HasEthernet {
		b = appendMAC(b, p)
	}

	if p.IPv6 {
		b = appendIPv6(b, p)
	} else {
		b = appendIPv4(b, p)
	}

	b = appendTransport(b, p)
	return append(b, '\n')
}

// appendMAC writes MAC= destination, source and EtherType as colon-separated hex bytes.
func appendMAC(b []byte, p *decode.Packet) []byte {
	b = append(b, "MAC="...)
	for _, octet := range p.DstMAC {
		b = appendHexByte(b, octet)
		b = append(b, ':')
	}
	for _, octet := range p.SrcMAC {
		b = appendHexByte(b, octet)
		b = append(b, ':')
	}
	b = appendHexByte(b, byte(p.EtherType>>8))
	b = append(b, ':')
	b = appendHexByte(b, byte(p.EtherType))
	return append(b, ' ')
}

func appendIPv4(b []byte, p *decode.Packet) []byte {
	b = append(b, "SRC="...)
	b = netip.AddrFrom16(p.Src).Unmap().AppendTo(b)
	b = append(b, " DST="...)
	b = netip.AddrFrom16(p.Dst).Unmap().AppendTo(b)
	b = appendUint(b, " LEN=", uint64(p.IPLength))
	b = append(b, " TOS=0x"...)
	b = appendHexByteUpper(b, p.TOS&tosMask)
	b = append(b, " PREC=0x"...)
	b = appendHexByteUpper(b, p.TOS&precMask)
	b = appendUint(b, " TTL=", uint64(p.TTL))
	b = appendUint(b, " ID=", uint64(p.IPID))
	if p.DF {
		b = append(b, " DF"...)
	}
	return append(b, ' ')
}

func appendIPv6(b []byte, p *decode.Packet) []byte {
	b = append(b, "SRC="...)
	b = netip.AddrFrom16(p.Src).AppendTo(b)
	b = append(b, " DST="...)
	b = netip.AddrFrom16(p.Dst).AppendTo(b)
	b = appendUint(b, " LEN=", uint64(p.IPLength))
	b = appendUint(b, " TC=", uint64(p.TOS))
	b = appendUint(b, " HOPLIMIT=", uint64(p.TTL))
	b = appendUint(b, " FLOWLBL=", uint64(p.FlowLabel))
	return append(b, ' ')
}

func appendTransport(b []byte, p *decode.Packet) []byte {
	if p.Proto == decode.ProtoUDP {
		b = append(b, "PROTO=UDP"...)
		b = appendUint(b, " SPT=", uint64(p.SrcPort))
		b = appendUint(b, " DPT=", uint64(p.DstPort))
		return appendUint(b, " LEN=", uint64(len(p.Payload)+udpHeader))
	}

	b = append(b, "PROTO=TCP"...)
	b = appendUint(b, " SPT=", uint64(p.SrcPort))
	b = appendUint(b, " DPT=", uint64(p.DstPort))
	b = appendUint(b, " WINDOW=", uint64(p.Window))
	b = append(b, " RES=0x00 "...)
	for _, flag := range tcpFlagNames {
		if p.Flags&flag.bit != 0 {
			b = append(b, flag.name...)
			b = append(b, ' ')
		}
	}
	return appendUint(b, "URGP=", uint64(p.Urgent))
}

func appendUint(b []byte, label string, v uint64) []byte {
	b = append(b, label...)
	return strconv.AppendUint(b, v, 10)
}

const hexDigits = "0123456789abcdef"
const hexDigitsUpper = "0123456789ABCDEF"

func appendHexByte(b []byte, v byte) []byte {
	return append(b, hexDigits[v>>4], hexDigits[v&0xf])
}

func appendHexByteUpper(b []byte, v byte) []byte {
	return append(b, hexDigitsUpper[v>>4], hexDigitsUpper[v&0xf])
}
