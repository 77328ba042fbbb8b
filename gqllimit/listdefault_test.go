package gqllimit

import (
	"os"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/graph"
)

// TestListDefaultWithinMaxPage: on the real schema, with the server's
// argument maxima (graph.ArgumentMax) for --max-page-size 5, a list whose
// first has the schema default 10 (centrality, shortestPaths) and is not
// given costs the 5 items it returns (graph's listFirst: min(10, the
// maximum page size)), not 10; given, it costs what it is given (up to
// the maximum), and with --max-page-size 100 the default still costs 10.
func TestListDefaultWithinMaxPage(t *testing.T) {
	sdl, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	const (
		central = `{ centrality(algorithm: DEGREE) { score node { id } } }`
		paths   = `{ shortestPaths(from: "a", to: "b") { nodes { id } } }`
	)
	for _, tc := range []struct {
		query   string
		maxPage int
		cost    int
	}{
		{central, 5, 1 + 5*1},
		{paths, 5, 1 + 5*1},
		{`{ centrality(algorithm: DEGREE, first: 3) { node { id } } }`, 5, 1 + 3*1},
		{`{ centrality(algorithm: DEGREE, first: 50) { node { id } } }`, 5, 1 + 5*1},
		{central, 100, 1 + 10*1},
		{paths, 100, 1 + 10*1},
		{`{ neighborhood(id: "a") { nodes { id } } }`, 5, 1 + 100*1}, // limit: its own maximum (1000), not the page size
	} {
		doc, errs := gqlparser.LoadQueryWithRules(schema, tc.query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", tc.query, errs)
		}
		w := &walker{schema: schema, doc: doc, pageSize: tc.maxPage, argMax: graph.ArgumentMax(tc.maxPage)}
		if m, _ := measureWith(w, doc.Operations[0]); m.Cost != tc.cost {
			t.Errorf("--max-page-size %d: cost of %s = %d, want %d", tc.maxPage, tc.query, m.Cost, tc.cost)
		}
	}
	// A connection without first or last: the default page size
	// (Config.DefaultPageSize, 100 when unset), at most the largest first
	// the resolver accepts.
	doc, errs := gqlparser.LoadQueryWithRules(schema, `{ museums { nodes { id } } }`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	w := &walker{schema: schema, doc: doc, pageSize: DefaultPageSize, argMax: graph.ArgumentMax(5)}
	if m, _ := measureWith(w, doc.Operations[0]); m.Cost != 1+5*1 {
		t.Errorf("a connection without first, default page size %d, maximum 5: cost %d, want %d", DefaultPageSize, m.Cost, 1+5*1)
	}
}
