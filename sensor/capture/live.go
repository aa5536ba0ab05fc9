//go:build linux

package capture

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Live is an AF_PACKET capture on one network interface.
type Live struct {
	name   string
	handle *pcapgo.EthernetHandle
}

// OpenLive starts capturing on the named interface in promiscuous mode. With ports, a
// kernel BPF filter keeps only TCP and UDP packets to or from one of them.
func OpenLive(name string, ports []uint16) (*Live, error) {
	handle, err := pcapgo.NewEthernetHandle(name)
	if err != nil {
		return nil, fmt.Errorf("open interface %q: %w", name, err)
	}

	if err := handle.SetPromiscuous(true); err != nil {
		handle.Close()
		return nil, fmt.Errorf("set promiscuous mode on %q: %w", name, err)
	}

	if len(ports) > 0 {
		filter, err := PortFilter(ports)
		if err == nil {
			err = handle.SetBPF(filter)
		}
		if err != nil {
			handle.Close()
			return nil, fmt.Errorf("attach port filter to %q: %w", name, err)
		}
	}

	return &Live{name: name, handle: handle}, nil
}

// Name returns the interface name.
func (l *Live) Name() string { return l.name }

// Run copies each captured frame to out until ctx ends or the capture fails. It closes
// the handle before it returns.
func (l *Live) Run(ctx context.Context, out chan<- Frame) error {
	// Closing the socket is what unblocks a pending read.
	stop := context.AfterFunc(ctx, func() { l.handle.Close() })
	defer stop()
	defer l.handle.Close()

	for {
		data, info, err := l.handle.ReadPacketData()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, os.ErrClosed) {
				return nil
			}
			return fmt.Errorf("capture on %q: %w", l.name, err)
		}

		frame := Frame{Data: data, Info: info, Interface: l.name, Link: layers.LinkTypeEthernet}
		select {
		case out <- frame:
		case <-ctx.Done():
			return nil
		}
	}
}

// KernelDrops returns the packets the kernel dropped since the last call, or 0 when the
// socket statistics cannot be read.
func (l *Live) KernelDrops() uint64 {
	stats, err := l.handle.Stats()
	if err != nil {
		slog.Debug("read socket statistics", "interface", l.name, "error", err)
		return 0
	}
	return uint64(stats.Drops)
}
