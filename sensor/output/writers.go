package output

import (
	"encoding/json"
	"fmt"
	"io"
)

// LineWriter is the destination of the writers' lines, such as a RotatingFile.
type LineWriter interface {
	WriteLine(line []byte) error
}

// AlertWriter encodes alerts as NDJSON lines.
type AlertWriter struct{ out LineWriter }

// NewAlertWriter returns a writer that appends alerts to out.
func NewAlertWriter(out LineWriter) *AlertWriter { return &AlertWriter{out: out} }

// WriteAlert appends one alert line.
func (w *AlertWriter) WriteAlert(a *Alert) error {
	line, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode alert %s: %w", a.Rule, err)
	}
	return w.out.WriteLine(append(line, '\n'))
}

// StreamLines adapts an io.Writer, such as standard output, to a LineWriter.
type StreamLines struct{ W io.Writer }

// WriteLine writes line to the stream.
func (s StreamLines) WriteLine(line []byte) error {
	_, err := s.W.Write(line)
	return err
}
