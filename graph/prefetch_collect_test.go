package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/graph/generated"
)

// TestCollectPlainMatchesGqlgen: on selection sets without directives,
// collectPlain gives what graphql.CollectFields gives (names, aliases and
// merged selections, in order), at every level of the queries below; with a
// directive it gives up.
func TestCollectPlainMatchesGqlgen(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()
	queries := []string{
		`{ node(id: "x") { id ... on Museum { name province { name } a: province { code } schoolPartners(first: 2) { nodes { name county { name } } } } ...M ... on Node { id } } }
		 fragment M on Museum { name nameZh province { id } county { name museums { totalCount } } }`,
		`{ museums(first: 3) { nodes { id name } edges { node { name province { name } } } totalCount } }`,
		`{ nodes(ids: ["a"]) { ... on School { name county { name } } ... on Museum { kind } ...P } } fragment P on Place { name }`,
	}
	for _, q := range queries {
		doc, errs := gqlparser.LoadQueryWithRules(schema, q, nil)
		if errs != nil {
			t.Fatalf("%s: %v", q, errs)
		}
		op := &graphql.OperationContext{Doc: doc, RawQuery: q, Variables: map[string]any{}}
		var walk func(sel ast.SelectionSet, depth int)
		walk = func(sel ast.SelectionSet, depth int) {
			if depth > 8 {
				return
			}
			for _, satisfies := range [][]string{{"Query"}, {"Museum", "Node"}, {"School", "Node"}, {"Province", "Place", "Node"}, {"County", "Place", "Node"}, {"MuseumConnection"}, {"MuseumEdge"}, {"PartnersWithOutConnection"}} {
				want := graphql.CollectFields(op, sel, satisfies)
				got, ok := collectPlain(doc, sel, satisfies, nil, 0)
				if !ok {
					t.Fatalf("collectPlain gave up on a selection set without directives (%v)", satisfies)
				}
				if len(got) != len(want) {
					t.Fatalf("%v: %d fields, want %d", satisfies, len(got), len(want))
				}
				for i := range want {
					if got[i].Name != want[i].Name || got[i].Alias != want[i].Alias || len(got[i].Selections) != len(want[i].Selections) {
						t.Errorf("%v field %d: %s:%s (%d selections), want %s:%s (%d)", satisfies, i,
							got[i].Alias, got[i].Name, len(got[i].Selections), want[i].Alias, want[i].Name, len(want[i].Selections))
					}
					for j := range want[i].Selections {
						if got[i].Selections[j] != want[i].Selections[j] {
							t.Errorf("%v field %s: selection %d differs", satisfies, want[i].Alias, j)
						}
					}
					walk(want[i].Selections, depth+1)
				}
			}
		}
		walk(doc.Operations[0].SelectionSet, 0)
	}

	doc, errs := gqlparser.LoadQueryWithRules(schema, `query($s: Boolean!) { node(id: "x") { id @skip(if: $s) } }`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if _, ok := collectPlain(doc, doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet, []string{"Museum", "Node"}, nil, 0); ok {
		t.Error("collectPlain handled a @skip directive; it must leave it to gqlgen")
	}
}
