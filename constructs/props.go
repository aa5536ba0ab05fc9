package constructs

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// suffixed returns name, or name-suffix when suffix is set.
func suffixed(name, suffix string) string { return names.Suffixed(name, suffix) }

// glueSuffixed returns name, or name_suffix with the suffix's hyphens turned into
// underscores, because Athena rejects hyphens in database names.
func glueSuffixed(name, suffix string) string {
	if suffix == "" {
		return name
	}
	return name + "_" + strings.ReplaceAll(suffix, "-", "_")
}

// maxSuffixLength keeps the longest bucket name, ot-telemetry-athena-results-<12-digit
// account>-<suffix>, within the S3 limit of 63 characters.
const maxSuffixLength = 20

// suffixPattern admits lowercase letters, digits and inner hyphens: valid in bucket, queue,
// topic, table and function names alike.
var suffixPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// validateSuffix reports a name suffix that some resource name cannot carry.
func validateSuffix(suffix string) error {
	if suffix == "" {
		return nil
	}
	if len(suffix) > maxSuffixLength || !suffixPattern.MatchString(suffix) {
		return fmt.Errorf("validate name suffix %q: want 1 to %d lowercase letters, digits or inner hyphens", suffix, maxSuffixLength)
	}
	return nil
}

// validateRetention reports a queue retention outside the SQS limits; 0 selects the default.
func validateRetention(what string, d time.Duration) error {
	if d != 0 && (d < time.Minute || d > 14*24*time.Hour) {
		return fmt.Errorf("validate %s retention %s: SQS allows 1 minute to 14 days", what, d)
	}
	return nil
}
