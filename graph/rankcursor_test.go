package graph_test

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// The ranked lists (schoolsWithoutLocalPartner, museumsWithoutSchoolPartner,
// coverage's coveredPlaces and uncoveredPlaces, communities and the members
// of a community) are computed whole per graph version and paged by keyset
// cursors: these tests page them across writes.

// rankFixture is a small graph for the ranked lists:
//
//	Province P ← Prefectures F1, F2, F3 ← Counties C1 (F1), C2 (F2), C3, C4, C5, C6 (F3)
//	Museums mA, mB in C1; mC in C2; mE, mF in C3; no partners
//	Schools sa, sb, sc in C1; sd, se in C2; sf, sg in C4; sh in C5; none has a partner
//
// so schools rank by the museums of their prefecture (2, 1, 2), museums by
// the schools of theirs (3, 2, 3), and C4, C5, C6 are not covered.
func rankFixture(t *testing.T) (kepu.Store, string) {
	st, url := fresh(t)
	id := kepu.MakeID
	ch := []kepu.Change{nodeChange(kepu.Province, "P", kepu.Props{"code": "CN-PP", "mainland": true, "kind": "PROVINCE"})}
	for i, f := range []string{"F1", "F2", "F3"} {
		ch = append(ch, nodeChange(kepu.Prefecture, f, kepu.Props{"gbCode": fmt.Sprintf("1%d0100", i+1)}),
			edgeChange(kepu.PartOf, id(kepu.Prefecture, f), id(kepu.Province, "P"), nil))
	}
	for i, c := range []struct{ county, pref string }{{"C1", "F1"}, {"C2", "F2"}, {"C3", "F3"}, {"C4", "F3"}, {"C5", "F3"}, {"C6", "F3"}} {
		ch = append(ch, countyIn(c.county, c.pref, i)...)
	}
	for _, m := range []struct{ key, county string }{{"mA", "C1"}, {"mB", "C1"}, {"mC", "C2"}, {"mE", "C3"}, {"mF", "C3"}} {
		ch = append(ch, museumIn(m.key, m.county)...)
	}
	for _, s := range []struct{ key, county string }{{"sa", "C1"}, {"sb", "C1"}, {"sc", "C1"}, {"sd", "C2"}, {"se", "C2"}, {"sf", "C4"}, {"sg", "C4"}, {"sh", "C5"}} {
		ch = append(ch, schoolIn(s.key, s.county)...)
	}
	mustWrite(t, st, ch...)
	return st, url
}

func countyIn(key, pref string, i int) []kepu.Change {
	return []kepu.Change{nodeChange(kepu.County, key, kepu.Props{"gbCode": fmt.Sprintf("1901%02d", i)}), edgeChange(kepu.PartOf, kepu.MakeID(kepu.County, key), kepu.MakeID(kepu.Prefecture, pref), nil)}
}

func museumIn(key, county string) []kepu.Change {
	return []kepu.Change{nodeChange(kepu.Museum, key, kepu.Props{"kind": "STANDARD"}),
		edgeChange(kepu.LocatedIn, kepu.MakeID(kepu.Museum, key), kepu.MakeID(kepu.County, county), nil)}
}

func schoolIn(key, county string) []kepu.Change {
	return []kepu.Change{nodeChange(kepu.School, key, nil),
		edgeChange(kepu.LocatedIn, kepu.MakeID(kepu.School, key), kepu.MakeID(kepu.County, county), nil)}
}

func deleteNode(l kepu.Label, key string) kepu.Change {
	return kepu.Change{Kind: kepu.DeleteNode, ID: kepu.MakeID(l, key)}
}

// rankItem is one item of a page of a ranked list: its sort key (score
// and store ID; a community: size and first member), rank and cursor.
type rankItem struct {
	Score  float64
	ID     string
	Rank   int
	Cursor string
}

func (a rankItem) cmp(b rankItem) int { // the lists' order: score descending, then ID
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ID, b.ID))
}

type rankPage struct {
	Items   []rankItem
	HasNext bool
	End     string
	Total   int
}

// rankList reads pages of one ranked list.
type rankList struct {
	name  string
	query string   // takes $first: Int, $after: String
	path  []string // to the connection in data
}

// rankSel is the selection of a RankedNodeConnection.
const rankSel = `totalCount pageInfo { hasNextPage endCursor } edges { cursor rank score node { id } }`

func (l rankList) page(t *testing.T, url string, first int, after string) rankPage {
	t.Helper()
	vars := map[string]any{"first": first}
	if after != "" {
		vars["after"] = after
	}
	var data map[string]any
	query(t, url, l.query, vars, &data)
	var conn any = data
	for _, k := range l.path {
		switch c := conn.(type) {
		case map[string]any:
			conn = c[k]
		case []any: // a list: its first element
			conn = c[0].(map[string]any)[k]
		}
	}
	raw, _ := json.Marshal(conn)
	var c struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
		Edges []struct {
			Cursor string
			Rank   int
			Score  *float64
			Node   struct {
				ID      string
				Index   int
				Size    int
				Members struct{ Nodes []struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	p := rankPage{HasNext: c.PageInfo.HasNextPage, End: c.PageInfo.EndCursor, Total: c.TotalCount}
	for _, e := range c.Edges {
		it := rankItem{Rank: e.Rank, Cursor: e.Cursor}
		if e.Score != nil {
			it.Score = *e.Score
		}
		gid := e.Node.ID
		if len(e.Node.Members.Nodes) > 0 { // a community: size, first member
			it.Score, gid, it.Rank = float64(e.Node.Size), e.Node.Members.Nodes[0].ID, e.Node.Index+1
		}
		id, err := kepu.ParseGlobalID(gid)
		if err != nil {
			t.Fatal(err)
		}
		it.ID = id
		p.Items = append(p.Items, it)
	}
	return p
}

// all reads the whole list in one page.
func (l rankList) all(t *testing.T, url string) []rankItem {
	t.Helper()
	p := l.page(t, url, 100, "")
	if p.HasNext || p.Total != len(p.Items) {
		t.Fatalf("%s: the whole list in one page: %d of %d items, hasNext %v", l.name, len(p.Items), p.Total, p.HasNext)
	}
	for i, it := range p.Items {
		if it.Rank != i+1 {
			t.Fatalf("%s: item %d has rank %d", l.name, i, it.Rank)
		}
		if i > 0 && p.Items[i-1].cmp(it) >= 0 {
			t.Fatalf("%s: items %d and %d out of order: %+v, %+v", l.name, i-1, i, p.Items[i-1], it)
		}
	}
	return p.Items
}

// The ranked lists under test, with the fixture above.
var (
	schoolsGap   = rankList{"schoolsWithoutLocalPartner", `query($first: Int, $after: String) { schoolsWithoutLocalPartner(first: $first, after: $after) { ` + rankSel + ` } }`, []string{"schoolsWithoutLocalPartner"}}
	museumsGap   = rankList{"museumsWithoutSchoolPartner", `query($first: Int, $after: String) { museumsWithoutSchoolPartner(museumKinds: [STANDARD, MOBILE], first: $first, after: $after) { ` + rankSel + ` } }`, []string{"museumsWithoutSchoolPartner"}}
	uncovered    = rankList{"uncoveredPlaces", `query($first: Int, $after: String) { coverage(level: COUNTY) { uncoveredPlaces(first: $first, after: $after) { ` + rankSel + ` } } }`, []string{"coverage", "uncoveredPlaces"}}
	coveredL     = rankList{"coveredPlaces", `query($first: Int, $after: String) { coverage(level: COUNTY) { coveredPlaces(first: $first, after: $after) { ` + rankSel + ` } } }`, []string{"coverage", "coveredPlaces"}}
	communityL   = rankList{"communities", `query($first: Int, $after: String) { communities(algorithm: CONNECTED_COMPONENTS, labels: [MUSEUM, SCHOOL], relationships: [PARTNERS_WITH]) { communities(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { index size members(first: 1) { nodes { id } } } } } } }`, []string{"communities", "communities"}}
	membersL     = rankList{"members", `query($first: Int, $after: String) { communities(algorithm: CONNECTED_COMPONENTS, relationships: [PART_OF, LOCATED_IN]) { communities(first: 1) { nodes { members(first: $first, after: $after) { ` + rankSel + ` } } } } }`, []string{"communities", "communities", "nodes", "members"}}
	allRankLists = []rankList{schoolsGap, museumsGap, uncovered, coveredL, communityL, membersL}
)

// TestRankedPagesAcrossWrites walks each ranked list (walk), then pages it
// again, writing between the
// pages changes that remove, insert and move items before the cursor: the
// pages repeat no item, miss no item that every version has with the same
// key, and each page after a write is the next items after the cursor's key
// in the list as it is then, ranked by their position in it. With offset
// cursors a removal before the cursor skips an item and an insertion
// repeats one.
func TestRankedPagesAcrossWrites(t *testing.T) {
	id := kepu.MakeID
	for _, tc := range []struct {
		list   rankList
		size   int
		writes [][]kepu.Change
	}{
		// Museums of their prefecture: sa sb sc sf sg sh (2), sd se (1).
		{schoolsGap, 2, [][]kepu.Change{
			{deleteNode(kepu.School, "sa")}, // removes an item of page 1
			// After sc sf: inserts s0 (2) before the cursor and sd0 (1)
			// after it; a museum in C1 moves s0, sb, sc to 3.
			append(append(schoolIn("s0", "C1"), schoolIn("sd0", "C2")...), museumIn("mA2", "C1")...),
		}},
		// Schools of their prefecture: mA mB mE mF (3), mC (2).
		{museumsGap, 2, [][]kepu.Change{
			{deleteNode(kepu.Museum, "mA")}, // removes an item of page 1
			// After mE mF: a museum in C1 (3, before the cursor), and one
			// more school in F3 moves mE, mF to 4.
			append(museumIn("m0", "C1"), schoolIn("si", "C3")...),
		}},
		// C4 (2) C5 (1) C6 (0).
		{uncovered, 1, [][]kepu.Change{
			{edgeChange(kepu.Covers, id(kepu.Museum, "mA"), id(kepu.County, "C4"), nil)},                                          // C4 leaves
			{{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.Covers, From: id(kepu.Museum, "mA"), To: id(kepu.County, "C4")}}}, // C4 is back, before C5
		}},
		// By ID: C1 C2 C3.
		{coveredL, 1, [][]kepu.Change{
			append(countyIn("C0", "F1", 10), museumIn("m00", "C0")...), // covered, before C1
			{deleteNode(kepu.County, "C1")},                            // after C2: removes C1
		}},
		// 13 singletons, by ID: Museum:mA mB mC mE mF, School:sa ... sh.
		{communityL, 3, [][]kepu.Change{
			// After mC: {mB, sa} (2) comes first, the singletons mB and sa leave.
			{edgeChange(kepu.PartnersWith, id(kepu.Museum, "mB"), id(kepu.School, "sa"), nil)},
			museumIn("m0", "C6"), // a singleton before the cursor
		}},
		// One component of every place, museum and school, by ID.
		{membersL, 3, [][]kepu.Change{
			countyIn("C05", "F1", 11), // before C1 (page 1: C1 C2 C3)
			// After C4 C5 C6: new first members B, B2; C2 leaves (and mC, sd,
			// se, located in it, with it).
			append(append(countyIn("B", "F1", 12), countyIn("B2", "F1", 13)...), deleteNode(kepu.County, "C2")),
		}},
	} {
		t.Run(tc.list.name, func(t *testing.T) {
			st, url := rankFixture(t)
			walk(t, url, tc.list)
			versions := [][]rankItem{tc.list.all(t, url)}
			var got []rankItem
			p := tc.list.page(t, url, tc.size, "")
			got = append(got, p.Items...)
			for i, w := range tc.writes {
				if !p.HasNext {
					t.Fatalf("write %d: the list ended before it", i)
				}
				mustWrite(t, st, w...)
				cur := p.Items[len(p.Items)-1]
				now := tc.list.all(t, url)
				versions = append(versions, now)
				p = tc.list.page(t, url, tc.size, p.End)
				checkNextPage(t, now, cur, p, tc.size)
				got = append(got, p.Items...)
			}
			for p.HasNext {
				cur := p.Items[len(p.Items)-1]
				p = tc.list.page(t, url, tc.size, p.End)
				checkNextPage(t, versions[len(versions)-1], cur, p, tc.size)
				got = append(got, p.Items...)
			}
			seen := map[string]int{}
			for _, it := range got {
				if seen[it.ID]++; seen[it.ID] > 1 {
					t.Errorf("%s returned twice: %v", it.ID, ids(got))
				}
			}
			// Every item that all versions have with the same key.
			for _, it := range versions[0] {
				kept := true
				for _, v := range versions[1:] {
					kept = kept && slices.ContainsFunc(v, func(x rankItem) bool { return x.ID == it.ID && x.Score == it.Score })
				}
				if kept && seen[it.ID] == 0 {
					t.Errorf("%s skipped: got %v; versions %v", it.ID, ids(got), idsOf(versions))
				}
			}
		})
	}
}

// checkNextPage checks a page read after cur in list now: the next size
// items after cur's key, ranked by their position in now.
func checkNextPage(t *testing.T, now []rankItem, cur rankItem, p rankPage, size int) {
	t.Helper()
	start, _ := slices.BinarySearchFunc(now, cur, func(x, c rankItem) int { return x.cmp(c) })
	if start < len(now) && now[start].ID == cur.ID && now[start].Score == cur.Score {
		start++
	}
	end := min(start+size, len(now))
	want := now[start:end]
	if len(p.Items) != len(want) || p.HasNext != (end < len(now)) || p.Total != len(now) {
		t.Fatalf("after %s: got %v (hasNext %v, total %d), want %v of %v", cur.ID, ids(p.Items), p.HasNext, p.Total, ids(want), ids(now))
	}
	for i, it := range p.Items {
		if it.ID != want[i].ID || it.Score != want[i].Score || it.Rank != want[i].Rank {
			t.Fatalf("after %s: got %+v, want %+v (list %v)", cur.ID, p.Items, want, ids(now))
		}
	}
}

func ids(items []rankItem) string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprintf("%s(%g)", strings.SplitN(it.ID, ":", 2)[1], it.Score)
	}
	return strings.Join(out, " ")
}

func idsOf(vs [][]rankItem) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = ids(v)
	}
	return out
}

// walk checks that walks of l by pages of 1, 2 and 3 give the whole list
// (one page of 100) in order, with ranks 1 to n, and that first: 0 gives
// only the count.
func walk(t *testing.T, url string, l rankList) {
	t.Helper()
	whole := l.all(t, url)
	if len(whole) < 3 {
		t.Fatalf("%s: %d items; the fixture should give more", l.name, len(whole))
	}
	for _, size := range []int{1, 2, 3} {
		var got []rankItem
		p := l.page(t, url, size, "")
		got = append(got, p.Items...)
		for n := 0; p.HasNext; n++ {
			if n > len(whole) {
				t.Fatalf("%s: the walk does not end", l.name)
			}
			p = l.page(t, url, size, p.End)
			got = append(got, p.Items...)
		}
		if !slices.Equal(got, whole) {
			t.Errorf("%s by %d: %v, want %v", l.name, size, ids(got), ids(whole))
		}
	}
	z := l.page(t, url, 0, "")
	if len(z.Items) != 0 || z.Total != len(whole) || !z.HasNext || z.End != "" {
		t.Errorf("%s first 0: %+v", l.name, z)
	}
}

// TestRankedCursorOfAnotherList: a cursor is refused (BAD_USER_INPUT,
// before the store calls of a root field) by every other ranked list and by
// the same list with other arguments; equal arguments in another order are
// the same list.
func TestRankedCursorOfAnotherList(t *testing.T) {
	_, url := rankFixture(t)
	cursors := map[string]string{}
	for _, l := range allRankLists {
		cursors[l.name] = l.page(t, url, 1, "").End
	}
	for _, l := range allRankLists {
		for _, other := range allRankLists {
			if other.name == l.name {
				continue
			}
			r := wantError(t, url, l.query, map[string]any{"first": 1, "after": cursors[other.name]}, "BAD_USER_INPUT")
			if !strings.Contains(r.Errors[0].Message, "another list") {
				t.Errorf("%s given a cursor of %s: %q", l.name, other.name, r.Errors[0].Message)
			}
		}
	}
	for _, tc := range []struct{ name, query, cursor string }{
		{"schools in a province", `query($c: String) { schoolsWithoutLocalPartner(province: "` + gid(kepu.Province, "P") + `", after: $c) { totalCount } }`, cursors["schoolsWithoutLocalPartner"]},
		{"museums of other kinds", `query($c: String) { museumsWithoutSchoolPartner(museumKinds: [STANDARD], after: $c) { totalCount } }`, cursors["museumsWithoutSchoolPartner"]},
		{"coverage of another level", `query($c: String) { coverage(level: PREFECTURE) { uncoveredPlaces(after: $c) { totalCount } } }`, cursors["uncoveredPlaces"]},
		{"coverage of other kinds", `query($c: String) { coverage(level: COUNTY, museumKinds: [MOBILE]) { coveredPlaces(after: $c) { totalCount } } }`, cursors["coveredPlaces"]},
		{"communities of another algorithm", `query($c: String) { communities(algorithm: LABEL_PROPAGATION, labels: [MUSEUM, SCHOOL], relationships: [PARTNERS_WITH]) { communities(after: $c) { totalCount } } }`, cursors["communities"]},
		{"members of another partition", `query($c: String) { communities(algorithm: CONNECTED_COMPONENTS, relationships: [PART_OF]) { communities(first: 1) { nodes { members(after: $c) { totalCount } } } } }`, cursors["members"]},
	} {
		r := wantError(t, url, tc.query, map[string]any{"c": tc.cursor}, "BAD_USER_INPUT")
		if r.Extensions.StoreCalls != 0 {
			t.Errorf("%s: %d store calls before the cursor was refused", tc.name, r.Extensions.StoreCalls)
		}
	}
	// The same lists: arguments as sets.
	query(t, url, `query($c: String) { museumsWithoutSchoolPartner(museumKinds: [MOBILE, STANDARD, MOBILE], after: $c) { totalCount } }`, map[string]any{"c": cursors["museumsWithoutSchoolPartner"]}, nil)
	query(t, url, `query($c: String) { communities(algorithm: CONNECTED_COMPONENTS, labels: [SCHOOL, MUSEUM], relationships: [PARTNERS_WITH]) { communities(after: $c) { totalCount } } }`, map[string]any{"c": cursors["communities"]}, nil)
	// A members cursor of one community on another of the same partition.
	var d struct {
		Communities struct {
			Communities struct {
				Nodes []struct {
					Members struct{ PageInfo struct{ EndCursor string } }
				}
			}
		}
	}
	q := `query($c: String) { communities(algorithm: CONNECTED_COMPONENTS, labels: [MUSEUM, SCHOOL], relationships: [PARTNERS_WITH]) { communities(first: 2) { nodes { members(first: 1, after: $c) { pageInfo { endCursor } } } } } }`
	query(t, url, q, nil, &d)
	ms := d.Communities.Communities.Nodes
	if len(ms) != 2 || ms[0].Members.PageInfo.EndCursor == "" {
		t.Fatalf("communities: %+v", ms)
	}
	r := wantError(t, url, q, map[string]any{"c": ms[0].Members.PageInfo.EndCursor}, "BAD_USER_INPUT")
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "another community") || fmt.Sprint(r.Errors[0].Path) != "[communities communities nodes 1 members]" {
		t.Errorf("a cursor of the first community on the second: %+v", r.Errors)
	}
}

// TestRankedCursorTampered: a cursor changed by hand is refused with
// BAD_USER_INPUT before the store calls: another signature, a key of
// another type or count, bad base64 or JSON, an offset cursor of earlier
// versions.
func TestRankedCursorTampered(t *testing.T) {
	_, url := rankFixture(t)
	for _, l := range allRankLists {
		good := l.page(t, url, 1, "").End
		raw, err := base64.RawURLEncoding.DecodeString(good)
		if err != nil {
			t.Fatalf("%s: cursor %q is not base64: %v", l.name, good, err)
		}
		var w map[string]any
		if err := json.Unmarshal(raw, &w); err != nil {
			t.Fatalf("%s: cursor %s: %v", l.name, raw, err)
		}
		enc := func(change func(map[string]any)) string {
			c := map[string]any{}
			for k, v := range w {
				c[k] = v
			}
			change(c)
			b, _ := json.Marshal(c)
			return base64.RawURLEncoding.EncodeToString(b)
		}
		for name, bad := range map[string]string{
			"signature":  enc(func(c map[string]any) { c["o"] = "00000000" }),
			"key type":   enc(func(c map[string]any) { c["k"], c["t"] = []any{true}, "b" }),
			"two keys":   enc(func(c map[string]any) { c["k"], c["t"] = []any{1, 2}, "ff" }),
			"no ID":      enc(func(c map[string]any) { delete(c, "i") }),
			"truncated":  good[:len(good)-3],
			"appended":   good + "x",
			"not base64": good[:8] + "!" + good[9:],
			"offset":     base64.RawURLEncoding.EncodeToString([]byte("rank:0")),
		} {
			r := wantError(t, url, l.query, map[string]any{"first": 1, "after": bad}, "BAD_USER_INPUT")
			if r.Extensions.StoreCalls != 0 {
				t.Errorf("%s, %s: %d store calls", l.name, name, r.Extensions.StoreCalls)
			}
		}
	}
}

// TestFirstZeroDescribed: every connection field (a field with a first
// argument returning a *Connection) accepts first: 0 (kepu.ValidatePage;
// TestRankedPagesAcrossWrites runs it on the ranked lists), and no
// description of one says its page size starts at 1.
func TestFirstZeroDescribed(t *testing.T) {
	var d struct {
		Schema struct {
			Types []struct {
				Name   string
				Fields []struct {
					Name, Description string
					Args              []struct{ Name string }
					Type              struct {
						Name   string
						OfType *struct{ Name string }
					}
				}
			}
		} `json:"__schema"`
	}
	query(t, ref(t).url, `{ __schema { types { name fields { name description args { name } type { name ofType { name } } } } } }`, nil, &d)
	n := 0
	for _, ty := range d.Schema.Types {
		for _, f := range ty.Fields {
			ret := f.Type.Name
			if f.Type.OfType != nil {
				ret = f.Type.OfType.Name
			}
			if !strings.HasSuffix(ret, "Connection") || !slices.ContainsFunc(f.Args, func(a struct{ Name string }) bool { return a.Name == "first" }) {
				continue
			}
			n++
			if strings.Contains(f.Description, "(1–") || strings.Contains(f.Description, "1 to") {
				t.Errorf("%s.%s: %q", ty.Name, f.Name, f.Description)
			}
		}
	}
	if n < 20 {
		t.Fatalf("%d connection fields found", n)
	}
}
