// Package pcapgen writes large Modbus-heavy captures for benchmarks by repeating real
// captures: each round shifts the timestamps past the previous round and moves every
// client port, so that each round's connections are new flows.
package pcapgen

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
)

// Frame offsets of untagged Ethernet and IPv4, the framing of the corpus captures.
const (
	etherHeader   = 14
	etherTypeIPv4 = 0x0800
	protoTCP      = 6
	firstPort     = 1024 // client ports are moved within 1024-65535
	portSpan      = 65536 - firstPort
	portStep      = 7919 // a prime, so successive rounds spread over the port range
	roundGap      = time.Second
	snapLength    = 65535
)

// frame is one stored packet of the source captures.
type frame struct {
	data []byte
	info gopacket.CaptureInfo
}

// Generate writes a pcap file at out that repeats the frames of sources until it holds
// at least minPackets frames, treating modbusPort as the server port. It returns the
// number of frames written.
func Generate(out string, sources []string, minPackets int, modbusPort uint16) (int, error) {
	var frames []frame
	for _, path := range sources {
		read, err := readFrames(path)
		if err != nil {
			return 0, err
		}
		frames = append(frames, read...)
	}
	if len(frames) == 0 {
		return 0, errors.New("generate capture: the sources hold no Ethernet frames")
	}

	f, err := os.Create(out)
	if err != nil {
		return 0, fmt.Errorf("generate capture %q: %w", out, err)
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(snapLength, layers.LinkTypeEthernet); err != nil {
		f.Close()
		return 0, fmt.Errorf("generate capture %q: %w", out, err)
	}

	// Rounds follow each other in time; within a round the sources play one after another.
	written := 0
	offset := time.Duration(0)
	buf := make([]byte, 0, snapLength)
	for round := 0; written < minPackets; round++ {
		base := frames[0].info.Timestamp
		last := base
		for _, fr := range frames {
			buf = append(buf[:0], fr.data...)
			movePort(buf, modbusPort, uint16(round*portStep%portSpan))

			info := fr.info
			info.Timestamp = fr.info.Timestamp.Add(offset)
			if err := w.WritePacket(info, buf); err != nil {
				f.Close()
				return written, fmt.Errorf("generate capture %q: %w", out, err)
			}
			written++
			if fr.info.Timestamp.After(last) {
				last = fr.info.Timestamp
			}
		}
		offset += last.Sub(base) + roundGap
	}

	if err := f.Close(); err != nil {
		return written, fmt.Errorf("generate capture %q: %w", out, err)
	}
	return written, nil
}

// readFrames reads a capture file into memory, keeping frames sorted by source only.
func readFrames(path string) ([]frame, error) {
	src, err := capture.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if src.LinkType() != layers.LinkTypeEthernet {
		return nil, nil
	}

	var frames []frame
	for {
		fr, err := src.Next()
		if errors.Is(err, io.EOF) {
			return frames, nil
		}
		if err != nil {
			return nil, err
		}
		frames = append(frames, frame{data: append([]byte(nil), fr.Data...), info: fr.Info})
	}
}

// movePort adds shift to the client port of an IPv4 TCP frame (the port that is not
// modbusPort) and updates the TCP checksum to match (RFC 1624).
func movePort(data []byte, modbusPort, shift uint16) {
	if shift == 0 || len(data) < etherHeader+20 || binary.BigEndian.Uint16(data[12:14]) != etherTypeIPv4 {
		return
	}
	ip := data[etherHeader:]
	if ip[9] != protoTCP || ip[0]>>4 != 4 {
		return
	}
	tcpStart := int(ip[0]&0x0f) * 4
	if len(ip) < tcpStart+18 {
		return
	}
	tcp := ip[tcpStart:]

	// The client's port is the source when the destination is the Modbus port, and the
	// other way round.
	at := 0
	switch {
	case binary.BigEndian.Uint16(tcp[2:4]) == modbusPort:
	case binary.BigEndian.Uint16(tcp[0:2]) == modbusPort:
		at = 2
	default:
		return
	}

	old := binary.BigEndian.Uint16(tcp[at:])
	moved := uint16(firstPort + (int(old)-firstPort+int(shift)+portSpan)%portSpan)
	if old < firstPort {
		return
	}
	binary.BigEndian.PutUint16(tcp[at:], moved)

	sum := uint32(^binary.BigEndian.Uint16(tcp[16:18])) + uint32(^old) + uint32(moved)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(tcp[16:18], ^uint16(sum))
}
