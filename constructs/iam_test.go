package constructs

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Resources that may contain a wildcard, because no ARN of them can be known at deploy time.
// Each pattern is matched against the rendered resource and lists the only actions allowed
// on it.
var wildcardResources = []struct {
	pattern *regexp.Regexp
	actions []string
	reason  string
}{
	{regexp.MustCompile(`^<BucketsRaw[0-9A-F]{8}\.Arn>/\*$`), []string{"s3:GetObject"}, "raw keys come from notifications"},
	{regexp.MustCompile(`^<BucketsStaged[0-9A-F]{8}\.Arn>/(parsed|errors)/\*$`), []string{"s3:PutObject"}, "staged keys derive from raw keys"},
	{regexp.MustCompile(`^<BucketsReports[0-9A-F]{8}\.Arn>/incidents/\*$`), []string{"s3:DeleteObject", "s3:PutObject"}, "report keys are incident IDs"},
	{regexp.MustCompile(`^\*$`), []string{"dynamodb:ListStreams"}, "ListStreams has no resource-level permissions"},
}

// notificationsHandlerPolicy matches the CDK's own bucket notifications handler policy,
// which grants s3:PutBucketNotification on "*" (the CDK shares one handler per stack).
var notificationsHandlerPolicy = regexp.MustCompile(`^` + notificationsHandlerPrefix)

func TestIAMStatementsLeastPrivilege(t *testing.T) {
	for _, v := range []variant{analyticsOff, analyticsOn, localStack} {
		t.Run(v.name, func(t *testing.T) {
			tmpl := synth(t, v).template

			for id, policy := range resourcesOf(tmpl, "AWS::IAM::Policy") {
				if notificationsHandlerPolicy.MatchString(id) {
					continue
				}
				for _, s := range statements(propsOf(policy)["PolicyDocument"]) {
					actions := stringList(s["Action"])
					assert.Equal(t, "Allow", s["Effect"], "policy %s", id)
					for _, a := range actions {
						assert.NotContains(t, a, "*", "policy %s action %s", id, a)
					}
					for _, r := range stringList(s["Resource"]) {
						if strings.Contains(r, "*") {
							assert.True(t, allowedWildcard(r, actions), "policy %s: wildcard resource %s for %v", id, r, actions)
						}
					}
				}
			}

			// No role carries a managed policy, except the CDK's notifications handler.
			for id, role := range resourcesOf(tmpl, "AWS::IAM::Role") {
				if notificationsHandlerPolicy.MatchString(id) {
					continue
				}
				assert.Nil(t, propsOf(role)["ManagedPolicyArns"], "role %s", id)
			}
		})
	}
}

// allowedWildcard reports whether resource matches a wildcardResources pattern and every
// action is one that the pattern allows.
func allowedWildcard(resource string, actions []string) bool {
	for _, w := range wildcardResources {
		if !w.pattern.MatchString(resource) {
			continue
		}
		for _, a := range actions {
			if !contains(w.actions, a) {
				return false
			}
		}
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func TestFunctionRoleActions(t *testing.T) {
	tests := []struct {
		prefix string
		want   []string
	}{
		{"ParserRoleDefaultPolicy", []string{
			"dynamodb:BatchWriteItem",
			"logs:CreateLogStream", "logs:PutLogEvents",
			"s3:GetObject", "s3:PutObject",
			"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage",
		}},
		{"AggregatorRoleDefaultPolicy", []string{
			"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
			"logs:CreateLogStream", "logs:PutLogEvents",
			"s3:DeleteObject", "s3:PutObject",
			"sns:Publish",
			"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage",
		}},
	}
	tmpl := synth(t, analyticsOff).template
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			_, policy := oneResource(t, tmpl, "AWS::IAM::Policy", tt.prefix)

			seen := map[string]bool{}
			for _, s := range statements(propsOf(policy)["PolicyDocument"]) {
				for _, a := range stringList(s["Action"]) {
					seen[a] = true
				}
			}
			var got []string
			for a := range seen {
				got = append(got, a)
			}
			sort.Strings(got)
			assert.Equal(t, tt.want, got)
		})
	}
}
