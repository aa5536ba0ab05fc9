package capture

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// Offsets in an untagged Ethernet frame, for the kernel filter. AF_PACKET sockets see
// frames with the 802.1Q tag already moved to the packet's metadata.
const (
	offEtherType  = 12
	offIPv4       = 14
	offIPv4Proto  = offIPv4 + 9
	offIPv4Frag   = offIPv4 + 6
	offIPv6Next   = offIPv4 + 6
	offIPv6Ports  = offIPv4 + 40
	etherTypeIPv4 = 0x0800
	etherTypeIPv6 = 0x86dd
	ipv4FragMask  = 0x1fff
	protoTCP      = 6
	protoUDP      = 17
	// acceptLength is what the filter keeps of a matching frame: all of it.
	acceptLength = 0x40000
)

// PortFilter returns a classic BPF program that accepts IPv4 and IPv6 TCP or UDP packets
// whose source or destination port is one of ports. IPv6 packets with extension headers
// and IPv4 fragments after the first are rejected.
func PortFilter(ports []uint16) ([]bpf.RawInstruction, error) {
	if len(ports) == 0 || len(ports) > 64 {
		return nil, fmt.Errorf("build port filter for %d ports: need 1 to 64", len(ports))
	}

	var a assembler
	a.emit(bpf.LoadAbsolute{Off: offEtherType, Size: 2})
	a.jumpIf(etherTypeIPv4, "ipv4", "")
	a.jumpIf(etherTypeIPv6, "ipv6", "drop")

	// IPv4: TCP or UDP, not a later fragment; the header length sets the ports' offset.
	a.label("ipv4")
	a.emit(bpf.LoadAbsolute{Off: offIPv4Proto, Size: 1})
	a.jumpIf(protoTCP, "ipv4-frag", "")
	a.jumpIf(protoUDP, "ipv4-frag", "drop")
	a.label("ipv4-frag")
	a.emit(bpf.LoadAbsolute{Off: offIPv4Frag, Size: 2})
	a.jumpSet(ipv4FragMask, "drop", "")
	a.emit(bpf.LoadMemShift{Off: offIPv4})
	a.emit(bpf.LoadIndirect{Off: offIPv4, Size: 2})
	a.matchPorts(ports, "ipv4-dst")
	a.label("ipv4-dst")
	a.emit(bpf.LoadIndirect{Off: offIPv4 + 2, Size: 2})
	a.matchPorts(ports, "drop")

	// IPv6 without extension headers: the ports follow the fixed header.
	a.label("ipv6")
	a.emit(bpf.LoadAbsolute{Off: offIPv6Next, Size: 1})
	a.jumpIf(protoTCP, "ipv6-src", "")
	a.jumpIf(protoUDP, "ipv6-src", "drop")
	a.label("ipv6-src")
	a.emit(bpf.LoadAbsolute{Off: offIPv6Ports, Size: 2})
	a.matchPorts(ports, "ipv6-dst")
	a.label("ipv6-dst")
	a.emit(bpf.LoadAbsolute{Off: offIPv6Ports + 2, Size: 2})
	a.matchPorts(ports, "drop")

	a.label("accept")
	a.emit(bpf.RetConstant{Val: acceptLength})
	a.label("drop")
	a.emit(bpf.RetConstant{Val: 0})

	return a.assemble()
}

// assembler resolves jumps to named labels; an empty label means the next instruction.
type assembler struct {
	program []bpf.Instruction
	jumps   map[int][2]string
	labels  map[string]int
}

func (a *assembler) emit(ins bpf.Instruction) { a.program = append(a.program, ins) }

func (a *assembler) label(name string) {
	if a.labels == nil {
		a.labels = make(map[string]int)
	}
	a.labels[name] = len(a.program)
}

func (a *assembler) jump(ins bpf.JumpIf, ifTrue, ifFalse string) {
	if a.jumps == nil {
		a.jumps = make(map[int][2]string)
	}
	a.jumps[len(a.program)] = [2]string{ifTrue, ifFalse}
	a.emit(ins)
}

func (a *assembler) jumpIf(val uint32, ifTrue, ifFalse string) {
	a.jump(bpf.JumpIf{Cond: bpf.JumpEqual, Val: val}, ifTrue, ifFalse)
}

func (a *assembler) jumpSet(mask uint32, ifTrue, ifFalse string) {
	a.jump(bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: mask}, ifTrue, ifFalse)
}

// matchPorts jumps to accept when the loaded port is one of ports, else to otherwise.
func (a *assembler) matchPorts(ports []uint16, otherwise string) {
	for i, port := range ports {
		next := ""
		if i == len(ports)-1 {
			next = otherwise
		}
		a.jumpIf(uint32(port), "accept", next)
	}
}

func (a *assembler) assemble() ([]bpf.RawInstruction, error) {
	for at, targets := range a.jumps {
		ins := a.program[at].(bpf.JumpIf)
		skips := [2]uint8{}
		for i, target := range targets {
			if target == "" {
				continue
			}
			dest, ok := a.labels[target]
			if !ok || dest <= at || dest-at-1 > 255 {
				return nil, fmt.Errorf("assemble port filter: jump from %d to %q out of range", at, target)
			}
			skips[i] = uint8(dest - at - 1)
		}
		ins.SkipTrue, ins.SkipFalse = skips[0], skips[1]
		a.program[at] = ins
	}
	return bpf.Assemble(a.program)
}
