package pipeline

import (
	"github.com/zeebo/xxh3"
)

// digestBufferBytes is the size of the buffer that gathers lines for the digest.
const digestBufferBytes = 64 << 10

// lineDigest computes the content digest of an object's lines, each followed by '\n'. It
// copies the lines into one reused buffer and hashes the buffer when it is full, which costs
// less than two small hash writes per line.
type lineDigest struct {
	buf    []byte
	digest *xxh3.Hasher
}

func newLineDigest() *lineDigest {
	return &lineDigest{buf: make([]byte, 0, digestBufferBytes), digest: xxh3.New()}
}

// Add adds line and a '\n' to the digest. The caller may reuse line afterwards.
func (d *lineDigest) Add(line []byte) {
	if len(d.buf)+len(line)+1 > cap(d.buf) {
		d.flush()
		if len(line)+1 > cap(d.buf) {
			d.digest.Write(line)
			d.digest.Write([]byte{'\n'})
			return
		}
	}
	d.buf = append(d.buf, line...)
	d.buf = append(d.buf, '\n')
}

// Sum returns the 128-bit XXH3 digest of every line added, each followed by '\n'.
func (d *lineDigest) Sum() [16]byte {
	d.flush()
	return d.digest.Sum128().Bytes()
}

func (d *lineDigest) flush() {
	d.digest.Write(d.buf)
	d.buf = d.buf[:0]
}
