package constructs

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers that read a synthesized template decoded from JSON.

// resourcesOf returns the resources of type typ by logical ID.
func resourcesOf(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range tmpl["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// oneResource returns the only resource of type typ whose logical ID starts with prefix.
func oneResource(t *testing.T, tmpl map[string]any, typ, prefix string) (string, map[string]any) {
	t.Helper()
	var ids []string
	for id := range resourcesOf(tmpl, typ) {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
	}
	require.Len(t, ids, 1, "resources of type %s with logical ID prefix %q", typ, prefix)
	return ids[0], resourcesOf(tmpl, typ)[ids[0]]
}

// propsOf returns a resource's Properties.
func propsOf(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// path walks nested maps and lists by keys and indexes, and returns nil when a step is
// missing.
func path(v any, steps ...any) any {
	for _, step := range steps {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[s]
		case int:
			l, ok := v.([]any)
			if !ok || s >= len(l) {
				return nil
			}
			v = l[s]
		}
	}
	return v
}

// render turns a CloudFormation value into a readable string: Ref as <Id>, Fn::GetAtt as
// <Id.Attr>, Fn::Join as the joined parts, and pseudo parameters by name.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case map[string]any:
		if ref, ok := x["Ref"]; ok {
			return "<" + render(ref) + ">"
		}
		if att, ok := x["Fn::GetAtt"].([]any); ok && len(att) == 2 {
			return "<" + render(att[0]) + "." + render(att[1]) + ">"
		}
		if join, ok := x["Fn::Join"].([]any); ok && len(join) == 2 {
			list, _ := join[1].([]any)
			parts := make([]string, len(list))
			for i, e := range list {
				parts[i] = render(e)
			}
			return strings.Join(parts, render(join[0]))
		}
		if sub, ok := x["Fn::Sub"]; ok {
			return render(sub)
		}
	}
	return fmt.Sprintf("%v", v)
}

// stringList converts a JSON string or list of strings to a sorted []string.
func stringList(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = []string{x}
	case []any:
		for _, e := range x {
			out = append(out, render(e))
		}
	default:
		if v != nil {
			out = []string{render(v)}
		}
	}
	sort.Strings(out)
	return out
}

// statements returns the statements of a policy document.
func statements(doc any) []map[string]any {
	var out []map[string]any
	for _, s := range path(doc, "Statement").([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}
