package ship

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Pending is a batch that was cut but not yet confirmed as uploaded.
type Pending struct {
	Key   string `json:"key"`
	Inode uint64 `json:"inode"`
	From  int64  `json:"from"`
	To    int64  `json:"to"`
}

// StreamState is the committed position of one tailed file.
type StreamState struct {
	Path    string   `json:"path"`
	Inode   uint64   `json:"inode"`  // file the offset belongs to; 0 before the first read
	Offset  int64    `json:"offset"` // first byte not yet shipped
	Seq     uint64   `json:"seq"`    // sequence number of the next object
	Pending *Pending `json:"pending,omitempty"`
}

// State is the content of the state file: one entry per stream, by source name.
type State struct {
	Streams map[string]*StreamState `json:"streams"`
}

// LoadState reads the state file; a missing file is an empty state.
func LoadState(path string) (*State, error) {
	st := &State{Streams: map[string]*StreamState{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state %q: %w", path, err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("decode state %q: %w", path, err)
	}
	if st.Streams == nil {
		st.Streams = map[string]*StreamState{}
	}
	return st, nil
}

// Save writes the state atomically: a crash leaves the old or the new file, never half.
func (s *State) Save(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return fmt.Errorf("write state %q: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write state %q: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync state %q: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state %q: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace state %q: %w", path, err)
	}
	return nil
}
