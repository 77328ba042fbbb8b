package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

type names struct {
	Nodes []struct{ Name string }
}

func (n names) list() string {
	var out []string
	for _, x := range n.Nodes {
		out = append(out, x.Name)
	}
	return strings.Join(out, ",")
}

// TestFilters checks every operator family, AND/OR/NOT, id, place,
// relationship some/none and provenance filters on a small known graph.
func TestFilters(t *testing.T) {
	_, url := fixture(t)
	for _, tc := range []struct {
		name, label, where, want string
	}{
		{"enum eq", "museums", `{kind: {eq: STANDARD}}`, "m1"},
		{"enum ne", "museums", `{kind: {ne: STANDARD}}`, "m2,m3"},
		{"enum in", "museums", `{kind: {in: [MOBILE, CARAVAN]}}`, "m2,m3"},
		{"int gt", "museums", `{openedYear: {gt: 2001}}`, "m2"},
		{"int gte lte", "museums", `{openedYear: {gte: 2001, lte: 2010}}`, "m1,m2"},
		{"int lt", "museums", `{openedYear: {lt: 2005}}`, "m1"},
		{"int in", "museums", `{openedYear: {in: [2010, 1999]}}`, "m2"},
		{"int eq null is absent", "museums", `{openedYear: {eq: null}}`, "m3"},
		{"int ne null is present", "museums", `{openedYear: {ne: null}}`, "m1,m2"},
		{"float gt", "museums", `{distanceKm: {gt: 2.5}}`, "m3"},
		{"float lte", "museums", `{distanceKm: {lte: 1.5}}`, "m1"},
		{"boolean eq", "museums", `{freeEntry: {eq: true}}`, "m1"},
		{"boolean ne", "schools", `{rural: {ne: false}}`, "s1,s3"},
		{"string eq", "museums", `{name: {eq: "m2"}}`, "m2"},
		{"string contains", "museums", `{name: {contains: "3"}}`, "m3"},
		{"string containsInsensitive", "museums", `{name: {containsInsensitive: "M3"}}`, "m3"},
		{"string containsInsensitive on nothing", "schools", `{name: {containsInsensitive: "X"}}`, ""},
		{"string startsWith", "schools", `{name: {startsWith: "s"}}`, "s1,s2,s3,s4"},
		{"string gt", "schools", `{name: {gt: "s2"}}`, "s3,s4"},
		{"string in", "schools", `{name: {in: ["s1", "s4"]}}`, "s1,s4"},
		{"provenance", "museums", `{provenance: {eq: REPORTED}}`, "m1"},
		{"source", "museums", `{source: {eq: "test"}, provenance: {ne: REPORTED}}`, "m2,m3"},
		{"AND", "museums", `{AND: [{openedYear: {gte: 2000}}, {kind: {ne: STANDARD}}]}`, "m2"},
		{"OR", "museums", `{OR: [{kind: {eq: STANDARD}}, {kind: {eq: CARAVAN}}]}`, "m1,m3"},
		{"NOT", "museums", `{NOT: {kind: {eq: STANDARD}}}`, "m2,m3"},
		{"nested", "museums", `{OR: [{NOT: {openedYear: {ne: null}}}, {AND: [{freeEntry: {eq: true}}]}]}`, "m1,m3"},
		{"place province", "museums", `{province: {code: {eq: "CN-PP"}}}`, "m1,m2"},
		{"place county", "schools", `{county: {name: {eq: "C1"}}}`, "s1,s2"},
		{"place prefecture of county", "counties", `{prefecture: {name: {eq: "F"}}}`, "C1,C2"},
		{"place province of prefecture", "prefectures", `{province: {mainland: {eq: true}}}`, "F"},
		{"rel some", "museums", `{schoolPartners_some: {node: {stage: {eq: JUNIOR_SECONDARY}}}}`, "m1,m2"},
		{"rel some edge", "museums", `{schoolPartners_some: {edge: {since: {lt: 2016}}}}`, "m1"},
		{"rel none", "museums", `{schoolPartners_none: {}}`, "m3"},
		{"rel none node", "museums", `{schoolPartners_none: {node: {rural: {eq: true}}}}`, "m3"},
		{"rel in some", "schools", `{museumPartners_some: {node: {kind: {eq: MOBILE}}}}`, "s3"},
		{"rel in none", "schools", `{museumPartners_none: {}}`, "s4"},
		{"rel to place", "museums", `{covers_some: {node: {name: {eq: "C1"}}, edge: {tours: {gte: 3}}}}`, "m2"},
		{"rel in from place", "counties", `{coveredBy_some: {edge: {tours: {gt: 4}}}}`, "C2"},
		{"string list contains", "programs", `{monthlyThemes: {contains: "Dream Space"}}`, "p"},
		{"string list contains none", "programs", `{monthlyThemes: {contains: "Nope"}}`, ""},
		{"id eq", "museums", fmt.Sprintf(`{id: {eq: %q}}`, gid(kepu.Museum, "m2")), "m2"},
		{"id in", "museums", fmt.Sprintf(`{id: {in: [%q, %q]}}`, gid(kepu.Museum, "m1"), gid(kepu.Museum, "m3")), "m1,m3"},
		{"id ne", "museums", fmt.Sprintf(`{id: {ne: %q}}`, gid(kepu.Museum, "m1")), "m2,m3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data map[string]names
			q := fmt.Sprintf(`{ %s(where: %s, orderBy: [{field: NAME}]) { nodes { name } totalCount } }`, tc.label, tc.where)
			query(t, url, q, nil, &data)
			if got := data[tc.label].list(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	_, url := fixture(t)
	for _, where := range []string{
		`{id: {eq: "not-an-id"}}`,
		`{openedYear: {in: null}}`,
		`{name: {gt: null}}`,
		// An ID of another label is refused, as an argument of the wrong
		// kind is, wherever an id condition sits.
		fmt.Sprintf(`{id: {eq: %q}}`, gid(kepu.School, "s1")),
		fmt.Sprintf(`{id: {ne: %q}}`, gid(kepu.Province, "p1")),
		fmt.Sprintf(`{id: {in: [%q, %q]}}`, gid(kepu.Museum, "m1"), gid(kepu.School, "s1")),
		fmt.Sprintf(`{OR: [{name: {eq: "x"}}, {NOT: {id: {eq: %q}}}]}`, gid(kepu.School, "s1")),
		fmt.Sprintf(`{schoolPartners_some: {node: {id: {eq: %q}}}}`, gid(kepu.Museum, "m1")),
		fmt.Sprintf(`{province: {id: {eq: %q}}}`, gid(kepu.County, "c1")),
	} {
		wantError(t, url, fmt.Sprintf(`{ museums(where: %s) { totalCount } }`, where), nil, kepu.BadUserInput)
	}
	r := wantError(t, url, fmt.Sprintf(`{ museums(where: {id: {eq: %q}}) { totalCount } }`, gid(kepu.School, "s1")), nil, kepu.BadUserInput)
	if want := fmt.Sprintf(`ID %q is a School's, not a Museum's`, gid(kepu.School, "s1")); !strings.Contains(r.Errors[0].Message, want) {
		t.Errorf("message %q, want it to say %q", r.Errors[0].Message, want)
	}
	// IDs of the label itself, and of any label a merged where admits, pass.
	for _, q := range []string{
		fmt.Sprintf(`{ museums(where: {id: {in: [%q, %q]}}) { totalCount } }`, gid(kepu.Museum, "m1"), gid(kepu.Museum, "nope")),
		fmt.Sprintf(`{ museums(where: {schoolPartners_some: {node: {id: {eq: %q}}}}) { totalCount } }`, gid(kepu.School, "s1")),
	} {
		if r := post(t, url, q, nil); len(r.Errors) != 0 {
			t.Errorf("%s: %+v", q, r.Errors)
		}
	}
	// Unknown fields are rejected by validation.
	wantError(t, url, `{ museums(where: {nope: {eq: 1}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
	wantError(t, url, `{ museums( { totalCount } }`, nil, "GRAPHQL_PARSE_FAILED")
}

// TestSorting sorts by properties, by relationship counts and by several
// keys.
func TestSorting(t *testing.T) {
	_, url := fixture(t)
	for _, tc := range []struct{ label, order, want string }{
		{"museums", `[{field: OPENED_YEAR, direction: DESC}]`, "m3,m2,m1"}, // absent first when descending
		{"museums", `[{field: OPENED_YEAR}]`, "m1,m2,m3"},
		{"museums", `[{field: SCHOOL_PARTNERS_COUNT, direction: DESC}]`, "m1,m2,m3"},
		{"museums", `[{field: SCHOOL_PARTNERS_COUNT}]`, "m3,m2,m1"},
		{"schools", `[{field: MUSEUM_PARTNERS_COUNT, direction: DESC}, {field: NAME, direction: DESC}]`, "s3,s2,s1,s4"},
		{"schools", `[{field: STAGE}, {field: NAME, direction: DESC}]`, "s3,s2,s1,s4"},
	} {
		var data map[string]names
		query(t, url, fmt.Sprintf(`{ %s(orderBy: %s) { nodes { name } } }`, tc.label, tc.order), nil, &data)
		if got := data[tc.label].list(); got != tc.want {
			t.Errorf("%s %s: got %q, want %q", tc.label, tc.order, got, tc.want)
		}
	}
}

// TestRelationships reads relationship connections in both directions with
// edge filters, edge properties, ordering and totalCount.
func TestRelationships(t *testing.T) {
	_, url := fixture(t)
	var data struct {
		Node struct {
			Name           string
			Province       struct{ Name string }
			County         struct{ Name string }
			SchoolPartners struct {
				TotalCount int
				Edges      []struct {
					Since      int
					Provenance string
					Node       struct{ Name string }
				}
			}
		}
	}
	query(t, url, `query($id: ID!) { node(id: $id) { ... on Museum { name province { name } county { name }
		schoolPartners(where: {edge: {since: {gte: 2016}}}, orderBy: [{field: EDGE_SINCE, direction: DESC}]) {
			totalCount edges { since provenance node { name } } } } } }`, map[string]any{"id": gid(kepu.Museum, "m1")}, &data)
	n := data.Node
	if n.Name != "m1" || n.Province.Name != "P" || n.County.Name != "C1" {
		t.Errorf("museum: %+v", n)
	}
	if n.SchoolPartners.TotalCount != 2 || len(n.SchoolPartners.Edges) != 2 ||
		n.SchoolPartners.Edges[0].Node.Name != "s3" || n.SchoolPartners.Edges[0].Since != 2020 || n.SchoolPartners.Edges[1].Node.Name != "s2" ||
		n.SchoolPartners.Edges[0].Provenance != "GENERATED" {
		t.Errorf("schoolPartners: %+v", n.SchoolPartners)
	}

	var in struct {
		Node struct {
			MuseumPartners struct {
				TotalCount int
				Nodes      []struct{ Name, Kind string }
			}
		}
	}
	query(t, url, `query($id: ID!) { node(id: $id) { ... on School { museumPartners(where: {node: {kind: {eq: MOBILE}}}) { totalCount nodes { name kind } } } } }`,
		map[string]any{"id": gid(kepu.School, "s3")}, &in)
	if in.Node.MuseumPartners.TotalCount != 1 || in.Node.MuseumPartners.Nodes[0].Name != "m2" {
		t.Errorf("museumPartners: %+v", in.Node.MuseumPartners)
	}

	// Places: hierarchy both ways, coverage, residents (interface ends) and
	// the museums convenience connection.
	var place struct {
		Node struct {
			Province  struct{ Name string }
			Children  struct{ Nodes []struct{ Name string } }
			CoveredBy struct {
				Edges []struct {
					Tours int
					Node  struct{ Name string }
				}
			}
			Residents struct {
				TotalCount int
				Nodes      []struct {
					Typename string `json:"__typename"`
					Name     string
				}
			}
			Museums struct{ Nodes []struct{ Name string } }
		}
	}
	query(t, url, `query($id: ID!) { node(id: $id) { ... on County { province { name }
		coveredBy { edges { tours node { name } } }
		residents(orderBy: [{field: NAME}]) { totalCount nodes { __typename name } }
		museums { nodes { name } } } } }`, map[string]any{"id": gid(kepu.County, "C2")}, &place)
	p := place.Node
	if p.Province.Name != "P" || len(p.CoveredBy.Edges) != 1 || p.CoveredBy.Edges[0].Tours != 5 || p.CoveredBy.Edges[0].Node.Name != "m2" {
		t.Errorf("county: %+v", p)
	}
	if p.Residents.TotalCount != 2 || p.Residents.Nodes[0].Typename != "Museum" || p.Residents.Nodes[1].Typename != "School" {
		t.Errorf("residents: %+v", p.Residents)
	}
	if len(p.Museums.Nodes) != 1 || p.Museums.Nodes[0].Name != "m2" {
		t.Errorf("museums: %+v", p.Museums)
	}
	var prov struct {
		Node struct {
			Children struct {
				Nodes []struct {
					Name     string
					Children struct{ TotalCount int }
				}
			}
			Museums struct{ TotalCount int }
		}
	}
	query(t, url, `query($id: ID!) { node(id: $id) { ... on Province { children { nodes { name ... on Prefecture { children { totalCount } } } } museums { totalCount } } } }`,
		map[string]any{"id": gid(kepu.Province, "P")}, &prov)
	if len(prov.Node.Children.Nodes) != 1 || prov.Node.Children.Nodes[0].Children.TotalCount != 2 || prov.Node.Museums.TotalCount != 2 {
		t.Errorf("province: %+v", prov.Node)
	}
}

func TestAggregates(t *testing.T) {
	_, url := fixture(t)
	var data struct {
		MuseumCounts []struct {
			Key, Label string
			Count      int
		}
		SchoolCounts []struct {
			Key   string
			Count int
		}
	}
	query(t, url, `{ museumCounts(groupBy: PROVINCE) { key label count } schoolCounts(where: {rural: {eq: true}}, groupBy: STAGE) { key count } }`, nil, &data)
	got := map[string]int{}
	for _, g := range data.MuseumCounts {
		got[g.Label] = g.Count
		if g.Label == "P" && g.Key != gid(kepu.Province, "P") {
			t.Errorf("key of P: %q", g.Key)
		}
	}
	if got["P"] != 2 || got["Q"] != 1 || len(got) != 2 {
		t.Errorf("museumCounts: %+v", data.MuseumCounts)
	}
	if len(data.SchoolCounts) != 2 || data.SchoolCounts[0].Key != "JUNIOR_SECONDARY" || data.SchoolCounts[1].Count != 1 {
		t.Errorf("schoolCounts: %+v", data.SchoolCounts)
	}
}

// TestNodes reads nodes by global ID, with a missing one.
func TestNodes(t *testing.T) {
	_, url := fixture(t)
	r := post(t, url, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on School { name } } }`,
		map[string]any{"ids": []string{gid(kepu.School, "s1"), gid(kepu.School, "nope"), gid(kepu.Museum, "m1")}})
	var data struct {
		Nodes []*struct{ ID, Name string }
	}
	if err := jsonUnmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Nodes) != 3 || data.Nodes[0].Name != "s1" || data.Nodes[1] != nil || data.Nodes[2].ID != gid(kepu.Museum, "m1") {
		t.Errorf("nodes: %s", r.Data)
	}
	if len(r.Errors) != 1 || r.Errors[0].Extensions.Code != kepu.NotFound || !slices.Equal(r.Errors[0].Path, []any{"nodes", float64(1)}) {
		t.Errorf("errors: %+v", r.Errors)
	}
	ids := make([]string, 101)
	for i := range ids {
		ids[i] = gid(kepu.School, "s1")
	}
	wantError(t, url, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}, kepu.BadUserInput)
}
