package pipeline

import "unsafe"

// lineBlockBytes is the size of one block of a lineArena. A line longer than a quarter of it
// gets a string of its own, so that a block never holds much unused space.
const lineBlockBytes = 1 << 20

// lineArena copies lines into large blocks and returns each as a string, so that a line costs
// no allocation of its own. A block is never rewritten, so its strings stay valid for as long
// as they are used. Rows are encoded as they stream and detections copy their strings, so only
// the rows still held back keep a block alive.
type lineArena struct {
	block []byte
}

// String returns a copy of line as a string. The caller may reuse line afterwards.
func (a *lineArena) String(line []byte) string {
	if len(line) == 0 {
		return ""
	}
	if len(line) > lineBlockBytes/4 {
		return string(line)
	}
	if len(line) > cap(a.block)-len(a.block) {
		a.block = make([]byte, 0, lineBlockBytes)
	}

	start := len(a.block)
	a.block = append(a.block, line...)
	return unsafe.String(&a.block[start], len(line))
}
