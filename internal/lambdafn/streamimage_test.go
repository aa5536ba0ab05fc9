package lambdafn

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImageJSON(t *testing.T) {
	tests := []struct {
		name    string
		image   string
		want    string
		wantErr bool
	}{
		{"strings and numbers", `{"s":{"S":"HIGH"},"n":{"N":"2868860079149422351"},"f":{"N":"0.75"}}`, `{"f":0.75,"n":2868860079149422351,"s":"HIGH"}`, false},
		{"exponent and negative", `{"a":{"N":"-1.5E+3"}}`, `{"a":-1.5E+3}`, false},
		{"bool and null", `{"b":{"BOOL":true},"z":{"NULL":true}}`, `{"b":true,"z":null}`, false},
		{"list and map", `{"l":{"L":[{"S":"T0855"},{"M":{"x":{"N":"1"}}}]}}`, `{"l":["T0855",{"x":1}]}`, false},
		{"sets", `{"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]}}`, `{"ns":[1,2.5],"ss":["a","b"]}`, false},
		{"binary", `{"b":{"B":"AQI="}}`, `{"b":"AQI="}`, false},
		{"number not a string", `{"n":{"N":5}}`, "", true},
		{"number with letters", `{"n":{"N":"1e"}}`, "", true},
		{"leading zero", `{"n":{"N":"012"}}`, "", true},
		{"two type keys", `{"x":{"S":"a","N":"1"}}`, "", true},
		{"unknown type", `{"x":{"Q":"a"}}`, "", true},
		{"bad base64", `{"b":{"B":"***"}}`, "", true},
		{"value not an object", `{"x":"plain"}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var img Image
			require.NoError(t, json.Unmarshal([]byte(tt.image), &img))

			got, err := ImageJSON(img)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrInvalidAttribute)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestImageJSONDepthLimit(t *testing.T) {
	nested := `{"S":"leaf"}`
	for range maxImageDepth + 2 {
		nested = `{"L":[` + nested + `]}`
	}
	img := Image{"deep": json.RawMessage(nested)}

	_, err := ImageJSON(img)

	require.ErrorIs(t, err, ErrInvalidAttribute)
}

func FuzzImageJSON(f *testing.F) {
	f.Add(`{"s":{"S":"HIGH"},"n":{"N":"2868860079149422351"},"f":{"N":"0.75"}}`)
	f.Add(`{"l":{"L":[{"S":"T0855"},{"M":{"x":{"N":"1"}}}]},"ns":{"NS":["1"]}}`)
	f.Add(`{"b":{"B":"AQI="},"z":{"NULL":true},"t":{"BOOL":false}}`)
	f.Fuzz(func(t *testing.T, image string) {
		var img Image
		if json.Unmarshal([]byte(image), &img) != nil {
			return
		}
		out, err := ImageJSON(img)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("ImageJSON(%s) = %s, not valid JSON", image, out)
		}
	})
}
