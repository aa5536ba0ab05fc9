package lambdafn

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNotification(t *testing.T) {
	size612, size2048 := int64(612), int64(2048)
	tests := []struct {
		name    string
		body    string
		want    Notification
		wantErr error
	}{
		{
			name: "s3 put event file",
			body: string(readTestdata(t, "s3-put-event.json")),
			want: Notification{Created: []ObjectRef{{
				Bucket: "ot-telemetry-raw-000000000000", EventName: "ObjectCreated:Put", Size: &size612,
				Key: "source=ot_sensor/date=2026-05-20/ot-gateway-20260520T192000Z-000001.json.gz",
			}}},
		},
		{
			name: "sns wrapped event file",
			body: string(readTestdata(t, "sns-wrapped-s3-event.json")),
			want: Notification{Ignored: 1, Created: []ObjectRef{{
				Bucket: "ot-telemetry-raw-000000000000", EventName: "ObjectCreated:CompleteMultipartUpload",
				Size: &size2048, Key: "source=iptables/date=2026-05-20/fw 01.log",
			}}},
		},
		{
			name: "test event inside sns",
			body: `{"Type":"Notification","Message":"{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}"}`,
			want: Notification{TestEvent: true},
		},
		{
			name: "empty records",
			body: `{"Records":[]}`,
			want: Notification{},
		},
		{name: "not json", body: `hello`, wantErr: ErrNotJSON},
		{name: "sns message not json", body: `{"Type":"Notification","Message":"hello"}`, wantErr: ErrNotJSON},
		{name: "json without records", body: `{"foo":1}`, wantErr: ErrUnknownShape},
		{name: "sns without message", body: `{"Type":"Notification"}`, wantErr: ErrUnknownShape},
		{
			name:    "record without key",
			body:    `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{}}}]}`,
			wantErr: ErrMissingField,
		},
		{
			name:    "record without bucket",
			body:    `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"k"}}}]}`,
			wantErr: ErrMissingField,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNotification(tt.body)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseNotificationBadKeyEscape(t *testing.T) {
	_, err := ParseNotification(`{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"a%zz"}}}]}`)

	require.Error(t, err)
	assert.Contains(t, err.Error(), `decode object key "a%zz"`)
	assert.Contains(t, err.Error(), "record 0")
}

func FuzzParseNotification(f *testing.F) {
	f.Add(string(readTestdataB(f, "s3-put-event.json")))
	f.Add(string(readTestdataB(f, "sns-wrapped-s3-event.json")))
	f.Add(`{"Service":"Amazon S3","Event":"s3:TestEvent"}`)
	f.Add(`{"Records":[{"eventName":"ObjectRemoved:Delete"}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		note, err := ParseNotification(body)
		if err != nil {
			return
		}
		for _, ref := range note.Created {
			if ref.Bucket == "" || ref.Key == "" {
				t.Fatalf("created object without bucket or key: %+v", ref)
			}
		}
	})
}
