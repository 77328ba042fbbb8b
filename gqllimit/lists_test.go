package gqllimit_test

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/gqllimit"
)

// Lists bounded by a first or limit argument (shortestPaths, centrality,
// neighborhood) cost their size times their children, like connections.
func TestMeasureBoundedLists(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
type Query {
  paths(first: Int = 10): [Path!]!
  ranked(first: Int): [Path!]!
  hood(limit: Int = 100): Hood!
  plain: [Path!]!
}
type Path { length: Int! nodes: [N!]! }
type Hood { nodes: [N!]! }
type N { name: String! }
`})
	tests := []struct {
		query string
		want  int
	}{
		{`{ paths { nodes { name } } }`, 1 + 10*1},
		{`{ paths(first: 3) { nodes { name } } }`, 1 + 3*1},
		{`{ ranked { nodes { name } } }`, 1 + 100*1}, // no default: the page size
		{`{ hood { nodes { name } } }`, 1 + 100*1},
		{`{ hood(limit: 7) { nodes { name } } }`, 1 + 7*1},
		{`{ plain { nodes { name } } }`, 1 + 1},
	}
	for _, tc := range tests {
		doc, errs := gqlparser.LoadQueryWithRules(schema, tc.query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", tc.query, errs)
		}
		if got := gqllimit.Measure(schema, doc, doc.Operations[0], nil, 100, false); got.Cost != tc.want {
			t.Errorf("cost of %s = %d, want %d", tc.query, got.Cost, tc.want)
		}
	}
}
