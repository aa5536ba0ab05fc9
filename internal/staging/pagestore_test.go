package staging

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fillStore adds 3 MB of pages of about 1 KB, then one page larger than a segment. It returns
// where each page went and what it contains.
func fillStore(s *pageStore) ([]pageRef, [][]byte) {
	return fillStoreWith(s, 3*segmentBytes/1000)
}

// fillStoreWith adds count pages of about 1 KB, then one page larger than a segment.
func fillStoreWith(s *pageStore, count int) ([]pageRef, [][]byte) {
	small := bytes.Repeat([]byte("a"), 1000)
	var refs []pageRef
	var pages [][]byte
	for i := range count {
		page := append([]byte{byte(i)}, small...)
		refs = append(refs, s.add(page[:1], page[1:]))
		pages = append(pages, page)
	}

	large := bytes.Repeat([]byte("b"), segmentBytes+10)
	refs = append(refs, s.add(large))
	pages = append(pages, large)
	return refs, pages
}

func TestPageStoreKeepsPages(t *testing.T) {
	var s pageStore
	refs, pages := fillStore(&s)

	for i, r := range refs {
		require.Equal(t, pages[i], s.bytes(r), "page %d", i)
		require.Equal(t, int64(len(pages[i])), r.len(), "page %d", i)
	}

	// Segments start small and double up to segmentBytes, and the large page has its own.
	var sizes []int
	for _, seg := range s.segments[:s.used] {
		sizes = append(sizes, cap(seg))
	}
	assert.Equal(t, []int{64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 1 << 20, 1 << 20, segmentBytes + 10}, sizes)
}

func TestPageStoreReusesSegments(t *testing.T) {
	var s pageStore
	fillStore(&s)
	allocated := s.allocated()

	// The same pages again take no new segment.
	s.reset()
	refs, pages := fillStore(&s)
	assert.Equal(t, allocated, s.allocated())
	for i, r := range refs {
		require.Equal(t, pages[i], s.bytes(r), "page %d", i)
	}

	// A page larger than the spare segment in line replaces it.
	s.reset()
	big := bytes.Repeat([]byte("d"), 2*segmentBytes)
	r := s.add(big)
	assert.Equal(t, big, s.bytes(r))
	assert.Equal(t, 1, s.used)
	assert.Equal(t, 2*segmentBytes, cap(s.segments[0]))
}

// TestPageStoreManySegments checks that segments stay at segmentBytes however many a file
// takes.
func TestPageStoreManySegments(t *testing.T) {
	var s pageStore
	fillStoreWith(&s, 100*segmentBytes/1000)

	require.Greater(t, s.used, 90)
	for i, seg := range s.segments[4 : s.used-1] {
		require.Equal(t, segmentBytes, cap(seg), "segment %d", i+4)
	}
}
