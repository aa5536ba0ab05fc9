package simnet

import (
	"context"
	"time"
)

// Clock is a simulated clock: Sleep advances it at once.
type Clock struct {
	now time.Time
}

// NewClock returns a clock that starts at start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time { return c.now }

// Sleep advances the clock by d, unless ctx has ended.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.advance(d)
	return nil
}

func (c *Clock) advance(d time.Duration) {
	if d > 0 {
		c.now = c.now.Add(d)
	}
}
