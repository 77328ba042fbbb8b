package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/graph"
)

// boundCase is one Int argument of the schema in a query that reaches it:
// the query has %s where the argument's value goes.
type boundCase struct {
	typ, field, arg string
	query           string
}

// boundCases returns a query for every Int argument of the schema: the
// connection fields of the node types (first and last) below a page of one
// node of their type, the root connections, and the other fields by hand.
// It fails the test when an Int argument of the schema has no case or no
// bound (graph.ArgumentBound): a new argument must be given both.
func boundCases(t *testing.T, url, isolated string) []boundCase {
	t.Helper()
	type typeRef struct {
		Kind, Name string
		OfType     *typeRef
	}
	named := func(r typeRef) string {
		for r.OfType != nil {
			r = *r.OfType
		}
		return r.Name
	}
	var d struct {
		Schema struct {
			Types []struct {
				Kind, Name string
				Fields     []struct {
					Name string
					Type typeRef
					Args []struct {
						Name string
						Type typeRef
					}
				}
			}
		} `json:"__schema"`
	}
	query(t, url, `{ __schema { types { kind name fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
		args { name type { kind name ofType { kind name } } } } } } }`, nil, &d)
	// The root connection of each node type: Query.museums for Museum.
	rootOf := map[string]string{}
	for _, ty := range d.Schema.Types {
		if ty.Name != "Query" {
			continue
		}
		for _, f := range ty.Fields {
			if n := named(f.Type); strings.HasSuffix(n, "Connection") && f.Type.Kind == "NON_NULL" {
				for _, a := range f.Args {
					if a.Name == "orderBy" {
						rootOf[strings.TrimSuffix(n, "Connection")] = f.Name
					}
				}
			}
		}
	}
	const (
		ah     = `"UHJvdmluY2U6Q04tQUg"` // Anhui
		cstm   = `"TXVzZXVtOmNzdG0"`     // China Science and Technology Museum
		graphs = `algorithm: CONNECTED_COMPONENTS, labels: [PROVINCE, PREFECTURE], relationships: [PART_OF]`
	)
	byHand := map[[2]string][]string{
		{"Query", "search"}:                      {`{ search(text: "museum", first: %s) { totalCount nodes { __typename } } }`},
		{"Query", "shortestPath"}:                {`{ shortestPath(from: ` + cstm + `, to: ` + cstm + `, maxHops: %s) { length } }`},
		{"Query", "shortestPaths"}:               {`{ shortestPaths(from: ` + cstm + `, to: ` + cstm + `, maxHops: %s) { length } }`, `{ shortestPaths(from: ` + cstm + `, to: ` + cstm + `, first: %s) { nodes { __typename } } }`},
		{"Query", "neighborhood"}:                {`{ neighborhood(id: "` + isolated + `", hops: %s) { truncated } }`, `{ neighborhood(id: "` + isolated + `", limit: %s) { nodes { __typename } } }`},
		{"Query", "subgraph"}:                    {`{ subgraph(around: "` + isolated + `", hops: %s) { nodes { id } } }`},
		{"Query", "centrality"}:                  {`{ centrality(algorithm: DEGREE, within: ` + ah + `, first: %s) { node { __typename } } }`},
		{"Query", "schoolsWithoutLocalPartner"}:  {`{ schoolsWithoutLocalPartner(province: ` + ah + `, first: %s) { totalCount nodes { __typename } } }`},
		{"Query", "museumsWithoutSchoolPartner"}: {`{ museumsWithoutSchoolPartner(province: ` + ah + `, first: %s) { totalCount nodes { __typename } } }`},
		{"CommunityPartition", "communities"}:    {`{ communities(` + graphs + `) { communities(first: %s) { totalCount nodes { __typename } } } }`},
		{"Community", "members"}:                 {`{ communities(` + graphs + `) { communities(first: 1) { nodes { members(first: %s) { totalCount nodes { __typename } } } } } }`},
		{"Coverage", "coveredPlaces"}:            {`{ coverage(level: PREFECTURE, within: ` + ah + `) { coveredPlaces(first: %s) { totalCount nodes { __typename } } } }`},
		{"Coverage", "uncoveredPlaces"}:          {`{ coverage(level: PREFECTURE, within: ` + ah + `) { uncoveredPlaces(first: %s) { totalCount nodes { __typename } } } }`},
	}
	var cases []boundCase
	used := map[[2]string]bool{}
	for _, ty := range d.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") {
			continue
		}
		for _, f := range ty.Fields {
			for _, a := range f.Args {
				if n := named(a.Type); n != "Int" && n != "Float" {
					continue
				}
				if _, ok := graph.ArgumentBound(ty.Name, f.Name, a.Name, 100); !ok {
					t.Errorf("%s.%s(%s): no bound (graph.ArgumentBound)", ty.Name, f.Name, a.Name)
					continue
				}
				key := [2]string{ty.Name, f.Name}
				var q string
				switch {
				case byHand[key] != nil:
					for _, h := range byHand[key] {
						if strings.Contains(h, a.Name+": %s") {
							q = h
						}
					}
					used[key] = true
				case ty.Name == "Query" && strings.HasSuffix(named(f.Type), "Connection"):
					q = fmt.Sprintf(`{ %s(%s: %%s) { totalCount nodes { __typename } } }`, f.Name, a.Name)
				case ty.Kind == "OBJECT" && rootOf[ty.Name] != "":
					q = fmt.Sprintf(`{ %s(first: 1) { nodes { %s(%s: %%s) { totalCount edges { __typename } } } } }`, rootOf[ty.Name], f.Name, a.Name)
				case ty.Kind == "INTERFACE":
					continue // its object types have the same arguments, each reached by its own case
				}
				if q == "" {
					t.Errorf("%s.%s(%s): no query reaches it", ty.Name, f.Name, a.Name)
					continue
				}
				cases = append(cases, boundCase{ty.Name, f.Name, a.Name, q})
			}
		}
	}
	for k := range byHand {
		if !used[k] {
			t.Errorf("%s.%s: a case for a field the schema does not have (or without Int arguments)", k[0], k[1])
		}
	}
	if len(cases) < 100 {
		t.Fatalf("%d Int arguments found", len(cases))
	}
	return cases
}

// TestArgumentBounds: every Int argument of the schema (first and last of
// every connection and list, hops, maxHops, limit) has one bound
// (graph.ArgumentBound: page sizes 0 to the maximum page size, hops 0–3,
// maxHops 0–10, limit 1–1000), and a value outside it, below or above, by
// one or by far, literal or variable, is refused the same way:
// BAD_USER_INPUT at the field's path, "<arg> must be between <min> and
// <max>, got <value>", extensions argument, min, max, value; both ends are
// accepted. The server has the query limits of the real one (gqllimit with
// graph.ArgumentMax): a value far above the bound is not
// COMPLEXITY_LIMIT_EXCEEDED but the same BAD_USER_INPUT. The page sizes
// follow the configured maximum: the whole check runs with the default
// maximum (100), and the page sizes' again with a maximum of 5, below the
// default first of centrality and shortestPaths (10).
func TestArgumentBounds(t *testing.T) {
	for _, maxPage := range []int{graph.DefaultMaxPageSize, 5} {
		t.Run(fmt.Sprintf("max%d", maxPage), func(t *testing.T) { argumentBounds(t, maxPage) })
	}
}

// limitedServer serves the reference dataset with the maximum page size
// maxPage and the query limits of the real server for it.
func limitedServer(t *testing.T, maxPage int) *httptest.Server {
	t.Helper()
	h := graph.New(ref(t).store, graph.Options{MaxPageSize: maxPage, Extensions: []graphql.HandlerExtension{
		gqllimit.New(gqllimit.Config{MaxCost: gqllimit.DefaultMaxCost, DefaultPageSize: maxPage, ArgumentMax: graph.ArgumentMax(maxPage)}),
	}})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func argumentBounds(t *testing.T, maxPage int) {
	srv := limitedServer(t, maxPage)
	var ns struct {
		NationalStatistics struct{ Nodes []struct{ ID string } }
	}
	query(t, srv.URL, `{ nationalStatistics(first: 1) { nodes { id } } }`, nil, &ns)
	if len(ns.NationalStatistics.Nodes) != 1 {
		t.Fatal("no NationalStatistics record")
	}
	isolated := ns.NationalStatistics.Nodes[0].ID // a node without relationships: its neighbourhood is small at any hops
	if export.MaxHops != analysis.MaxHoodHops {
		t.Errorf("export's hops up to %d, neighborhood's up to %d: one rule", export.MaxHops, analysis.MaxHoodHops)
	}
	type boundErr struct {
		Message    string
		Path       []any
		Extensions struct {
			Code            string
			Argument        string
			Min, Max, Value int
		}
	}
	send := func(q string, vars map[string]any) (int, []boundErr) {
		b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		res, err := http.Post(srv.URL, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct{ Errors []boundErr }
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, out.Errors
	}
	cases := boundCases(t, srv.URL, isolated)
	seen := map[string]int{}
	for _, c := range cases {
		b, _ := graph.ArgumentBound(c.typ, c.field, c.arg, maxPage)
		if maxPage != graph.DefaultMaxPageSize && c.arg != "first" && c.arg != "last" {
			continue // the other bounds do not depend on it: checked once
		}
		seen[fmt.Sprintf("%s %d–%d", c.arg, b.Min, b.Max)]++
		name := c.typ + "." + c.field + "(" + c.arg + ")"
		outside, inside := []int{b.Min - 1, b.Max + 1, -1 << 30, 1 << 30}, []int{b.Min, b.Max}
		if maxPage != graph.DefaultMaxPageSize {
			// Only the upper end moves with the maximum (and the run on
			// Neo4j costs CI a request per value).
			outside, inside = []int{b.Max + 1}, []int{b.Max}
		}
		for _, v := range outside {
			if v >= b.Min && v <= b.Max {
				continue
			}
			literal := fmt.Sprintf(c.query, fmt.Sprint(v))
			variable := "query($v: Int) " + fmt.Sprintf(c.query, "$v")
			for form, q := range map[string]string{"literal": literal, "variable": variable} {
				status, errs := send(q, map[string]any{"v": v})
				want := fmt.Sprintf("%s must be between %d and %d, got %d", c.arg, b.Min, b.Max, v)
				if status != 200 || len(errs) != 1 || errs[0].Extensions.Code != "BAD_USER_INPUT" || errs[0].Message != want {
					t.Errorf("%s = %d (%s): %d %+v; want 200, one BAD_USER_INPUT %q", name, v, form, status, errs, want)
					continue
				}
				e := errs[0]
				if x := e.Extensions; x.Argument != c.arg || x.Min != b.Min || x.Max != b.Max || x.Value != v {
					t.Errorf("%s = %d (%s): extensions %+v", name, v, form, x)
				}
				if len(e.Path) == 0 || e.Path[len(e.Path)-1] != c.field {
					t.Errorf("%s = %d (%s): path %v", name, v, form, e.Path)
				}
			}
		}
		for _, v := range inside {
			if status, errs := send(fmt.Sprintf(c.query, fmt.Sprint(v)), nil); status != 200 || len(errs) > 0 {
				t.Errorf("%s = %d: %d %+v; want no error", name, v, status, errs)
			}
		}
	}
	// One rule per kind of argument.
	want := map[string]bool{fmt.Sprintf("first 0–%d", maxPage): true, fmt.Sprintf("last 0–%d", maxPage): true}
	if maxPage == graph.DefaultMaxPageSize {
		want["hops 0–3"], want["maxHops 0–10"], want["limit 1–1000"] = true, true, true
	}
	for k := range want {
		if seen[k] == 0 {
			t.Errorf("no argument with the bound %s", k)
		}
	}
	for k, n := range seen {
		if !want[k] {
			t.Errorf("%d arguments with the bound %s", n, k)
		}
	}
	t.Logf("bounds checked: %v", seen)
}

// TestZeroMeansEmpty: a page size of 0 is an empty page or list after the
// same checks as any other size (centrality(first: 0) was refused while
// the connections took first: 0), and 0 hops is the start node alone, in
// neighborhood and in subgraph (the export's selection) alike.
func TestZeroMeansEmpty(t *testing.T) {
	url := ref(t).url
	const cstm = `"TXVzZXVtOmNzdG0"`
	var d struct {
		Centrality    []struct{ Rank int }
		ShortestPaths []struct{ Length int }
		Museums       struct {
			TotalCount int
			Nodes      []struct{ ID string }
		}
		Search struct {
			TotalCount int
			Nodes      []struct{ ID string }
		}
		Hood0 struct {
			Nodes         []struct{ ID string }
			Relationships []struct{ Type string }
		}
		Hood1 struct{ Nodes []struct{ ID string } }
		Sub0  struct {
			Nodes         []struct{ ID string }
			Relationships []struct{ ID string }
		}
		Sub1 struct{ Nodes []struct{ ID string } }
	}
	query(t, url, `{
		centrality(algorithm: DEGREE, within: "UHJvdmluY2U6Q04tQUg", first: 0) { rank }
		shortestPaths(from: `+cstm+`, to: `+cstm+`, first: 0) { length }
		museums(first: 0) { totalCount nodes { id } }
		search(text: "museum", first: 0) { totalCount nodes { id } }
		hood0: neighborhood(id: `+cstm+`, hops: 0) { nodes { id } relationships { type } }
		hood1: neighborhood(id: `+cstm+`, hops: 1, limit: 1000) { nodes { id } }
		sub0: subgraph(around: `+cstm+`, hops: 0) { nodes { id } relationships { id } }
		sub1: subgraph(around: `+cstm+`, hops: 1) { nodes { id } }
	}`, nil, &d)
	if d.Centrality == nil || len(d.Centrality) != 0 || d.ShortestPaths == nil || len(d.ShortestPaths) != 0 {
		t.Errorf("first: 0: centrality %v, shortestPaths %v; want empty lists", d.Centrality, d.ShortestPaths)
	}
	if d.Museums.TotalCount == 0 || len(d.Museums.Nodes) != 0 || d.Search.TotalCount == 0 || len(d.Search.Nodes) != 0 {
		t.Errorf("first: 0: museums %+v, search %+v; want no nodes and the total", d.Museums, d.Search)
	}
	if len(d.Hood0.Nodes) != 1 || d.Hood0.Nodes[0].ID != "TXVzZXVtOmNzdG0" || len(d.Hood0.Relationships) != 0 || len(d.Hood1.Nodes) < 2 {
		t.Errorf("neighborhood: 0 hops %+v, 1 hop %d nodes; want the node alone, then more", d.Hood0, len(d.Hood1.Nodes))
	}
	if len(d.Sub0.Nodes) != 1 || d.Sub0.Nodes[0].ID != "TXVzZXVtOmNzdG0" || len(d.Sub0.Relationships) != 0 || len(d.Sub1.Nodes) != len(d.Hood1.Nodes) {
		t.Errorf("subgraph: 0 hops %+v, 1 hop %d nodes (neighborhood %d); want the node alone, then the same as neighborhood", d.Sub0, len(d.Sub1.Nodes), len(d.Hood1.Nodes))
	}
	// first: 0 still checks the other arguments.
	wantError(t, url, `{ shortestPaths(from: `+cstm+`, to: "TXVzZXVtOm5vbmU", first: 0) { length } }`, nil, "NOT_FOUND")
	wantError(t, url, `{ centrality(algorithm: DEGREE, within: `+cstm+`, first: 0) { rank } }`, nil, "BAD_USER_INPUT")
}

// TestPageSizeDefaults: a request that gives no first (nor last) is never
// refused for a page size it did not ask for. With a maximum page size of
// 5, below the default first of centrality and shortestPaths (10), every
// field that takes first answers without it (the argument left out, null,
// or a variable the request does not set) with at most 5 items: the
// connections, search and the ranked lists that many, centrality and
// shortestPaths min(10, 5); first: 6 is refused. With the default maximum
// (100) centrality still gives 10.
func TestPageSizeDefaults(t *testing.T) {
	const maxPage = 5
	srv := limitedServer(t, maxPage)
	var ns struct {
		NationalStatistics struct{ Nodes []struct{ ID string } }
	}
	query(t, srv.URL, `{ nationalStatistics(first: 1) { nodes { id } } }`, nil, &ns)
	isolated := ns.NationalStatistics.Nodes[0].ID
	// longest returns the length of the longest list in v.
	var longest func(v any) int
	longest = func(v any) int {
		n := 0
		switch v := v.(type) {
		case []any:
			n = len(v)
			for _, x := range v {
				n = max(n, longest(x))
			}
		case map[string]any:
			for _, x := range v {
				n = max(n, longest(x))
			}
		}
		return n
	}
	drop := strings.NewReplacer("(first: %s)", "", "first: %s, ", "", ", first: %s", "")
	checked := 0
	for _, c := range boundCases(t, srv.URL, isolated) {
		if c.arg != "first" {
			continue
		}
		q := drop.Replace(c.query)
		if strings.Contains(q, "%s") {
			t.Fatalf("%s.%s: could not leave first out of %s", c.typ, c.field, c.query)
		}
		r := post(t, srv.URL, q, nil)
		if len(r.Errors) > 0 {
			t.Errorf("%s.%s without first, maximum page size %d: %+v\n%s", c.typ, c.field, maxPage, r.Errors, q)
			continue
		}
		var data any
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		if n := longest(data); n > maxPage {
			t.Errorf("%s.%s without first: a list of %d items, above the maximum page size %d\n%s", c.typ, c.field, n, maxPage, q)
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d fields with first checked", checked)
	}

	// The lists long enough to show the size: exactly the maximum, in
	// every form of leaving first out.
	const ah = `"UHJvdmluY2U6Q04tQUg"`
	for _, form := range []struct{ decl, arg string }{{"", ""}, {"", "first: null"}, {"($n: Int)", "first: $n"}} {
		var d struct {
			Centrality []struct{ Rank int }
			Museums    struct{ Nodes []struct{ ID string } }
			Search     struct{ Nodes []struct{ ID string } }
		}
		args := func(rest string) string {
			switch {
			case form.arg == "" && rest == "":
				return ""
			case form.arg == "":
				return "(" + rest + ")"
			case rest == "":
				return "(" + form.arg + ")"
			}
			return "(" + rest + ", " + form.arg + ")"
		}
		query(t, srv.URL, `query `+form.decl+` {
			centrality`+args(`algorithm: DEGREE, within: `+ah)+` { rank }
			museums`+args("")+` { nodes { id } }
			search`+args(`text: "museum"`)+` { nodes { id } }
		}`, nil, &d)
		if len(d.Centrality) != maxPage || len(d.Museums.Nodes) != maxPage || len(d.Search.Nodes) != maxPage {
			t.Errorf("first left out (%q): centrality %d, museums %d, search %d items; want %d each",
				form.arg, len(d.Centrality), len(d.Museums.Nodes), len(d.Search.Nodes), maxPage)
		}
	}
	// A variable whose definition has a default gives first: it is checked.
	wantError(t, srv.URL, `query($n: Int = 6) { centrality(algorithm: DEGREE, within: `+ah+`, first: $n) { rank } }`, nil, "BAD_USER_INPUT")
	wantError(t, srv.URL, `{ centrality(algorithm: DEGREE, within: `+ah+`, first: 6) { rank } }`, nil, "BAD_USER_INPUT")
	wantError(t, srv.URL, `{ shortestPaths(from: "TXVzZXVtOmNzdG0", to: "TXVzZXVtOmNzdG0", first: 10) { length } }`, nil, "BAD_USER_INPUT")

	var d struct{ Centrality []struct{ Rank int } }
	query(t, limitedServer(t, graph.DefaultMaxPageSize).URL, `{ centrality(algorithm: DEGREE, within: `+ah+`) { rank } }`, nil, &d)
	if len(d.Centrality) != graph.DefaultListFirst {
		t.Errorf("centrality without first, maximum page size %d: %d items, want %d", graph.DefaultMaxPageSize, len(d.Centrality), graph.DefaultListFirst)
	}
}
