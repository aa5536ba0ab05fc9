package capture

import (
	"context"
	"time"
)

// Pacer delays a replay so that frames come out at the pace they were captured.
type Pacer struct {
	started   bool
	wallStart time.Time
	capStart  time.Time
}

// Wait blocks until the wall clock has moved as far from the first frame as the capture
// time ts has. It returns early with the context's error.
func (p *Pacer) Wait(ctx context.Context, ts time.Time) error {
	if !p.started {
		p.started = true
		p.wallStart = time.Now()
		p.capStart = ts
		return nil
	}

	delay := ts.Sub(p.capStart) - time.Since(p.wallStart)
	if delay <= 0 {
		return nil
	}

	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
