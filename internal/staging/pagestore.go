package staging

// segmentBytes is the size of a pageStore segment once the file has grown. A larger page, such
// as one that contains a line near the 1 MiB line limit, gets a segment of its own size.
const segmentBytes = 1 << 20

// firstSegmentBytes is the size of a new store's first segment. Each further one doubles it up
// to segmentBytes, so that a file of a few rows does not take a whole segment.
const firstSegmentBytes = 64 << 10

// pageStore keeps the encoded pages of the file being written, in segments that are only
// appended to, so that a growing column chunk is never copied to a larger buffer. The file is
// laid out once at the end, and the segments are reused for the next file.
type pageStore struct {
	segments [][]byte
	used     int // segments in use, of which segments[used-1] is being filled
}

// pageRef locates one page's bytes in a pageStore.
type pageRef struct {
	segment    int32
	start, end int32
}

func (r pageRef) len() int64 { return int64(r.end - r.start) }

// add stores the concatenation of parts as one page.
func (s *pageStore) add(parts ...[]byte) pageRef {
	n := 0
	for _, p := range parts {
		n += len(p)
	}

	if s.used == 0 || cap(s.segments[s.used-1])-len(s.segments[s.used-1]) < n {
		s.next(n)
	}
	i := s.used - 1
	start := len(s.segments[i])
	for _, p := range parts {
		s.segments[i] = append(s.segments[i], p...)
	}
	return pageRef{segment: int32(i), start: int32(start), end: int32(len(s.segments[i]))}
}

// next starts a segment with room for n bytes, reusing a spare one when it is large enough.
func (s *pageStore) next(n int) {
	if s.used < len(s.segments) && cap(s.segments[s.used]) >= n {
		s.segments[s.used] = s.segments[s.used][:0]
	} else {
		size := segmentBytes
		if s.used < 4 {
			size = firstSegmentBytes << s.used // 64, 128, 256 and 512 KiB
		}
		seg := make([]byte, 0, max(n, size))
		if s.used < len(s.segments) {
			s.segments[s.used] = seg
		} else {
			s.segments = append(s.segments, seg)
		}
	}
	s.used++
}

// bytes returns the stored page that r locates.
func (s *pageStore) bytes(r pageRef) []byte {
	return s.segments[r.segment][r.start:r.end]
}

// reset empties the store and keeps its segments.
func (s *pageStore) reset() {
	s.used = 0
}

// allocated returns the capacity of the segments in bytes.
func (s *pageStore) allocated() int {
	n := 0
	for _, seg := range s.segments {
		n += cap(seg)
	}
	return n
}
