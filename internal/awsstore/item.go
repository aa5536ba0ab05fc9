package awsstore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

// Attribute names that the table's key schema and indexes use.
const (
	attrDetectionID = "detection_id"
	attrSeverity    = "severity"
	attrHost        = "host"
	attrDetectedAt  = "detected_at"
)

// DetectionItem encodes d as a table item: the detection's JSON fields, detected_at as the
// sortable RFC 3339 millisecond string, and the TTL attribute at detected_at plus ttl. Both
// derive from the detection, so rewriting it changes nothing. The TTL attribute is left out
// when ttl is 0 or the expiry is not after now: DynamoDB would delete such an item within
// minutes, and a redelivered object would then insert it again as a new detection. An empty
// host is left out because DynamoDB rejects an empty string as an index key.
func DetectionItem(d detection.Detection, ttl time.Duration, now time.Time) (map[string]types.AttributeValue, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode detection %q: %w", d.DetectionID, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var fields map[string]any
	if err := dec.Decode(&fields); err != nil {
		return nil, fmt.Errorf("encode detection %q: %w", d.DetectionID, err)
	}

	item := make(map[string]types.AttributeValue, len(fields)+1)
	for name, v := range fields {
		item[name] = attributeFromJSON(v)
	}

	// detected_at: the GSI sort key must sort as text, so it always has milliseconds.
	item[attrDetectedAt] = &types.AttributeValueMemberS{Value: d.DetectedAtString()}
	if d.Host == "" {
		delete(item, attrHost)
	}
	// expires_at: epoch seconds, only for detections young enough to expire in the future.
	// NOTE: a detection written before its expiry and redelivered after it loses the
	// attribute, so the rewrite is a MODIFY that the aggregator ignores, not an INSERT.
	if expires := d.DetectedAt.Add(ttl); ttl > 0 && expires.After(now) {
		item[names.TTLAttribute] = &types.AttributeValueMemberN{Value: strconv.FormatInt(expires.Unix(), 10)}
	}
	return item, nil
}

// attributeFromJSON converts a value decoded with UseNumber into an attribute value.
func attributeFromJSON(v any) types.AttributeValue {
	switch v := v.(type) {
	case string:
		return &types.AttributeValueMemberS{Value: v}
	case json.Number:
		return &types.AttributeValueMemberN{Value: v.String()}
	case bool:
		return &types.AttributeValueMemberBOOL{Value: v}
	case []any:
		list := make([]types.AttributeValue, len(v))
		for i, e := range v {
			list[i] = attributeFromJSON(e)
		}
		return &types.AttributeValueMemberL{Value: list}
	case map[string]any:
		m := make(map[string]types.AttributeValue, len(v))
		for k, e := range v {
			m[k] = attributeFromJSON(e)
		}
		return &types.AttributeValueMemberM{Value: m}
	}
	return &types.AttributeValueMemberNULL{Value: true}
}

// DetectionFromItem decodes a table item. Numbers keep their exact decimal text until they
// reach the detection's typed fields; attributes the detection does not have are ignored.
func DetectionFromItem(item map[string]types.AttributeValue) (detection.Detection, error) {
	var d detection.Detection
	data, err := ItemJSON(item)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("decode detection item: %w", err)
	}
	return d, nil
}

// ItemJSON renders an item as a JSON object: N values are written as JSON numbers with their
// digits unchanged, sets as arrays, binary values as base64 strings.
func ItemJSON(item map[string]types.AttributeValue) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeMap(&buf, item); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeMap(buf *bytes.Buffer, m map[string]types.AttributeValue) error {
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
		writeString(buf, k)
		buf.WriteByte(':')
		if err := writeAttribute(buf, m[k]); err != nil {
			return fmt.Errorf("attribute %q: %w", k, err)
		}
	}
	buf.WriteByte('}')
	return nil
}

func writeAttribute(buf *bytes.Buffer, av types.AttributeValue) error {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		writeString(buf, v.Value)
	case *types.AttributeValueMemberN:
		return writeNumber(buf, v.Value)
	case *types.AttributeValueMemberBOOL:
		buf.WriteString(strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberNULL:
		buf.WriteString("null")
	case *types.AttributeValueMemberB:
		data, _ := json.Marshal(v.Value)
		buf.Write(data)
	case *types.AttributeValueMemberSS:
		data, _ := json.Marshal(v.Value)
		buf.Write(data)
	case *types.AttributeValueMemberBS:
		data, _ := json.Marshal(v.Value)
		buf.Write(data)
	case *types.AttributeValueMemberNS:
		buf.WriteByte('[')
		for i, n := range v.Value {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeNumber(buf, n); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case *types.AttributeValueMemberL:
		buf.WriteByte('[')
		for i, e := range v.Value {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeAttribute(buf, e); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
		buf.WriteByte(']')
	case *types.AttributeValueMemberM:
		return writeMap(buf, v.Value)
	default:
		return fmt.Errorf("unsupported attribute type %T", av)
	}
	return nil
}

func writeString(buf *bytes.Buffer, s string) {
	data, _ := json.Marshal(s)
	buf.Write(data)
}

func writeNumber(buf *bytes.Buffer, n string) error {
	if !IsNumber(n) {
		return fmt.Errorf("invalid number %q", n)
	}
	buf.WriteString(n)
	return nil
}

// IsNumber reports whether s is a JSON number literal, the form DynamoDB returns N values
// in: an optional minus, digits without a leading zero, an optional fraction and exponent.
func IsNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}

func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
