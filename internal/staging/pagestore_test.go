package staging

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPageStoreKeepsPages(t *testing.T) {
	var s pageStore
	small := bytes.Repeat([]byte("a"), 1000)
	large := bytes.Repeat([]byte("b"), segmentBytes+10)

	// Pages fill a segment, a page that does not fit starts the next one, and a page larger
	// than a segment gets one of its own size.
	var refs []pageRef
	var want [][]byte
	for i := range segmentBytes/len(small) + 2 {
		page := append([]byte{byte(i)}, small...)
		refs = append(refs, s.add(page[:1], page[1:]))
		want = append(want, page)
	}
	refs = append(refs, s.add(large))
	want = append(want, large)

	require.Equal(t, 3, s.used)
	for i, r := range refs {
		require.Equal(t, want[i], s.bytes(r), "page %d", i)
	}
	assert.Equal(t, int64(len(large)), refs[len(refs)-1].len())

	// After a reset the segments are reused, and a page larger than a spare segment replaces it.
	allocated := s.allocated()
	s.reset()
	r := s.add(small)
	assert.Equal(t, small, s.bytes(r))
	assert.Equal(t, allocated, s.allocated())
	s.add(bytes.Repeat([]byte("c"), segmentBytes-len(small)+1))
	big := bytes.Repeat([]byte("d"), 2*segmentBytes)
	r = s.add(big)
	assert.Equal(t, big, s.bytes(r))
	assert.Equal(t, 3, s.used)
}
