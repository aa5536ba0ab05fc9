package pipeline

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"time"
	"unsafe"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
	"github.com/otlake/cloud-telemetry-lake/internal/telemetry"
)

// maxReportedBadLines bounds the bad lines a Result carries for display; all of them are
// still counted and quarantined.
const maxReportedBadLines = 5

// Parser turns raw objects into staged Parquet, quarantine objects and detections.
type Parser struct {
	Raw    RawStore
	Staged ObjectWriter

	// Detections stores the detections found in each object. A parser without one only
	// stages: it derives no detections, as when the staged Parquet is rebuilt from raw
	// objects whose detections are already stored.
	Detections DetectionStore
	Limits     rawobject.Limits
	Log        *slog.Logger
}

// BadLine is one line that could not be parsed.
type BadLine struct {
	Key    string `json:"key"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Error  string `json:"error"`
	Raw    string `json:"raw,omitempty"`
}

// Result summarises one processed object.
type Result struct {
	Bucket        string
	Key           string
	Source        string // staged partition: the key's source=, else the first record's
	Date          string // staged partition: the key's date=, else the first record's day
	Digest        string
	Compressed    bool
	Lines         int
	BlankLines    int
	Records       int
	ByFormat      map[telemetry.Format]int
	BadLines      int
	BadReasons    map[string]int
	FirstBad      []BadLine
	StagedKey     string // empty when the object held no records
	QuarantineKey string // empty when every line parsed
	Detections    []detection.Detection
	NewDetections []detection.Detection // nil when the store cannot tell
}

// Process reads one raw object and writes everything derived from it. An error means the
// object could not be read or its outputs could not be written; bad lines are not errors.
func (p *Parser) Process(ctx context.Context, bucket, key string) (*Result, error) {
	log := p.logger().With("bucket", bucket, "key", key)

	raw, err := objectkey.ParseRaw(key)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Bucket: bucket, Key: key, Source: raw.Source, Date: raw.Date,
		ByFormat: map[telemetry.Format]int{}, BadReasons: map[string]int{},
	}

	// Read and parse every line. The digest that names the staged and quarantine objects
	// covers the decompressed lines only. It is XXH3, which cost about a tenth of SHA-256 in
	// the ingest benchmark, and only a writer of the raw bucket, who can already add any rows,
	// could force a collision.
	body, err := p.Raw.Open(ctx, bucket, key)
	if err != nil {
		return nil, fmt.Errorf("open object s3://%s/%s: %w", bucket, key, err)
	}
	defer body.Close()
	st := &scanState{res: res, lines: newLineDigest(), ctx: formats.Context{ObjectDate: raw.DateTime(), SourceHint: raw.Source, Blocks: new(formats.Blocks)}}
	if err := p.scan(body, st); err != nil {
		return nil, fmt.Errorf("read object s3://%s/%s: %w", bucket, key, err)
	}
	st.countFormats()
	sum := st.lines.Sum()
	res.Digest = hex.EncodeToString(sum[:])
	res.Detections = st.detections.all()
	p.fillPartitions(res, st)

	if err := p.write(ctx, res, st); err != nil {
		return nil, err
	}

	log.Info("object processed",
		"lines", res.Lines, "records", res.Records, "bad_lines", res.BadLines,
		"detections", len(res.Detections), "staged_key", res.StagedKey)
	return res, nil
}

type scanState struct {
	res        *Result
	ctx        formats.Context
	lines      *lineDigest // the digest of the lines read so far
	rows       staging.RowBuffer
	bad        []BadLine
	detections detectionChunks
	firstEvent time.Time
	firstFmt   telemetry.Format

	// formatCounts counts the records of each format during the scan, which is cheaper per
	// line than the Result's map. countFormats adds them to the map afterwards.
	formatCounts [len(knownFormats)]int
}

// knownFormats are the formats that formats.ParseString returns.
var knownFormats = [...]telemetry.Format{telemetry.FormatNetfilter, telemetry.FormatEVE, telemetry.FormatSensorAlert}

// countFormat counts one record of format f.
func (st *scanState) countFormat(f telemetry.Format) {
	for i, known := range knownFormats {
		if f == known {
			st.formatCounts[i]++
			return
		}
	}
	st.res.ByFormat[f]++
}

// countFormats adds the scan's counts to the Result, leaving out formats without records.
func (st *scanState) countFormats() {
	for i, n := range st.formatCounts {
		if n > 0 {
			st.res.ByFormat[knownFormats[i]] += n
		}
	}
}

func (p *Parser) scan(body io.Reader, st *scanState) error {
	rd, err := rawobject.NewReader(body, p.Limits)
	if err != nil {
		return err
	}
	defer rd.Close()
	st.res.Compressed = rd.Compressed()

	for {
		line, n, err := rd.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			var lineErr *rawobject.LineError
			if errors.As(err, &lineErr) {
				st.res.Lines++
				p.addBad(st, BadLine{Line: n, Reason: "line_too_long", Error: lineErr.Error()})
				continue
			}
			return err
		}
		st.res.Lines++
		st.lines.Add(line)

		if isBlank(line) {
			st.res.BlankLines++
			continue
		}

		// text shares the reader's buffer, which the next line overwrites. The row buffer,
		// detections and bad lines copy what they keep of it.
		text := unsafe.String(unsafe.SliceData(line), len(line))
		rec, err := formats.ParseString(text, st.ctx)
		if err != nil {
			p.addBad(st, BadLine{Line: n, Reason: formats.Reason(err), Error: err.Error(), Raw: string(line)})
			continue
		}
		p.addRecord(st, &rec, n)
	}
}

func (p *Parser) addRecord(st *scanState, rec *telemetry.Record, line int) {
	res := st.res
	res.Records++
	st.countFormat(rec.Format)
	if res.Records == 1 {
		// A key without partitions takes them from its first record.
		st.firstEvent = rec.EventTime
		st.firstFmt = rec.Format
		p.fillPartitions(res, st)
	}
	st.rows.AddRecord(rec, res.Key, line)

	if rec.Alert != nil && p.Detections != nil {
		ref := detection.RawRef{Bucket: res.Bucket, Key: res.Key, Line: line}
		if det, ok := detection.FromRecord(*rec, res.Source, ref); ok {
			st.detections.add(det)
		}
	}
}

func (p *Parser) addBad(st *scanState, bad BadLine) {
	bad.Key = st.res.Key
	st.res.BadLines++
	st.res.BadReasons[bad.Reason]++
	if len(st.res.FirstBad) < maxReportedBadLines {
		st.res.FirstBad = append(st.res.FirstBad, bad)
	}
	st.bad = append(st.bad, bad)
	p.logger().Debug("bad line", "key", bad.Key, "line", bad.Line, "reason", bad.Reason)
}

// fillPartitions derives the staged partitions a key did not carry from its first record.
func (p *Parser) fillPartitions(res *Result, st *scanState) {
	if res.Source == "" {
		res.Source = "unknown"
		if res.Records > 0 {
			res.Source = st.firstFmt.DefaultSource()
		}
	}
	if res.Date == "" {
		day := time.Now().UTC()
		if res.Records > 0 {
			day = st.firstEvent.UTC()
		}
		res.Date = day.Format(objectkey.DateLayout)
	}
}

func (p *Parser) write(ctx context.Context, res *Result, st *scanState) error {
	// staged Parquet: one object per raw content, overwritten on redelivery.
	if st.rows.Len() > 0 {
		data, err := staging.EncodeBuffer(&st.rows)
		if err != nil {
			return fmt.Errorf("stage object %q: %w", res.Key, err)
		}
		res.StagedKey = objectkey.Staged(res.Date, res.Source, res.Digest, 0)
		if err := p.Staged.Put(ctx, res.StagedKey, data, "application/vnd.apache.parquet"); err != nil {
			return fmt.Errorf("write staged object %q: %w", res.StagedKey, err)
		}
	}

	// quarantine: every bad line with its reason and position, one JSON object per line.
	if len(st.bad) > 0 {
		var buf []byte
		for _, b := range st.bad {
			line, err := json.Marshal(b)
			if err != nil {
				return fmt.Errorf("encode quarantine line %d of %q: %w", b.Line, res.Key, err)
			}
			buf = append(append(buf, line...), '\n')
		}
		res.QuarantineKey = objectkey.Quarantine(res.Date, res.Source, res.Digest)
		if err := p.Staged.Put(ctx, res.QuarantineKey, buf, "application/x-ndjson"); err != nil {
			return fmt.Errorf("write quarantine object %q: %w", res.QuarantineKey, err)
		}
	}

	// detections: idempotent puts keyed by content-derived IDs.
	if len(res.Detections) > 0 && p.Detections != nil {
		// The same line twice in one object is one detection.
		res.Detections = dedupeDetections(res.Detections)
		inserted, err := p.Detections.Put(ctx, res.Detections)
		if err != nil {
			return fmt.Errorf("write detections of %q: %w", res.Key, err)
		}
		res.NewDetections = inserted
	}
	return nil
}

func (p *Parser) logger() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

// dedupeSeed seeds the hash of dedupeDetections' table; any seed works, because the table
// lives for one call.
var dedupeSeed = maphash.MakeSeed()

// dedupeDetections drops repeated detection IDs, keeping the first of each in place. The kept
// detections are found through an open-addressing table of their indexes, which costs less than
// a map of strings for the tens of thousands of detections a large object holds.
func dedupeDetections(dets []detection.Detection) []detection.Detection {
	size := 1
	for size < 2*len(dets) {
		size <<= 1
	}
	mask := uint64(size - 1)
	table := make([]int32, size) // 1 + the index in dets of a kept detection; 0 is empty
	unique := 0

	for i := range dets {
		id := dets[i].DetectionID
		slot := maphash.String(dedupeSeed, id) & mask
		for table[slot] != 0 && dets[table[slot]-1].DetectionID != id {
			slot = (slot + 1) & mask
		}
		if table[slot] != 0 {
			continue // a repeat of a kept detection
		}

		if unique != i {
			dets[unique] = dets[i]
		}
		table[slot] = int32(unique + 1)
		unique++
	}
	return dets[:unique]
}

// detectionChunkLen is how many detections one chunk of detectionChunks holds.
const detectionChunkLen = 1024

// detectionChunks collects an object's detections in fixed-size chunks, so that growing the
// list never copies the detections found so far.
type detectionChunks struct {
	chunks [][]detection.Detection
	n      int
}

func (d *detectionChunks) add(det detection.Detection) {
	if len(d.chunks) == 0 || len(d.chunks[len(d.chunks)-1]) == detectionChunkLen {
		d.chunks = append(d.chunks, make([]detection.Detection, 0, detectionChunkLen))
	}
	last := &d.chunks[len(d.chunks)-1]
	*last = append(*last, det)
	d.n++
}

// all returns the detections in the order they were added, nil when there are none.
func (d *detectionChunks) all() []detection.Detection {
	if d.n == 0 {
		return nil
	}
	if len(d.chunks) == 1 {
		return d.chunks[0]
	}

	out := make([]detection.Detection, 0, d.n)
	for _, c := range d.chunks {
		out = append(out, c...)
	}
	return out
}

func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}
