package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestMuseumKindsNone: museumKinds given empty counts no museum kind (as
// kind: {in: []} matches no museum), so coverage answers for programs
// alone and museumsWithoutSchoolPartner lists no museum; left out or null
// it means every kind. On the graph tests' fixture: counties C1 and C2 of
// prefecture F of province P; museum m1 (STANDARD) in C1, m2 (MOBILE) in
// C2 covering C1 and C2, m3 (CARAVAN) in province Q; program p, held here
// in C2. Before, an empty list was BAD_USER_INPUT (and before that, every
// kind), so coverage by programs alone could not be asked.
func TestMuseumKindsNone(t *testing.T) {
	st, url := fixture(t)
	mustWrite(t, st, edgeChange(kepu.HeldAt, kepu.MakeID(kepu.Program, "p"), kepu.MakeID(kepu.County, "C2"), nil))
	p := gid(kepu.Program, "p")
	type coverage struct {
		Coverage struct {
			Covered       struct{ Numerator, Denominator float64 }
			CoveredPlaces struct {
				TotalCount int
				Nodes      []struct{ Name string }
			}
			UncoveredPlaces struct{ TotalCount int }
		}
	}
	for _, tc := range []struct {
		level, args string
		vars        map[string]any
		want        string // the covered places by name
		of          int    // places of the level
	}{
		{"COUNTY", ``, nil, "C1,C2", 2},
		{"COUNTY", `museumKinds: null`, nil, "C1,C2", 2},
		{"COUNTY", `museumKinds: [CARAVAN]`, nil, "", 2},
		{"COUNTY", `museumKinds: [STANDARD]`, nil, "C1", 2},
		{"COUNTY", `museumKinds: []`, nil, "", 2},
		{"COUNTY", `museumKinds: [], programs: []`, nil, "", 2},
		{"COUNTY", `museumKinds: [], programs: [` + fmt.Sprintf("%q", p) + `]`, nil, "C2", 2},
		{"COUNTY", `museumKinds: $k, programs: $p`, map[string]any{"k": []string{}, "p": []string{p}}, "C2", 2},
		{"COUNTY", `museumKinds: $k`, map[string]any{"k": []string{}}, "", 2},
		{"COUNTY", `museumKinds: $k`, map[string]any{"k": nil}, "C1,C2", 2},
		{"COUNTY", `museumKinds: [STANDARD], programs: [` + fmt.Sprintf("%q", p) + `]`, nil, "C1,C2", 2},
		{"PROVINCE", `museumKinds: []`, nil, "", 2},
		{"PROVINCE", `museumKinds: [], programs: [` + fmt.Sprintf("%q", p) + `]`, nil, "P", 2},
		{"PROVINCE", `museumKinds: [CARAVAN]`, nil, "Q", 2},
		{"PROVINCE", ``, nil, "P,Q", 2},
		{"COUNTY", `museumKinds: [], within: ` + fmt.Sprintf("%q", gid(kepu.Province, "Q")), nil, "", 0},
	} {
		var decl []string
		if strings.Contains(tc.args, "$k") {
			decl = append(decl, "$k: [MuseumKind!]")
		}
		if strings.Contains(tc.args, "$p") {
			decl = append(decl, "$p: [ID!]")
		}
		args := ""
		if tc.args != "" {
			args = ", " + tc.args
		}
		q := fmt.Sprintf(`query(%s) { coverage(level: %s%s) { covered { numerator denominator } coveredPlaces { totalCount nodes { name } } uncoveredPlaces { totalCount } } }`,
			strings.Join(decl, ", "), tc.level, args)
		q = strings.Replace(q, "query() ", "", 1)
		var d coverage
		query(t, url, q, tc.vars, &d)
		c := d.Coverage
		var got []string
		for _, n := range c.CoveredPlaces.Nodes {
			got = append(got, n.Name)
		}
		slices.Sort(got)
		covered := len(got)
		if g := strings.Join(got, ","); g != tc.want || int(c.Covered.Numerator) != covered || int(c.Covered.Denominator) != tc.of ||
			c.CoveredPlaces.TotalCount != covered || c.UncoveredPlaces.TotalCount != tc.of-covered {
			t.Errorf("coverage(level: %s, %s) %v: covered %q (%v of %v; lists %d and %d), want %q of %d",
				tc.level, tc.args, tc.vars, g, c.Covered.Numerator, c.Covered.Denominator, c.CoveredPlaces.TotalCount, c.UncoveredPlaces.TotalCount, tc.want, tc.of)
		}
	}
	// A cursor of the coverage of every kind is not one of no kind's.
	var cur struct {
		Coverage struct {
			CoveredPlaces struct{ PageInfo struct{ EndCursor string } }
		}
	}
	query(t, url, `{ coverage(level: COUNTY) { coveredPlaces(first: 1) { pageInfo { endCursor } } } }`, nil, &cur)
	wantError(t, url, `query($c: String) { coverage(level: COUNTY, museumKinds: []) { coveredPlaces(after: $c) { totalCount } } }`,
		map[string]any{"c": cur.Coverage.CoveredPlaces.PageInfo.EndCursor}, kepu.BadUserInput)

	// museumsWithoutSchoolPartner: m3 alone has no school partner.
	for _, tc := range []struct {
		args string
		vars map[string]any
		want int
	}{
		{``, nil, 1},
		{`(museumKinds: null)`, nil, 1},
		{`(museumKinds: [CARAVAN])`, nil, 1},
		{`(museumKinds: [STANDARD, MOBILE])`, nil, 0},
		{`(museumKinds: [])`, nil, 0},
		{`(museumKinds: $k)`, map[string]any{"k": []string{}}, 0},
		{`(museumKinds: $k)`, map[string]any{"k": nil}, 1},
		{`(museumKinds: [], province: ` + fmt.Sprintf("%q", gid(kepu.Province, "Q")) + `)`, nil, 0},
	} {
		var d struct {
			MuseumsWithoutSchoolPartner struct {
				TotalCount int
				Nodes      []struct{ Name string }
			}
		}
		q := `{ museumsWithoutSchoolPartner` + tc.args + ` { totalCount nodes { name } } }`
		if strings.Contains(tc.args, "$k") {
			q = "query($k: [MuseumKind!]) " + q
		}
		query(t, url, q, tc.vars, &d)
		if m := d.MuseumsWithoutSchoolPartner; m.TotalCount != tc.want || len(m.Nodes) != tc.want {
			t.Errorf("museumsWithoutSchoolPartner%s %v: %+v, want %d museums", tc.args, tc.vars, m, tc.want)
		}
	}
	// The province is checked with no kind as with kinds.
	wantError(t, url, `{ museumsWithoutSchoolPartner(museumKinds: [], province: `+fmt.Sprintf("%q", gid(kepu.County, "C1"))+`) { totalCount } }`, nil, kepu.BadUserInput)
	wantError(t, url, `{ museumsWithoutSchoolPartner(museumKinds: [], province: `+fmt.Sprintf("%q", gid(kepu.Province, "nope"))+`) { totalCount } }`, nil, kepu.NotFound)
	// So are a coverage's programs.
	wantError(t, url, `{ coverage(level: COUNTY, museumKinds: [], programs: [`+fmt.Sprintf("%q", gid(kepu.Program, "nope"))+`]) { covered { value } } }`, nil, kepu.NotFound)
}

// TestEmptyListArguments: a labels or relationships list given empty,
// where leaving it out means every label or type and none answers nothing
// worth asking (a network, a walk, a path, a selection of nothing), is
// BAD_USER_INPUT naming the argument, as a literal and as a variable; left
// out or null it still means every one. Before, an empty list answered as
// if it had been left out (centrality on every label, a neighborhood
// through every relationship type).
func TestEmptyListArguments(t *testing.T) {
	url := ref(t).url
	cstm := `"TXVzZXVtOmNzdG0"` // Museum:cstm
	for _, tc := range []struct{ arg, field, typ string }{
		{"relationships", `shortestPath(from: ` + cstm + `, to: ` + cstm + `, relationships: %s) { length }`, "[RelationshipType!]"},
		{"relationships", `shortestPaths(from: ` + cstm + `, to: ` + cstm + `, relationships: %s) { length }`, "[RelationshipType!]"},
		{"relationships", `neighborhood(id: ` + cstm + `, relationships: %s) { truncated }`, "[RelationshipType!]"},
		{"labels", `neighborhood(id: ` + cstm + `, labels: %s) { truncated }`, "[NodeLabel!]"},
		{"labels", `centrality(algorithm: DEGREE, labels: %s) { score }`, "[NodeLabel!]"},
		{"relationships", `centrality(algorithm: DEGREE, relationships: %s) { score }`, "[RelationshipType!]"},
		{"labels", `communities(algorithm: LOUVAIN, labels: %s) { count }`, "[NodeLabel!]"},
		{"relationships", `communities(algorithm: LOUVAIN, relationships: %s) { count }`, "[RelationshipType!]"},
		{"labels", `subgraph(labels: %s) { nodes { id } }`, "[String!]"},
		{"relationships", `subgraph(labels: ["Province"], relationships: %s) { nodes { id } }`, "[String!]"},
		{"labels", `search(text: "kexue", labels: %s) { totalCount }`, "[NodeLabel!]"},
	} {
		for _, q := range []string{
			"{ " + fmt.Sprintf(tc.field, "[]") + " }",
			"query($l: " + tc.typ + ") { " + fmt.Sprintf(tc.field, "$l") + " }",
		} {
			r := wantError(t, url, q, map[string]any{"l": []string{}}, kepu.BadUserInput)
			if msg := r.Errors[0].Message; !strings.HasPrefix(msg, tc.arg+" is empty") {
				t.Errorf("%s: message %q does not name %s", q, msg, tc.arg)
			}
		}
		// null, as a variable, is left out: no error.
		q := "query($l: " + tc.typ + ") { " + fmt.Sprintf(tc.field, "$l") + " }"
		if strings.HasPrefix(tc.field, "subgraph(labels: %s)") || strings.HasPrefix(tc.field, "communities") || strings.HasPrefix(tc.field, "centrality") {
			continue // every label: too large a subgraph, or a whole-graph measure (slow under the race detector)
		}
		if r := post(t, url, q, map[string]any{"l": nil}); len(r.Errors) != 0 {
			t.Errorf("%s with $l null: %+v", q, r.Errors)
		}
	}
}
