package lambdafn

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// ImageFromItem renders an SDK item in DynamoDB's JSON form, the shape a stream event
// carries to Lambda. Tools that read a stream through the API use it to build the event.
func ImageFromItem(item map[string]types.AttributeValue) (Image, error) {
	img := make(Image, len(item))
	for name, av := range item {
		typed, err := typedValue(av)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		data, err := json.Marshal(typed)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		img[name] = data
	}
	return img, nil
}

// typedValue returns av as a one-key map such as {"N": "1"}, ready for json.Marshal.
func typedValue(av types.AttributeValue) (map[string]any, error) {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}, nil
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}, nil
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}, nil
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}, nil
	case *types.AttributeValueMemberB:
		return map[string]any{"B": v.Value}, nil
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}, nil
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}, nil
	case *types.AttributeValueMemberBS:
		return map[string]any{"BS": v.Value}, nil
	case *types.AttributeValueMemberL:
		list := make([]map[string]any, len(v.Value))
		for i, e := range v.Value {
			typed, err := typedValue(e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
			list[i] = typed
		}
		return map[string]any{"L": list}, nil
	case *types.AttributeValueMemberM:
		m := make(map[string]any, len(v.Value))
		for k, e := range v.Value {
			typed, err := typedValue(e)
			if err != nil {
				return nil, fmt.Errorf("attribute %q: %w", k, err)
			}
			m[k] = typed
		}
		return map[string]any{"M": m}, nil
	}
	return nil, fmt.Errorf("unsupported attribute type %T", av)
}
