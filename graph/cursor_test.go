package graph_test

import (
	"encoding/base64"
	"fmt"
	"testing"
)

// TestBadCursorNoStoreCalls: every list field refuses a bad cursor (after
// or before) with BAD_USER_INPUT before its first store call: a root field
// makes none (extensions.storeCalls is 0), a nested one none beyond its
// parent's. A cursor is bad when it is not a cursor (not base64, not the
// JSON of one), when it was made for another list or order, or when it is
// a cursor of another kind of list (a ranked list's cursor on a keyset
// list, and back) or of another ranked list (another field or arguments). The ranked lists below coverage and communities
// are checked before the store calls that compute them.
func TestBadCursorNoStoreCalls(t *testing.T) {
	url := ref(t).url
	// Good cursors of three kinds, read from the lists.
	var byName struct {
		Museums struct{ PageInfo struct{ EndCursor string } }
	}
	query(t, url, `{ museums(first: 2, orderBy: [{field: NAME}]) { pageInfo { endCursor } } }`, nil, &byName)
	var ranked struct {
		SchoolsWithoutLocalPartner struct{ PageInfo struct{ EndCursor string } }
	}
	query(t, url, `{ schoolsWithoutLocalPartner(first: 2) { pageInfo { endCursor } } }`, nil, &ranked)
	var found struct {
		Search struct{ PageInfo struct{ EndCursor string } }
	}
	query(t, url, `{ search(text: "museum", first: 2) { pageInfo { endCursor } } }`, nil, &found)
	nameCursor, rankCursor, searchCursor := byName.Museums.PageInfo.EndCursor, ranked.SchoolsWithoutLocalPartner.PageInfo.EndCursor, found.Search.PageInfo.EndCursor
	if nameCursor == "" || rankCursor == "" || searchCursor == "" {
		t.Fatalf("cursors %q, %q, %q: the lists are empty", nameCursor, rankCursor, searchCursor)
	}
	notJSON := base64.RawURLEncoding.EncodeToString([]byte("not json"))
	for _, tc := range []struct {
		name, query string
		cursor      string
		calls       int // the parent's
	}{
		{"keyset after: not base64", `query($c: String) { museums(first: 2, after: $c) { totalCount nodes { id } } }`, "%%%", 0},
		{"keyset after: not JSON", `query($c: String) { museums(first: 2, after: $c) { nodes { id } } }`, notJSON, 0},
		{"keyset before: another order", `query($c: String) { museums(last: 2, before: $c, orderBy: [{field: OPENED_YEAR}]) { nodes { id } } }`, nameCursor, 0},
		{"keyset after: another list", `query($c: String) { schools(first: 2, after: $c, orderBy: [{field: NAME}]) { nodes { id } } }`, nameCursor, 0},
		{"keyset after: a ranked cursor", `query($c: String) { museums(first: 2, after: $c) { nodes { id } } }`, rankCursor, 0},
		{"ranked after: not a rank", `query($c: String) { schoolsWithoutLocalPartner(first: 2, after: $c) { nodes { id } } }`, nameCursor, 0},
		{"ranked after: another ranked list", `query($c: String) { coverage(level: PREFECTURE, museumKinds: [STANDARD]) { covered { value } uncoveredPlaces(first: 2, after: $c) { nodes { id } } } }`, rankCursor, 0},
		{"ranked after: other arguments", `query($c: String) { schoolsWithoutLocalPartner(province: "UHJvdmluY2U6Q04tQUg", first: 2, after: $c) { nodes { id } } }`, rankCursor, 0},
		{"ranked after: an offset cursor", `query($c: String) { schoolsWithoutLocalPartner(first: 2, after: $c) { nodes { id } } }`, base64.RawURLEncoding.EncodeToString([]byte("rank:1")), 0},
		{"ranked after: malformed", `query($c: String) { museumsWithoutSchoolPartner(first: 2, after: $c) { nodes { id } } }`, "%%%", 0},
		{"search after: a keyset cursor", `query($c: String) { search(text: "museum", first: 2, after: $c) { nodes { id } } }`, nameCursor, 0},
		{"search after: malformed", `query($c: String) { search(text: "museum", after: $c) { nodes { id } } }`, notJSON, 0},
		// Lists whose cursor is on a field below the one that computes them.
		{"coverage uncoveredPlaces after", `query($c: String) { coverage(level: PREFECTURE, museumKinds: [STANDARD]) { covered { value } uncoveredPlaces(first: 2, after: $c) { nodes { id } } } }`, nameCursor, 0},
		{"coverage coveredPlaces after", `query($c: String) { coverage(level: PROVINCE) { coveredPlaces(after: $c) { totalCount } } }`, "%%%", 0},
		{"community members after", `query($c: String) { communities(algorithm: CONNECTED_COMPONENTS, projection: MUSEUM_MUSEUM) { count communities(first: 2) { nodes { members(first: 1, after: $c) { totalCount } } } } }`, nameCursor, 0},
		{"communities after", `query($c: String) { communities(algorithm: CONNECTED_COMPONENTS, projection: MUSEUM_MUSEUM) { communities(after: $c) { totalCount } } }`, notJSON, 0},
		// An empty cursor is no cursor (not taken as none: a first page
		// would hide the client's bug).
		{"keyset after: empty", `query($c: String) { museums(first: 2, after: $c) { nodes { id } } }`, "", 0},
		{"keyset before: empty", `query($c: String) { museums(last: 2, before: $c) { nodes { id } } }`, "", 0},
		{"ranked after: empty", `query($c: String) { schoolsWithoutLocalPartner(first: 2, after: $c) { nodes { id } } }`, "", 0},
		{"search after: empty", `query($c: String) { search(text: "museum", after: $c) { nodes { id } } }`, "", 0},
		{"coverage uncoveredPlaces after: empty", `query($c: String) { coverage(level: PROVINCE) { uncoveredPlaces(first: 2, after: $c) { totalCount } } }`, "", 0},
		{"community members after: empty", `query($c: String) { communities(algorithm: CONNECTED_COMPONENTS, projection: MUSEUM_MUSEUM) { communities(first: 2) { nodes { members(first: 1, after: $c) { totalCount } } } } }`, "", 0},
		{"nested keyset after: empty", `query($c: String) { node(id: "TXVzZXVtOmNzdG0") { ... on Museum { schoolPartners(first: 2, after: $c) { nodes { name } } } } }`, "", 1},
		// The museum itself is read (one Nodes call); its list is not.
		{"nested keyset after", `query($c: String) { node(id: "TXVzZXVtOmNzdG0") { ... on Museum { schoolPartners(first: 2, after: $c) { nodes { name } } } } }`, nameCursor, 1},
		{"place list after", `query($c: String) { provinces(first: 1) { nodes { museums(first: 2, after: $c, orderBy: [{field: OPENED_YEAR}]) { nodes { id } } } } }`, nameCursor, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := wantError(t, url, tc.query, map[string]any{"c": tc.cursor}, "BAD_USER_INPUT")
			if r.Extensions.StoreCalls != tc.calls {
				t.Errorf("%d store calls before the cursor was refused, want %d", r.Extensions.StoreCalls, tc.calls)
			}
		})
	}
	// The good cursors still page.
	for _, q := range []struct{ query, cursor string }{
		{`query($c: String) { museums(first: 2, after: $c, orderBy: [{field: NAME}]) { nodes { id } } }`, nameCursor},
		{`query($c: String) { schoolsWithoutLocalPartner(first: 2, after: $c) { nodes { id } } }`, rankCursor},
		{`query($c: String) { search(text: "museum", first: 2, after: $c) { nodes { id } } }`, searchCursor},
	} {
		query(t, url, q.query, map[string]any{"c": q.cursor}, nil)
	}
}

// TestNestedArgumentErrorPath: a bad page argument of a list below the
// field that computes it (coverage's coveredPlaces and uncoveredPlaces,
// communities' communities and members, checked by that field before its
// store calls) is reported at the field that took it (its alias, the
// first item below a list) and its location, as a nested keyset list's
// own is; the fields between are non-null, so data is null either way.
func TestNestedArgumentErrorPath(t *testing.T) {
	url := ref(t).url
	for _, tc := range []struct {
		query string
		path  []any
		line  int
	}{
		{`{ coverage(level: PROVINCE) { covered { value } uncoveredPlaces(first: 2, after: "bogus") { totalCount } } }`, []any{"coverage", "uncoveredPlaces"}, 1},
		{"{ coverage(level: PROVINCE) {\n  u: uncoveredPlaces(after: \"\") { totalCount } } }", []any{"coverage", "u"}, 2},
		{`{ coverage(level: PROVINCE) { coveredPlaces(first: -1) { totalCount } } }`, []any{"coverage", "coveredPlaces"}, 1},
		{`{ communities(algorithm: CONNECTED_COMPONENTS, projection: MUSEUM_MUSEUM) { communities(after: "bogus") { totalCount } } }`, []any{"communities", "communities"}, 1},
		{`{ communities(algorithm: CONNECTED_COMPONENTS, projection: MUSEUM_MUSEUM) { communities(first: 2) { nodes { members(first: 1, after: "bogus") { totalCount } } } } }`,
			[]any{"communities", "communities", "nodes", float64(0), "members"}, 1},
		{`{ node(id: "TXVzZXVtOmNzdG0") { ... on Museum { schoolPartners(first: 2, after: "bogus") { totalCount } } } }`, []any{"node", "schoolPartners"}, 1},
	} {
		var r struct {
			Errors []struct {
				Path       []any
				Locations  []struct{ Line, Column int }
				Extensions struct{ Code string }
			}
		}
		postInto(t, url, tc.query, nil, &r)
		if len(r.Errors) != 1 || fmt.Sprint(r.Errors[0].Path) != fmt.Sprint(tc.path) || r.Errors[0].Extensions.Code != "BAD_USER_INPUT" ||
			len(r.Errors[0].Locations) != 1 || r.Errors[0].Locations[0].Line != tc.line {
			t.Errorf("%s: errors %+v, want one BAD_USER_INPUT at %v, line %d", tc.query, r.Errors, tc.path, tc.line)
		}
	}
}
