package campaign

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// Network opens Modbus/TCP sessions from one lab host.
type Network interface {
	// Dial connects to dst, giving up after timeout.
	Dial(ctx context.Context, dst netip.AddrPort, timeout time.Duration) (Session, error)
}

// Session is one Modbus/TCP connection.
type Session interface {
	// Exchange sends one request PDU to unit and returns the response PDU, which is an
	// exception response when its function code has the high bit set.
	Exchange(ctx context.Context, unit uint8, pdu []byte) ([]byte, error)
	Close() error
}

// Clock is the time the clients schedule by: the wall clock live, a simulated one for a
// capture.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, and returns ctx's error in that case.
	Sleep(ctx context.Context, d time.Duration) error
}

// WallClock is the real time.
type WallClock struct{}

// Now returns time.Now.
func (WallClock) Now() time.Time { return time.Now() }

// Sleep waits for d unless ctx ends first.
func (WallClock) Sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LiveNetwork opens real TCP connections from Source. It checks every destination with
// CheckTarget, so it never connects outside the lab's networks; the caller checks Guard
// once before it is used.
type LiveNetwork struct {
	Source netip.Addr
	// ResponseTimeout bounds each exchange; zero means DefaultResponseTimeout.
	ResponseTimeout time.Duration
}

// DefaultResponseTimeout is how long a live exchange waits for the response.
const DefaultResponseTimeout = 2 * time.Second

// Dial connects to dst from n.Source.
func (n LiveNetwork) Dial(ctx context.Context, dst netip.AddrPort, timeout time.Duration) (Session, error) {
	if err := CheckTarget(dst.Addr()); err != nil {
		return nil, err
	}

	dialer := net.Dialer{
		Timeout:   timeout,
		LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(n.Source, 0)),
	}
	conn, err := dialer.DialContext(ctx, "tcp", dst.String())
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", dst, err)
	}
	wait := n.ResponseTimeout
	if wait == 0 {
		wait = DefaultResponseTimeout
	}
	return &liveSession{conn: conn, peer: dst, wait: wait}, nil
}

type liveSession struct {
	conn  net.Conn
	peer  netip.AddrPort
	wait  time.Duration
	codec Codec
}

func (s *liveSession) Exchange(ctx context.Context, unit uint8, pdu []byte) ([]byte, error) {
	deadline := time.Now().Add(s.wait)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := s.conn.SetDeadline(deadline); err != nil {
		return nil, fmt.Errorf("exchange with %s: %w", s.peer, err)
	}

	if _, err := s.conn.Write(s.codec.Request(unit, pdu)); err != nil {
		return nil, fmt.Errorf("send request to %s: %w", s.peer, err)
	}
	resp, err := s.codec.ReadResponse(s.conn)
	if err != nil {
		return nil, fmt.Errorf("read response from %s: %w", s.peer, err)
	}
	return resp, nil
}

func (s *liveSession) Close() error {
	return s.conn.Close()
}

// IsTimeout reports whether err is a connection or response timeout.
func IsTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrSimTimeout) ||
		(errors.As(err, &netErr) && netErr.Timeout())
}

// ErrSimTimeout is the error a simulated network returns for a connection the firewall drops.
var ErrSimTimeout = errors.New("connection timed out")
