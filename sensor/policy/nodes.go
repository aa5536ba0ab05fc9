package policy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// walker reads values out of a YAML node tree and builds ParseErrors that name the file,
// the node's line and the field path.
type walker struct{ file string }

func (w *walker) errorf(n *yaml.Node, field, format string, args ...any) error {
	return &ParseError{File: w.file, Line: n.Line, Field: field, Err: fmt.Errorf(format, args...)}
}

// mapping returns the keys of a mapping node. A key outside allowed or given twice is an
// error, so that a misspelt setting is never ignored.
func (w *walker) mapping(n *yaml.Node, field string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, w.errorf(n, field, "expected a mapping, got %s", describe(n))
	}

	fields := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		path := join(field, key.Value)
		if !contains(allowed, key.Value) {
			return nil, w.errorf(key, path, "unknown field, expected one of %s", strings.Join(allowed, ", "))
		}
		if _, seen := fields[key.Value]; seen {
			return nil, w.errorf(key, path, "field given twice")
		}
		fields[key.Value] = value
	}
	return fields, nil
}

func (w *walker) required(fields map[string]*yaml.Node, parent *yaml.Node, field, key string) (*yaml.Node, error) {
	n, ok := fields[key]
	if !ok {
		return nil, w.errorf(parent, join(field, key), "missing required field")
	}
	return n, nil
}

func (w *walker) sequence(n *yaml.Node, field string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, w.errorf(n, field, "expected a list, got %s", describe(n))
	}
	return n.Content, nil
}

func (w *walker) str(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" && n.Tag != "!!int" {
		return "", w.errorf(n, field, "expected a string, got %s", describe(n))
	}
	if n.Value == "" {
		return "", w.errorf(n, field, "empty string")
	}
	return n.Value, nil
}

func (w *walker) integer(n *yaml.Node, field string, lowest, highest int) (int, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, w.errorf(n, field, "expected an integer, got %s", describe(n))
	}
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil || v < int64(lowest) || v > int64(highest) {
		return 0, w.errorf(n, field, "invalid value %s, expected an integer from %d to %d", n.Value, lowest, highest)
	}
	return int(v), nil
}

func (w *walker) boolean(n *yaml.Node, field string) (bool, error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return false, w.errorf(n, field, "expected true or false, got %s", describe(n))
	}
	return n.Value == "true", nil
}

func (w *walker) duration(n *yaml.Node, field string) (time.Duration, error) {
	if n.Kind != yaml.ScalarNode {
		return 0, w.errorf(n, field, "expected a duration such as 30s or 2m, got %s", describe(n))
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil || d <= 0 {
		return 0, w.errorf(n, field, "invalid duration %q, expected a positive duration such as 30s or 2m", n.Value)
	}
	return d, nil
}

// prefix reads a network in CIDR form, or a single address as its host prefix.
func (w *walker) prefix(n *yaml.Node, field string) (netip.Prefix, error) {
	s, err := w.str(n, field)
	if err != nil {
		return netip.Prefix{}, err
	}
	if !strings.Contains(s, "/") {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, w.errorf(n, field, "invalid address %q, expected an IP address or CIDR network", s)
		}
		return netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()), nil
	}

	prefix, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, w.errorf(n, field, "invalid network %q, expected CIDR such as 10.0.0.0/24", s)
	}
	if prefix.Masked() != prefix {
		return netip.Prefix{}, w.errorf(n, field, "network %q has host bits set, expected %s", s, prefix.Masked())
	}
	return prefix, nil
}

// ranges reads a list of numbers and "first-last" ranges, each within 0-65535.
func (w *walker) ranges(n *yaml.Node, field string) ([]Range, error) {
	items, err := w.sequence(n, field)
	if err != nil {
		return nil, err
	}

	out := make([]Range, 0, len(items))
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", field, i)
		if item.Tag == "!!int" {
			v, err := w.integer(item, path, 0, 65535)
			if err != nil {
				return nil, err
			}
			out = append(out, Range{uint16(v), uint16(v)})
			continue
		}

		first, last, ok := strings.Cut(item.Value, "-")
		a, errA := strconv.ParseUint(strings.TrimSpace(first), 10, 16)
		b, errB := strconv.ParseUint(strings.TrimSpace(last), 10, 16)
		if item.Kind != yaml.ScalarNode || !ok || errA != nil || errB != nil || a > b {
			return nil, w.errorf(item, path, "invalid range %q, expected a number or FIRST-LAST within 0-65535", item.Value)
		}
		out = append(out, Range{uint16(a), uint16(b)})
	}
	return out, nil
}

// level reads a Purdue level: L0 to L5, L3.5, or a span such as L1/2 or L4/5.
func (w *walker) level(n *yaml.Node, field string) (Level, error) {
	s, err := w.str(n, field)
	if err != nil {
		return Level{}, err
	}

	invalid := w.errorf(n, field, "invalid Purdue level %q, expected L0 to L5, L3.5 or a span such as L1/2", s)
	digits, ok := strings.CutPrefix(strings.ToUpper(s), "L")
	if !ok {
		return Level{}, invalid
	}
	lowText, highText, span := strings.Cut(digits, "/")
	if !span {
		highText = lowText
	}
	low, errLow := strconv.ParseFloat(lowText, 64)
	high, errHigh := strconv.ParseFloat(highText, 64)
	if errLow != nil || errHigh != nil || low < 0 || high > 5 || low > high {
		return Level{}, invalid
	}
	return Level{Low: low, High: high, Name: "L" + digits}, nil
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "null"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}
