package ship

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memTarget keeps objects in memory and can fail a number of puts first.
type memTarget struct {
	mu       sync.Mutex
	objects  map[string][]byte
	failNext int
	puts     int
}

func newMemTarget() *memTarget { return &memTarget{objects: map[string][]byte{}} }

func (m *memTarget) String() string { return "mem://" }

func (m *memTarget) Put(_ context.Context, key string, body []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	if m.failNext > 0 {
		m.failNext--
		return errors.New("service unavailable")
	}
	m.objects[key] = append([]byte(nil), body...)
	return nil
}

// lines returns every line of every object, gunzipped, in key order.
func (m *memTarget) lines(t *testing.T) []string {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()

	keys := make([]string, 0, len(m.objects))
	for k := range m.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		zr, err := gzip.NewReader(bytes.NewReader(m.objects[k]))
		require.NoError(t, err, k)
		data, err := io.ReadAll(zr)
		require.NoError(t, err, k)
		out = append(out, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
	}
	return out
}

type fixture struct {
	dir    string
	alerts string
	state  string
	target *memTarget
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	return &fixture{
		dir: dir, alerts: filepath.Join(dir, "alerts.ndjson"), state: filepath.Join(dir, "state.json"),
		target: newMemTarget(), now: time.Date(2026, 5, 20, 19, 20, 0, 0, time.UTC),
	}
}

func (f *fixture) shipper(t *testing.T) *Shipper {
	t.Helper()
	s, err := New(Config{
		Streams: []Stream{{Source: "ot_sensor", Path: f.alerts}},
		Target:  f.target, Host: "gw-01", StatePath: f.state,
		BatchBytes: 1 << 20, BatchInterval: time.Minute,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return f.now },
	})
	require.NoError(t, err)
	// The same start-up order as Run: re-send the pending batch, then resume reading.
	require.NoError(t, s.resendPending(context.Background()))
	ss := s.state.Streams["ot_sensor"]
	require.NoError(t, s.tails["ot_sensor"].resume(ss.Inode, ss.Offset))
	return s
}

// appendLines writes alert-shaped lines numbered from..to-1 to path.
func appendLines(t *testing.T, path string, from, to int) []string {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer fh.Close()
	var lines []string
	for i := from; i < to; i++ {
		line := fmt.Sprintf(`{"timestamp":"2026-05-20T19:%02d:%02d.000Z","n":%d}`, i/60%60, i%60, i)
		_, err := fh.WriteString(line + "\n")
		require.NoError(t, err)
		lines = append(lines, line)
	}
	return lines
}

func TestShipBatchToKey(t *testing.T) {
	f := newFixture(t)
	want := appendLines(t, f.alerts, 0, 5)

	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	require.Len(t, f.target.objects, 1)
	assert.Contains(t, f.target.objects, "source=ot_sensor/date=2026-05-20/gw-01-20260520T190000Z-000000.json.gz")
	assert.Equal(t, want, f.target.lines(t))
	assert.Equal(t, 5, s.Counters.Lines)
}

func TestShipWaitsForWholeLinesAndAge(t *testing.T) {
	f := newFixture(t)
	want := appendLines(t, f.alerts, 0, 3)
	fh, err := os.OpenFile(f.alerts, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = fh.WriteString(`{"timestamp":"2026-05-20T19:59:00.000Z","partial`)
	require.NoError(t, err)

	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), false))
	assert.Empty(t, f.target.objects, "a young batch waits")

	f.now = f.now.Add(2 * time.Minute)
	require.NoError(t, s.Poll(context.Background(), false))
	assert.Equal(t, want, f.target.lines(t), "the partial last line stays behind")

	// The writer finishes the line: it ships with the next batch.
	_, err = fh.WriteString("\"}\n")
	require.NoError(t, err)
	fh.Close()
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()
	assert.Len(t, f.target.lines(t), 4)
}

func TestShipRestartMidBatch(t *testing.T) {
	f := newFixture(t)
	first := appendLines(t, f.alerts, 0, 10)

	// The first run reads the lines into a batch but stops before shipping it (a crash).
	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), false))
	require.Empty(t, f.target.objects)
	s.close()

	second := appendLines(t, f.alerts, 10, 15)
	s = f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	assert.Equal(t, append(first, second...), f.target.lines(t), "nothing lost, nothing twice")
}

func TestShipRestartAfterUploadBeforeCommit(t *testing.T) {
	f := newFixture(t)
	appendLines(t, f.alerts, 0, 4)
	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()
	require.Len(t, f.target.objects, 1)

	// Put the state back to "pending": the upload happened, the commit did not.
	st, err := LoadState(f.state)
	require.NoError(t, err)
	ss := st.Streams["ot_sensor"]
	var key string
	for k := range f.target.objects {
		key = k
	}
	ss.Pending = &Pending{Key: key, Inode: ss.Inode, From: 0, To: ss.Offset}
	ss.Offset, ss.Seq = 0, 0
	require.NoError(t, st.Save(f.state))

	more := appendLines(t, f.alerts, 4, 6)
	s = f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	assert.Equal(t, 1, s.Counters.Resent)
	assert.Len(t, f.target.objects, 2, "the re-sent batch overwrote its own key")
	lines := f.target.lines(t)
	assert.Len(t, lines, 6)
	assert.Equal(t, more, lines[4:])
}

func TestShipFollowsRotation(t *testing.T) {
	f := newFixture(t)
	before := appendLines(t, f.alerts, 0, 3)
	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), false))

	// The sensor rotates: more lines land in the old file, then it is renamed and replaced.
	tail := appendLines(t, f.alerts, 3, 5)
	require.NoError(t, os.Rename(f.alerts, f.alerts+".1"))
	after := appendLines(t, f.alerts, 5, 8)

	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	want := append(append(before, tail...), after...)
	assert.ElementsMatch(t, want, f.target.lines(t))
	assert.Len(t, f.target.objects, 2, "a batch never spans two files")
}

func TestShipResumesRotatedWhileDown(t *testing.T) {
	f := newFixture(t)
	appendLines(t, f.alerts, 0, 3)
	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	// While otship is down the file grows, rotates twice, and a new one starts.
	missed := appendLines(t, f.alerts, 3, 5)
	require.NoError(t, os.Rename(f.alerts, f.alerts+".1"))
	missed = append(missed, appendLines(t, f.alerts, 5, 7)...)
	require.NoError(t, os.Rename(f.alerts+".1", f.alerts+".2"))
	require.NoError(t, os.Rename(f.alerts, f.alerts+".1"))
	missed = append(missed, appendLines(t, f.alerts, 7, 9)...)

	s = f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	lines := f.target.lines(t)
	assert.Len(t, lines, 9)
	assert.Subset(t, lines, missed)
}

func TestShipRetriesFailingTarget(t *testing.T) {
	f := newFixture(t)
	want := appendLines(t, f.alerts, 0, 5)
	f.target.failNext = 2

	s := f.shipper(t)
	require.NoError(t, s.Poll(context.Background(), true))
	s.close()

	assert.Equal(t, 2, s.Counters.Retries)
	assert.Equal(t, 3, f.target.puts)
	assert.Equal(t, want, f.target.lines(t))
}

func TestFileTargetWritesWhole(t *testing.T) {
	dir := t.TempDir()
	tgt := &FileTarget{Dir: dir}
	key := "source=iptables/date=2026-05-20/gw-01-20260520T192000Z-000001.json.gz"
	require.NoError(t, tgt.Put(context.Background(), key, []byte("abc")))

	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(key)))
	require.NoError(t, err)
	assert.Equal(t, "abc", string(data))
	entries, err := os.ReadDir(filepath.Join(dir, "source=iptables", "date=2026-05-20"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestFirstEventTime(t *testing.T) {
	fallback := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		line string
		want time.Time
	}{
		{"alert json", `{"timestamp":"2026-05-20T19:20:00.123Z","rule":"X"}`, time.Date(2026, 5, 20, 19, 20, 0, 123e6, time.UTC)},
		{"firewall line", "2026-05-20T19:20:01.000001Z gw-01 kernel: OT-DROP: IN=eth0", time.Date(2026, 5, 20, 19, 20, 1, 1000, time.UTC)},
		{"json without timestamp", `{"rule":"X"}`, fallback},
		{"rfc3164 line", "May 20 19:20:01 gw-01 kernel: x", fallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, tt.want.Equal(firstEventTime([]byte(tt.line+"\nnext\n"), fallback)))
		})
	}
}
