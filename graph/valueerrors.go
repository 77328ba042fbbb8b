package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// redundantValueErrors drops the validation errors that repeat another:
// the same message at the same place (gqlparser's values rule reports an
// Int literal out of range twice), and an "Expected value of type X,
// found {…}" (or […]) for an input object or list literal that holds
// the place of another error (the rule reports the literal whose inner
// value is wrong as well as that value: `{distanceKm: 1e400}` gave the
// Float error and the UpdateMuseumInput one). The errors kept keep their
// order. query is the document's text: gqlgen keeps no document that
// failed validation, so it is parsed again here (only then, and only
// when an error names a literal).
func redundantValueErrors(query string, errs gqlerror.List) gqlerror.List {
	if len(errs) < 2 {
		return errs
	}
	var spans map[ast.Position]ast.Position // literal's start → its last value's start
	for _, e := range errs {
		if strings.HasPrefix(e.Message, "Expected value of type ") {
			if doc, err := parser.ParseQuery(&ast.Source{Input: query}); err == nil {
				spans = literalSpans(doc)
			}
			break
		}
	}
	type at struct{ line, col int }
	where := func(e *gqlerror.Error) (at, bool) {
		if len(e.Locations) == 0 {
			return at{}, false
		}
		return at{e.Locations[0].Line, e.Locations[0].Column}, true
	}
	type key struct {
		msg string
		at  at
	}
	seen := map[key]bool{}
	var out gqlerror.List
	for _, e := range errs {
		p, ok := where(e)
		k := key{e.Message, p}
		if seen[k] {
			continue
		}
		seen[k] = true
		if ok && strings.HasPrefix(e.Message, "Expected value of type ") {
			if end, lit := spans[ast.Position{Line: p.line, Column: p.col}]; lit {
				inner := false
				for _, o := range errs {
					q, ok := where(o)
					after := q.line > p.line || (q.line == p.line && q.col > p.col)
					before := q.line < end.Line || (q.line == end.Line && q.col <= end.Column)
					if o != e && ok && after && before {
						inner = true
						break
					}
				}
				if inner {
					continue
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// literalSpans maps the start of every object and list literal of doc's
// arguments and variable defaults to the start of the last value inside it
// (its deepest last descendant).
func literalSpans(doc *ast.QueryDocument) map[ast.Position]ast.Position {
	spans := map[ast.Position]ast.Position{}
	var value func(v *ast.Value) ast.Position
	value = func(v *ast.Value) ast.Position {
		last := pos(v.Position)
		for _, c := range v.Children {
			if c.Value != nil {
				if p := value(c.Value); p.Line > last.Line || (p.Line == last.Line && p.Column > last.Column) {
					last = p
				}
			}
		}
		if (v.Kind == ast.ObjectValue || v.Kind == ast.ListValue) && v.Position != nil {
			spans[pos(v.Position)] = last
		}
		return last
	}
	args := func(as ast.ArgumentList) {
		for _, a := range as {
			if a.Value != nil {
				value(a.Value)
			}
		}
	}
	dirs := func(ds ast.DirectiveList) {
		for _, d := range ds {
			args(d.Arguments)
		}
	}
	var set func(ast.SelectionSet)
	set = func(ss ast.SelectionSet) {
		for _, s := range ss {
			switch s := s.(type) {
			case *ast.Field:
				args(s.Arguments)
				dirs(s.Directives)
				set(s.SelectionSet)
			case *ast.InlineFragment:
				dirs(s.Directives)
				set(s.SelectionSet)
			case *ast.FragmentSpread:
				dirs(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		for _, vd := range op.VariableDefinitions {
			if vd.DefaultValue != nil {
				value(vd.DefaultValue)
			}
		}
		dirs(op.Directives)
		set(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		dirs(f.Directives)
		set(f.SelectionSet)
	}
	return spans
}

// pos is a position without its source (a map key of line and column).
func pos(p *ast.Position) ast.Position {
	if p == nil {
		return ast.Position{}
	}
	return ast.Position{Line: p.Line, Column: p.Column}
}
