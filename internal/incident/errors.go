package incident

import "errors"

// ErrEmptyBatch is returned by Build for a batch without detections.
var ErrEmptyBatch = errors.New("batch has no detections")
