package detection

import (
	"errors"
	"fmt"
)

// Errors that Validate wraps.
var (
	ErrMissingID         = errors.New("missing detection_id")
	ErrInvalidSeverity   = errors.New("severity is not CRITICAL, HIGH, MEDIUM or LOW")
	ErrMissingDetectedAt = errors.New("missing detected_at")
)

// Validate checks the fields that an incident report depends on: a detection_id, one of the
// four severity levels and a detected_at time. FromRecord always returns valid detections, so
// this matters for items read back from a store.
func (d Detection) Validate() error {
	switch {
	case d.DetectionID == "":
		return fmt.Errorf("validate detection: %w", ErrMissingID)
	case SeverityRank(d.Severity) == 0:
		return fmt.Errorf("validate detection %q: %w (got %q)", d.DetectionID, ErrInvalidSeverity, d.Severity)
	case d.DetectedAt.IsZero():
		return fmt.Errorf("validate detection %q: %w", d.DetectionID, ErrMissingDetectedAt)
	}
	return nil
}
