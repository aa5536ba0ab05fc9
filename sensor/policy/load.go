package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads and validates a policy file, YAML or JSON (chosen by the .json extension).
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load policy %q: %w", path, err)
	}
	return Parse(path, data)
}

// Parse validates a policy read from the file named name.
func Parse(name string, data []byte) (*Policy, error) {
	// JSON is checked strictly first: YAML would accept some invalid JSON.
	if strings.EqualFold(filepath.Ext(name), ".json") {
		if err := checkJSON(name, data); err != nil {
			return nil, err
		}
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("load policy %q: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return nil, &ParseError{File: name, Line: 1, Err: errors.New("empty file, expected a mapping with zones")}
	}

	w := &walker{file: name}
	p := Default()
	if err := w.policy(doc.Content[0], p); err != nil {
		return nil, err
	}
	p.index()
	return p, nil
}

func checkJSON(name string, data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		line := 1 + bytes.Count(data[:syntax.Offset], []byte("\n"))
		return &ParseError{File: name, Line: line, Err: err}
	}
	if err != nil {
		return fmt.Errorf("load policy %q: %w", name, err)
	}
	return nil
}

func (w *walker) policy(root *yaml.Node, p *Policy) error {
	fields, err := w.mapping(root, "", "modbus_ports", "zones", "conduits", "trusted_writers", "safety_limits", "detection")
	if err != nil {
		return err
	}

	if n, ok := fields["modbus_ports"]; ok {
		if p.ModbusPorts, err = w.ports(n, "modbus_ports"); err != nil {
			return err
		}
	}
	if n, ok := fields["zones"]; ok {
		if p.Zones, err = w.zones(n); err != nil {
			return err
		}
	}
	if n, ok := fields["conduits"]; ok {
		if p.Conduits, err = w.conduits(n, p.Zones); err != nil {
			return err
		}
	}
	if n, ok := fields["trusted_writers"]; ok {
		if p.Writers, err = w.writers(n); err != nil {
			return err
		}
	}
	if n, ok := fields["safety_limits"]; ok {
		if p.SafetyLimits, err = w.limits(n); err != nil {
			return err
		}
	}
	if n, ok := fields["detection"]; ok {
		if err := w.detection(n, &p.Detection); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) ports(n *yaml.Node, field string) ([]uint16, error) {
	items, err := w.sequence(n, field)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, w.errorf(n, field, "empty list, expected at least one port")
	}

	ports := make([]uint16, 0, len(items))
	for i, item := range items {
		port, err := w.integer(item, fmt.Sprintf("%s[%d]", field, i), 1, 65535)
		if err != nil {
			return nil, err
		}
		ports = append(ports, uint16(port))
	}
	return ports, nil
}

func (w *walker) zones(n *yaml.Node) ([]Zone, error) {
	items, err := w.sequence(n, "zones")
	if err != nil {
		return nil, err
	}

	zones := make([]Zone, 0, len(items))
	for i, item := range items {
		field := fmt.Sprintf("zones[%d]", i)
		fields, err := w.mapping(item, field, "name", "level", "networks")
		if err != nil {
			return nil, err
		}

		var z Zone
		for _, key := range []string{"name", "level", "networks"} {
			if _, err := w.required(fields, item, field, key); err != nil {
				return nil, err
			}
		}
		if z.Name, err = w.str(fields["name"], field+".name"); err != nil {
			return nil, err
		}
		for _, other := range zones {
			if other.Name == z.Name {
				return nil, w.errorf(fields["name"], field+".name", "zone %q defined twice", z.Name)
			}
		}
		if z.Level, err = w.level(fields["level"], field+".level"); err != nil {
			return nil, err
		}

		networks, err := w.sequence(fields["networks"], field+".networks")
		if err != nil {
			return nil, err
		}
		if len(networks) == 0 {
			return nil, w.errorf(fields["networks"], field+".networks", "empty list, expected at least one network")
		}
		for j, network := range networks {
			prefix, err := w.prefix(network, fmt.Sprintf("%s.networks[%d]", field, j))
			if err != nil {
				return nil, err
			}
			z.Networks = append(z.Networks, prefix)
		}
		zones = append(zones, z)
	}
	return zones, nil
}

func (w *walker) conduits(n *yaml.Node, zones []Zone) ([]Conduit, error) {
	items, err := w.sequence(n, "conduits")
	if err != nil {
		return nil, err
	}

	conduits := make([]Conduit, 0, len(items))
	for i, item := range items {
		field := fmt.Sprintf("conduits[%d]", i)
		fields, err := w.mapping(item, field, "from", "to", "protocol", "ports")
		if err != nil {
			return nil, err
		}

		c := Conduit{Protocol: ProtocolAny}
		for _, end := range []struct {
			key string
			out *string
		}{{"from", &c.From}, {"to", &c.To}} {
			node, err := w.required(fields, item, field, end.key)
			if err != nil {
				return nil, err
			}
			if *end.out, err = w.zoneName(node, field+"."+end.key, zones); err != nil {
				return nil, err
			}
		}

		if node, ok := fields["protocol"]; ok {
			if c.Protocol, err = w.str(node, field+".protocol"); err != nil {
				return nil, err
			}
			if !contains([]string{ProtocolAny, ProtocolTCP, ProtocolUDP}, c.Protocol) {
				return nil, w.errorf(node, field+".protocol", "invalid protocol %q, expected tcp, udp or any", c.Protocol)
			}
		}
		if node, ok := fields["ports"]; ok {
			if c.Ports, err = w.ranges(node, field+".ports"); err != nil {
				return nil, err
			}
		}
		conduits = append(conduits, c)
	}
	return conduits, nil
}

func (w *walker) zoneName(n *yaml.Node, field string, zones []Zone) (string, error) {
	name, err := w.str(n, field)
	if err != nil {
		return "", err
	}
	for _, z := range zones {
		if z.Name == name {
			return name, nil
		}
	}
	return "", w.errorf(n, field, "zone %q not found in zones", name)
}

func (w *walker) writers(n *yaml.Node) ([]Writer, error) {
	items, err := w.sequence(n, "trusted_writers")
	if err != nil {
		return nil, err
	}

	writers := make([]Writer, 0, len(items))
	for i, item := range items {
		field := fmt.Sprintf("trusted_writers[%d]", i)
		fields, err := w.mapping(item, field, "client", "units", "registers", "coils")
		if err != nil {
			return nil, err
		}

		var wr Writer
		client, err := w.required(fields, item, field, "client")
		if err != nil {
			return nil, err
		}
		if wr.Client, err = w.prefix(client, field+".client"); err != nil {
			return nil, err
		}

		if node, ok := fields["units"]; ok {
			units, err := w.sequence(node, field+".units")
			if err != nil {
				return nil, err
			}
			for j, unit := range units {
				v, err := w.integer(unit, fmt.Sprintf("%s.units[%d]", field, j), 0, 255)
				if err != nil {
					return nil, err
				}
				wr.Units = append(wr.Units, uint8(v))
			}
		}
		for _, table := range []struct {
			key string
			out *[]Range
		}{{"registers", &wr.Registers}, {"coils", &wr.Coils}} {
			if node, ok := fields[table.key]; ok {
				if *table.out, err = w.ranges(node, field+"."+table.key); err != nil {
					return nil, err
				}
			}
		}
		writers = append(writers, wr)
	}
	return writers, nil
}
