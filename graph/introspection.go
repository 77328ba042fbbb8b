package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// introspectionNulls answers null for the __Type fields that do not apply to
// the type's kind, as the GraphQL specification's __Type says (October 2021,
// §4.2.1 and "The __Type Type"): fields and interfaces only for OBJECT and
// INTERFACE, possibleTypes only for INTERFACE and UNION, enumValues only for
// ENUM, inputFields only for INPUT_OBJECT. gqlgen's introspection (v0.17)
// answers [] there. It also leaves the interfaces out of possibleTypes,
// which lists object types only. It wraps the field middleware of the operations that ask
// __schema or __type only, so no other operation pays for it.
type introspectionNulls struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionNulls{}

func (introspectionNulls) ExtensionName() string                   { return "IntrospectionNulls" }
func (introspectionNulls) Validate(graphql.ExecutableSchema) error { return nil }

func (introspectionNulls) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if !asksIntrospection(oc.Doc) {
		return nil
	}
	next := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, resolve graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc != nil && fc.Object == "__Type" && fc.Parent != nil {
			if t, ok := fc.Parent.Result.(*introspection.Type); ok && !kindHas(t.Kind(), fc.Field.Name) {
				return nil, nil
			}
		}
		res, err := next(ctx, resolve)
		if fc != nil && fc.Object == "__Type" && fc.Field.Name == "possibleTypes" {
			if ts, ok := res.([]introspection.Type); ok {
				res = objectTypes(ts)
			}
		}
		return res, err
	}
	return nil
}

// objectTypes returns the object types of ts. gqlparser's possible types of
// an interface include the interfaces that implement it (Place, for Node),
// but the specification's __Type.possibleTypes lists object types only
// (§4.2.1: "the list of Object types that implement this interface").
func objectTypes(ts []introspection.Type) []introspection.Type {
	out := make([]introspection.Type, 0, len(ts))
	for _, t := range ts {
		if t.Kind() == "OBJECT" {
			out = append(out, t)
		}
	}
	return out
}

// kindHas reports whether a __Type of the kind has the list field (true for
// every other field).
func kindHas(kind, field string) bool {
	switch field {
	case "fields", "interfaces":
		return kind == "OBJECT" || kind == "INTERFACE"
	case "possibleTypes":
		return kind == "INTERFACE" || kind == "UNION"
	case "enumValues":
		return kind == "ENUM"
	case "inputFields":
		return kind == "INPUT_OBJECT"
	}
	return true
}

// asksIntrospection reports whether any operation or fragment of doc selects
// __schema or __type at its top level (where the meta-fields live; fragments
// are checked whatever their type condition: a spread of one on Query may
// reach the root).
func asksIntrospection(doc *ast.QueryDocument) bool {
	if doc == nil {
		return false
	}
	var asks func(ast.SelectionSet) bool
	asks = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if s.Name == "__schema" || s.Name == "__type" {
					return true
				}
			case *ast.InlineFragment:
				if asks(s.SelectionSet) {
					return true
				}
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if asks(op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if asks(f.SelectionSet) {
			return true
		}
	}
	return false
}
