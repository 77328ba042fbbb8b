package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// The tests of this file check issue 9's input coercion over HTTP against
// the real server: nulls, 32-bit Int, variables of the wrong type, enums.

// whereFields returns the input fields of a where type with their types as
// a variable would declare them (e.g. "ProvinceWhere", "[MuseumWhere!]").
func whereFields(t *testing.T, m *Main, typ string) map[string]string {
	t.Helper()
	var data struct {
		Type struct {
			InputFields []struct {
				Name string
				Type typeRef
			}
		} `json:"__type"`
	}
	query(t, m, `query($n: String!) { __type(name: $n) { inputFields { name type { kind name ofType { kind name ofType { kind name } } } } } }`,
		map[string]any{"n": typ}, &data)
	out := map[string]string{}
	for _, f := range data.Type.InputFields {
		out[f.Name] = f.Type.String()
	}
	if len(out) == 0 {
		t.Fatalf("no input fields in %s", typ)
	}
	return out
}

type typeRef struct {
	Kind   string
	Name   string
	OfType *typeRef
}

func (r typeRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.String() + "!"
	case "LIST":
		return "[" + r.OfType.String() + "]"
	}
	return r.Name
}

// TestNullFilterIsNoCondition: a null for any filter field of any where
// type (a property, AND/OR/NOT, a place, a relationship), written inline or
// sent as a variable, places no condition: the count equals the count
// without the key. Issue 9: museums(where: {province: null}) returned 3,993
// of 3,994 museums, and schoolPartners_some: null 1,570.
func TestNullFilterIsNoCondition(t *testing.T) {
	m := seededMain(t)
	plurals := map[kepu.Label]string{kepu.Province: "provinces", kepu.Prefecture: "prefectures", kepu.County: "counties",
		kepu.Museum: "museums", kepu.School: "schools", kepu.NormalUniversity: "normalUniversities",
		kepu.Organization: "organizations", kepu.Forum: "forums", kepu.Program: "programs", kepu.Person: "people"}
	for _, l := range kepu.Labels {
		plural := plurals[l]
		fields := whereFields(t, m, string(l)+"Where")
		var all struct{ C struct{ TotalCount int } }
		query(t, m, fmt.Sprintf(`{ c: %s { totalCount } }`, plural), nil, &all)
		for name, typ := range fields {
			q := fmt.Sprintf(`query($v: %s) { a: %s(where: {%s: null}) { totalCount } b: %s(where: {%s: $v}) { totalCount } }`,
				strings.TrimSuffix(typ, "!"), plural, name, plural, name)
			var got struct{ A, B struct{ TotalCount int } }
			query(t, m, q, map[string]any{"v": nil}, &got)
			if got.A.TotalCount != all.C.TotalCount || got.B.TotalCount != all.C.TotalCount {
				t.Errorf("%s(where: {%s: null}): inline %d, variable %d, want %d (no condition)",
					plural, name, got.A.TotalCount, got.B.TotalCount, all.C.TotalCount)
			}
		}
	}
	// The examples, with their figures.
	var got struct{ A, B, C struct{ TotalCount int } }
	query(t, m, `{ a: museums(where: {province: null}) { totalCount } b: museums(where: {schoolPartners_some: null}) { totalCount } c: museums { totalCount } }`, nil, &got)
	if got.A.TotalCount != got.C.TotalCount || got.B.TotalCount != got.C.TotalCount {
		t.Errorf("province: null %d, schoolPartners_some: null %d, want %d", got.A.TotalCount, got.B.TotalCount, got.C.TotalCount)
	}
	// Relationship fields: where {node: null, edge: null} is no condition.
	var rel struct {
		Node struct {
			A, B struct{ TotalCount int }
		}
	}
	query(t, m, `query($w: PartnersWithOutMatch) { node(id: "TXVzZXVtOmNzdG0") { ... on Museum {
		a: schoolPartners(where: {node: null, edge: null}) { totalCount } b: schoolPartners(where: $w) { totalCount } } } }`,
		map[string]any{"w": map[string]any{"node": nil}}, &rel)
	var plain struct {
		Node struct{ A struct{ TotalCount int } }
	}
	query(t, m, `{ node(id: "TXVzZXVtOmNzdG0") { ... on Museum { a: schoolPartners { totalCount } } } }`, nil, &plain)
	if rel.Node.A != plain.Node.A || rel.Node.B != plain.Node.A {
		t.Errorf("schoolPartners with null node/edge: %d, %d, want %d", rel.Node.A.TotalCount, rel.Node.B.TotalCount, plain.Node.A.TotalCount)
	}
}
