package neo4jstore

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// decodeNode turns a driver node into a kepu.Node. The label comes from the
// ID; properties are converted to the Go types of the registry.
// It accepts a node, a map of its properties, or the list that
// nodeReturn returns for the labels of pr (pr may be nil otherwise).
func decodeNode(v any, pr *projection) (kepu.Node, error) {
	var props map[string]any
	var elem string
	switch n := v.(type) {
	case []any:
		return decodeList(n, pr)
	case neo4j.Node:
		props, elem = n.Props, n.ElementId
	case map[string]any:
		props = n
	default:
		return kepu.Node{}, fmt.Errorf("neo4jstore: expected a node, got %T", v)
	}
	id, _ := props[IDKey].(string)
	l := kepu.LabelOf(id)
	if l == "" {
		return kepu.Node{}, fmt.Errorf("neo4jstore: node %q has no valid id", elem)
	}
	return kepu.Node{ID: id, Label: l, Props: decodeProps(kepu.LookupLabel(l).Props, props)}, nil
}

// decodeList decodes a node returned by nodeReturn: its ID first, then
// the properties at the positions pr gives for its label.
func decodeList(vals []any, pr *projection) (kepu.Node, error) {
	var id string
	if len(vals) > 0 {
		id, _ = vals[0].(string)
	}
	l := kepu.LabelOf(id)
	if l == "" || pr == nil {
		return kepu.Node{}, fmt.Errorf("neo4jstore: node list %.80v has no valid id", vals)
	}
	pos := pr.pos[l]
	defs := kepu.LookupLabel(l).Props
	if pos == nil || len(pos) != len(defs) {
		return kepu.Node{}, fmt.Errorf("neo4jstore: node %q of a label the statement did not project", id)
	}
	n := 0
	for _, at := range pos {
		if at < len(vals) && vals[at] != nil {
			n++
		}
	}
	props := make(kepu.Props, n)
	for i, at := range pos {
		if at >= len(vals) || vals[at] == nil {
			continue
		}
		if v, ok := decodeValue(&defs[i], vals[at]); ok {
			props[defs[i].Name] = v
		}
	}
	return kepu.Node{ID: id, Label: l, Props: props}, nil
}

// decodeRel returns the properties of a driver relationship of type t.
// It accepts a relationship or its properties (properties(r)).
func decodeRel(v any, t kepu.RelType) (kepu.Props, error) {
	switch r := v.(type) {
	case neo4j.Relationship:
		return decodeProps(kepu.LookupRel(t).Props, r.Props), nil
	case map[string]any:
		return decodeProps(kepu.LookupRel(t).Props, r), nil
	}
	return nil, fmt.Errorf("neo4jstore: expected a relationship, got %T", v)
}

// decodeProps keeps the registry's properties, converted to their Go types.
// Values that cannot be converted are dropped.
func decodeProps(defs []kepu.PropDef, in map[string]any) kepu.Props {
	out := make(kepu.Props, len(in))
	for i := range defs {
		d := &defs[i]
		raw, ok := in[d.Name]
		if !ok || raw == nil {
			continue
		}
		if v, ok := decodeValue(d, raw); ok {
			out[d.Name] = v
		}
	}
	return out
}

// decodeValue converts a driver value to the Go type of a property:
// string, int64, float64, bool or []string. Temporal values of Date
// properties become YYYY-MM-DD text.
func decodeValue(d *kepu.PropDef, v any) (any, bool) {
	switch d.Type {
	case kepu.String, kepu.Enum:
		// v itself, not v.(string) boxed again (an allocation per value).
		_, ok := v.(string)
		return v, ok
	case kepu.Date:
		switch x := v.(type) {
		case string:
			return x, true
		case dbtype.Date:
			return x.Time().Format(time.DateOnly), true
		case dbtype.LocalDateTime:
			return x.Time().Format(time.DateOnly), true
		case time.Time:
			return x.Format(time.DateOnly), true
		}
	case kepu.Int:
		switch x := v.(type) {
		case int64:
			return v, true
		case float64:
			if x == math.Trunc(x) {
				return int64(x), true
			}
		}
	case kepu.Float:
		switch x := v.(type) {
		case float64:
			return v, true
		case int64:
			return float64(x), true
		}
	case kepu.Bool:
		_, ok := v.(bool)
		return v, ok
	case kepu.StringList:
		switch x := v.(type) {
		case []string:
			return append([]string{}, x...), true
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				out = append(out, s)
			}
			return out, true
		}
	}
	return nil, false
}

// keyText is the text form of a group key (kepu.GroupKeyText), extended to
// the driver's own types.
func keyText(v any) string {
	switch x := v.(type) {
	case nil, string, int64, float64, bool:
		return kepu.GroupKeyText(x)
	case dbtype.Date:
		return x.Time().Format(time.DateOnly)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = keyText(e)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// toFloat converts a sum to float64.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// toInt converts a count to int.
func toInt(v any) int {
	if x, ok := v.(int64); ok {
		return int(x)
	}
	return 0
}
