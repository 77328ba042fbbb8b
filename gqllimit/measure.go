package gqllimit

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Measurement is what Measure finds in an operation.
type Measurement struct {
	Depth   int // deepest field nesting; a root field is at depth 1
	Aliases int // fields whose alias differs from their name
	Cost    int // see Measure; saturates at MaxMeasuredCost
}

// MaxMeasuredCost is where cost arithmetic saturates, so that nested
// connections cannot overflow it.
const MaxMeasuredCost = 1 << 40

// Measure computes depth, aliases and cost of op (with the fragments of doc
// it spreads, each counted where it is spread) before anything executes.
//
// Cost counts like GitHub's and Shopify's APIs: a scalar or enum field costs
// 0; an object, interface or union field costs 1 plus its children; a
// connection (a field whose type name ends in "Connection" and that takes a
// first or last argument) costs 1 plus n times its children, where n is the
// larger of first and last (resolved from vars), or pageSize when neither is
// given. Fragments are counted in full, so a selection with inline
// fragments on several types gets an upper bound.
//
// Introspection fields (names starting with "__") are left out unless
// countIntrospection is set; they are answered from memory.
func Measure(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, pageSize int, countIntrospection bool) Measurement {
	m, _ := measure(schema, doc, op, vars, pageSize, countIntrospection)
	return m
}

// measure is Measure that also reports whether the result depends on vars
// (a first or last argument given by a variable).
func measure(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, pageSize int, countIntrospection bool) (Measurement, bool) {
	return measureWith(&walker{schema: schema, doc: doc, vars: vars, pageSize: pageSize, introspection: countIntrospection}, op)
}

// measureWith measures op with a walker made for it.
func measureWith(w *walker, op *ast.OperationDefinition) (Measurement, bool) {
	if op == nil {
		return Measurement{}, false
	}
	return w.set(op.SelectionSet), w.usesVars
}

// clamp returns n, or the largest value the resolver accepts for the
// argument when n is above it (Config.ArgumentMax).
func (w *walker) clamp(f *ast.Field, arg string, n int) int {
	if w.argMax == nil || f.ObjectDefinition == nil {
		return n
	}
	if hi, ok := w.argMax(f.ObjectDefinition.Name, f.Name, arg); ok && n > hi {
		return hi
	}
	return n
}

type walker struct {
	schema        *ast.Schema
	doc           *ast.QueryDocument
	vars          map[string]any
	pageSize      int
	introspection bool
	memo          map[string]Measurement // made on the first fragment spread
	active        map[string]bool        // fragments being walked (cycle guard)
	usesVars      bool                   // a page size was read from a variable
	argMax        func(typeName, field, arg string) (int, bool)
}

func (w *walker) set(ss ast.SelectionSet) Measurement {
	var m Measurement
	for _, sel := range ss {
		var c Measurement
		switch s := sel.(type) {
		case *ast.Field:
			if !w.introspection && strings.HasPrefix(s.Name, "__") {
				// Left out of depth and cost, but its aliases count:
				// otherwise an operation could alias __schema or
				// __typename without bound.
				m.Aliases = satAdd(m.Aliases, w.field(s).Aliases)
				continue
			}
			c = w.field(s)
		case *ast.InlineFragment:
			c = w.set(s.SelectionSet)
		case *ast.FragmentSpread:
			c = w.fragment(s)
		}
		m.Depth = max(m.Depth, c.Depth)
		m.Aliases = satAdd(m.Aliases, c.Aliases)
		m.Cost = satAdd(m.Cost, c.Cost)
	}
	return m
}

func (w *walker) fragment(s *ast.FragmentSpread) Measurement {
	if m, ok := w.memo[s.Name]; ok {
		return m
	}
	if w.active[s.Name] {
		return Measurement{}
	}
	def := s.Definition
	if def == nil && w.doc != nil {
		def = w.doc.Fragments.ForName(s.Name)
	}
	if def == nil {
		return Measurement{}
	}
	if w.memo == nil {
		w.memo, w.active = map[string]Measurement{}, map[string]bool{}
	}
	w.active[s.Name] = true
	m := w.set(def.SelectionSet)
	delete(w.active, s.Name)
	w.memo[s.Name] = m
	return m
}

func (w *walker) field(f *ast.Field) Measurement {
	children := w.set(f.SelectionSet)
	m := Measurement{Depth: children.Depth + 1, Aliases: children.Aliases}
	if f.Alias != "" && f.Alias != f.Name {
		m.Aliases = satAdd(m.Aliases, 1)
	}
	typeName := ""
	composite := len(f.SelectionSet) > 0
	if f.Definition != nil && f.Definition.Type != nil {
		typeName = f.Definition.Type.Name()
		if w.schema != nil {
			if def := w.schema.Types[typeName]; def != nil {
				composite = def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union
			}
		}
	}
	if !composite {
		return m
	}
	if n, ok := w.connectionSize(f, typeName); ok {
		m.Cost = satAdd(1, satMul(n, children.Cost))
	} else if n, ok := w.listSize(f); ok {
		m.Cost = satAdd(1, satMul(n, children.Cost))
	} else {
		m.Cost = satAdd(1, children.Cost)
	}
	return m
}

// connectionSize returns the page size of a connection field.
func (w *walker) connectionSize(f *ast.Field, typeName string) (int, bool) {
	if !strings.HasSuffix(typeName, "Connection") {
		return 0, false
	}
	hasPaging := false
	if f.Definition != nil {
		hasPaging = f.Definition.Arguments.ForName("first") != nil || f.Definition.Arguments.ForName("last") != nil
	} else {
		hasPaging = f.Arguments.ForName("first") != nil || f.Arguments.ForName("last") != nil
	}
	if !hasPaging {
		return 0, false
	}
	n, given := 0, false
	for _, name := range []string{"first", "last"} {
		a := f.Arguments.ForName(name)
		if a == nil || a.Value == nil {
			continue
		}
		if !constant(a.Value) {
			w.usesVars = true
		}
		v, err := a.Value.Value(w.vars)
		if err != nil {
			continue
		}
		if k, ok := toInt(v); ok {
			n, given = max(n, w.clamp(f, name, k)), true
		}
	}
	if !given {
		// The page a connection without first or last returns: the
		// default page size, at most the largest first it accepts.
		n = w.clamp(f, "first", w.pageSize)
	}
	return max(n, 0), true
}

// listSize returns the length bound of a list field that takes a first or
// limit argument (shortestPaths, centrality, neighborhood's limit): the
// argument's value, else its default, else pageSize; a value or default
// above the argument's maximum (clamp) counts as the maximum. A neighborhood's
// lists are bounded by its limit argument although its type is an object:
// an object field with a limit argument counts like a list of that size.
func (w *walker) listSize(f *ast.Field) (int, bool) {
	if f.Definition == nil || f.Definition.Type == nil {
		return 0, false
	}
	for _, name := range []string{"first", "limit"} {
		def := f.Definition.Arguments.ForName(name)
		if def == nil || (f.Definition.Type.Elem == nil && name == "first") {
			continue
		}
		if a := f.Arguments.ForName(name); a != nil && a.Value != nil {
			if !constant(a.Value) {
				w.usesVars = true
			}
			if v, err := a.Value.Value(w.vars); err == nil {
				if k, ok := toInt(v); ok {
					return max(w.clamp(f, name, k), 0), true
				}
			}
		}
		if def.DefaultValue != nil {
			if v, err := def.DefaultValue.Value(nil); err == nil {
				if k, ok := toInt(v); ok {
					// The default too is at most the argument's maximum
					// (Config.ArgumentMax): a server whose maximum page
					// size is below a default first (first: Int = 10)
					// returns that many items, not the default.
					return max(w.clamp(f, name, k), 0), true
				}
			}
		}
		return w.pageSize, true
	}
	return 0, false
}

// constant reports whether v holds no variable.
func constant(v *ast.Value) bool {
	if v == nil {
		return true
	}
	if v.Kind == ast.Variable {
		return false
	}
	for _, c := range v.Children {
		if !constant(c.Value) {
			return false
		}
	}
	return true
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return clampInt64(n), true
	case float64:
		if math.IsNaN(n) {
			return 0, false
		}
		return clampInt64(int64(max(min(n, MaxMeasuredCost), -MaxMeasuredCost))), true
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return clampInt64(i), true
		}
		if f, err := n.Float64(); err == nil {
			return toInt(f)
		}
	case string:
		if i, err := strconv.ParseInt(n, 10, 64); err == nil {
			return clampInt64(i), true
		}
	}
	return 0, false
}

func clampInt64(i int64) int {
	return int(max(min(i, MaxMeasuredCost), -MaxMeasuredCost))
}

func satAdd(a, b int) int {
	if a+b > MaxMeasuredCost || a+b < 0 {
		return MaxMeasuredCost
	}
	return a + b
}

func satMul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > MaxMeasuredCost/b {
		return MaxMeasuredCost
	}
	return min(a*b, MaxMeasuredCost)
}

// CountTokens returns the number of lexical tokens of a query (comments
// included), as gqlparser's lexer reads them. It stops at the first lexical
// error (the parser reports it) and after stopAfter tokens when stopAfter is
// positive.
func CountTokens(query string, stopAfter int) int {
	lx := lexer.New(&ast.Source{Input: query})
	n := 0
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		n++
		if stopAfter > 0 && n >= stopAfter {
			return n
		}
	}
}
