package locallake

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// schema mirrors the ot_detections table: the two indexes are the GSIs severity-index
// (severity, detected_at) and host-index (host, detected_at). The objects table remembers
// which raw objects were processed with which content.
const schema = `
CREATE TABLE IF NOT EXISTS detections (
	detection_id        TEXT PRIMARY KEY,
	incident_correlator TEXT NOT NULL,
	rule                TEXT NOT NULL,
	severity            TEXT NOT NULL,
	detected_at         TEXT NOT NULL,
	host                TEXT NOT NULL,
	source              TEXT NOT NULL,
	item                TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "severity-index" ON detections (severity, detected_at);
CREATE INDEX IF NOT EXISTS "host-index" ON detections (host, detected_at);
CREATE TABLE IF NOT EXISTS objects (
	key          TEXT PRIMARY KEY,
	sha256       TEXT NOT NULL,
	processed_at TEXT NOT NULL
);
`

var _ pipeline.DetectionStore = detectionStore{}

// DetectionStore returns the SQLite detections table as a pipeline.DetectionStore.
func (l *Lake) DetectionStore() pipeline.DetectionStore { return detectionStore{l} }

type detectionStore struct{ l *Lake }

// Put inserts detections that are not there yet and returns those, in input order.
func (s detectionStore) Put(ctx context.Context, dets []detection.Detection) ([]detection.Detection, error) {
	tx, err := s.l.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	stmt, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO detections
		(detection_id, incident_correlator, rule, severity, detected_at, host, source, item)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()

	var inserted []detection.Detection
	for _, d := range dets {
		item, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("encode detection %s: %w", d.DetectionID, err)
		}
		res, err := stmt.ExecContext(ctx, d.DetectionID, d.IncidentCorrelator, d.Rule, d.Severity,
			d.DetectedAtString(), d.Host, d.Source, string(item))
		if err != nil {
			return nil, fmt.Errorf("insert detection %s: %w", d.DetectionID, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			inserted = append(inserted, d)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return inserted, nil
}

// Filter selects detections. Severity and Host use the matching index; zero fields match all.
type Filter struct {
	Severity string
	Host     string
	Since    time.Time
}

// Detections lists detections matching f, oldest first.
func (l *Lake) Detections(ctx context.Context, f Filter) ([]detection.Detection, error) {
	var where []string
	var args []any
	if f.Severity != "" {
		where = append(where, "severity = ?")
		args = append(args, strings.ToUpper(f.Severity))
	}
	if f.Host != "" {
		where = append(where, "host = ?")
		args = append(args, f.Host)
	}
	if !f.Since.IsZero() {
		where = append(where, "detected_at >= ?")
		args = append(args, f.Since.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	query := "SELECT item FROM detections"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY detected_at, detection_id"

	rows, err := l.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query detections: %w", err)
	}
	defer rows.Close()
	var out []detection.Detection
	for rows.Next() {
		var item string
		if err := rows.Scan(&item); err != nil {
			return nil, err
		}
		var d detection.Detection
		if err := json.Unmarshal([]byte(item), &d); err != nil {
			return nil, fmt.Errorf("decode detection item: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CountDetections returns how many detections the lake holds.
func (l *Lake) CountDetections(ctx context.Context) (int, error) {
	var n int
	err := l.db.QueryRowContext(ctx, "SELECT count(*) FROM detections").Scan(&n)
	return n, err
}

// processedDigest returns the content digest a raw key was last processed with, or "".
func (l *Lake) processedDigest(ctx context.Context, key string) (string, error) {
	var digest string
	err := l.db.QueryRowContext(ctx, "SELECT sha256 FROM objects WHERE key = ?", key).Scan(&digest)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return digest, err
}

func (l *Lake) markProcessed(ctx context.Context, key, digest string) error {
	_, err := l.db.ExecContext(ctx, `INSERT INTO objects (key, sha256, processed_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET sha256 = excluded.sha256, processed_at = excluded.processed_at`,
		key, digest, time.Now().UTC().Format(time.RFC3339))
	return err
}
