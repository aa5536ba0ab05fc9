package staging

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDictionaryFallsBack checks that distinctRows fills the dictionaries of the columns it
// means to, by count and by bytes, so that the encoder cases really write chunks that start
// with dictionary pages and go on with PLAIN ones.
func TestDictionaryFallsBack(t *testing.T) {
	rows := distinctRows()
	SortRows(rows)
	enc, err := newFileEncoder()
	require.NoError(t, err)
	for i := range rows {
		require.NoError(t, enc.writeRow(&rows[i]))
	}

	assert.True(t, enc.cols.hostIdentifier.dictOff, "host_identifier: more values than the dictionary takes")
	assert.True(t, enc.cols.srcIP.dictOff, "src_ip: more values than the dictionary takes")
	assert.True(t, enc.cols.signature.dictOff, "signature: more bytes than the dictionary takes")
	assert.False(t, enc.cols.format.dictOff, "format keeps its dictionary")

	_, err = enc.finish()
	require.NoError(t, err)
}

func TestEncodeIndices(t *testing.T) {
	tests := []struct {
		name    string
		entries int
		indices []uint32
		want    []byte
	}{
		{"one value still takes one bit", 1, []uint32{0, 0, 0}, []byte{1, 1<<1 | 1, 0}},
		{"three bits, nine values in two groups", 8, []uint32{1, 2, 3, 4, 5, 6, 7, 0, 5},
			[]byte{3, 2<<1 | 1, 0b11_010_001, 0b0_101_100_0, 0b000_111_11, 0b101, 0, 0}},
		{"twelve bits", 4096, []uint32{0xabc, 0x123}, []byte{12, 1<<1 | 1, 0xbc, 0x3a, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &textDictionary{entries: make([]dictionaryEntry, tt.entries), indices: tt.indices}
			assert.Equal(t, tt.want, d.encodeIndices())
		})
	}
}

func TestDictionaryIndex(t *testing.T) {
	var d textDictionary
	long := "2026-05-20T10:02:38.412Z gw kernel: "
	values := []string{"", "eth0", "eth1", long + "a", long + "b", "eth0\x00", "\x00"}
	for i := range 1000 {
		values = append(values, fmt.Sprintf("value-%d", i))
	}

	for i, v := range values {
		index, added := d.index(v, stringKey(v))
		require.True(t, added, "%q", v)
		require.Equal(t, uint32(i), index, "%q", v)
	}

	// Equal strings at other addresses find their entries, after the table has grown.
	for i, v := range values {
		again := string([]byte(v))
		index, added := d.index(again, stringKey(again))
		assert.False(t, added, "%q", v)
		assert.Equal(t, uint32(i), index, "%q", v)
	}
	assert.Len(t, d.entries, len(values))
	assert.Greater(t, len(d.slots), 2*len(values)-1)
}
