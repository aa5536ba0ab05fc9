package glue

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// errUnsupportedType marks a parquet column or Go field that has no Hive type mapping here.
var errUnsupportedType = errors.New("unsupported type")

// hiveType returns the Hive type of a parquet column: its physical type refined by its
// logical type, and array<...> for a LIST group.
func hiveType(node parquet.Node) (string, error) {
	var logical format.LogicalTypeValue
	if lt := node.Type().LogicalType(); lt != nil {
		logical = lt.Value
	}

	// array<...>: a LIST group holds one repeated group whose only field is the element.
	if !node.Leaf() {
		if _, ok := logical.(*format.ListType); !ok {
			return "", fmt.Errorf("group without LIST logical type: %w", errUnsupportedType)
		}
		repeated := node.Fields()
		if len(repeated) != 1 || repeated[0].Leaf() || len(repeated[0].Fields()) != 1 {
			return "", fmt.Errorf("LIST group not in the three-level layout: %w", errUnsupportedType)
		}
		element, err := hiveType(repeated[0].Fields()[0])
		if err != nil {
			return "", err
		}
		return "array<" + element + ">", nil
	}

	switch node.Type().Kind() {
	case parquet.Boolean:
		return "boolean", nil
	case parquet.Int32:
		return "int", nil
	case parquet.Int64:
		if _, ok := logical.(*format.TimestampType); ok {
			return "timestamp", nil
		}
		return "bigint", nil
	case parquet.Float:
		return "float", nil
	case parquet.Double:
		return "double", nil
	case parquet.ByteArray:
		switch logical.(type) {
		case *format.StringType, *format.JsonType, *format.EnumType:
			return "string", nil
		}
		return "binary", nil
	}
	return "", fmt.Errorf("parquet kind %s: %w", node.Type().Kind(), errUnsupportedType)
}

// jsonColumns returns a column per JSON field of the struct type t, named by its json tag.
func jsonColumns(t reflect.Type) ([]Column, error) {
	fields, err := jsonFields(t)
	if err != nil {
		return nil, err
	}
	columns := make([]Column, 0, len(fields))
	for _, f := range fields {
		typ, err := hiveJSONType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
		columns = append(columns, Column{Name: jsonName(f), Type: typ})
	}
	return columns, nil
}

// hiveJSONType returns the Hive type that the JSON SerDe reads the JSON encoding of a Go
// value of type t as.
func hiveJSONType(t reflect.Type) (string, error) {
	switch t.Kind() {
	case reflect.String:
		return "string", nil
	case reflect.Bool:
		return "boolean", nil
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return "int", nil
	case reflect.Int, reflect.Int64, reflect.Uint32, reflect.Uint, reflect.Uint64:
		return "bigint", nil
	case reflect.Float32, reflect.Float64:
		return "double", nil
	case reflect.Pointer:
		return hiveJSONType(t.Elem())
	case reflect.Slice, reflect.Array:
		element, err := hiveJSONType(t.Elem())
		if err != nil {
			return "", err
		}
		return "array<" + element + ">", nil
	case reflect.Struct:
		fields, err := jsonFields(t)
		if err != nil {
			return "", err
		}
		parts := make([]string, 0, len(fields))
		for _, f := range fields {
			typ, err := hiveJSONType(f.Type)
			if err != nil {
				return "", fmt.Errorf("field %q: %w", f.Name, err)
			}
			parts = append(parts, jsonName(f)+":"+typ)
		}
		return "struct<" + strings.Join(parts, ",") + ">", nil
	}
	return "", fmt.Errorf("go kind %s: %w", t.Kind(), errUnsupportedType)
}

// jsonFields returns the exported fields of a struct type that encoding/json writes.
func jsonFields(t reflect.Type) ([]reflect.StructField, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("go kind %s is not a struct: %w", t.Kind(), errUnsupportedType)
	}
	var fields []reflect.StructField
	for f := range t.Fields() {
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		if f.Anonymous {
			return nil, fmt.Errorf("embedded field %q: %w", f.Name, errUnsupportedType)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// jsonName returns the key encoding/json writes a field under: the tag's name, else the Go
// field name. Glue column names are lower case, so the name is lowered.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		name = f.Name
	}
	return strings.ToLower(name)
}
