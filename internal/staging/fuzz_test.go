package staging

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzEncodeMatchesGenericWriter builds two rows from arbitrary values and checks that the
// row buffer and the direct encoder store them as parquet-go's GenericWriter does.
func FuzzEncodeMatchesGenericWriter(f *testing.F) {
	for _, row := range parsedRows([]string{
		`<4>May 20 19:20:00 ot-gateway kernel: OT-DROP: IN=eth0 OUT=eth1 SRC=172.24.0.9 DST=172.21.0.12 LEN=60 TTL=63 ID=1 DF PROTO=TCP SPT=53704 DPT=502 WINDOW=64240 SYN URGP=0`,
		`{"timestamp":"2026-05-20T19:20:00.835Z","sensor":"gw","rule":"UNAUTHORIZED_MODBUS_WRITE","severity":"HIGH","techniques":["T0855"],"src_ip":"172.24.0.9","src_port":40000,"dst_ip":"172.21.0.12","dst_port":502,"count":3,"message":"write"}`,
	}) {
		f.Add(row.EventTime.UnixNano(), row.Raw, row.HostIdentifier, row.SrcIP, int32(502), true, uint8(2))
	}

	f.Fuzz(func(t *testing.T, nanos int64, raw, text, ip string, number int32, flag bool, techniques uint8) {
		base := time.Unix(0, nanos).UTC()
		var list []string
		if techniques > 0 {
			list = make([]string, 0, techniques%5)
			for range techniques % 5 {
				list = append(list, text)
			}
		}
		rows := []Row{
			{
				EventTime: base, IngestTime: &base, TimeAssumedUTC: flag, Format: text, HostIdentifier: text,
				SrcIP: ip, DstPort: &number, AlertCount: &number, Techniques: list, Message: text,
				RawKey: ip, RawLine: number, Raw: raw,
			},
			{EventTime: base.Add(-time.Duration(number)), Rule: raw, Raw: text, RawKey: text, RawLine: 1},
		}

		var buf RowBuffer
		for _, row := range rows {
			buf.Add(row)
		}
		data, err := EncodeBuffer(&buf)
		require.NoError(t, err)
		got, err := Decode(data)
		require.NoError(t, err)

		SortRows(rows)
		want, err := Decode(referenceEncode(t, rows))
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}
