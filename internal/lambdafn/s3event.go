package lambdafn

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Errors that ParseNotification wraps.
var (
	ErrNotJSON      = errors.New("message body is not a JSON object")
	ErrUnknownShape = errors.New("message body is neither an S3 event, an S3 test event nor an SNS notification")
	ErrMissingField = errors.New("missing field")
)

// s3TestEvent is the Event value of the message S3 sends when a notification is configured.
const s3TestEvent = "s3:TestEvent"

// ObjectRef is one object named by an S3 event record.
type ObjectRef struct {
	Bucket string
	Key    string // decoded: S3 sends keys form-encoded
	// Size is the object size from the event, nil when the record has none (unknown).
	Size *int64
	// EventName is the record's eventName, e.g. ObjectCreated:Put.
	EventName string
}

// Notification is the content of one SQS message body.
type Notification struct {
	TestEvent bool        // an s3:TestEvent, which carries no work
	Created   []ObjectRef // ObjectCreated records, in message order
	Ignored   int         // records of other events, e.g. ObjectRemoved
}

type snsEnvelope struct {
	Type    string  `json:"Type"`
	Message *string `json:"Message"`
}

type s3Event struct {
	Records *[]s3Record `json:"Records"`
	Event   string      `json:"Event"`
}

type s3Record struct {
	EventName string `json:"eventName"`
	S3        struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  *string `json:"key"`
			Size *int64  `json:"size"`
		} `json:"object"`
	} `json:"s3"`
}

// ParseNotification reads an SQS message body: an S3 event, an S3 test event, or either of
// them inside an SNS notification (Type Notification, the event as a JSON string in Message).
func ParseNotification(body string) (Notification, error) {
	var n Notification
	data := []byte(body)

	// SNS wraps the S3 message as a string; unwrap once.
	var env snsEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		return n, fmt.Errorf("parse message body: %w: %w", ErrNotJSON, err)
	}
	if env.Type == "Notification" && env.Message != nil {
		data = []byte(*env.Message)
	}

	var ev s3Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return n, fmt.Errorf("parse S3 event: %w: %w", ErrNotJSON, err)
	}
	if ev.Event == s3TestEvent {
		n.TestEvent = true
		return n, nil
	}
	if ev.Records == nil {
		return n, fmt.Errorf("parse S3 event: %w", ErrUnknownShape)
	}

	for i, rec := range *ev.Records {
		if !isCreated(rec.EventName) {
			n.Ignored++
			continue
		}
		ref, err := objectRef(rec)
		if err != nil {
			return n, fmt.Errorf("parse S3 event record %d: %w", i, err)
		}
		n.Created = append(n.Created, ref)
	}
	return n, nil
}

// isCreated matches ObjectCreated:* with or without the s3: prefix that event names carry
// in bucket notification configurations.
func isCreated(eventName string) bool {
	return strings.HasPrefix(strings.TrimPrefix(eventName, "s3:"), "ObjectCreated:")
}

func objectRef(rec s3Record) (ObjectRef, error) {
	ref := ObjectRef{Bucket: rec.S3.Bucket.Name, Size: rec.S3.Object.Size, EventName: rec.EventName}
	if ref.Bucket == "" {
		return ref, fmt.Errorf("%w s3.bucket.name", ErrMissingField)
	}
	if rec.S3.Object.Key == nil || *rec.S3.Object.Key == "" {
		return ref, fmt.Errorf("%w s3.object.key", ErrMissingField)
	}

	// Keys arrive form-encoded: '+' is a space and "%2B" a plus, so QueryUnescape is right
	// and PathUnescape is not.
	key, err := url.QueryUnescape(*rec.S3.Object.Key)
	if err != nil {
		return ref, fmt.Errorf("decode object key %q: %w", *rec.S3.Object.Key, err)
	}
	ref.Key = key
	return ref, nil
}

// Skip returns why an object needs no work, or "" when it does: an object whose event size
// is 0 or a folder placeholder key ending in '/'. An unknown size is not a reason.
func (r ObjectRef) Skip() string {
	switch {
	case strings.HasSuffix(r.Key, "/"):
		return "folder"
	case r.Size != nil && *r.Size == 0:
		return "empty"
	}
	return ""
}
