package campaign

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
)

// Lab addresses. The enterprise (IT) network is 172.24.0.0/24 and the control network
// 172.21.0.0/24; the gateway has one address in each and forwards only its Modbus port.
var (
	AttackerAddr       = netip.MustParseAddr("172.24.0.10")
	GatewayITAddr      = netip.MustParseAddr("172.24.0.2")
	GatewayControlAddr = netip.MustParseAddr("172.21.0.2")
	PLCAddr            = netip.MustParseAddr("172.21.0.10")
	HMIAddr            = netip.MustParseAddr("172.21.0.20")

	EnterpriseNet = netip.MustParsePrefix("172.24.0.0/24")
	ControlNet    = netip.MustParsePrefix("172.21.0.0/24")
)

// ModbusPort is the Modbus/TCP port of the PLC and of the gateway's port forward.
const ModbusPort = 502

// ErrOutsideLab is returned by every check that stops a client from sending.
var ErrOutsideLab = errors.New("not inside the lab")

// CheckTarget returns an error wrapping ErrOutsideLab unless dst is in one of the lab's
// networks.
func CheckTarget(dst netip.Addr) error {
	if EnterpriseNet.Contains(dst) || ControlNet.Contains(dst) {
		return nil
	}
	return fmt.Errorf("check destination %s: %w: only %s and %s are lab networks", dst, ErrOutsideLab, EnterpriseNet, ControlNet)
}

// Guard is the check a live client passes before it sends anything: its own lab address
// is configured on one of its interfaces, and the lab runner's marker file names the
// network namespace the process runs in.
type Guard struct {
	// Self is the lab address the client sends from.
	Self netip.Addr
	// Marker is the file the lab runner writes once the lab is up, with one line
	// "ROLE=NAMESPACE" per lab host. The runner removes it on teardown.
	Marker string
	// Role is the line of the marker to check, such as "attacker" or "hmi".
	Role string
	// InterfaceAddrs lists the host's addresses; nil means net.InterfaceAddrs.
	InterfaceAddrs func() ([]net.Addr, error)
	// NamespaceDir is the folder of named network namespaces, /run/netns when empty.
	NamespaceDir string
	// SelfNamespace is the process's network namespace; empty means /proc/self/ns/net.
	SelfNamespace string
}

// Check returns nil when the client may send, and otherwise an error wrapping
// ErrOutsideLab that names the condition that failed.
func (g Guard) Check() error {
	if err := g.checkAddress(); err != nil {
		return err
	}

	// The marker names the namespace; the process must run in exactly that one.
	namespace, err := ReadMarker(g.Marker, g.Role)
	if err != nil {
		return err
	}
	dir := g.NamespaceDir
	if dir == "" {
		dir = "/run/netns"
	}
	self := g.SelfNamespace
	if self == "" {
		self = "/proc/self/ns/net"
	}
	same, err := sameFile(self, dir+"/"+namespace)
	if err != nil {
		return fmt.Errorf("check namespace %q: %w: %w", namespace, ErrOutsideLab, err)
	}
	if !same {
		return fmt.Errorf("check namespace %q: %w: this process runs in another network namespace (start it with ip netns exec %s)", namespace, ErrOutsideLab, namespace)
	}
	return nil
}

func (g Guard) checkAddress() error {
	list := g.InterfaceAddrs
	if list == nil {
		list = net.InterfaceAddrs
	}
	addrs, err := list()
	if err != nil {
		return fmt.Errorf("list interface addresses: %w", err)
	}

	for _, a := range addrs {
		prefix, err := netip.ParsePrefix(a.String())
		if err == nil && prefix.Addr().Unmap() == g.Self {
			return nil
		}
	}
	return fmt.Errorf("check source address %s: %w: no interface has it", g.Self, ErrOutsideLab)
}

// ReadMarker returns the namespace that the lab marker file at path names for role.
func ReadMarker(path, role string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read lab marker %q: %w: %w (is the lab up?)", path, ErrOutsideLab, err)
	}
	defer f.Close()

	scanner := bufio.NewScanner(f)
	for line := 1; scanner.Scan(); line++ {
		key, value, ok := strings.Cut(strings.TrimSpace(scanner.Text()), "=")
		if !ok || key != role {
			continue
		}
		if value == "" || strings.ContainsAny(value, "/\x00") || value == "." || value == ".." {
			return "", fmt.Errorf("read lab marker %q line %d: invalid namespace name %q", path, line, value)
		}
		return value, nil
	}
	if err := scanner.Err(); err != nil {
		return "", fmt.Errorf("read lab marker %q: %w", path, err)
	}
	return "", fmt.Errorf("read lab marker %q: %w: no line %q", path, ErrOutsideLab, role+"=NAMESPACE")
}

// sameFile reports whether two paths are the same inode, which for namespace files means
// the same namespace.
func sameFile(a, b string) (bool, error) {
	var sa, sb syscall.Stat_t
	if err := syscall.Stat(a, &sa); err != nil {
		return false, fmt.Errorf("stat %q: %w", a, err)
	}
	if err := syscall.Stat(b, &sb); err != nil {
		return false, fmt.Errorf("stat %q: %w", b, err)
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}
