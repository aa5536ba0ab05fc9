package lambdafn

import (
	"context"
	"log/slog"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
)

// ColdStart holds the configuration, logger and clients that both functions build once per
// execution environment.
type ColdStart struct {
	Env     awsstore.Env
	Log     *slog.Logger
	Clients awsstore.Clients
}

// NewColdStart checks that the required environment variables are set, reads the rest of the
// configuration, and builds the logger and the AWS clients.
func NewColdStart(ctx context.Context, required ...string) (*ColdStart, error) {
	if err := awsstore.Require(required...); err != nil {
		return nil, err
	}
	env, err := awsstore.ReadEnv()
	if err != nil {
		return nil, err
	}
	log, err := NewLogger(env.LogLevel)
	if err != nil {
		return nil, err
	}
	_, clients, err := awsstore.Load(ctx, "", env.S3PathStyle)
	if err != nil {
		return nil, err
	}
	return &ColdStart{Env: env, Log: log, Clients: clients}, nil
}
