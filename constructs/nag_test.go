package constructs

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNagAwsSolutions(t *testing.T) {
	for _, v := range []variant{analyticsOff, analyticsOn, localStack} {
		t.Run(v.name, func(t *testing.T) {
			s := synth(t, v)

			assert.Empty(t, s.errors, "unsuppressed AwsSolutions errors")
			assert.Empty(t, s.warnings, "unsuppressed AwsSolutions warnings")
		})
	}
}

// TestNagSuppressionReasons checks that each suppression gives a reason of some length for
// one resource. A reason may be carried by one construct and its children (a bucket and its
// policy, a role and its default policy), but never shared between resources.
func TestNagSuppressionReasons(t *testing.T) {
	const minReason = 60

	for _, v := range []variant{analyticsOff, analyticsOn, localStack} {
		t.Run(v.name, func(t *testing.T) {
			carriers := map[string][]string{}
			for id, r := range synth(t, v).template["Resources"].(map[string]any) {
				cdkPath, _ := path(r, "Metadata", "aws:cdk:path").(string)
				for _, rule := range suppressions(path(r, "Metadata", "cdk_nag", "rules_to_suppress")) {
					reason, _ := rule["reason"].(string)
					assert.GreaterOrEqual(t, len(reason), minReason, "%s %s reason %q", id, rule["id"], reason)
					carriers[reason] = append(carriers[reason], cdkPath)
				}
			}
			require.NotEmpty(t, carriers, "the template carries suppressions")

			for reason, paths := range carriers {
				owner := commonPath(paths)
				segments := strings.Split(owner, "/")
				oneConstruct := len(segments) >= 3 || (len(segments) == 2 && strings.HasPrefix(segments[1], notificationsHandlerPrefix))
				assert.True(t, oneConstruct, "reason %q is shared by %v", reason, paths)
			}
		})
	}
}

// suppressions returns the rules_to_suppress entries as maps.
func suppressions(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// commonPath returns the longest construct path that contains every path in paths.
func commonPath(paths []string) string {
	common := strings.Split(paths[0], "/")
	for _, p := range paths[1:] {
		segments := strings.Split(p, "/")
		n := 0
		for n < len(common) && n < len(segments) && common[n] == segments[n] {
			n++
		}
		common = common[:n]
	}
	return strings.Join(common, "/")
}
