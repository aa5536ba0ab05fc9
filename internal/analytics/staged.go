package analytics

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// globChars are the characters DuckDB's file globbing interprets.
const globChars = "*?[]{}"

// stagedGlob returns the glob of the Parquet objects under stagedDir/parsed/, after checking
// that it matches at least one file.
func stagedGlob(stagedDir string) (string, error) {
	abs, err := filepath.Abs(stagedDir)
	if err != nil {
		return "", fmt.Errorf("resolve staged folder %q: %w", stagedDir, err)
	}
	if strings.ContainsAny(abs, globChars) {
		return "", fmt.Errorf("staged folder %q: the path contains one of %s, which DuckDB would read as a glob: move the lake", abs, globChars)
	}

	parsed := filepath.Join(abs, filepath.FromSlash(strings.TrimSuffix(objectkey.StagedPrefix, "/")))
	found, err := hasParquet(parsed)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("read staged folder %q: %w: run otlake ingest first", parsed, ErrNoStagedData)
	}
	return filepath.ToSlash(parsed) + "/**/*.parquet", nil
}

// errFound stops the walk of hasParquet at the first Parquet file.
var errFound = errors.New("found")

// hasParquet reports whether dir holds a .parquet file at any depth.
func hasParquet(dir string) (bool, error) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".parquet") {
			return errFound
		}
		return nil
	})
	switch {
	case errors.Is(err, errFound):
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read staged folder %q: %w", dir, err)
	}
	return false, nil
}
