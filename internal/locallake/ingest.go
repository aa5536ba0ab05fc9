package locallake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
)

// sniffLines bounds how many lines of a file are read to guess its source partition.
const sniffLines = 50

// ObjectOutcome is the result of processing one raw object.
type ObjectOutcome struct {
	Path      string // the input file, empty for objects that landed in raw/ directly
	Key       string
	Unchanged bool // already processed with the same content: nothing was done
	Result    *pipeline.Result
	Err       error
}

// Summary is the outcome of one ingest or watch round.
type Summary struct {
	Objects []ObjectOutcome
	// Incidents has one outcome per incident_correlator among the new detections, in the
	// order the correlators first appeared; empty when no new detection arrived.
	Incidents []*pipeline.Outcome
}

// Failed counts objects that could not be read or written.
func (s *Summary) Failed() int {
	n := 0
	for _, o := range s.Objects {
		if o.Err != nil {
			n++
		}
	}
	return n
}

// Ingester copies files into the lake's raw folder and runs the pipeline on them.
type Ingester struct {
	Lake   *Lake
	Limits rawobject.Limits
	Log    *slog.Logger
	Now    func() time.Time
}

func (in *Ingester) logger() *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.Default()
}

func (in *Ingester) parser() *pipeline.Parser {
	return &pipeline.Parser{
		Raw: in.Lake.RawStore(), Staged: in.Lake.StagedStore(), Detections: in.Lake.DetectionStore(),
		Limits: in.Limits, Log: in.logger(),
	}
}

// Ingest copies each file (folders are walked) into raw/ under a Hive key and processes it.
// source, when set, is the source partition for files whose path has none. New detections
// of the whole round are aggregated into one incident report.
func (in *Ingester) Ingest(ctx context.Context, paths []string, source string) (*Summary, error) {
	files, err := expandPaths(paths)
	if err != nil {
		return nil, err
	}

	sum := &Summary{}
	for _, path := range files {
		key, err := in.copyIn(path, source)
		if err != nil {
			sum.Objects = append(sum.Objects, ObjectOutcome{Path: path, Err: err})
			continue
		}
		out := in.processKey(ctx, key)
		out.Path = path
		sum.Objects = append(sum.Objects, out)
	}
	return sum, in.aggregate(ctx, sum)
}

// ProcessKeys runs the pipeline on objects already in raw/, as the watcher does.
func (in *Ingester) ProcessKeys(ctx context.Context, keys []string) (*Summary, error) {
	sum := &Summary{}
	for _, key := range keys {
		sum.Objects = append(sum.Objects, in.processKey(ctx, key))
	}
	return sum, in.aggregate(ctx, sum)
}

func (in *Ingester) processKey(ctx context.Context, key string) ObjectOutcome {
	out := ObjectOutcome{Key: key}

	digest, err := fileDigest(in.Lake.Path(RawDir, key))
	if err != nil {
		out.Err = err
		return out
	}
	prev, err := in.Lake.processedDigest(ctx, key)
	if err != nil {
		out.Err = fmt.Errorf("look up object %q: %w", key, err)
		return out
	}
	if prev == digest {
		out.Unchanged = true
		return out
	}

	out.Result, out.Err = in.parser().Process(ctx, RawBucket, key)
	if out.Err == nil {
		out.Err = in.Lake.markProcessed(ctx, key, digest)
	}
	return out
}

func (in *Ingester) aggregate(ctx context.Context, sum *Summary) error {
	var fresh []detection.Detection
	for _, o := range sum.Objects {
		if o.Result != nil {
			fresh = append(fresh, o.Result.NewDetections...)
		}
	}

	// One incident per correlator, as the aggregator Lambda makes from a stream batch.
	agg := &pipeline.Aggregator{Reports: in.Lake.ReportStore(), Notifier: in.Lake.Notifier(), Now: in.Now, Log: in.logger()}
	for _, group := range pipeline.GroupByCorrelator(fresh) {
		outcome, err := agg.Aggregate(ctx, group)
		if err != nil {
			return err
		}
		if outcome != nil {
			sum.Incidents = append(sum.Incidents, outcome)
		}
	}
	return nil
}

// copyIn places a file in raw/ and returns its key. A path that already has source= and
// date= segments keeps them; otherwise they are taken from the flag or sniffed from the
// file's first records.
func (in *Ingester) copyIn(path, source string) (string, error) {
	raw, err := objectkey.ParseRaw(filepath.ToSlash(path))
	if err != nil {
		return "", err
	}
	if raw.Source == "" {
		raw.Source = source
	}
	if raw.Source == "" || raw.Date == "" {
		sniffedSource, sniffedDate := in.sniff(path)
		if raw.Source == "" {
			raw.Source = sniffedSource
		}
		if raw.Date == "" {
			raw.Date = sniffedDate
		}
	}
	key := objectkey.RawKey(raw.Source, raw.Date, raw.Name)

	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read input %q: %w", path, err)
	}
	dest := in.Lake.Path(RawDir, key)
	if existing, err := os.ReadFile(dest); err == nil && string(existing) == string(data) {
		return key, nil
	}
	if err := writeFileAtomic(dest, data); err != nil {
		return "", fmt.Errorf("copy %q to lake: %w", path, err)
	}
	return key, nil
}

// sniff guesses the source partition and date of a file from its first parseable line.
func (in *Ingester) sniff(path string) (source, date string) {
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	source, date = "unknown", now().UTC().Format(objectkey.DateLayout)

	f, err := os.Open(path)
	if err != nil {
		return source, date
	}
	defer f.Close()
	rd, err := rawobject.NewReader(f, in.Limits)
	if err != nil {
		return source, date
	}
	defer rd.Close()
	for range sniffLines {
		line, _, err := rd.Next()
		if errors.Is(err, io.EOF) || (err != nil && !isLineError(err)) {
			break
		}
		if err != nil || len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		rec, err := formats.Parse(line, formats.Context{})
		if err != nil {
			continue
		}
		return rec.Format.DefaultSource(), rec.EventTime.UTC().Format(objectkey.DateLayout)
	}
	return source, date
}

func isLineError(err error) bool {
	var le *rawobject.LineError
	return errors.As(err, &le)
}

// expandPaths lists the regular files named by paths, walking folders in lexical order and
// skipping hidden files.
func expandPaths(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("ingest %q: %w", p, err)
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && path != p {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %q: %w", p, err)
		}
	}
	sort.Strings(files)
	return files, nil
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open raw object %q: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read raw object %q: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
