package objectkey

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRaw(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		want    Raw
		wantErr bool
	}{
		{
			name: "shipper key",
			key:  "source=ot_sensor/date=2026-05-20/gw-01-20260520T101500Z-000001.json.gz",
			want: Raw{Source: "ot_sensor", Date: "2026-05-20", Name: "gw-01-20260520T101500Z-000001.json.gz"},
		},
		{
			name: "date before source under a prefix",
			key:  "lake/date=2026-05-20/source=iptables/a.log",
			want: Raw{Source: "iptables", Date: "2026-05-20", Name: "a.log"},
		},
		{name: "no partitions", key: "uploads/a.log", want: Raw{Name: "a.log"}},
		{name: "invalid date", key: "source=x/date=20260520/a", wantErr: true},
		{name: "name with equals sign", key: "source=x/date=2026-05-20/a=b", want: Raw{Source: "x", Date: "2026-05-20", Name: "a=b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRaw(tt.key)
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.key)
				return
			}
			require.NoError(t, err)
			tt.want.Key = tt.key
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestKeys(t *testing.T) {
	assert.Equal(t, "source=ot_sensor/date=2026-05-20/a.json.gz", RawKey("ot_sensor", "2026-05-20", "a.json.gz"))
	assert.Equal(t, "parsed/date=2026-05-20/source=malcolm/abc.parquet", Staged("2026-05-20", "malcolm", "abc", 0))
	assert.Equal(t, "parsed/date=2026-05-20/source=malcolm/abc-0002.parquet", Staged("2026-05-20", "malcolm", "abc", 2))
	assert.Equal(t, "errors/date=2026-05-20/source=iptables/abc.ndjson", Quarantine("2026-05-20", "iptables", "abc"))
}
