package synth

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the project's samples/ folder")

// samplesDir is the repository's samples folder, relative to this package.
var samplesDir = filepath.Join("..", "..", "samples")

// sampleFiles builds the content of every sample file. Each holds a few deliberately bad
// lines, so that a first ingest shows the quarantine at work.
// sampleStart is the first event time of every sample file.
var sampleStart = time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC)

func sampleFiles() map[string]string {
	start := sampleStart
	files := map[string]string{}

	g := New(1, start)
	var sensor []string
	for range 200 {
		sensor = append(sensor, g.SensorAlert())
	}
	files["ot_sensor/alerts.ndjson"] = strings.Join(sensor, "\n") + "\n"

	g = New(2, start)
	var fw []string
	for i := range 300 {
		if i%4 == 0 {
			fw = append(fw, g.HMIAccept())
			continue
		}
		fw = append(fw, g.Netfilter())
	}
	fw = append(fw, "May 20 19:31:02 ot-gateway kernel: [ 8122.734001] martian source 172.21.0.10 from 172.24.0.10, on dev eth1")
	files["iptables/firewall.log"] = strings.Join(fw, "\r\n") + "\r\n"

	g = New(3, start)
	var eve []string
	for i := range 200 {
		line := g.EVE()
		if i == 117 {
			line = line[:len(line)/2] // a record cut off mid-write
		}
		env, _ := json.Marshal(map[string]any{"date": float64(g.clock.UnixMilli()) / 1000, "log": line})
		eve = append(eve, string(env))
	}
	files["malcolm/eve.json.gz"] = strings.Join(eve, "\n") + "\n"
	return files
}

func gunzip(t *testing.T, data []byte) string {
	t.Helper()

	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(out)
}

func TestSamplesUpToDate(t *testing.T) {
	for name, want := range sampleFiles() {
		path := filepath.Join(samplesDir, filepath.FromSlash(name))
		gz := strings.HasSuffix(name, ".gz")

		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			data := []byte(want)
			if gz {
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				_, err := zw.Write(data)
				require.NoError(t, err)
				require.NoError(t, zw.Close())
				data = buf.Bytes()
			}
			require.NoError(t, os.WriteFile(path, data, 0o644))
		}

		data, err := os.ReadFile(path)
		require.NoError(t, err, "run go test ./internal/synth -update to write the samples")
		got := string(data)
		if gz {
			got = gunzip(t, data)
		}
		assert.Equal(t, want, got, "sample %s is stale: run go test ./internal/synth -update", name)
	}
}
