package gqllimit_test

import (
	"os"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/gqllimit"
)

// TestSearchCost: on the real schema, search is a connection like the
// others: 1 plus its page size times its children, the maximum page size
// when first is absent.
func TestSearchCost(t *testing.T) {
	sdl, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	for _, tc := range []struct {
		query string
		cost  int
	}{
		{`{ search(text: "bjkxzx", first: 10) { edges { score node { name } } } }`, 1 + 10*(1+1)},
		{`{ search(text: "bjkxzx") { nodes { name } totalCount } }`, 1 + 100*1},
		{`{ search(text: "bjkxzx", first: 5) { edges { node { ... on Museum { schoolPartners(first: 20) { nodes { name } } } } } } }`, 1 + 5*(1+1+(1+20*1))},
	} {
		doc, errs := gqlparser.LoadQueryWithRules(schema, tc.query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", tc.query, errs)
		}
		if got := gqllimit.Measure(schema, doc, doc.Operations[0], nil, 100, false).Cost; got != tc.cost {
			t.Errorf("cost of %s = %d, want %d", tc.query, got, tc.cost)
		}
	}
}
