package locallake

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultPollInterval is how often Watch lists raw/. Objects land whole (writers rename a
// finished temporary file into place), so a short interval only costs a directory walk.
const DefaultPollInterval = 500 * time.Millisecond

// fileState identifies a version of a raw object without reading it.
type fileState struct {
	size    int64
	modTime time.Time
}

// Watcher processes objects as they land in the lake's raw/ folder.
type Watcher struct {
	Ingester *Ingester
	Interval time.Duration
	// OnRound, when set, receives the summary of every round that found new objects.
	OnRound func(*Summary)

	seen map[string]fileState
}

// Run polls until ctx is done, processing each new or changed object once. An error from a
// round is passed to OnRound through the summary's objects and does not stop the watcher.
func (w *Watcher) Run(ctx context.Context) error {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()

	for {
		if _, err := w.Round(ctx); err != nil && ctx.Err() == nil {
			w.Ingester.logger().Error("watch round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Round processes the objects that appeared or changed since the previous round and
// aggregates their new detections into one incident. It returns nil when nothing changed.
func (w *Watcher) Round(ctx context.Context) (*Summary, error) {
	if w.seen == nil {
		w.seen = map[string]fileState{}
	}

	keys, err := w.changedKeys()
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	sum, err := w.Ingester.ProcessKeys(ctx, keys)
	if sum != nil && w.OnRound != nil {
		w.OnRound(sum)
	}
	return sum, err
}

// changedKeys lists raw keys whose size or modification time differs from the last round,
// skipping hidden files such as writers' temporaries.
func (w *Watcher) changedKeys() ([]string, error) {
	root := filepath.Join(w.Ingester.Lake.Dir, RawDir)
	var keys []string

	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed between listing and stat
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		state := fileState{size: info.Size(), modTime: info.ModTime()}
		if w.seen[key] != state {
			w.seen[key] = state
			keys = append(keys, key)
		}
		return nil
	})
	sort.Strings(keys)
	return keys, err
}
