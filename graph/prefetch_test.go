package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
)

// noPrefetch returns a handler over st that leaves every nested field to the
// batching loaders.
func noPrefetch(t *testing.T, st kepu.Store) string {
	t.Helper()
	srv := httptest.NewServer(graph.New(st, graph.Options{NoPrefetch: true}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestPrefetch runs queries of many shapes (fragments, aliases, variables,
// directives, interface ends, places, filters and orders) and checks that
// every nested field was prefetched: the exact number of store calls, one
// per level and distinct field and arguments, and the same data as without
// the prefetch.
func TestPrefetch(t *testing.T) {
	st, url := fixture(t)
	plain := noPrefetch(t, st)
	m1 := gid(kepu.Museum, "m1")
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		calls int
	}{
		{"nested with filters, count order and places",
			`{ museums(orderBy: [{field: NAME}]) { nodes { name
				schoolPartners(where: {node: {stage: {in: [PRIMARY, JUNIOR_SECONDARY]}, rural: {eq: true}}}, orderBy: {field: MUSEUM_PARTNERS_COUNT, direction: DESC}) {
					totalCount edges { since node { name county { name province { name } } } } } } } }`,
			nil, 7}, // FindNodes; Neighbors, CountNeighbors; Locate, Nodes; Locate, Nodes
		{"variables, fragments and aliases",
			`query($id: ID!, $n: Int, $since: Int) { node(id: $id) { ...M } }
			fragment M on Museum { a: schoolPartners(first: $n, where: {edge: {since: {gte: $since}}}) { nodes { name } }
				b: schoolPartners(first: 1) { nodes { name } } ... on Node { id } province { name } county { name } }`,
			map[string]any{"id": m1, "n": 2, "since": 2016}, 5}, // Nodes; Neighbors ×2; Locate, Nodes
		{"one call per distinct field and arguments",
			`{ museums { nodes { schoolPartners { nodes { name } } x: schoolPartners { nodes { county { name } } } y: schoolPartners(first: 1) { totalCount } } } }`,
			nil, 5}, // FindNodes; Neighbors (shared by the first two), CountNeighbors (y needs no page); Locate, Nodes
		{"two roots prefetch separately",
			`{ a: museums(where: {kind: {eq: STANDARD}}) { nodes { schoolPartners { nodes { name } } } }
			   b: node(id: "` + m1 + `") { ... on Museum { schoolPartners { nodes { name } } } } }`,
			nil, 4}, // FindNodes, Neighbors; Nodes, Neighbors
		{"interface ends",
			`{ counties(orderBy: [{field: NAME}]) { nodes { name residents(orderBy: [{field: NAME}]) { nodes { __typename name
				... on Museum { schoolPartners { nodes { name } } }
				... on School { museumPartners { totalCount } } } } } } }`,
			nil, 4}, // FindNodes; Neighbors; Neighbors; CountNeighbors (totalCount alone needs no page)
		{"places and their museums",
			`{ provinces(orderBy: [{field: NAME}]) { nodes { name museums(orderBy: [{field: NAME}]) { totalCount nodes { name county { name } } } } } }`,
			nil, 4 + countCall()}, // FindNodes; PlaceNodes (CountPlaceNodes unless counted); Locate, Nodes
		{"hierarchy",
			`{ prefectures { nodes { province { name } children { edges { node { name ... on County { prefecture { name } museums { nodes { name } } } } } } } } }`,
			nil, 7}, // FindNodes; Locate, Nodes, Neighbors; Locate, Nodes, PlaceNodes
		{"skipped field", `query($s: Boolean!) { museums { nodes { province @skip(if: $s) { name } } } }`, map[string]any{"s": true}, 1},
		{"included field", `query($s: Boolean!) { museums { nodes { province @skip(if: $s) { name } } } }`, map[string]any{"s": false}, 3},
		{"nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Museum { covers { nodes { name } } } ... on School { county { name } } } }`,
			map[string]any{"ids": []string{m1, gid(kepu.Museum, "m2"), gid(kepu.School, "s1")}}, 4}, // Nodes; Neighbors, Locate, Nodes
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := query(t, url, tc.query, tc.vars, nil)
			want := query(t, plain, tc.query, tc.vars, nil)
			if !bytes.Equal(r.Data, want.Data) {
				t.Errorf("data with prefetch:\n%s\nwithout:\n%s", r.Data, want.Data)
			}
			if r.Extensions.StoreCalls != tc.calls {
				t.Errorf("%d store calls, want %d (without prefetch: %d)", r.Extensions.StoreCalls, tc.calls, want.Extensions.StoreCalls)
			}
		})
	}
}

// TestPrefetchHierarchyCounts pins the hierarchy case above with one more
// county: the museums of every county of the level take one PlaceNodes
// call, however many counties there are.
func TestPrefetchHierarchyCounts(t *testing.T) {
	st, url := fixture(t)
	// A second prefecture with one county adds no call.
	mustWrite(t, st,
		nodeChange(kepu.Prefecture, "G", kepu.Props{"gbCode": "120100"}),
		nodeChange(kepu.County, "C3", kepu.Props{"gbCode": "120101"}),
		edgeChange(kepu.PartOf, kepu.MakeID(kepu.Prefecture, "G"), kepu.MakeID(kepu.Province, "P"), nil),
		edgeChange(kepu.PartOf, kepu.MakeID(kepu.County, "C3"), kepu.MakeID(kepu.Prefecture, "G"), nil),
	)
	r := query(t, url, `{ prefectures { nodes { children { nodes { ... on County { name museums { nodes { name } } } } } } } }`, nil, nil)
	// FindNodes; Neighbors; PlaceNodes.
	if r.Extensions.StoreCalls != 3 {
		t.Errorf("%d store calls, want 3", r.Extensions.StoreCalls)
	}
}

// placesQuery lists provinces with their museums, the museums' counts and
// two fields below the museums.
const placesQuery = `query($n: Int!) { provinces(first: $n, orderBy: [{field: NAME}]) { nodes { name
	museums(first: 5, orderBy: [{field: NAME}]) { totalCount nodes { name county { name } schoolPartners(first: 2) { nodes { name } } } } } } }`

type placesData struct {
	Provinces struct {
		Nodes []struct {
			Name    string
			Museums struct {
				TotalCount int
				Nodes      []struct {
					Name           string
					County         *struct{ Name string }
					SchoolPartners struct{ Nodes []struct{ Name string } }
				}
			}
		}
	}
}

// TestPlaceMuseumsStoreCalls checks that the museums connection of places
// is batched: 3 provinces and all of them (with museums, their count and
// fields below them) cost the same, fixed number of store calls, where it
// used to be one FindNodes and one CountNodes call per province. Without
// the prefetch the loaders batch it too: far fewer calls than places.
func TestPlaceMuseumsStoreCalls(t *testing.T) {
	plain := noPrefetch(t, ref(t).store)
	for _, n := range []int{3, 40} {
		var data placesData
		r := query(t, ref(t).url, placesQuery, map[string]any{"n": n}, &data)
		provinces, museums, more, counties, schools := len(data.Provinces.Nodes), 0, 0, 0, 0
		for _, p := range data.Provinces.Nodes {
			museums += len(p.Museums.Nodes)
			if p.Museums.TotalCount > len(p.Museums.Nodes) {
				more++
			}
			for _, m := range p.Museums.Nodes {
				if m.County != nil {
					counties++
				}
				schools += len(m.SchoolPartners.Nodes)
			}
		}
		if n == 40 && (provinces < 34 || museums < 100 || more < 20 || counties == 0 || schools == 0) {
			t.Fatalf("%d provinces, %d museums (%d provinces with more than a page), %d counties, %d schools: the query is not meaningful",
				provinces, museums, more, counties, schools)
		}
		t.Logf("%d provinces, %d museums, %d counties, %d schools: %d store calls", provinces, museums, counties, schools, r.Extensions.StoreCalls)
		// FindNodes; PlaceNodes (CountPlaceNodes unless the pages are
		// counted); Locate, Nodes, Neighbors.
		if want := 5 + countCall(); r.Extensions.StoreCalls != want {
			t.Errorf("%d provinces: %d store calls, want %d", provinces, r.Extensions.StoreCalls, want)
		}
		want := query(t, plain, placesQuery, map[string]any{"n": n}, nil)
		if got := query(t, ref(t).url, placesQuery, map[string]any{"n": n}, nil); !bytes.Equal(got.Data, want.Data) {
			t.Errorf("data with prefetch:\n%s\nwithout:\n%s", got.Data, want.Data)
		}
		t.Logf("without the prefetch: %d store calls", want.Extensions.StoreCalls)
		// The per-place path made two calls per province (71 for 35).
		if n == 40 && want.Extensions.StoreCalls >= 2*provinces {
			t.Errorf("without the prefetch: %d store calls for %d provinces: the loaders do not batch", want.Extensions.StoreCalls, provinces)
		}
	}
}

// TestPlaceMuseumsPaging pages through the museums of a province with
// cursors, nested under the province, forwards and backwards, and checks
// that the pages add up to the whole list (totalCount museums).
func TestPlaceMuseumsPaging(t *testing.T) {
	const q = `query($n: Int, $after: String, $m: Int, $before: String) { provinces(first: 1, where: {code: {eq: "CN-AH"}}) { nodes {
		museums(first: $n, after: $after, last: $m, before: $before, orderBy: [{field: NAME, direction: DESC}]) {
			totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`
	type page struct {
		Provinces struct {
			Nodes []struct {
				Museums struct {
					TotalCount int
					Nodes      []struct{ Name string }
					PageInfo   struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       string
					}
				}
			}
		}
	}
	get := func(vars map[string]any) (names []string, total int, next, prev bool, start, end string) {
		t.Helper()
		var p page
		query(t, ref(t).url, q, vars, &p)
		if len(p.Provinces.Nodes) != 1 {
			t.Fatalf("provinces: %+v", p)
		}
		m := p.Provinces.Nodes[0].Museums
		for _, n := range m.Nodes {
			names = append(names, n.Name)
		}
		return names, m.TotalCount, m.PageInfo.HasNextPage, m.PageInfo.HasPreviousPage, m.PageInfo.StartCursor, m.PageInfo.EndCursor
	}
	first, total, _, _, _, _ := get(map[string]any{"n": 30})
	if total <= 30 || len(first) != 30 {
		t.Fatalf("Anhui has %d museums listed, totalCount %d: the test is not meaningful", len(first), total)
	}
	var fwd []string
	for after := any(nil); ; {
		names, _, next, _, _, end := get(map[string]any{"n": 30, "after": after})
		fwd = append(fwd, names...)
		if !next {
			break
		}
		after = end
	}
	var back []string
	for before := any(nil); ; {
		names, _, _, prev, start, _ := get(map[string]any{"m": 40, "before": before})
		back = append(names, back...)
		if !prev {
			break
		}
		before = start
	}
	if len(fwd) != total || fmt.Sprint(fwd[:30]) != fmt.Sprint(first) || fmt.Sprint(back) != fmt.Sprint(fwd) {
		t.Errorf("%d museums forward, %d backward, totalCount %d; forward %v, backward %v", len(fwd), len(back), total, fwd, back)
	}
	if !sort.SliceIsSorted(fwd, func(i, j int) bool { return fwd[i] > fwd[j] }) {
		t.Errorf("pages are not in descending name order: %v", fwd)
	}
}

// TestPrefetchMutation checks that a mutation's result is prefetched after
// the write, so it shows the new relationship.
func TestPrefetchMutation(t *testing.T) {
	_, url := fixture(t)
	var data struct {
		LinkPartnersWith struct {
			From struct {
				SchoolPartners struct {
					TotalCount int
					Nodes      []struct{ Name string }
				}
			}
			To struct{ County *struct{ Name string } }
		}
	}
	r := query(t, url, `mutation($m: ID!, $s: ID!) { linkPartnersWith(from: $m, to: $s, input: {provenance: REPORTED, source: "test"}) {
		from { schoolPartners(orderBy: [{field: NAME}]) { totalCount nodes { name } } } to { county { name } } } }`,
		map[string]any{"m": gid(kepu.Museum, "m2"), "s": gid(kepu.School, "s1")}, &data)
	got := data.LinkPartnersWith
	if got.From.SchoolPartners.TotalCount != 2 || len(got.From.SchoolPartners.Nodes) != 2 || got.From.SchoolPartners.Nodes[0].Name != "s1" {
		t.Errorf("schoolPartners after the link: %+v", got.From.SchoolPartners)
	}
	if got.To.County == nil || got.To.County.Name != "C1" {
		t.Errorf("county: %+v", got.To.County)
	}
	// Write, Nodes; Neighbors, CountNeighbors, Locate, Nodes.
	if r.Extensions.StoreCalls != 6 {
		t.Errorf("%d store calls, want 6", r.Extensions.StoreCalls)
	}
}

// TestPrefetchErrors checks that bad arguments of a nested field are
// reported at its path whether or not the prefetch ran.
func TestPrefetchErrors(t *testing.T) {
	st, url := fixture(t)
	plain := noPrefetch(t, st)
	for _, u := range []string{url, plain} {
		r := post(t, u, `{ museums { nodes { name schoolPartners(first: -1) { nodes { name } } } } }`, nil)
		if len(r.Errors) == 0 {
			t.Fatal("no error")
		}
		for _, e := range r.Errors {
			if e.Extensions.Code != kepu.BadUserInput || len(e.Path) != 4 || e.Path[3] != "schoolPartners" {
				t.Errorf("error %+v", e)
			}
		}
	}
}

// TestRelationshipCountOrder orders a relationship connection by the far
// nodes' relationship counts, and pages through it with cursors.
func TestRelationshipCountOrder(t *testing.T) {
	_, url := fixture(t)
	const q = `query($id: ID!, $dir: OrderDirection, $after: String) { node(id: $id) { ... on Museum {
		schoolPartners(orderBy: [{field: MUSEUM_PARTNERS_COUNT, direction: $dir}], first: 2, after: $after) {
			nodes { name } pageInfo { hasNextPage endCursor } } } } }`
	type page struct {
		Node struct {
			SchoolPartners struct {
				Nodes    []struct{ Name string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
	}
	list := func(p page) string {
		var s []string
		for _, n := range p.Node.SchoolPartners.Nodes {
			s = append(s, n.Name)
		}
		return fmt.Sprint(s)
	}
	m1 := gid(kepu.Museum, "m1")
	// s3 has two museum partners, s1 and s2 one each (ties by ID).
	var desc, next, asc page
	query(t, url, q, map[string]any{"id": m1, "dir": "DESC"}, &desc)
	if got := list(desc); got != "[s3 s1]" || !desc.Node.SchoolPartners.PageInfo.HasNextPage {
		t.Errorf("descending: %s %+v", got, desc.Node.SchoolPartners.PageInfo)
	}
	query(t, url, q, map[string]any{"id": m1, "dir": "DESC", "after": desc.Node.SchoolPartners.PageInfo.EndCursor}, &next)
	if got := list(next); got != "[s2]" || next.Node.SchoolPartners.PageInfo.HasNextPage {
		t.Errorf("second page: %s", got)
	}
	query(t, url, q, map[string]any{"id": m1, "dir": "ASC"}, &asc)
	if got := list(asc); got != "[s1 s2]" {
		t.Errorf("ascending: %s", got)
	}
	// Counting a relationship that the far node cannot have is not offered.
	wantError(t, url, `{ museums { nodes { schoolPartners(orderBy: [{field: COVERS_COUNT}]) { nodes { name } } } } }`, nil, "GRAPHQL_VALIDATION_FAILED")
}

// wantMuseums checks the names (by name, comma-separated) and totalCount of
// the fixture's museums that the where input matches.
func wantMuseums(t *testing.T, url, where, want string) {
	t.Helper()
	var data struct {
		Museums struct {
			names
			TotalCount int
		}
	}
	query(t, url, fmt.Sprintf(`{ museums(where: %s, orderBy: [{field: NAME}]) { nodes { name } totalCount } }`, where), nil, &data)
	if got := data.Museums.list(); got != want || data.Museums.TotalCount != len(data.Museums.Nodes) {
		t.Errorf("%s: got %q (totalCount %d), want %q", where, got, data.Museums.TotalCount, want)
	}
}

// TestEmptyOr checks that an empty disjunction matches nothing and an empty
// conjunction everything, at the top level and in a relationship.
func TestEmptyOr(t *testing.T) {
	_, url := fixture(t)
	for _, tc := range []struct{ where, want string }{
		{`{OR: []}`, ""},
		{`{NOT: {OR: []}}`, "m1,m2,m3"},
		{`{AND: []}`, "m1,m2,m3"},
		{`{OR: [{OR: []}, {kind: {eq: MOBILE}}]}`, "m2"},
		{`{AND: [{OR: []}, {kind: {eq: MOBILE}}]}`, ""},
		{`{schoolPartners_some: {node: {OR: []}}}`, ""},
		{`{schoolPartners_none: {node: {OR: []}}}`, "m1,m2,m3"},
	} {
		wantMuseums(t, url, tc.where, tc.want)
	}
	var rel struct {
		Node struct {
			SchoolPartners struct {
				TotalCount int
				Nodes      []struct{ Name string }
			}
		}
	}
	query(t, url, `query($id: ID!, $or: [SchoolWhere!]) { node(id: $id) { ... on Museum { schoolPartners(where: {node: {OR: $or}}) { totalCount nodes { name } } } } }`,
		map[string]any{"id": gid(kepu.Museum, "m1"), "or": []any{}}, &rel)
	if rel.Node.SchoolPartners.TotalCount != 0 || len(rel.Node.SchoolPartners.Nodes) != 0 {
		t.Errorf("schoolPartners with OR: []: %+v", rel.Node.SchoolPartners)
	}
}

// TestEmptyNot checks the empty condition and its negation wherever a
// where input takes them: {} (and AND: [], OR: [{}]) holds for every
// record, so NOT: {} holds for none and NOT: {NOT: {}} for every one,
// at the top level, inside AND and OR, in a place filter, in a
// relationship filter's node and edge, in a relationship list's where,
// and in totalCount, the count fields, subgraph and centrality (the
// filter was refused with BAD_USER_INPUT before, while OR: [{}] matched
// everything: break13's finding).
func TestEmptyNot(t *testing.T) {
	_, url := fixture(t)
	for _, tc := range []struct{ where, want string }{
		{`{NOT: {}}`, ""},
		{`{NOT: {NOT: {}}}`, "m1,m2,m3"},
		{`{NOT: {NOT: {NOT: {}}}}`, ""},
		{`{NOT: {AND: []}}`, ""},
		{`{NOT: {OR: [{}]}}`, ""},
		{`{NOT: {OR: []}}`, "m1,m2,m3"},
		{`{NOT: null}`, "m1,m2,m3"},
		{`{AND: [{NOT: {}}]}`, ""},
		{`{AND: [{NOT: {}}, {kind: {eq: MOBILE}}]}`, ""},
		{`{OR: [{NOT: {}}, {kind: {eq: MOBILE}}]}`, "m2"},
		{`{OR: [{NOT: {}}]}`, ""},
		{`{NOT: {}, kind: {eq: MOBILE}}`, ""},
		{`{NOT: {NOT: {}}, kind: {eq: MOBILE}}`, "m2"},
		{`{province: {}}`, "m1,m2,m3"},
		{`{prefecture: {}}`, "m1,m2"},
		{`{province: {NOT: {}}}`, ""},
		{`{NOT: {prefecture: {NOT: {}}}}`, "m1,m2,m3"},
		{`{prefecture: {NOT: {NOT: {}}}}`, "m1,m2"},
		{`{schoolPartners_some: {node: {}}}`, "m1,m2"},
		{`{schoolPartners_some: {node: {NOT: {}}}}`, ""},
		{`{schoolPartners_none: {node: {NOT: {}}}}`, "m1,m2,m3"},
		{`{schoolPartners_some: {edge: {NOT: {}}}}`, ""},
		{`{schoolPartners_none: {edge: {NOT: {}}}}`, "m1,m2,m3"},
		{`{schoolPartners_some: {node: {NOT: {NOT: {}}}, edge: {NOT: {NOT: {}}}}}`, "m1,m2"},
		{`{NOT: {schoolPartners_some: {node: {NOT: {}}}}}`, "m1,m2,m3"},
	} {
		wantMuseums(t, url, tc.where, tc.want)
	}
	// The same as a variable, and in the other fields that take a where.
	var data struct {
		Museums struct{ TotalCount int }
		None    []struct {
			Key   string
			Count int
		}
		All []struct {
			Key   string
			Count int
		}
		Node struct {
			Node struct{ TotalCount int } `json:"node"`
			Edge struct{ TotalCount int } `json:"edge"`
			Both struct{ TotalCount int } `json:"both"`
		}
		Subgraph   struct{ Nodes []struct{ ID string } }
		Centrality []struct{ Score float64 }
	}
	query(t, url, `query($not: MuseumWhere!, $id: ID!) {
		museums(where: {NOT: $not}) { totalCount }
		none: museumCounts(where: {NOT: {}}, groupBy: KIND) { key count }
		all: museumCounts(where: {NOT: {NOT: {}}}, groupBy: KIND) { key count }
		node(id: $id) { ... on Museum {
			node: schoolPartners(where: {node: {NOT: {}}}) { totalCount }
			edge: schoolPartners(where: {edge: {NOT: {}}}) { totalCount }
			both: schoolPartners(where: {node: {NOT: {NOT: {}}}, edge: {NOT: {NOT: {}}}}) { totalCount }
		} }
		subgraph(labels: ["Museum"], where: {NOT: {}}) { nodes { id } }
		centrality(algorithm: DEGREE, where: {NOT: {}}) { score }
	}`, map[string]any{"not": map[string]any{}, "id": gid(kepu.Museum, "m1")}, &data)
	if data.Museums.TotalCount != 0 {
		t.Errorf("NOT: $not with $not = {}: totalCount %d, want 0", data.Museums.TotalCount)
	}
	if len(data.None) != 0 {
		t.Errorf("museumCounts(where: {NOT: {}}): %+v, want no group", data.None)
	}
	if n := 0; len(data.All) != 3 {
		t.Errorf("museumCounts(where: {NOT: {NOT: {}}}): %+v, want the three kinds", data.All)
	} else {
		for _, g := range data.All {
			n += g.Count
		}
		if n != 3 {
			t.Errorf("museumCounts(where: {NOT: {NOT: {}}}): %d museums, want 3", n)
		}
	}
	if p := data.Node; p.Node.TotalCount != 0 || p.Edge.TotalCount != 0 || p.Both.TotalCount != 3 {
		t.Errorf("m1's schoolPartners with NOT: {} on the node, on the edge, NOT: {NOT: {}} on both: %+v, want 0, 0, 3", p)
	}
	if len(data.Subgraph.Nodes) != 0 {
		t.Errorf("subgraph(where: {NOT: {}}): %d nodes, want none", len(data.Subgraph.Nodes))
	}
	if len(data.Centrality) != 0 {
		t.Errorf("centrality(where: {NOT: {}}): %d nodes, want none", len(data.Centrality))
	}
}

// BenchmarkNestedNoPrefetch is BenchmarkNestedPartners with the batching
// loaders only, for comparison.
func BenchmarkNestedNoPrefetch(b *testing.B) {
	srv := httptest.NewServer(graph.New(ref(b).store, graph.Options{NoPrefetch: true}))
	defer srv.Close()
	benchQuery(b, srv.URL, nestedQuery, map[string]any{"n": 50})
}

// BenchmarkMuseumByIDHandler serves the single-museum query in process (no
// network), to separate the GraphQL layer's own cost from the transport's.
func BenchmarkMuseumByIDHandler(b *testing.B) {
	h := graph.New(ref(b).store, graph.Options{})
	body := []byte(`{"query":` + strconv.Quote(byIDQuery) + `,"variables":{"id":"TXVzZXVtOmNzdG0"}}`)
	for b.Loop() {
		serveQuery(b, h, body)
	}
}

// BenchmarkPlaceMuseums serves placesQuery for every province (museums
// with their count and two fields below them).
func BenchmarkPlaceMuseums(b *testing.B) {
	for _, prefetch := range []bool{true, false} {
		name := "prefetch"
		if !prefetch {
			name = "loaders"
		}
		b.Run(name, func(b *testing.B) {
			srv := httptest.NewServer(graph.New(ref(b).store, graph.Options{NoPrefetch: !prefetch}))
			defer srv.Close()
			benchQuery(b, srv.URL, placesQuery, map[string]any{"n": 40})
		})
	}
}

// TestPrefetchCorpus runs the query corpus with the lookahead prefetch on
// and off (Options.NoPrefetch, its one switch) over the reference dataset
// and checks that the responses are the same JSON, data and errors: the
// load benchmark's queries (bench/queries/*.json), the README's graphql
// blocks that are queries (its mutation would change the shared dataset;
// TestPrefetchMutation covers mutations) and testdata/*.graphql.
func TestPrefetchCorpus(t *testing.T) {
	plain := noPrefetch(t, ref(t).store)
	type entry struct {
		name  string
		query string
		vars  map[string]any
	}
	var corpus []entry
	files, err := filepath.Glob("../bench/queries/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bench queries (%v)", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var req struct {
			Query     string
			Variables map[string]any
		}
		if err := json.Unmarshal(b, &req); err != nil || req.Query == "" {
			t.Fatalf("%s: not a GraphQL request (%v)", f, err)
		}
		corpus = append(corpus, entry{filepath.Base(f), req.Query, req.Variables})
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	queries := 0
	for i, b := range blocks {
		if regexp.MustCompile(`(?m)^\s*mutation\b`).MatchString(b[1]) {
			continue
		}
		corpus = append(corpus, entry{fmt.Sprintf("README block %d", i+1), b[1], nil})
		queries++
	}
	if queries < 8 {
		t.Fatalf("%d README queries of %d graphql blocks", queries, len(blocks))
	}
	files, _ = filepath.Glob("../testdata/*.graphql")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, entry{filepath.Base(f), string(b), nil})
	}
	for _, e := range corpus {
		t.Run(e.name, func(t *testing.T) {
			on, onCalls := comparable(t, ref(t).url, e.query, e.vars)
			off, offCalls := comparable(t, plain, e.query, e.vars)
			if !bytes.Equal(on, off) {
				t.Errorf("with the prefetch:\n%.2000s\nwithout:\n%.2000s", on, off)
			}
			if bytes.Contains(on, []byte(`"errors"`)) && !strings.Contains(e.query, "# expect error") {
				t.Errorf("errors: %.1000s", on)
			}
			t.Logf("%d bytes; store calls %d with the prefetch, %d without", len(on), onCalls, offCalls)
		})
	}
}

// comparable posts a query and returns its response without the extensions
// (which count store calls) and the number of store calls.
func comparable(t *testing.T, url, q string, vars map[string]any) ([]byte, int) {
	t.Helper()
	var r map[string]json.RawMessage
	postInto(t, url, q, vars, &r)
	var ext struct{ StoreCalls int }
	_ = json.Unmarshal(r["extensions"], &ext)
	delete(r, "extensions")
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return out, ext.StoreCalls
}
