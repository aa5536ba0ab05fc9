package capture

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Frame is one captured frame. Data may alias the source's buffer: it is valid until the
// source's next read.
type Frame struct {
	Data      []byte
	Info      gopacket.CaptureInfo
	Interface string
	Link      layers.LinkType
}

// readBufferSize is the read-ahead of file sources; large reads keep replay off the syscalls.
const readBufferSize = 1 << 20

// File magic numbers.
var (
	gzipMagic   = []byte{0x1f, 0x8b}
	pcapngMagic = []byte{0x0a, 0x0d, 0x0d, 0x0a}
)

type zeroCopyReader interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	LinkType() layers.LinkType
}

// File is a pcap or pcapng file opened for reading.
type File struct {
	path   string
	file   *os.File
	gz     *gzip.Reader
	reader zeroCopyReader
	link   layers.LinkType
}

// OpenFile opens a pcap or pcapng file, gzip-compressed or not. The format is chosen by
// the first bytes, never by the file name.
func OpenFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture %q: %w", path, err)
	}

	src := &File{path: path, file: f}
	if err := src.init(); err != nil {
		f.Close()
		return nil, fmt.Errorf("open capture %q: %w", path, err)
	}
	return src, nil
}

func (s *File) init() error {
	var r io.Reader = bufio.NewReaderSize(s.file, readBufferSize)

	// A gzip stream is unpacked first; concatenated members are all read.
	head, err := r.(*bufio.Reader).Peek(2)
	if err == nil && bytes.Equal(head, gzipMagic) {
		s.gz, err = gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("read gzip header: %w", err)
		}
		r = bufio.NewReaderSize(s.gz, readBufferSize)
	}

	buffered := r.(*bufio.Reader)
	head, err = buffered.Peek(4)
	if err != nil {
		return fmt.Errorf("read file header: %w", err)
	}

	if bytes.Equal(head, pcapngMagic) {
		ng, err := pcapgo.NewNgReader(buffered, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return fmt.Errorf("read pcapng header: %w", err)
		}
		s.reader, s.link = ng, ng.LinkType()
		return nil
	}

	pcap, err := pcapgo.NewReader(buffered)
	if err != nil {
		return fmt.Errorf("read pcap header (magic %#08x): %w", binary.BigEndian.Uint32(head), err)
	}
	s.reader, s.link = pcap, pcap.LinkType()
	return nil
}

// Name returns the file's path.
func (s *File) Name() string { return s.path }

// LinkType returns the link type of the file's frames.
func (s *File) LinkType() layers.LinkType { return s.link }

// Next returns the next frame, or io.EOF at the end of the file. A truncated last record
// is returned as io.ErrUnexpectedEOF.
func (s *File) Next() (Frame, error) {
	data, info, err := s.reader.ZeroCopyReadPacketData()
	if err != nil {
		if err == io.EOF {
			return Frame{}, io.EOF
		}
		return Frame{}, fmt.Errorf("read capture %q: %w", s.path, err)
	}
	return Frame{Data: data, Info: info, Link: s.link}, nil
}

// Close closes the file.
func (s *File) Close() error {
	if s.gz != nil {
		s.gz.Close()
	}
	return s.file.Close()
}
