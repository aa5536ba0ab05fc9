package main

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotificationSubject(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"sns envelope", `{"Type":"Notification","Subject":"[HIGH] OT Incident 7f3c9a2e - 3 Detection(s) | Techniques: T0855","Message":"..."}`, "[HIGH] OT Incident 7f3c9a2e - 3 Detection(s) | Techniques: T0855"},
		{"raw message delivery", `incident 7f3c9a2e`, ""},
		{"other json", `{"Type":"SubscriptionConfirmation","Subject":"x"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, notificationSubject(tt.body))
		})
	}
}

func TestShortList(t *testing.T) {
	tests := []struct {
		name  string
		items []string
		want  string
	}{
		{"none", nil, ""},
		{"two", []string{"a", "b"}, ": a; b"},
		{"five", []string{"a", "b", "c", "d", "e"}, ": a; b; c (+2 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, shortList(tt.items))
		})
	}
}

func TestPrintStages(t *testing.T) {
	t.Run("all stages hold data", func(t *testing.T) {
		var out bytes.Buffer
		err := printStages(&out, []stageResult{{name: "detections", count: 3}, {name: "reports", count: 1}})

		require.NoError(t, err)
		assert.Contains(t, out.String(), "verify: all 2 stages hold data")
		assert.Regexp(t, `(?m)^\s+detections\s+ok\s+3`, out.String())
	})

	t.Run("empty and failed stages", func(t *testing.T) {
		var out bytes.Buffer
		err := printStages(&out, []stageResult{
			{name: "detections", count: 3},
			{name: "staged"},
			{name: "reports", err: fmt.Errorf("list s3://b/incidents/: %w", errors.New("NoSuchBucket"))},
		})

		require.ErrorIs(t, err, errStagesEmpty)
		assert.Contains(t, err.Error(), "staged, reports")
		assert.Regexp(t, `(?m)^\s+staged\s+EMPTY\s+0`, out.String())
		assert.Regexp(t, `(?m)^\s+reports\s+FAILED\s+0\s+list s3://b/incidents/: NoSuchBucket`, out.String())
	})
}

func TestVerifyFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"wait too long", []string{"--wait", "30s"}, "invalid --wait 30s"},
		{"extra argument", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"verify"}, tt.args...), &stdout, &stderr)

			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}
