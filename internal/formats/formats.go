package formats

import "time"

// Context is what the parser knows about a line beyond its bytes.
type Context struct {
	// ObjectDate is the object's date= partition (midnight UTC), zero when the key has none.
	// RFC 3164 timestamps, which have no year, take their year from it.
	ObjectDate time.Time
	// SourceHint is the object's source= partition; it orders the sniffing, never decides it.
	SourceHint string
	// Blocks, when set, is reused for the record's pointer fields instead of new memory.
	Blocks *Blocks
}
