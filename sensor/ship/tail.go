package ship

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// maxRotated bounds how many rotated generations (path.1 .. path.N) are searched for the file
// a checkpoint points at after a restart.
const maxRotated = 9

// tailer reads the complete lines of a file that may be rotated under it.
type tailer struct {
	path   string
	file   *os.File
	inode  uint64
	offset int64 // next byte to read from file
	// queue holds older generations still to be read after a restart, oldest first.
	queue []generation
}

type generation struct {
	file  *os.File
	inode uint64
}

func inodeOf(info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// resume opens the file the checkpoint points at, which may since have been rotated to
// path.N, and positions it at offset. Newer generations are queued to follow.
func (t *tailer) resume(inode uint64, offset int64) error {
	if inode == 0 {
		return nil // first run: open lazily when the file appears
	}

	// Collect generations newest first: path, path.1, path.2, ...
	var gens []generation
	for k := 0; k <= maxRotated; k++ {
		name := t.path
		if k > 0 {
			name = fmt.Sprintf("%s.%d", t.path, k)
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			continue
		}
		gens = append(gens, generation{file: f, inode: inodeOf(info)})
		if inodeOf(info) == inode {
			break
		}
	}

	found := len(gens) > 0 && gens[len(gens)-1].inode == inode
	if !found {
		for _, g := range gens {
			g.file.Close()
		}
		return fmt.Errorf("resume %q: the file of the checkpoint (inode %d) is gone; lines after offset %d were rotated away", t.path, inode, offset)
	}

	// Read the checkpoint's generation from offset, then the newer ones from their start.
	t.file, t.inode, t.offset = gens[len(gens)-1].file, inode, offset
	if _, err := t.file.Seek(offset, io.SeekStart); err != nil {
		return fmt.Errorf("resume %q at %d: %w", t.path, offset, err)
	}
	for i := len(gens) - 2; i >= 0; i-- {
		t.queue = append(t.queue, gens[i])
	}
	return nil
}

// readLines returns the complete lines available now, at most max bytes, and the offset
// range they cover in the current file. A partial last line is left for the next call. It
// moves to the next generation when the current one is exhausted and has been rotated away,
// and then returns rotated=true with no data so that the caller closes its batch first.
func (t *tailer) readLines(max int) (data []byte, from int64, rotated bool, err error) {
	if t.file == nil {
		f, err := os.Open(t.path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, false, nil
		}
		if err != nil {
			return nil, 0, false, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, 0, false, err
		}
		t.file, t.inode, t.offset = f, inodeOf(info), 0
	}

	buf := make([]byte, max)
	n, err := t.file.ReadAt(buf, t.offset)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, false, fmt.Errorf("read %q: %w", t.path, err)
	}
	if cut := bytes.LastIndexByte(buf[:n], '\n'); cut >= 0 {
		from = t.offset
		t.offset += int64(cut + 1)
		return buf[:cut+1], from, false, nil
	}
	if n == max {
		// A line longer than a whole batch: ship it alone rather than stall the stream.
		from = t.offset
		t.offset += int64(n)
		return buf[:n], from, false, nil
	}

	// Nothing complete to read: switch generations if this one was rotated away.
	return nil, 0, t.advance(), nil
}

// advance moves to the next generation when the current file is no longer the live one.
func (t *tailer) advance() bool {
	if len(t.queue) > 0 {
		t.file.Close()
		t.file, t.inode, t.offset = t.queue[0].file, t.queue[0].inode, 0
		t.queue = t.queue[1:]
		return true
	}
	info, err := os.Stat(t.path)
	if err != nil || inodeOf(info) == t.inode {
		return false
	}
	// The path names a new file. Whatever the old one still holds was read above, because
	// the writer renames before it opens the new file.
	t.file.Close()
	t.file = nil
	return t.readNew()
}

func (t *tailer) readNew() bool {
	f, err := os.Open(t.path)
	if err != nil {
		return false
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return false
	}
	t.file, t.inode, t.offset = f, inodeOf(info), 0
	return true
}

// readRange re-reads the bytes of a pending batch from the generation with inode.
func readRange(path string, inode uint64, from, to int64) ([]byte, error) {
	for k := 0; k <= maxRotated; k++ {
		name := path
		if k > 0 {
			name = fmt.Sprintf("%s.%d", path, k)
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		info, err := f.Stat()
		if err != nil || inodeOf(info) != inode {
			f.Close()
			continue
		}
		buf := make([]byte, to-from)
		_, err = f.ReadAt(buf, from)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("re-read %q bytes %d-%d: %w", name, from, to, err)
		}
		return buf, nil
	}
	return nil, fmt.Errorf("re-read %q: the file with inode %d is gone", path, inode)
}

func (t *tailer) close() {
	if t.file != nil {
		t.file.Close()
	}
	for _, g := range t.queue {
		g.file.Close()
	}
}
