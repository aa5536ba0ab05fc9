package formats

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sensorListLine returns a sensor alert with the given techniques and modbus.values arrays.
func sensorListLine(techniques, values string) string {
	return `{"timestamp":"2024-05-01T10:02:38.412Z","sensor":"otsensor-l3","rule":"UNAUTHORIZED_MODBUS_WRITE",` +
		`"techniques":` + techniques + `,"modbus":{"function":16,"values":` + values + `}}`
}

// numberedList returns a JSON array of n elements that format writes from their index.
func numberedList(n int, format string) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(format, i)
	}
	return "[" + strings.Join(items, ",") + "]"
}

// TestSensorAlertLists covers the techniques and modbus.values arrays, whose elements the
// scanner stores up to a bound and which are read from their text past it.
func TestSensorAlertLists(t *testing.T) {
	longTechniques := make([]string, 12)
	longValues := make([]int, 12)
	for i := range longTechniques {
		longTechniques[i] = fmt.Sprintf("T08%02d", i)
		value, err := strconv.Atoi(fmt.Sprintf("1%d", i))
		require.NoError(t, err)
		longValues[i] = value
	}

	tests := []struct {
		name           string
		line           string
		wantTechniques []string
		wantValues     []int
		wantErr        string
	}{
		{"short lists", sensorListLine(`["T0855","T0836"]`, `[1500, 7]`), []string{"T0855", "T0836"}, []int{1500, 7}, ""},
		{"empty lists", sensorListLine(`[]`, `[ ]`), []string{}, []int{}, ""},
		{"spaces around elements", sensorListLine(`[ "T0855" , "T0836" ]`, `[ 1 , 2 ]`), []string{"T0855", "T0836"}, []int{1, 2}, ""},
		{"long lists", sensorListLine(numberedList(12, `"T08%02d"`), numberedList(12, `1%d`)), longTechniques, longValues, ""},
		{"bad technique stored", sensorListLine(`["T0855","T855"]`, `[1]`), nil, nil, `invalid "techniques[1]" "\"T855\"", want an ID such as T0855 at column 121`},
		{"bad technique past bound", sensorListLine(strings.TrimSuffix(numberedList(9, `"T08%02d"`), "]")+`,"T0"]`, `[1]`), nil, nil, `invalid "techniques[9]" "\"T0\"", want an ID such as T0855 at column 185`},
		{"bad technique in long list", sensorListLine(strings.TrimSuffix(numberedList(10, `"T08%02d"`), "]")+`,7]`, `[1]`), nil, nil, `invalid "techniques[10]" "7", want an ID such as T0855 at column 193`},
		{"escaped technique", sensorListLine(`["T\u00300855"]`, `[1]`), nil, nil, `invalid "techniques[0]"`},
		{"bad value stored", sensorListLine(`[]`, `[1,70000]`), nil, nil, `invalid "modbus.values[1]" "70000", want an integer from 0 to 65535 at column 151`},
		{"bad value in long list", sensorListLine(`[]`, strings.TrimSuffix(numberedList(10, `%d`), "]")+`,"x"]`), nil, nil, `invalid "modbus.values[10]" "\"x\""`},
		{"first techniques wins", strings.Replace(sensorListLine(`["T0855"]`, `[1]`), `"rule"`, `"techniques":["T0836"],"rule"`, 1), []string{"T0836"}, []int{1}, ""},
		{"first values wins", strings.Replace(sensorListLine(`[]`, `[1]`), `"function"`, `"values":[2,3],"function"`, 1), []string{}, []int{2, 3}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Parse([]byte(tt.line), Context{})
			if tt.wantErr != "" {
				require.Error(t, err, "Parse(%q)", tt.line)
				assert.Contains(t, err.Error(), tt.wantErr, "Parse(%q) error", tt.line)
				return
			}
			require.NoError(t, err, "Parse(%q)", tt.line)
			assert.Equal(t, tt.wantTechniques, rec.Alert.Techniques, "Parse(%q) techniques", tt.line)
			require.NotNil(t, rec.Modbus, "Parse(%q) modbus", tt.line)
			assert.Equal(t, tt.wantValues, rec.Modbus.Values, "Parse(%q) values", tt.line)
		})
	}
}
