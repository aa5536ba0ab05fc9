package lambdafn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
)

// maxImageDepth bounds the nesting of M and L values in a stream image. DynamoDB allows 32
// levels (developer guide, "Service, account, and table quotas": nested attribute depth).
const maxImageDepth = 32

// ErrInvalidAttribute is wrapped by ImageJSON for a value that is not a DynamoDB attribute.
var ErrInvalidAttribute = errors.New("invalid attribute value")

// Image is a stream record's item image in DynamoDB's JSON form: each attribute is an object
// with one type key, e.g. {"S": "HIGH"} or {"N": "502"}.
type Image map[string]json.RawMessage

// ImageJSON renders an image as a plain JSON object. N values, which are decimal strings,
// become JSON numbers with their digits unchanged, so large integers and fractions survive.
func ImageJSON(img Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeImageMap(&buf, img, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DetectionFromImage decodes an image into a detection.
func DetectionFromImage(img Image) (detection.Detection, error) {
	var d detection.Detection
	data, err := ImageJSON(img)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("decode detection image: %w", err)
	}
	return d, nil
}

func writeImageMap(buf *bytes.Buffer, m map[string]json.RawMessage, depth int) error {
	if depth > maxImageDepth {
		return fmt.Errorf("%w: nested deeper than %d levels", ErrInvalidAttribute, maxImageDepth)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		buf.Write(name)
		buf.WriteByte(':')
		if err := writeImageValue(buf, m[k], depth); err != nil {
			return fmt.Errorf("attribute %q: %w", k, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeImageValue converts one typed value such as {"N": "1"}.
func writeImageValue(buf *bytes.Buffer, raw json.RawMessage, depth int) error {
	var typed map[string]json.RawMessage
	if err := json.Unmarshal(raw, &typed); err != nil || len(typed) != 1 {
		return fmt.Errorf("%w: want an object with one type key, got %.40s", ErrInvalidAttribute, raw)
	}
	for kind, v := range typed {
		return writeTypedValue(buf, kind, v, depth)
	}
	return nil
}

func writeTypedValue(buf *bytes.Buffer, kind string, v json.RawMessage, depth int) error {
	switch kind {
	case "S", "BOOL", "SS":
		return writeChecked(buf, kind, v)
	case "NULL":
		buf.WriteString("null")
	case "N":
		return writeImageNumber(buf, v)
	case "NS":
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			return fmt.Errorf("%w: NS: %w", ErrInvalidAttribute, err)
		}
		buf.WriteByte('[')
		for i, n := range list {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeImageNumber(buf, n); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case "B", "BS":
		// Binary values stay base64 text; decoding checks that they are base64.
		var probe any
		if kind == "B" {
			probe = new([]byte)
		} else {
			probe = new([][]byte)
		}
		if err := json.Unmarshal(v, probe); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidAttribute, kind, err)
		}
		buf.Write(bytes.TrimSpace(v))
	case "L":
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			return fmt.Errorf("%w: L: %w", ErrInvalidAttribute, err)
		}
		if depth+1 > maxImageDepth {
			return fmt.Errorf("%w: nested deeper than %d levels", ErrInvalidAttribute, maxImageDepth)
		}
		buf.WriteByte('[')
		for i, e := range list {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeImageValue(buf, e, depth+1); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
		buf.WriteByte(']')
	case "M":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("%w: M: %w", ErrInvalidAttribute, err)
		}
		return writeImageMap(buf, m, depth+1)
	default:
		return fmt.Errorf("%w: unknown type %q", ErrInvalidAttribute, kind)
	}
	return nil
}

// writeChecked copies an S, BOOL or SS value after checking its JSON type.
func writeChecked(buf *bytes.Buffer, kind string, v json.RawMessage) error {
	var probe any
	switch kind {
	case "S":
		probe = new(string)
	case "BOOL":
		probe = new(bool)
	default:
		probe = new([]string)
	}
	if err := json.Unmarshal(v, probe); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidAttribute, kind, err)
	}
	if kind == "SS" && *(probe.(*[]string)) == nil {
		return fmt.Errorf("%w: SS is null", ErrInvalidAttribute)
	}
	out, _ := json.Marshal(probe)
	buf.Write(out)
	return nil
}

func writeImageNumber(buf *bytes.Buffer, v json.RawMessage) error {
	var n string
	if err := json.Unmarshal(v, &n); err != nil {
		return fmt.Errorf("%w: N must be a string: %w", ErrInvalidAttribute, err)
	}
	if !awsstore.IsNumber(n) {
		return fmt.Errorf("%w: N %q is not a decimal number", ErrInvalidAttribute, n)
	}
	buf.WriteString(n)
	return nil
}
