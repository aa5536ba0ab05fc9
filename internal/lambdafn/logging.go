package lambdafn

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// requestLogger returns base (or the default logger) with the invocation's request ID.
func requestLogger(ctx context.Context, base *slog.Logger) *slog.Logger {
	if base == nil {
		base = slog.Default()
	}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return base.With("request_id", lc.AwsRequestID)
	}
	return base
}

// NewLogger returns a JSON logger on stdout, which Lambda sends to CloudWatch Logs, at the
// level named by level (debug, info, warn, error; empty means info).
func NewLogger(level string) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("read log level %q: want debug, info, warn or error", level)
		}
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l})), nil
}
