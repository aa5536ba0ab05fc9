package capture

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPacerWaitsForCaptureTime(t *testing.T) {
	var pacer Pacer
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	began := time.Now()

	require.NoError(t, pacer.Wait(context.Background(), base))
	require.NoError(t, pacer.Wait(context.Background(), base.Add(50*time.Millisecond)))

	assert.GreaterOrEqual(t, time.Since(began), 50*time.Millisecond)
}

func TestPacerStopsOnCancel(t *testing.T) {
	var pacer Pacer
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, pacer.Wait(ctx, base))
	cancel()

	err := pacer.Wait(ctx, base.Add(time.Hour))

	assert.ErrorIs(t, err, context.Canceled)
}
