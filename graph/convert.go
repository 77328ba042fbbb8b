package graph

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/graph/generated"
	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// plain turns a value decoded by gqlgen into the plain forms that
// kepu.Normalize accepts: pointers are dereferenced, ints become int64 and
// slices become []any.
func plain(v any) any {
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case string, int64, float64, bool, map[string]any:
		return x
	case int:
		return int64(x)
	case int32:
		return int64(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return plain(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nil
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plain(rv.Index(i).Interface())
		}
		return out
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Bool:
		return rv.Bool()
	}
	return v
}

// isNull reports whether v is a GraphQL null as gqlgen decodes it: nil, or a
// nil pointer, map or slice inside an interface.
func isNull(v any) bool {
	if v == nil {
		return true
	}
	switch x := v.(type) {
	case map[string]any:
		return x == nil
	case []map[string]any:
		return x == nil
	case []any:
		return x == nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return rv.IsNil()
	}
	return false
}

func badInput(format string, args ...any) error {
	return kepu.Errorf(kepu.BadUserInput, format, args...)
}

// whereScope says what a where input may name.
type whereScope struct {
	label kepu.Label // the node label; "" for an edge or several labels
	props func(name string) *kepu.PropDef
	rels  bool // relationship and place conditions are allowed
	// far are the labels of a node that may have several (NodeWhere,
	// PlaceWhere): the fields named after one of kepu.Labels are typed
	// conditions on that label.
	far []kepu.Label
	// ids are the labels an ID in an id condition may name (nil: any);
	// an ID of another label is refused, as an argument of the wrong
	// kind is, rather than matching nothing.
	ids []kepu.Label
}

// propertyScope is the scope of a <Label>PropertyWhere: the label's
// properties and the ID, nothing else.
func propertyScope(l kepu.Label) whereScope {
	return whereScope{props: kepu.LookupLabel(l).Prop, ids: []kepu.Label{l}}
}

func labelScope(l kepu.Label) whereScope {
	def := kepu.LookupLabel(l)
	return whereScope{label: l, props: def.Prop, rels: true, ids: []kepu.Label{l}}
}

func mergedScope(labels []kepu.Label) whereScope {
	props := spec.MergedProps(labels)
	return whereScope{far: labels, ids: labels, props: func(name string) *kepu.PropDef {
		for i := range props {
			if props[i].Name == name {
				return &props[i]
			}
		}
		return nil
	}}
}

func edgeScope(t kepu.RelType) whereScope {
	def := kepu.LookupRel(t)
	return whereScope{props: def.Prop}
}

func farScope(labels []kepu.Label) whereScope {
	if len(labels) == 1 {
		return labelScope(labels[0])
	}
	return mergedScope(labels)
}

// toFilter converts a where input (a map, as gqlgen decodes it) into a
// filter. Keys are visited in sorted order so that equal inputs give equal
// filters (loaders share work by filter).
func toFilter(sc whereScope, m map[string]any) (*kepu.Filter, error) {
	if len(m) == 0 {
		return nil, nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []*kepu.Filter
	for _, k := range keys {
		f, err := fieldFilter(sc, k, m[k])
		if err != nil {
			return nil, err
		}
		if f != nil {
			parts = append(parts, f)
		}
	}
	return kepu.And(parts...), nil
}

// falseFilter returns a filter that matches nothing: the empty disjunction
// (a non-nil, empty Or, which every backend evaluates to false).
func falseFilter() *kepu.Filter { return &kepu.Filter{Or: []*kepu.Filter{}} }

// isFalse reports whether f is the empty disjunction (falseFilter).
func isFalse(f *kepu.Filter) bool { return f != nil && f.Or != nil && len(f.Or) == 0 }

func subMap(k string, v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badInput("%s must be an input object", k)
	}
	return m, nil
}

func fieldFilter(sc whereScope, k string, v any) (*kepu.Filter, error) {
	if isNull(v) {
		// A null places no condition, whatever the field: a property, AND,
		// OR, NOT, a place or a relationship filter, written inline or
		// coming from a variable (gqlgen hands over a typed nil map or
		// slice for a null input object or list).
		return nil, nil
	}
	switch k {
	case "AND", "OR":
		pv := plain(v)
		if m, ok := pv.(map[string]any); ok {
			// GraphQL input coercion: a single value stands for a list of one.
			pv = []any{m}
		}
		list, ok := pv.([]any)
		if !ok {
			return nil, badInput("%s must be a list", k)
		}
		if len(list) == 0 && k == "OR" {
			// An empty disjunction is false: it matches nothing (and an
			// empty conjunction, below, is true).
			return falseFilter(), nil
		}
		var parts []*kepu.Filter
		for _, e := range list {
			m, err := subMap(k, e)
			if err != nil {
				return nil, err
			}
			f, err := toFilter(sc, m)
			if err != nil {
				return nil, err
			}
			if f == nil {
				if k == "OR" {
					// One alternative without conditions matches everything.
					return nil, nil
				}
				continue
			}
			parts = append(parts, f)
		}
		switch {
		case len(parts) == 0:
			return nil, nil
		case len(parts) == 1:
			return parts[0], nil
		case k == "AND":
			return &kepu.Filter{And: parts}, nil
		}
		return &kepu.Filter{Or: parts}, nil
	case "NOT":
		m, err := subMap(k, v)
		if err != nil {
			return nil, err
		}
		f, err := toFilter(sc, m)
		if err != nil {
			return nil, err
		}
		switch {
		case f == nil:
			// The empty condition holds for every record (as {} and
			// AND: [] do), so its negation holds for none: NOT: {}
			// matches nothing, as in Hasura's and PostGraphile's
			// filters.
			return falseFilter(), nil
		case isFalse(f):
			// NOT of a condition no record meets (NOT: {NOT: {}},
			// NOT: {OR: []}) holds for every record.
			return nil, nil
		}
		return &kepu.Filter{Not: f}, nil
	case kepu.PropID:
		m, err := subMap(k, v)
		if err != nil {
			return nil, err
		}
		return idFilter(sc, m)
	}
	if sc.far != nil && kepu.LookupLabel(kepu.Label(k)) != nil {
		l := kepu.Label(k)
		if !slices.Contains(sc.far, l) {
			return nil, badInput("%s: the other end of this relationship is never a %s", k, l)
		}
		m, err := subMap(k, v)
		if err != nil {
			return nil, err
		}
		f, err := toFilter(propertyScope(l), m)
		if err != nil {
			return nil, err
		}
		return kepu.OfLabel(l, f), nil
	}
	if p := sc.props(k); p != nil {
		m, err := subMap(k, v)
		if err != nil {
			return nil, err
		}
		return propFilter(k, m)
	}
	if sc.rels && sc.label != "" {
		if l := kepu.Label(upperFirst(k)); l.IsPlace() && slices.Contains(spec.PlaceLevels(sc.label), l) {
			m, err := subMap(k, v)
			if err != nil {
				return nil, err
			}
			f, err := toFilter(labelScope(l), m)
			if err != nil {
				return nil, err
			}
			return &kepu.Filter{Place: &kepu.PlaceCond{Level: l, Filter: f}}, nil
		}
		if name, quant, ok := relKey(k); ok {
			if rf, ok := spec.LookupRelField(sc.label, name); ok {
				m, err := subMap(k, v)
				if err != nil {
					return nil, err
				}
				return relFilter(rf, quant, m)
			}
		}
	}
	return nil, badInput("unknown filter field %q", k)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func relKey(k string) (name string, q kepu.Quantifier, ok bool) {
	if n, found := strings.CutSuffix(k, "_some"); found {
		return n, kepu.Some, true
	}
	if n, found := strings.CutSuffix(k, "_none"); found {
		return n, kepu.None, true
	}
	return "", "", false
}

func relFilter(rf spec.RelField, quant kepu.Quantifier, m map[string]any) (*kepu.Filter, error) {
	rc := &kepu.RelCond{Rel: rf.Def.Type, Dir: rf.Dir, Quant: quant}
	var err error
	if v, ok := m["node"]; ok && !isNull(v) {
		nm, err := subMap("node", v)
		if err != nil {
			return nil, err
		}
		if rc.Node, err = toFilter(farScope(rf.Far()), nm); err != nil {
			return nil, err
		}
	}
	if v, ok := m["edge"]; ok && !isNull(v) {
		em, err := subMap("edge", v)
		if err != nil {
			return nil, err
		}
		if rc.Edge, err = toFilter(edgeScope(rf.Def.Type), em); err != nil {
			return nil, err
		}
	}
	return &kepu.Filter{Rel: rc}, err
}

var opOrder = []kepu.Op{kepu.Eq, kepu.Ne, kepu.OneOf, kepu.Contains, kepu.ContainsInsensitive, kepu.StartsWith, kepu.Gt, kepu.Gte, kepu.Lt, kepu.Lte}

func propFilter(prop string, m map[string]any) (*kepu.Filter, error) {
	var parts []*kepu.Filter
	for _, op := range opOrder {
		v, ok := m[string(op)]
		if !ok {
			continue
		}
		v = plain(v)
		if op == kepu.OneOf && v == nil {
			return nil, badInput("in of %s needs a list", prop)
		}
		parts = append(parts, kepu.C(prop, op, v))
	}
	for k := range m {
		if !slices.Contains(opOrder, kepu.Op(k)) {
			return nil, badInput("unknown operator %q of %s", k, prop)
		}
	}
	return kepu.And(parts...), nil
}

func idFilter(sc whereScope, m map[string]any) (*kepu.Filter, error) {
	parse := func(gid string) (string, error) {
		id, err := kepu.ParseGlobalID(gid)
		if err != nil || len(sc.ids) == 0 || slices.Contains(sc.ids, kepu.LabelOf(id)) {
			return id, err
		}
		names := make([]string, len(sc.ids))
		for i, l := range sc.ids {
			names[i] = string(l)
		}
		return "", badInput("ID %q is a %s's, not a %s's: it matches nothing here", kepu.Truncate(gid, 64), kepu.LabelOf(id), strings.Join(names, "'s or a "))
	}
	var parts []*kepu.Filter
	for _, op := range []kepu.Op{kepu.Eq, kepu.Ne, kepu.OneOf} {
		v, ok := m[string(op)]
		if !ok {
			continue
		}
		v = plain(v)
		switch x := v.(type) {
		case nil:
			if op == kepu.OneOf {
				return nil, badInput("in of id needs a list")
			}
			parts = append(parts, kepu.C(kepu.PropID, op, nil))
		case string:
			id, err := parse(x)
			if err != nil {
				return nil, err
			}
			parts = append(parts, kepu.C(kepu.PropID, op, id))
		case []any:
			ids := make([]any, len(x))
			for i, e := range x {
				s, _ := e.(string)
				id, err := parse(s)
				if err != nil {
					return nil, err
				}
				ids[i] = id
			}
			parts = append(parts, kepu.C(kepu.PropID, op, ids))
		default:
			return nil, badInput("id filter values must be IDs")
		}
	}
	return kepu.And(parts...), nil
}

// NodeFilter converts the where input of a label, as plain values (maps,
// lists as []any, strings for enums, int64, float64, bool, as decoded from
// JSON), into a validated filter: the filter the label's where argument
// gives, refusing what that argument's input type refuses (unknown fields,
// enum values, an Int beyond 32 bits, a string where a number goes, a
// String longer than DefaultMaxStringBytes). Errors have code BadUserInput.
func NodeFilter(l kepu.Label, where map[string]any) (*kepu.Filter, error) {
	return PlainWhere(DefaultMaxStringBytes)(l, where)
}

// PlainWhere returns NodeFilter with maxString as the longest String value
// in bytes (<= 0: no limit), the server's --max-string-bytes: the subgraph
// field and the exports take their where through it.
func PlainWhere(maxString int) export.WhereFunc {
	return func(l kepu.Label, where map[string]any) (*kepu.Filter, error) {
		if kepu.LookupLabel(l) == nil {
			return nil, badInput("unknown label %q", l)
		}
		typ := schema().Types[string(l)+"Where"]
		if typ == nil {
			return nil, fmt.Errorf("graph: no input type %sWhere", l)
		}
		c := variableCheck{schema: schema(), maxString: maxString}
		if _, msg := c.coerce(ast.NamedType(typ.Name, nil), plainCopy(where), []string{"where"}); msg != "" {
			return nil, badInput("%s", msg)
		}
		return nodeFilter(l, where)
	}
}

// schema is the executable schema's AST (for the input types of PlainWhere).
var schema = sync.OnceValue(func() *ast.Schema {
	return generated.NewExecutableSchema(generated.Config{}).Schema()
})

// plainCopy copies the maps and lists of a plain JSON value (coerce writes
// into them).
func plainCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plainCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plainCopy(e)
		}
		return l
	}
	return v
}

// nodeFilter converts and validates the where input of a label.
func nodeFilter(l kepu.Label, where map[string]any) (*kepu.Filter, error) {
	f, err := toFilter(labelScope(l), where)
	if err != nil {
		return nil, err
	}
	if err := kepu.ValidateFilter(l, f); err != nil {
		return nil, err
	}
	return f, nil
}

// splitMatch splits a relationship field's where input, {node, edge}, into
// its two parts; either may be absent.
func splitMatch(where map[string]any) (node, edge map[string]any, err error) {
	for k, v := range where {
		m, ok := v.(map[string]any)
		if v != nil && !ok {
			return nil, nil, kepu.Errorf(kepu.BadUserInput, "where.%s must be an object", k)
		}
		switch k {
		case "node":
			node = m
		case "edge":
			edge = m
		default:
			return nil, nil, kepu.Errorf(kepu.BadUserInput, "where of a relationship takes node and edge, not %q", k)
		}
	}
	return node, edge, nil
}

// neighborFilters converts and validates the node and edge conditions of a
// relationship field of the label near.
func neighborFilters(near kepu.Label, rf spec.RelField, where, edgeWhere map[string]any) (node, edge *kepu.Filter, err error) {
	if node, err = toFilter(farScope(rf.Far()), where); err != nil {
		return nil, nil, err
	}
	if edge, err = toFilter(edgeScope(rf.Def.Type), edgeWhere); err != nil {
		return nil, nil, err
	}
	// Validating them as a relationship condition of the near node checks
	// the node filter against every far label and normalizes both in place.
	check := &kepu.Filter{Rel: &kepu.RelCond{Rel: rf.Def.Type, Dir: rf.Dir, Quant: kepu.Some, Node: node, Edge: edge}}
	if err := kepu.ValidateFilter(near, check); err != nil {
		return nil, nil, err
	}
	return node, edge, nil
}

// orderKeys maps order inputs to sort keys through an enum table.
func orderKeys(table map[string]kepu.OrderKey, in []*model.OrderInput) ([]kepu.OrderKey, error) {
	var keys []kepu.OrderKey
	for _, o := range in {
		if o == nil {
			continue
		}
		k, ok := table[o.Field]
		if !ok {
			return nil, badInput("unknown order field %q", o.Field)
		}
		switch o.Direction {
		case "", "ASC":
		case "DESC":
			k.Desc = true
		default:
			return nil, badInput("unknown order direction %q", o.Direction)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// pageArgs are the Relay arguments of a connection field.
type pageArgs struct {
	First, Last   *int
	After, Before *string
}

// page converts and validates page arguments. Without first and last the
// first max items are returned (the last max items when only before is
// given).
func (a pageArgs) page(max int) (kepu.Page, error) {
	p := kepu.Page{First: a.First, Last: a.Last}
	if a.After != nil {
		if *a.After == "" {
			return kepu.Page{}, kepu.EmptyCursor("after")
		}
		p.After = *a.After
	}
	if a.Before != nil {
		if *a.Before == "" {
			return kepu.Page{}, kepu.EmptyCursor("before")
		}
		p.Before = *a.Before
	}
	if err := model.CheckPage(p.First, p.Last, max); err != nil {
		return kepu.Page{}, err
	}
	if err := kepu.ValidatePage(p, max); err != nil {
		return kepu.Page{}, err
	}
	if p.First == nil && p.Last == nil {
		n := max
		if p.Before != "" && p.After == "" {
			p.Last = &n
		} else {
			p.First = &n
		}
	}
	return p, nil
}

// nodeProps converts a create or update input into props and unset keys: a
// null value unsets a property.
func nodeProps(input map[string]any, skip ...string) (set kepu.Props, unset []string) {
	set = kepu.Props{}
	keys := make([]string, 0, len(input))
	for k := range input {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if slices.Contains(skip, k) {
			continue
		}
		v := plain(input[k])
		if v == nil {
			unset = append(unset, k)
			continue
		}
		set[k] = v
	}
	return set, unset
}

// parseID parses a global ID and checks its label when want is not "".
func parseID(gid string, want kepu.Label) (string, error) {
	id, err := kepu.ParseGlobalID(gid)
	if err != nil {
		return "", err
	}
	if want != "" && kepu.LabelOf(id) != want {
		return "", badInput("ID %q is not a %s", gid, want)
	}
	return id, nil
}
