package locallake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// DefaultDir is the lake folder otlake uses when --lake is not given.
const DefaultDir = ".lake"

// Folder and file names inside the lake.
const (
	RawDir            = "raw"
	StagedDir         = "staged"
	ReportsDir        = "reports"
	DatabaseFile      = "lake.db"
	NotificationsFile = "notifications.ndjson"
)

// Local bucket names: the lake's folders stand in for these buckets in raw_ref values and
// report locations, with the account part spelled "local".
const (
	RawBucket     = "ot-telemetry-raw-local"
	StagedBucket  = "ot-telemetry-staged-local"
	ReportsBucket = "ot-telemetry-reports-local"
	TopicName     = "ot-incident-alerts"
)

// Lake is an open local lake. It is safe for use by one process at a time.
type Lake struct {
	Dir string
	db  *sql.DB
	mu  sync.Mutex // serialises appends to the notifications file
}

// Open creates the lake's folders and database if needed and opens them.
func Open(dir string) (*Lake, error) {
	for _, sub := range []string{RawDir, StagedDir, ReportsDir} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, fmt.Errorf("create lake folder %q: %w", filepath.Join(dir, sub), err)
		}
	}

	dbPath := filepath.Join(dir, DatabaseFile)
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("open lake database %q: %w", dbPath, err)
	}
	// One connection: SQLite serialises writers anyway, and this keeps the pragmas on it.
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create lake schema in %q: %w", dbPath, err)
	}
	return &Lake{Dir: dir, db: db}, nil
}

// ErrNoLake is returned by OpenExisting for a folder that holds no lake.
var ErrNoLake = errors.New("no lake here")

// OpenExisting opens a lake that an earlier ingest or watch created, and fails with
// ErrNoLake instead of creating an empty one, so that a mistyped --lake is reported.
func OpenExisting(dir string) (*Lake, error) {
	if _, err := os.Stat(filepath.Join(dir, DatabaseFile)); err != nil {
		return nil, fmt.Errorf("open lake %q: %w (no %s): run otlake ingest or otlake watch first, or pass --lake", dir, ErrNoLake, DatabaseFile)
	}
	return Open(dir)
}

// Close closes the database.
func (l *Lake) Close() error { return l.db.Close() }

// Path returns the file path of key inside one of the lake's folders.
func (l *Lake) Path(folder, key string) string {
	return filepath.Join(l.Dir, folder, filepath.FromSlash(key))
}

// RawStore returns the raw folder as a pipeline.RawStore; the bucket name is ignored.
func (l *Lake) RawStore() pipeline.RawStore { return rawStore{l} }

// StagedStore returns the staged folder as a pipeline.ObjectWriter.
func (l *Lake) StagedStore() pipeline.ObjectWriter { return folderWriter{l, StagedDir} }

// ReportStore returns the reports folder as a pipeline.ReportStore.
func (l *Lake) ReportStore() pipeline.ReportStore { return reportStore{l} }

// Notifier returns the notifications file as a pipeline.Notifier.
func (l *Lake) Notifier() pipeline.Notifier { return notifier{l} }

type rawStore struct{ l *Lake }

func (s rawStore) Open(_ context.Context, _ string, key string) (io.ReadCloser, error) {
	return os.Open(s.l.Path(RawDir, key))
}

type folderWriter struct {
	l      *Lake
	folder string
}

func (w folderWriter) Put(_ context.Context, key string, body []byte, _ string) error {
	return writeFileAtomic(w.l.Path(w.folder, key), body)
}

type reportStore struct{ l *Lake }

func (s reportStore) PutIfAbsent(_ context.Context, key string, body []byte) (bool, error) {
	path := s.l.Path(ReportsDir, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}

	// Write to a temporary file, then link it into place: link fails if the name exists, so
	// exactly one writer creates the report and readers never see a partial file.
	tmp, err := writeTemp(path, body)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func (s reportStore) Delete(_ context.Context, key string) error {
	return os.Remove(s.l.Path(ReportsDir, key))
}

func (s reportStore) URI(key string) string { return s.l.Path(ReportsDir, key) }

// Notification is one line of notifications.ndjson: what SNS would deliver to the
// ot-incident-notifications queue.
type Notification struct {
	Topic       string    `json:"topic"`
	Subject     string    `json:"subject"`
	Message     string    `json:"message"`
	PublishedAt time.Time `json:"published_at"`
}

type notifier struct{ l *Lake }

func (n notifier) Publish(_ context.Context, subject, body string) error {
	line, err := json.Marshal(Notification{Topic: TopicName, Subject: subject, Message: body, PublishedAt: time.Now().UTC()})
	if err != nil {
		return err
	}

	n.l.mu.Lock()
	defer n.l.mu.Unlock()
	f, err := os.OpenFile(filepath.Join(n.l.Dir, NotificationsFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Notifications reads every alert published so far.
func (l *Lake) Notifications() ([]Notification, error) {
	data, err := os.ReadFile(filepath.Join(l.Dir, NotificationsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Notification
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var n Notification
		if err := json.Unmarshal([]byte(line), &n); err != nil {
			return nil, fmt.Errorf("read %s line %d: %w", NotificationsFile, i+1, err)
		}
		out = append(out, n)
	}
	return out, nil
}

func writeTemp(path string, body []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// writeFileAtomic replaces path with body so that readers see the old or the new file whole.
func writeFileAtomic(path string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := writeTemp(path, body)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
