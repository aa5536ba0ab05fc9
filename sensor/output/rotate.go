package output

import (
	"bufio"
	"fmt"
	"os"
	"sync"
)

// DefaultMaxBytes is the default size at which a file is rotated.
const DefaultMaxBytes = 100 << 20

// DefaultKeep is the default number of rotated files kept beside the current one.
const DefaultKeep = 5

// RotatingFile appends lines to a file and, when the next line would take it past
// MaxBytes, renames it to NAME.1 (shifting older files up to NAME.<Keep>) and starts a new
// one. Lines are buffered until Flush or Close. It is safe for concurrent use.
type RotatingFile struct {
	path     string
	maxBytes int64
	keep     int

	mu   sync.Mutex
	file *os.File
	buf  *bufio.Writer
	size int64
}

// OpenRotating opens path for appending, creating it when missing. maxBytes <= 0 means
// DefaultMaxBytes and keep <= 0 means DefaultKeep.
func OpenRotating(path string, maxBytes int64, keep int) (*RotatingFile, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if keep <= 0 {
		keep = DefaultKeep
	}

	r := &RotatingFile{path: path, maxBytes: maxBytes, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("open output %q: %w", r.path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("open output %q: %w", r.path, err)
	}

	r.file, r.size = f, st.Size()
	r.buf = bufio.NewWriterSize(f, 64<<10)
	return nil
}

// WriteLine appends line, which must end in a newline, rotating first when needed.
func (r *RotatingFile) WriteLine(line []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()

	if r.size > 0 && r.size+int64(len(line)) > r.maxBytes {
		if err := r.rotate(); err != nil {
			return err
		}
	}

	n, err := r.buf.Write(line)
	r.size += int64(n)
	if err != nil {
		return fmt.Errorf("write output %q: %w", r.path, err)
	}
	return nil
}

func (r *RotatingFile) rotate() error {
	if err := r.closeFile(); err != nil {
		return err
	}

	// Shift NAME.(k-1) to NAME.k, oldest first, so NAME.<keep> is overwritten.
	for k := r.keep; k > 1; k-- {
		older := fmt.Sprintf("%s.%d", r.path, k-1)
		if _, err := os.Stat(older); err == nil {
			if err := os.Rename(older, fmt.Sprintf("%s.%d", r.path, k)); err != nil {
				return fmt.Errorf("rotate output %q: %w", r.path, err)
			}
		}
	}
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return fmt.Errorf("rotate output %q: %w", r.path, err)
	}
	return r.open()
}

// Flush writes buffered lines to the file.
func (r *RotatingFile) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()

	if err := r.buf.Flush(); err != nil {
		return fmt.Errorf("flush output %q: %w", r.path, err)
	}
	return nil
}

// Close flushes and closes the file.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()

	return r.closeFile()
}

func (r *RotatingFile) closeFile() error {
	flushErr := r.buf.Flush()
	closeErr := r.file.Close()
	if flushErr != nil {
		return fmt.Errorf("flush output %q: %w", r.path, flushErr)
	}
	if closeErr != nil {
		return fmt.Errorf("close output %q: %w", r.path, closeErr)
	}
	return nil
}
