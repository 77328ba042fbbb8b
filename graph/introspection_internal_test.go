package graph

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestAsksIntrospection(t *testing.T) {
	for q, want := range map[string]bool{
		`{ __schema { types { name } } }`:                                        true,
		`{ t: __type(name: "Museum") { name } }`:                                 true,
		`{ ... on Query { __type(name: "Museum") { name } } }`:                   true,
		`query { ...F } fragment F on Query { __schema { queryType { name } } }`: true,
		`{ __typename museums(first: 1) { nodes { __typename id } } }`:           false,
		`{ museums(first: 1) { nodes { id } } }`:                                 false,
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		if got := asksIntrospection(doc); got != want {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
}
