package ship

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Defaults for batching and retries.
const (
	DefaultBatchBytes    = 4 << 20 // uncompressed bytes per object
	DefaultBatchInterval = 2 * time.Second
	DefaultPollInterval  = 200 * time.Millisecond
	retryBase            = 250 * time.Millisecond
	retryMax             = 15 * time.Second
)

// Stream is one tailed file and the source partition its lines belong to.
type Stream struct {
	Source string // e.g. ot_sensor or iptables
	Path   string
}

// Config configures a Shipper.
type Config struct {
	Streams       []Stream
	Target        Target
	Host          string // first part of every object name
	StatePath     string
	BatchBytes    int
	BatchInterval time.Duration
	PollInterval  time.Duration
	Log           *slog.Logger
	Now           func() time.Time
}

// Counters count what a Shipper did.
type Counters struct {
	Objects int
	Lines   int
	Bytes   int64
	Retries int
	Resent  int // pending batches re-sent after a restart
}

// Shipper ships the lines of several streams to a target.
type Shipper struct {
	cfg      Config
	state    *State
	tails    map[string]*tailer
	batches  map[string]*batch
	Counters Counters
}

// batch is the uncommitted range of one stream.
type batch struct {
	data  []byte
	inode uint64
	from  int64
	to    int64
	lines int
	first time.Time // when the batch got its first line
}

// New loads the state and prepares the tailers; it does not read yet.
func New(cfg Config) (*Shipper, error) {
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = DefaultBatchBytes
	}
	if cfg.BatchInterval <= 0 {
		cfg.BatchInterval = DefaultBatchInterval
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Host == "" {
		return nil, errors.New("configure shipper: missing host name")
	}

	st, err := LoadState(cfg.StatePath)
	if err != nil {
		return nil, err
	}
	s := &Shipper{cfg: cfg, state: st, tails: map[string]*tailer{}, batches: map[string]*batch{}}
	for _, stream := range cfg.Streams {
		ss := st.Streams[stream.Source]
		if ss == nil || ss.Path != stream.Path {
			ss = &StreamState{Path: stream.Path}
			st.Streams[stream.Source] = ss
		}
		s.tails[stream.Source] = &tailer{path: stream.Path}
	}
	return s, nil
}

// Run ships until ctx is done, then flushes what it has read and returns.
func (s *Shipper) Run(ctx context.Context) error {
	defer s.close()

	// Finish the batches a previous run cut but may not have uploaded, then resume reading.
	if err := s.resendPending(ctx); err != nil {
		return err
	}
	for _, stream := range s.cfg.Streams {
		ss := s.state.Streams[stream.Source]
		if err := s.tails[stream.Source].resume(ss.Inode, ss.Offset); err != nil {
			s.cfg.Log.Warn("resume stream from its start", "source", stream.Source, "err", err)
		}
	}

	ticker := time.NewTicker(s.cfg.PollInterval)
	defer ticker.Stop()
	for {
		stopping := ctx.Err() != nil
		if err := s.Poll(ctx, stopping); err != nil {
			return err
		}
		if stopping {
			return nil
		}
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
	}
}

// Poll reads what is new in every stream and ships each batch that is full or old enough;
// with flush set it ships every non-empty batch.
func (s *Shipper) Poll(ctx context.Context, flush bool) error {
	for _, stream := range s.cfg.Streams {
		if err := s.pollStream(ctx, stream.Source, flush); err != nil {
			return err
		}
	}
	return nil
}

func (s *Shipper) pollStream(ctx context.Context, source string, flush bool) error {
	t := s.tails[source]
	for {
		b := s.batches[source]
		room := s.cfg.BatchBytes
		if b != nil {
			room -= len(b.data)
		}
		if room <= 0 {
			if err := s.ship(ctx, source); err != nil {
				return err
			}
			continue
		}

		data, from, rotated, err := t.readLines(room)
		if err != nil {
			return err
		}
		if rotated {
			// A batch never spans two files: ship what the old one gave first.
			if err := s.ship(ctx, source); err != nil {
				return err
			}
			continue
		}
		if len(data) == 0 {
			break
		}
		if b == nil || b.inode != t.inode {
			if b != nil {
				if err := s.ship(ctx, source); err != nil {
					return err
				}
			}
			b = &batch{inode: t.inode, from: from, to: from, first: s.cfg.Now()}
			s.batches[source] = b
		}
		b.data = append(b.data, data...)
		b.to = from + int64(len(data))
		b.lines += bytes.Count(data, []byte{'\n'})
	}

	b := s.batches[source]
	if b != nil && (flush || s.cfg.Now().Sub(b.first) >= s.cfg.BatchInterval) {
		return s.ship(ctx, source)
	}
	return nil
}

// ship uploads the stream's batch: record it as pending, upload, then commit the offset.
func (s *Shipper) ship(ctx context.Context, source string) error {
	b := s.batches[source]
	if b == nil || len(b.data) == 0 {
		delete(s.batches, source)
		return nil
	}
	ss := s.state.Streams[source]

	key := ObjectKey(source, s.cfg.Host, firstEventTime(b.data, s.cfg.Now()), ss.Seq)
	ss.Pending = &Pending{Key: key, Inode: b.inode, From: b.from, To: b.to}
	if err := s.state.Save(s.cfg.StatePath); err != nil {
		return err
	}

	if err := s.upload(ctx, key, b.data); err != nil {
		return err
	}

	ss.Inode, ss.Offset, ss.Seq, ss.Pending = b.inode, b.to, ss.Seq+1, nil
	if err := s.state.Save(s.cfg.StatePath); err != nil {
		return err
	}
	s.Counters.Objects++
	s.Counters.Lines += b.lines
	s.Counters.Bytes += int64(len(b.data))
	s.cfg.Log.Info("object shipped", "key", key, "lines", b.lines, "bytes", len(b.data))
	delete(s.batches, source)
	return nil
}

// upload gzips and puts one object, retrying with capped exponential backoff and jitter
// until it succeeds or ctx ends. During shutdown it keeps trying for one more capped delay.
func (s *Shipper) upload(ctx context.Context, key string, data []byte) error {
	body, err := gzipBytes(data)
	if err != nil {
		return fmt.Errorf("compress %q: %w", key, err)
	}

	delay := retryBase
	for attempt := 1; ; attempt++ {
		putCtx := context.WithoutCancel(ctx)
		err := s.cfg.Target.Put(putCtx, key, body)
		if err == nil {
			return nil
		}
		s.Counters.Retries++
		s.cfg.Log.Warn("upload failed; retrying", "key", key, "attempt", attempt, "err", err)

		wait := delay/2 + rand.N(delay/2+1)
		select {
		case <-ctx.Done():
			if attempt >= 3 {
				return fmt.Errorf("upload %q: giving up at shutdown after %d attempts: %w", key, attempt, err)
			}
		case <-time.After(wait):
		}
		delay = min(delay*2, retryMax)
	}
}

// resendPending re-uploads batches that a previous run recorded but did not commit.
func (s *Shipper) resendPending(ctx context.Context) error {
	for _, stream := range s.cfg.Streams {
		ss := s.state.Streams[stream.Source]
		p := ss.Pending
		if p == nil {
			continue
		}
		data, err := readRange(stream.Path, p.Inode, p.From, p.To)
		if err != nil {
			s.cfg.Log.Error("pending batch lost", "source", stream.Source, "key", p.Key, "err", err)
			ss.Pending = nil
			continue
		}
		if err := s.upload(ctx, p.Key, data); err != nil {
			return err
		}
		ss.Inode, ss.Offset, ss.Seq, ss.Pending = p.Inode, p.To, ss.Seq+1, nil
		if err := s.state.Save(s.cfg.StatePath); err != nil {
			return err
		}
		s.Counters.Resent++
		s.cfg.Log.Info("pending batch re-sent", "key", p.Key)
	}
	return nil
}

func (s *Shipper) close() {
	for _, t := range s.tails {
		t.close()
	}
}

func gzipBytes(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	// A zero header (no name, no modification time) makes the output depend on data only.
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
