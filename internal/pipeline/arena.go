package pipeline

import "strings"

// lineBlockBytes is the size of one block of a lineArena. A line longer than a quarter of it
// gets a string of its own, so that a block never holds much unused space.
const lineBlockBytes = 1 << 20

// lineArena copies lines into large blocks and returns each as a string, so that a line costs
// no allocation of its own. A block is a strings.Builder that is only appended to, so its
// strings stay valid for as long as they are used. Rows are encoded as they stream and
// detections copy their strings, so only the rows still held back keep a block alive.
type lineArena struct {
	block *strings.Builder
}

// String returns a copy of line as a string. The caller may reuse line afterwards.
func (a *lineArena) String(line []byte) string {
	if len(line) > lineBlockBytes/4 {
		return string(line)
	}
	if a.block == nil || a.block.Cap()-a.block.Len() < len(line) {
		// Grow leaves the new block's bytes uninitialised, which a fresh []byte would zero.
		a.block = new(strings.Builder)
		a.block.Grow(lineBlockBytes)
	}

	start := a.block.Len()
	a.block.Write(line)
	return a.block.String()[start:]
}
