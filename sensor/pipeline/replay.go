package pipeline

import (
	"context"
	"errors"
	"io"

	"github.com/otlake/cloud-telemetry-lake/sensor/capture"
)

// cancelCheckEvery is how many frames a replay processes between checks of its context.
const cancelCheckEvery = 4096

// ReplayFile runs every frame of a capture file through the sensor, as fast as it reads
// them or, with pacer, at the pace they were captured. It stops early when ctx ends.
func (s *Sensor) ReplayFile(ctx context.Context, path string, pacer *capture.Pacer) error {
	src, err := capture.OpenFile(path)
	if err != nil {
		return err
	}
	defer src.Close()

	for n := 0; ; n++ {
		frame, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}

		if pacer != nil {
			if err := pacer.Wait(ctx, frame.Info.Timestamp); err != nil {
				return err
			}
		} else if n%cancelCheckEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}

		s.HandleFrame(frame)
	}
}
