package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The tests of this file follow the GraphQL specification (October 2021
// edition and the current working draft) section by section, over HTTP
// against the real server: a test for each MUST of input coercion and of
// the response format, and for each SHOULD followed (the ones not followed
// are listed with their reasons in docs/hardening.md). The
// GraphQL-over-HTTP specification's MUSTs and SHOULDs are checked by the
// graphql-http audit (TestGraphQLHTTPAudit) and TestHardening_Rejections.

// orderedKeys returns the keys of a JSON object in the order they appear.
func orderedKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// Section 7 "Response": the response is a map with data, errors and
// extensions only; errors, when present, is a non-empty list whose entries
// have a message, locations (line and column from 1) and a path; data is
// absent when the request failed before execution and present (possibly
// null) once execution started; the data map keeps the order of the
// selection set; errors come first (the spec's advice).
func TestSpecResponseFormat(t *testing.T) {
	m := seededMain(t)
	send := func(q string, vars map[string]any) response {
		return do(t, m, request{method: http.MethodPost, body: gqlBody(q, vars)})
	}
	top := func(res response) []string { return orderedKeys(t, []byte(res.body)) }

	t.Run("success: data and extensions, no errors key", func(t *testing.T) {
		res := send(`{ z: provinces(first: 1) { totalCount } a: museums(first: 1) { totalCount } m: __typename }`, nil)
		keys := top(res)
		if strings.Join(keys, ",") != "data,extensions" {
			t.Errorf("top-level keys %v", keys)
		}
		// Serialized map ordering: the selection set's order, not sorted.
		if got := strings.Join(orderedKeys(t, res.gql.Data), ","); got != "z,a,m" {
			t.Errorf("data keys %s, want z,a,m", got)
		}
	})
	t.Run("request error: no data", func(t *testing.T) {
		for _, q := range []string{`{ provinces(`, `{ nope }`} {
			res := send(q, nil)
			keys := top(res)
			if strings.Contains(strings.Join(keys, ","), "data") || keys[0] != "errors" {
				t.Errorf("%s: top-level keys %v", q, keys)
			}
			e := res.gql.Errors
			if len(e) == 0 || e[0].Message == "" {
				t.Errorf("%s: errors %+v", q, e)
			}
		}
		// A variable coercion error is a request error too.
		res := send(`query($f: Int) { provinces(first: $f) { totalCount } }`, map[string]any{"f": "x"})
		if keys := top(res); strings.Contains(strings.Join(keys, ","), "data") {
			t.Errorf("variable error: top-level keys %v", keys)
		}
	})
	t.Run("field error: data with null, error with path and locations", func(t *testing.T) {
		res := send("{\n  a: provinces(first: 1) { totalCount }\n  node(id: \"TXVzZXVtOm5vbmU\") { id }\n}", nil)
		keys := top(res)
		if strings.Join(keys, ",") != "errors,data,extensions" {
			t.Errorf("top-level keys %v, want errors first", keys)
		}
		var raw struct {
			Errors []struct {
				Message   string
				Locations []struct{ Line, Column int }
				Path      []any
			}
			Data map[string]json.RawMessage
		}
		if err := json.Unmarshal([]byte(res.body), &raw); err != nil {
			t.Fatal(err)
		}
		if len(raw.Errors) != 1 || raw.Errors[0].Message == "" || len(raw.Errors[0].Locations) != 1 ||
			raw.Errors[0].Locations[0].Line != 3 || raw.Errors[0].Locations[0].Column != 3 || len(raw.Errors[0].Path) != 1 || raw.Errors[0].Path[0] != "node" {
			t.Errorf("errors %+v", raw.Errors)
		}
		if string(raw.Data["node"]) != "null" || !strings.Contains(string(raw.Data["a"]), "totalCount") {
			t.Errorf("data %v", raw.Data)
		}
	})
	t.Run("non-null field error propagates to the nearest nullable parent", func(t *testing.T) {
		// provinces is non-null: its error makes data null.
		res := send(`{ provinces(first: 101) { totalCount } }`, nil)
		if string(res.gql.Data) != "null" || len(res.gql.Errors) != 1 || res.gql.Errors[0].Path[0] != "provinces" {
			t.Errorf("%s", res.body)
		}
	})
}

// Sections 3.5 (scalars), 3.9 (enums), 3.10 (input objects), 3.11 (lists)
// and 6.1.2 (coercing variable values): what must be accepted and how. The
// refusals are in TestInputCoercion.
func TestSpecInputCoercion(t *testing.T) {
	m := seededMain(t)
	count := func(q string, vars map[string]any) int {
		t.Helper()
		var got map[string]struct{ TotalCount int }
		query(t, m, q, vars, &got)
		for _, v := range got {
			return v.TotalCount
		}
		t.Fatalf("no result: %s", q)
		return 0
	}
	nodes := func(q string, vars map[string]any) int {
		t.Helper()
		var got map[string]struct{ Nodes []any }
		query(t, m, q, vars, &got)
		for _, v := range got {
			return len(v.Nodes)
		}
		return -1
	}
	mobile := count(`{ museums(where: {kind: {in: [MOBILE]}}) { totalCount } }`, nil)
	if mobile == 0 {
		t.Fatal("no mobile museums")
	}
	// 3.11: a single value where a list is expected is a list of one,
	// inline and in a variable.
	if n := count(`{ museums(where: {kind: {in: MOBILE}}) { totalCount } }`, nil); n != mobile {
		t.Errorf("in: MOBILE %d, want %d", n, mobile)
	}
	if n := count(`query($k: [MuseumKind!]) { museums(where: {kind: {in: $k}}) { totalCount } }`, map[string]any{"k": "MOBILE"}); n != mobile {
		t.Errorf("variable MOBILE for a list: %d, want %d", n, mobile)
	}
	// 3.5.2: an Int literal is a valid Float; 3.5.4: an Int is a valid ID.
	if n := count(`{ museums(where: {distanceKm: {gte: 0}}) { totalCount } }`, nil); n == 0 {
		t.Error("Int literal as Float: no caravan")
	}
	if n := count(`query($d: Float) { museums(where: {distanceKm: {gte: $d}}) { totalCount } }`, map[string]any{"d": 0}); n == 0 {
		t.Error("integer variable as Float: no caravan")
	}
	e := mustFail(t, m, `{ node(id: 5) { id } }`, nil, "BAD_USER_INPUT")
	if !strings.Contains(e.Message, `"5"`) {
		t.Errorf("ID from an Int literal: %q, want the ID \"5\" named", e.Message)
	}
	// 6.1.2: a variable with a default: absent means the default, an
	// explicit null means null (here: no page size, so the maximum).
	if n := nodes(`query($f: Int = 3) { provinces(first: $f) { nodes { id } } }`, nil); n != 3 {
		t.Errorf("absent variable with default 3: %d nodes", n)
	}
	if n := nodes(`query($f: Int = 3) { provinces(first: $f) { nodes { id } } }`, map[string]any{"f": nil}); n <= 3 {
		t.Errorf("explicit null over default 3: %d nodes, want the maximum page", n)
	}
	// 6.1.2: variables the operation does not define are ignored.
	if n := count(`query($k: [MuseumKind!]) { museums(where: {kind: {in: $k}}) { totalCount } }`, map[string]any{"k": []any{"MOBILE"}, "extra": "x"}); n != mobile {
		t.Errorf("with an undefined variable: %d", n)
	}
	// 3.10: an input object field's default value applies when absent
	// (direction: OrderDirection = ASC).
	var asc, desc struct {
		Provinces struct{ Nodes []struct{ Name string } }
	}
	query(t, m, `{ provinces(first: 35, orderBy: [{field: NAME}]) { nodes { name } } }`, nil, &asc)
	query(t, m, `{ provinces(first: 35, orderBy: [{field: NAME, direction: DESC}]) { nodes { name } } }`, nil, &desc)
	if len(asc.Provinces.Nodes) < 2 || asc.Provinces.Nodes[0] != desc.Provinces.Nodes[len(desc.Provinces.Nodes)-1] {
		t.Errorf("default direction is not ASC")
	}
	// 3.10: a literal null for a non-null input field is an error.
	mustFail(t, m, `{ provinces(orderBy: [{field: null}]) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
	// 3.5.3, 3.5.5: strings are not Booleans, numbers are not Strings (literals).
	mustFail(t, m, `{ schools(where: {rural: {eq: "true"}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
	mustFail(t, m, `{ schools(where: {name: {eq: 5}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
	// 3.9: an enum value not in the enum.
	mustFail(t, m, `{ museums(where: {kind: {eq: BIG}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
}
