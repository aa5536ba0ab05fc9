// Command querylake writes a local lake of synthetic staged Parquet for the query benchmark
// (bench/query.sh): sensor alerts, netfilter lines and Suricata EVE alerts in the proportions
// of synth.Mix, parsed by the production parser and encoded by the production Parquet writer
// under staged/parsed/date=YYYY-MM-DD/source=NAME/. It writes only the staged folder; no
// detections or reports are made.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/formats"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
	"github.com/otlake/cloud-telemetry-lake/internal/staging"
	"github.com/otlake/cloud-telemetry-lake/internal/synth"
)

// batchLines is how many lines are generated and parsed at a time.
const batchLines = 10_000

type partition struct{ date, source string }

func main() {
	out := flag.String("lake", "", "lake `folder` to create; must not exist yet")
	rows := flag.Int("rows", 5_000_000, "number of staged `rows` to write")
	perFile := flag.Int("rows-per-file", 100_000, "`rows` per Parquet object, as one raw object of a busy sensor would give")
	seed := flag.Uint64("seed", 1, "random `seed` of the synthetic lines")
	flag.Parse()

	if err := run(*out, *rows, *perFile, *seed); err != nil {
		slog.Error("write benchmark lake", "error", err)
		os.Exit(1)
	}
}

func run(lake string, total, perFile int, seed uint64) error {
	if lake == "" || total < 1 || perFile < 1 {
		return fmt.Errorf("usage: querylake -lake DIR [-rows N] [-rows-per-file N]")
	}
	if _, err := os.Stat(lake); err == nil {
		return fmt.Errorf("lake folder %q exists: remove it or pick another", lake)
	}

	started := time.Now()
	gen := synth.New(seed, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	buffers := map[partition][]staging.Row{}
	files, written, bad := 0, 0, 0

	flush := func(p partition) error {
		data, err := staging.Encode(buffers[p])
		if err != nil {
			return err
		}
		files++
		key := fmt.Sprintf("%sdate=%s/source=%s/bench-%06d.parquet", objectkey.StagedPrefix, p.date, p.source, files)
		path := filepath.Join(lake, "staged", filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		written += len(buffers[p])
		// Drop the rows instead of reusing the slice, so that their raw lines can be freed.
		delete(buffers, p)
		return nil
	}

	// flushBefore writes the buffers of dates before date. The generator's clock only moves
	// forward, so an earlier date gets no more rows and memory stays bounded by one day.
	flushBefore := func(date string) error {
		for p, rows := range buffers {
			if p.date < date && len(rows) > 0 {
				if err := flush(p); err != nil {
					return err
				}
			}
		}
		return nil
	}

	// Parse each line as the parser Lambda does and route its row to its date and source.
	currentDate := ""
	for line := 0; line < total; {
		for _, text := range gen.Mix(min(batchLines, total-line)) {
			line++
			rec, err := formats.Parse([]byte(text), formats.Context{})
			if err != nil {
				bad++
				continue
			}
			p := partition{rec.EventTime.UTC().Format(objectkey.DateLayout), rec.Format.DefaultSource()}
			if p.date > currentDate {
				if err := flushBefore(p.date); err != nil {
					return err
				}
				currentDate = p.date
			}
			rawKey := fmt.Sprintf("source=%s/date=%s/bench.json.gz", p.source, p.date)
			buffers[p] = append(buffers[p], staging.FromRecord(&rec, rawKey, line))
			if len(buffers[p]) >= perFile {
				if err := flush(p); err != nil {
					return err
				}
			}
		}
	}
	for p, rows := range buffers {
		if len(rows) > 0 {
			if err := flush(p); err != nil {
				return err
			}
		}
	}

	slog.Info("wrote benchmark lake", "lake", lake, "rows", written, "files", files, "bad_lines", bad, "took", time.Since(started).Round(time.Millisecond))
	return nil
}
