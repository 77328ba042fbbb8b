package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/graph/model"
)

// The bounds of the Int arguments of the schema, one rule per kind:
//
//   - page sizes: every first and last (the connections, search, the ranked
//     lists, centrality, shortestPaths): 0 to the maximum page size
//     (Options.MaxPageSize, default 100); 0 answers an empty page (a
//     connection's totalCount and pageInfo still answer), as Relay allows;
//   - hops of a neighborhood (neighborhood, subgraph with around, and
//     /export's hops parameter): 0 to 3; 0 is the start node alone;
//   - maxHops of a path search (shortestPath, shortestPaths): 0 to 10; 0
//     finds a path only from a node to itself;
//   - limit of a neighborhood's nodes: 1 to 1000 (the start node is always
//     in it, so 0 cannot be met).
//
// A value outside is BAD_USER_INPUT (model.BoundError: "first must be
// between 0 and 100, got 101", extensions argument, min, max and value),
// refused by the field's resolver before any store call, the same below
// and above the range. TestArgumentBounds checks that every Int argument
// of the schema has a bound here and that each end is applied.
var argumentBounds = map[[3]string]model.Bound{
	{"Query", "neighborhood", "hops"}:     {Min: 0, Max: analysis.MaxHoodHops},
	{"Query", "neighborhood", "limit"}:    {Min: 1, Max: analysis.MaxHoodLimit},
	{"Query", "subgraph", "hops"}:         {Min: 0, Max: export.MaxHops},
	{"Query", "shortestPath", "maxHops"}:  {Min: 0, Max: analysis.MaxMaxHops},
	{"Query", "shortestPaths", "maxHops"}: {Min: 0, Max: analysis.MaxMaxHops},
}

// ArgumentBound returns the bound of the Int argument arg of the field
// typeName.field, with maxPage as the maximum page size; false for an
// argument without one (not an Int argument of this schema).
func ArgumentBound(typeName, field, arg string, maxPage int) (model.Bound, bool) {
	if arg == "first" || arg == "last" {
		return model.PageBound(maxPage), true
	}
	b, ok := argumentBounds[[3]string{typeName, field, arg}]
	return b, ok
}

// checkArg checks the Int argument arg of a Query field against its bound.
func checkArg(field, arg string, v int) error {
	b, ok := argumentBounds[[3]string{"Query", field, arg}]
	if !ok {
		panic("graph: no bound for Query." + field + "(" + arg + ")")
	}
	return b.Check(arg, v)
}

// ArgumentMax returns the largest value of each bounded Int argument
// (ArgumentBound; maxPage 0 or less: the handler's default, 100), for
// gqllimit.Config.ArgumentMax: the cost limit counts a value above it as
// the maximum, as its resolver refuses it before any work, and a schema
// default above it (first: Int = 10 with --max-page-size 5) as the maximum
// too, the page the resolver returns (listFirst).
func ArgumentMax(maxPage int) func(typeName, field, arg string) (int, bool) {
	if maxPage <= 0 {
		maxPage = DefaultMaxPageSize
	}
	return func(typeName, field, arg string) (int, bool) {
		b, ok := ArgumentBound(typeName, field, arg, maxPage)
		return b.Max, ok
	}
}

// DefaultListFirst is the schema's default first of the lists that are not
// connections (shortestPaths, centrality: first: Int = 10). A request that
// gives no first gets min(DefaultListFirst, the maximum page size)
// (listFirst): a server whose --max-page-size is below 10 answers it with
// that many, instead of refusing a size the request did not ask for.
const DefaultListFirst = 10

// listFirst returns the page size of a list field whose first argument
// has the schema default DefaultListFirst: first as the request gave it
// (checked against maxPage by the caller), else DefaultListFirst capped at
// maxPage. gqlgen passes the schema's default as if it had been given, so
// whether it was is read from the request: the argument is missing, null,
// or a variable the request did not set (and whose definition has no
// default).
func listFirst(ctx context.Context, first *int, maxPage int) int {
	if first == nil || !argGiven(ctx, "first") {
		return min(DefaultListFirst, maxPage)
	}
	return *first
}

// argGiven reports whether the request gave the current field's argument
// name a value other than null. Outside a field's context (a call from Go)
// it reports true: the value passed is taken as given.
func argGiven(ctx context.Context, name string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return true
	}
	a := fc.Field.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return false
	}
	v := a.Value
	if v.Kind != ast.Variable {
		return v.Kind != ast.NullValue
	}
	if graphql.HasOperationContext(ctx) {
		if x, ok := graphql.GetOperationContext(ctx).Variables[v.Raw]; ok {
			return x != nil
		}
	}
	d := v.VariableDefinition
	return d != nil && d.DefaultValue != nil && d.DefaultValue.Kind != ast.NullValue
}
