package main

import (
	"encoding/json"
	"fmt"
	"regexp"
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
				Type coercionTypeRef
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

type coercionTypeRef struct {
	Kind   string
	Name   string
	OfType *coercionTypeRef
}

func (r coercionTypeRef) String() string {
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
		kepu.Organization: "organizations", kepu.Forum: "forums", kepu.Program: "programs", kepu.Person: "people",
		kepu.NationalStatistics: "nationalStatistics"}
	for _, l := range kepu.Labels {
		plural, ok := plurals[l]
		if !ok {
			t.Fatalf("no list field known for label %s: add it to this test", l)
		}
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

// coercionCase is a request whose first error must have the code and a
// message containing want.
type coercionCase struct {
	name  string
	query string
	vars  map[string]any
	code  string
	want  string
}

// TestInputCoercion: every scalar and enum coercion path (inline literals,
// variables, variable defaults, lists, input objects, mutation inputs)
// rejects what the GraphQL specification rejects, before anything runs or
// is written, with a message that names the value sent.
func TestInputCoercion(t *testing.T) {
	wrap, calls := countCalls()
	m, _, err := runMainWith(t, func(m *Main) { m.WrapStore = wrap }, "--data-dir", t.TempDir(), "--no-seed")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const create = `mutation($in: CreateMuseumInput!) { createMuseum(input: $in) { id } }`
	museum := func(extra map[string]any) map[string]any {
		in := map[string]any{"key": "coerce", "name": "M", "kind": "STANDARD", "provenance": "REPORTED", "source": "t"}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	const intRange = "Int cannot represent non 32-bit signed integer value: 2147483648"
	for _, tc := range []coercionCase{
		// Int is 32-bit: literals, in filters, lists, defaults and inputs.
		{"int literal in a filter", `{ museums(where: {openedYear: {gt: 2147483648}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", intRange},
		{"negative int literal", `{ museums(where: {openedYear: {lt: -2147483649}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "-2147483649"},
		{"int literal in a list", `{ museums(where: {openedYear: {in: [1, 2147483648]}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", intRange},
		{"int literal in a create input", `mutation { createMuseum(input: {key: "big", name: "B", kind: STANDARD, provenance: REPORTED, source: "t", openedYear: 2147483648}) { id } }`, nil, "GRAPHQL_VALIDATION_FAILED", intRange},
		{"int argument", `{ provinces(first: 2147483648) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", intRange},
		{"int variable default", `query($f: Int = 2147483648) { provinces(first: $f) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", intRange},
		{"float literal as int", `{ provinces(first: 1.5) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", "Int cannot represent non-integer value: 1.5"},
		{"int variable out of range", `query($f: Int) { provinces(first: $f) { totalCount } }`, map[string]any{"f": 2147483648}, "BAD_USER_INPUT", `Variable "$f" got invalid value 2147483648; ` + intRange},
		{"int variable in a create input", create, museum(map[string]any{"openedYear": 2147483648}), "BAD_USER_INPUT", `at "in.openedYear"; ` + intRange},
		{"int variable in a list", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"openedYear": map[string]any{"in": []any{1, 2147483648}}}}, "BAD_USER_INPUT", `at "w.openedYear.in[1]"; ` + intRange},
		// A string is never an Int, Float or Boolean; the message names the value.
		{"string variable as int", `query($f: Int) { provinces(first: $f) { totalCount } }`, map[string]any{"f": "3"}, "BAD_USER_INPUT", `Variable "$f" got invalid value "3"; Int cannot represent non-integer value: "3"`},
		{"fractional variable as int", `query($f: Int) { provinces(first: $f) { totalCount } }`, map[string]any{"f": 1.5}, "BAD_USER_INPUT", `Variable "$f" got invalid value 1.5; Int cannot represent non-integer value: 1.5`},
		{"string in an input object", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"openedYear": map[string]any{"gte": "1990"}}}, "BAD_USER_INPUT", `got invalid value "1990" at "w.openedYear.gte"`},
		{"string as float", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"distanceKm": map[string]any{"gte": "5"}}}, "BAD_USER_INPUT", `Float cannot represent non numeric value: "5"`},
		{"string as boolean", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"freeEntry": map[string]any{"eq": "true"}}}, "BAD_USER_INPUT", `Boolean cannot represent a non boolean value: "true"`},
		{"number as string", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"name": map[string]any{"eq": 5}}}, "BAD_USER_INPUT", `got invalid value 5 at "w.name.eq"; String cannot represent a non string value: 5`},
		{"boolean as ID", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": true}, "BAD_USER_INPUT", `got invalid value true`},
		// Enums: exact names; a string literal is told to drop its quotes.
		{"enum variable in the wrong case", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"kind": map[string]any{"in": []any{"MOBILE", "mobile"}}}}, "BAD_USER_INPUT", `got invalid value "mobile" at "w.kind.in[1]"; Value "mobile" does not exist in "MuseumKind" enum.`},
		{"enum literal as a string", `{ museums(where: {kind: {eq: "MOBILE"}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", `Enum "MuseumKind" cannot represent the string "MOBILE": enum values are written without quotes, as MOBILE.`},
		{"enum variable as a number", create, museum(map[string]any{"kind": 1}), "BAD_USER_INPUT", `got invalid value 1 at "in.kind"; Enum "MuseumKind" cannot represent non-string value: 1.`},
		// Input objects: unknown fields, missing required fields, nulls.
		{"unknown input field", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"bogus": 1}}, "BAD_USER_INPUT", `Field "bogus" is not defined by type "MuseumWhere".`},
		{"missing required field", create, map[string]any{"in": map[string]any{"key": "k", "name": "n", "kind": "STANDARD", "provenance": "REPORTED"}}, "BAD_USER_INPUT", `Field "source" of required type "String!" was not provided.`},
		{"null for a required field", create, museum(map[string]any{"name": nil}), "BAD_USER_INPUT", `at "in.name"; Expected non-nullable type "String!" not to be null.`},
		{"missing required variable", `query($f: Int!) { provinces(first: $f) { totalCount } }`, nil, "BAD_USER_INPUT", `Variable "$f" of required type "Int!" was not provided.`},
		{"object for a list of enums", `query($w: MuseumWhere) { museums(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"kind": "MOBILE"}}, "BAD_USER_INPUT", `Expected type "MuseumKindFilter" to be an object.`},
		// WholeNumber: integers within ±(2^53 − 1).
		{"whole number beyond 2^53", create, museum(map[string]any{"offlineVisits": json.Number("9007199254740992")}), "BAD_USER_INPUT", "WholeNumber cannot represent an integer beyond 2^53 - 1: 9007199254740992"},
		{"whole number as a string literal", `{ museums(where: {offlineVisits: {gt: "5"}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED", `WholeNumber cannot represent non-integer value: "5"`},
		{"whole number fractional variable", create, museum(map[string]any{"offlineVisits": 2.5}), "BAD_USER_INPUT", "WholeNumber cannot represent non-integer value: 2.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.Load()
			e := mustFail(t, m, tc.query, tc.vars, tc.code)
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q, want it to contain %q", e.Message, tc.want)
			}
			if n := calls.Load() - before; n != 0 {
				t.Errorf("%d store calls: a rejected request must not run", n)
			}
		})
	}
	// Nothing was written.
	var got struct{ Museums struct{ TotalCount int } }
	query(t, m, `{ museums { totalCount } }`, nil, &got)
	if got.Museums.TotalCount != 0 {
		t.Errorf("%d museums written by rejected requests", got.Museums.TotalCount)
	}

	// What does coerce: a whole number written 3.0, a single value for a
	// list, a WholeNumber beyond 32 bits, read back as written.
	var ok struct {
		Provinces    struct{ TotalCount int }
		CreateMuseum struct {
			OfflineVisits   int64
			TeachersTrained int
		}
	}
	query(t, m, `query($f: Int) { provinces(first: $f) { totalCount } }`, map[string]any{"f": json.Number("3.0")}, &ok)
	query(t, m, create, museum(map[string]any{"offlineVisits": int64(3_000_000_000), "teachersTrained": 2147483647}), &struct{}{})
	res := post(t, m, `{ museums(where: {offlineVisits: {gt: 2999999999}}) { nodes { offlineVisits teachersTrained } } }`, nil)
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `{"offlineVisits":3000000000,"teachersTrained":2147483647}`) {
		t.Errorf("WholeNumber and Int at their limits: %s %+v", res.Data, res.Errors)
	}
}

// TestWholeNumbersAreWritten: figures that are whole numbers are written as
// JSON integers, never in exponent notation (issue 9: caravanDistanceKm
// 5.4653e+07, offlineVisits 1.036e+09, ruralPersonTime 1.344e+07).
func TestWholeNumbersAreWritten(t *testing.T) {
	m := seededMain(t)
	res := do(t, m, request{method: "POST", body: gqlBody(`{ systemStats {
		caravanDistanceKm offlineVisits ruralPersonTime provincialCoverage { numerator denominator value }
		prefectureCoverage { numerator denominator } toursPerCounty { numerator denominator } } }`, nil)})
	if res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	if regexp.MustCompile(`\d[eE][+-]?\d`).Match(res.gql.Data) {
		t.Errorf("a number in exponent notation: %s", res.gql.Data)
	}
	for _, want := range []string{`"caravanDistanceKm":54653000`, `"offlineVisits":1036000000`, `"ruralPersonTime":13440000`} {
		if !strings.Contains(string(res.gql.Data), want) {
			t.Errorf("want %s in %s", want, res.gql.Data)
		}
	}
	var types struct {
		Type struct {
			Fields []struct {
				Name string
				Type coercionTypeRef
			}
		} `json:"__type"`
	}
	query(t, m, `{ __type(name: "SystemStats") { fields { name type { kind name ofType { kind name ofType { kind name } } } } } }`, nil, &types)
	for _, f := range types.Type.Fields {
		if (f.Name == "offlineVisits" || f.Name == "ruralPersonTime") && f.Type.String() != "WholeNumber!" {
			t.Errorf("%s is %s, want WholeNumber!", f.Name, f.Type)
		}
	}
}

// TestTypedFilterPerLabel: on a relationship whose other end has several
// labels, a field named after a label takes that label's typed conditions
// (issue 9: coveredBy and heldAt compared kind as text).
func TestTypedFilterPerLabel(t *testing.T) {
	m := seededMain(t)
	var got struct {
		Typed, Text, Campaign, Either, Neither struct{ TotalCount int }
		Forums                                 struct {
			Nodes []struct {
				HeldAt struct{ Nodes []map[string]any }
			}
		}
	}
	query(t, m, `{
		typed: counties(where: {coveredBy_some: {node: {Museum: {kind: {eq: MOBILE}}}}}) { totalCount }
		text: counties(where: {coveredBy_some: {node: {kind: {eq: "MOBILE"}}}}) { totalCount }
		campaign: counties(where: {coveredBy_some: {node: {Program: {kind: {eq: CAMPAIGN}}}}}) { totalCount }
		either: counties(where: {coveredBy_some: {node: {OR: [{Program: {}}, {Museum: {kind: {eq: MOBILE}}}]}}}) { totalCount }
		neither: counties(where: {coveredBy_some: {node: {Museum: {}, Program: {}}}}) { totalCount }
		forums(where: {heldAt_some: {node: {Museum: {kind: {eq: STANDARD}}}}}) { nodes { heldAt(where: {node: {Museum: {}}}) { nodes { __typename } } } }
	}`, nil, &got)
	if got.Typed.TotalCount == 0 || got.Typed.TotalCount != got.Text.TotalCount {
		t.Errorf("counties covered by a mobile museum: typed %d, text %d", got.Typed.TotalCount, got.Text.TotalCount)
	}
	if got.Either.TotalCount < got.Typed.TotalCount || got.Neither.TotalCount != 0 {
		t.Errorf("either %d (typed %d), neither %d", got.Either.TotalCount, got.Typed.TotalCount, got.Neither.TotalCount)
	}
	if len(got.Forums.Nodes) == 0 {
		t.Fatal("no forum held at a standard museum")
	}
	for _, f := range got.Forums.Nodes {
		for _, n := range f.HeldAt.Nodes {
			if n["__typename"] != "Museum" {
				t.Errorf("heldAt Museum: {} returned a %v", n["__typename"])
			}
		}
	}
	// Typed: a program kind is not a museum kind, and a label never at the
	// other end is an error.
	mustFail(t, m, `{ counties(where: {coveredBy_some: {node: {Museum: {kind: {eq: CAMPAIGN}}}}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
	e := mustFail(t, m, `{ counties(where: {coveredBy_some: {node: {School: {}}}}) { totalCount } }`, nil, "BAD_USER_INPUT")
	if !strings.Contains(e.Message, "never a School") {
		t.Errorf("message %q", e.Message)
	}
}

// TestCoverageFieldNames: coverage edges sit on the places a tour reached
// (counties, mostly) and conditions on a province's or prefecture's own
// edges do not roll up from the places inside it; there the field is named
// coveredDirectlyBy so that nobody reads it as "visited" (issue 9:
// provinces(where: {coveredBy_none: …}) listed all 35 provinces while
// systemStats counted 29 visited). Counties keep coveredBy.
func TestCoverageFieldNames(t *testing.T) {
	m := seededMain(t)
	fields := func(typ string) map[string]bool {
		var data struct {
			Type struct{ Fields []struct{ Name string } } `json:"__type"`
		}
		query(t, m, `query($n: String!) { __type(name: $n) { fields { name } } }`, map[string]any{"n": typ}, &data)
		out := map[string]bool{}
		for _, f := range data.Type.Fields {
			out[f.Name] = true
		}
		return out
	}
	for _, typ := range []string{"Province", "Prefecture"} {
		f := fields(typ)
		if f["coveredBy"] || !f["coveredDirectlyBy"] {
			t.Errorf("%s: coveredBy %v, coveredDirectlyBy %v", typ, f["coveredBy"], f["coveredDirectlyBy"])
		}
	}
	if f := fields("County"); !f["coveredBy"] {
		t.Error("County lost coveredBy")
	}
	var got struct {
		SystemStats struct{ ProvincesVisitedByMobile int }
		Direct      struct{ TotalCount int }
		Visited     []struct{ Key string }
	}
	query(t, m, `{
		systemStats { provincesVisitedByMobile }
		direct: provinces(where: {coveredDirectlyBy_some: {node: {Museum: {kind: {eq: MOBILE}}}}}) { totalCount }
		visited: countyCounts(where: {coveredBy_some: {node: {Museum: {kind: {eq: MOBILE}}}}}, groupBy: PROVINCE) { key }
	}`, nil, &got)
	if len(got.Visited) != got.SystemStats.ProvincesVisitedByMobile || got.SystemStats.ProvincesVisitedByMobile == 0 {
		t.Errorf("provinces of visited counties: %d groups, systemStats %d", len(got.Visited), got.SystemStats.ProvincesVisitedByMobile)
	}
	if got.Direct.TotalCount >= got.SystemStats.ProvincesVisitedByMobile {
		t.Errorf("%d provinces with direct mobile coverage edges, %d visited: the names would not differ", got.Direct.TotalCount, got.SystemStats.ProvincesVisitedByMobile)
	}
}
