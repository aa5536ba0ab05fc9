package rawobject

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
)

// Default limits. Both can be changed per Reader through Limits.
const (
	// DefaultMaxDecompressed bounds the decompressed size of one object: 2 GiB is far above a
	// shipper batch (Fluent Bit's default upload chunk is 50 MB) and below a Lambda's memory.
	DefaultMaxDecompressed int64 = 2 << 30
	// DefaultMaxLine bounds one line. No log format we read comes near 1 MiB per record.
	DefaultMaxLine = 1 << 20

	// readBufferSize is the bufio buffer; lines that fit in it are returned without a copy.
	readBufferSize = 256 << 10
)

// gzipMagic is the first two bytes of every gzip member (RFC 1952 section 2.3.1).
var gzipMagic = []byte{0x1f, 0x8b}

// Errors returned by Reader. ErrLineTooLong is per line; the others end the object.
var (
	ErrTooLarge    = errors.New("decompressed size exceeds the limit")
	ErrLineTooLong = errors.New("line exceeds the maximum length")
	ErrCorruptGzip = errors.New("corrupt gzip stream")
)

// Limits bounds what one object may expand to. Zero fields take the defaults.
type Limits struct {
	MaxDecompressed int64
	MaxLine         int
}

func (l Limits) withDefaults() Limits {
	if l.MaxDecompressed <= 0 {
		l.MaxDecompressed = DefaultMaxDecompressed
	}
	if l.MaxLine <= 0 {
		l.MaxLine = DefaultMaxLine
	}
	return l
}

// LineError reports a line that was skipped; reading can go on after it.
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Reader returns the lines of one object in order.
type Reader struct {
	br         *bufio.Reader
	gz         *gzip.Reader
	counter    *capReader
	limits     Limits
	compressed bool
	line       int
	long       []byte // assembles lines longer than the bufio buffer
	err        error  // sticky object-level error
}

// NewReader wraps r, sniffing gzip from its first two bytes.
func NewReader(r io.Reader, limits Limits) (*Reader, error) {
	limits = limits.withDefaults()
	peek := bufio.NewReaderSize(r, 64<<10)
	rd := &Reader{limits: limits}

	// Sniff: an object shorter than two bytes cannot be gzip and is read as text.
	magic, err := peek.Peek(len(gzipMagic))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read object header: %w", err)
	}
	var body io.Reader = peek
	if bytes.Equal(magic, gzipMagic) {
		gz, err := gzip.NewReader(peek)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorruptGzip, err)
		}
		rd.gz = gz
		rd.compressed = true
		body = gz
	}

	rd.counter = &capReader{r: body, remaining: limits.MaxDecompressed}
	rd.br = bufio.NewReaderSize(rd.counter, readBufferSize)
	return rd, nil
}

// Compressed reports whether the object was gzip.
func (r *Reader) Compressed() bool { return r.compressed }

// BytesRead returns the decompressed bytes consumed so far.
func (r *Reader) BytesRead() int64 { return r.counter.read }

// Next returns the next line without its line ending and its 1-based number. The slice is
// valid until the following call. At the end it returns io.EOF. A *LineError means the line
// was skipped and Next may be called again; any other error ends the object.
func (r *Reader) Next() ([]byte, int, error) {
	if r.err != nil {
		return nil, r.line, r.err
	}

	line, err := r.readLine()
	if err != nil {
		var lineErr *LineError
		if errors.As(err, &lineErr) {
			return nil, lineErr.Line, err
		}
		r.err = err
		return nil, r.line, err
	}
	return line, r.line, nil
}

func (r *Reader) readLine() ([]byte, error) {
	chunk, err := r.br.ReadSlice('\n')

	// Fast path: the whole line sits in the buffer.
	if err == nil {
		return r.checkedLine(trimEOL(chunk))
	}

	if errors.Is(err, bufio.ErrBufferFull) {
		return r.readLongLine(chunk)
	}
	if errors.Is(err, io.EOF) {
		if len(chunk) == 0 {
			return nil, io.EOF
		}
		return r.checkedLine(trimEOL(chunk))
	}
	return nil, r.objectError(err)
}

// checkedLine counts a line that fit in the buffer and applies MaxLine to it.
func (r *Reader) checkedLine(line []byte) ([]byte, error) {
	r.line++
	if len(line) > r.limits.MaxLine {
		return nil, &LineError{Line: r.line, Err: fmt.Errorf("%w (%d bytes)", ErrLineTooLong, r.limits.MaxLine)}
	}
	return line, nil
}

// readLongLine assembles a line that overflows the buffer, or skips it past MaxLine.
func (r *Reader) readLongLine(first []byte) ([]byte, error) {
	r.long = append(r.long[:0], first...)
	tooLong := len(r.long) > r.limits.MaxLine

	for {
		chunk, err := r.br.ReadSlice('\n')
		if !tooLong {
			r.long = append(r.long, chunk...)
			if len(r.long) > r.limits.MaxLine {
				tooLong = true
				r.long = r.long[:0]
			}
		}

		if err == nil || (errors.Is(err, io.EOF) && (len(chunk) > 0 || len(r.long) > 0 || tooLong)) {
			r.line++
			if tooLong {
				return nil, &LineError{Line: r.line, Err: fmt.Errorf("%w (%d bytes)", ErrLineTooLong, r.limits.MaxLine)}
			}
			return trimEOL(r.long), nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return nil, r.objectError(err)
	}
}

func (r *Reader) objectError(err error) error {
	switch {
	case errors.Is(err, ErrTooLarge):
		return fmt.Errorf("after line %d: %w (%d bytes)", r.line, ErrTooLarge, r.limits.MaxDecompressed)
	case r.compressed:
		return fmt.Errorf("after line %d: %w: %v", r.line, ErrCorruptGzip, err)
	}
	return fmt.Errorf("after line %d: %w", r.line, err)
}

// Close releases the gzip decoder. It does not close the underlying reader.
func (r *Reader) Close() error {
	if r.gz != nil {
		return r.gz.Close()
	}
	return nil
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// capReader fails with ErrTooLarge once more than the allowed bytes have been read.
type capReader struct {
	r         io.Reader
	remaining int64
	read      int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.remaining < 0 {
		return 0, ErrTooLarge
	}
	// Read one byte past the cap so that an object of exactly the cap is still accepted.
	if int64(len(p)) > c.remaining+1 {
		p = p[:c.remaining+1]
	}
	n, err := c.r.Read(p)
	c.read += int64(n)
	c.remaining -= int64(n)
	if c.remaining < 0 {
		return n, ErrTooLarge
	}
	return n, err
}
