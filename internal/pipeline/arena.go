package pipeline

import (
	"strings"

	"github.com/zeebo/xxh3"
)

// lineBlockBytes is the size of one block of a lineArena. A line longer than a quarter of it
// gets a string of its own, so that a block never holds much unused space.
const lineBlockBytes = 1 << 20

// lineArena copies an object's lines into large blocks, each line followed by '\n', and returns
// each line as a string without an allocation of its own. A block is a strings.Builder that is
// only appended to, so its strings stay valid while rows and detections use them.
//
// The arena also feeds the object's content digest a block at a time, which costs less than
// two small writes per line.
type lineArena struct {
	block  *strings.Builder
	hashed int // bytes of block already in digest
	digest *xxh3.Hasher
}

func newLineArena() *lineArena {
	return &lineArena{digest: xxh3.New()}
}

// Add copies line and a '\n' into the arena and the digest, and returns the line as a string.
// The caller may reuse line afterwards.
func (a *lineArena) Add(line []byte) string {
	if len(line) >= lineBlockBytes/4 {
		a.hashBlock()
		a.digest.Write(line)
		a.digest.Write([]byte{'\n'})
		return string(line)
	}
	if a.block == nil || a.block.Cap()-a.block.Len() <= len(line) {
		a.hashBlock()

		// Grow leaves the new block's bytes uninitialised, which a fresh []byte would zero.
		a.block, a.hashed = new(strings.Builder), 0
		a.block.Grow(lineBlockBytes)
	}

	start := a.block.Len()
	a.block.Write(line)
	a.block.WriteByte('\n')
	return a.block.String()[start : start+len(line)]
}

// Sum returns the 128-bit XXH3 digest of every line added, each followed by '\n'.
func (a *lineArena) Sum() [16]byte {
	a.hashBlock()
	return a.digest.Sum128().Bytes()
}

// hashBlock adds the part of the block not yet hashed to the digest.
func (a *lineArena) hashBlock() {
	if a.block == nil {
		return
	}
	a.digest.WriteString(a.block.String()[a.hashed:])
	a.hashed = a.block.Len()
}
