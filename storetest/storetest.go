// Package storetest is the conformance suite of the kepu.Store contract.
// Every backend runs it:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{Open: ..., Reopen: ...})
//	}
//
// Each subtest that writes starts from a fresh, empty store and builds the
// small fixture it needs through Write; the subtests that only read share a
// store with their fixture (Run's groups). The suite uses only the kepu
// API, checks error codes (never error text) and does not depend on timing.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// Harness opens stores for the suite.
type Harness struct {
	// Open returns a new, empty store. The suite closes it.
	Open func(t *testing.T) kepu.Store
	// Reopen, when set, closes st and opens the same data again; the suite
	// uses it to check that acknowledged writes are durable.
	Reopen func(t *testing.T, st kepu.Store) kepu.Store
	// OpenNewer, when set, closes st, records in its data a format newer
	// than the one this build writes (what a later kepugraph would leave
	// behind) and opens the data as the program does at start (Neo4j:
	// Open and EnsureSchema). It returns that open's error, and restore:
	// it records this build's format again and opens the data as Reopen
	// does, so the suite can see the refused data unchanged.
	OpenNewer func(t *testing.T, st kepu.Store) (restore func() kepu.Store, err error)
}

// Run runs the whole suite against the harness.
func Run(t *testing.T, h Harness) {
	t.Helper()
	tests := []subtest{
		{"Write/CreateNode", testCreateNode},
		{"Write/PutNode", testPutNode},
		{"Write/UpdateNode", testUpdateNode},
		{"Write/DeleteNode", testDeleteNode},
		{"Write/Edges", testEdges},
		{"Write/Validation", testValidation},
		{"Write/AllOrNothing", testAllOrNothing},
		{"Write/BatchSeesEarlierChanges", testBatchOrder},
		{"Write/Results", testResults},
		{"Write/LargeWholeNumbers", testLargeWholeNumbers},
		{"Write/Spans", testSpans},
		{"Write/LongestText", testLongestText},
		{"Write/Hierarchy", testHierarchy},
		{"Write/HierarchyConcurrent", testHierarchyConcurrent},
		{"Text", testText},
		{"FindNodes/KeysetStability", testKeysetStability},
		{"FindNodes/OrderAfterUpdates", testOrderAfterUpdates},
		{"FindNodes/Paging", testPaging},
		{"FindNodes/PagingErrors", testPagingErrors},
		{"PlaceNodes", testPlaceNodes},
		{"PlaceNodes/Paging", testPlaceNodesPaging},
		{"Locate", testLocate},
		{"Edges", testEdgePages},
		{"Walk", testWalk},
		{"Search/Paging", testSearchPaging},
		{"Search/Writes", testSearchWrites},
		{"Search/ShortForms", testSearchShortForms},
		{"Search/Bound", testSearchBound},
		{"Search/Words", testSearchWords},
		{"Search/Readings", testSearchReadings},
		{"Search/Traditional", testSearchTraditional},
		{"Search/Apostrophes", testSearchApostrophes},
		{"Context", testContext},
		{"Version", testVersion},
		{"Meta", testMeta},
		{"EdgeLog", testEdgeLog},
		{"WalkEnds", testWalkEnds},
		{"ReadFound", testReadFound},
		{"Analysis/AfterWrites", testAdjacencyAfterWrites},
		{"Neighbors", testNeighbors},
		{"PlaceNodes/Errors", testPlaceNodesErrors},
		{"CountPlaceNodes", testCountPlaceNodes},
		{"PageTotals", testPageTotals},
		{"FindNodes/TextOrder", testTextOrder},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := h.Open(t)
			t.Cleanup(func() { st.Close() })
			tc.fn(t, st)
		})
	}
	// The subtests that only read share a store per fixture: each group
	// opens one, loads its fixture once and runs its subtests on it in
	// turn (a store's open and load cost a Neo4j server more than most
	// subtests' reads). A subtest of a group must not write: the store's
	// version must be the same after it.
	groups := []struct {
		name  string
		load  func(t *testing.T, st kepu.Store)
		tests []subtest
	}{
		{"Graph", loadGraph, []subtest{
			{"Nodes", testNodes},
			{"FindNodes/Operators", testOperators},
			{"FindNodes/IDAndLogic", testIDAndLogic},
			{"FindNodes/Rel", testRelFilter},
			{"FindNodes/Place", testPlaceFilter},
			{"FindNodes/InvalidFilter", testInvalidFilter},
			{"FindNodes/Order", testOrder},
			{"FindNodes/CursorScopes", testCursorScopes},
			{"CountNodes", testCountNodes},
			{"CountNeighbors", testCountNeighbors},
			{"Aggregate", testAggregate},
			{"AggregateEdges", testAggregateEdges},
		}},
		{"SearchGraph", loadSearchGraph, []subtest{
			{"Search", testSearch},
			{"Search/Errors", testSearchErrors},
		}},
		{"PathGraph", pathFixture, []subtest{
			{"Analysis/ShortestPaths", testShortestPaths},
			{"Analysis/Neighborhood", testNeighborhood},
		}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			st := h.Open(t)
			t.Cleanup(func() { st.Close() })
			g.load(t, st)
			want, err := st.Version(ctx)
			if err != nil {
				t.Fatalf("Version: %v", err)
			}
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.fn(t, st)
					if v, err := st.Version(ctx); err != nil || v != want {
						t.Fatalf("the store's version after a subtest of a shared fixture = %d, %v; want %d (a subtest that writes needs a store of its own)", v, err, want)
					}
				})
			}
		})
	}
	t.Run("NewerFormat", func(t *testing.T) {
		if h.OpenNewer == nil {
			t.Skip("the harness has no OpenNewer")
		}
		testNewerFormat(t, h)
	})
	t.Run("Durability", func(t *testing.T) {
		if h.Reopen == nil {
			t.Skip("the harness has no Reopen")
		}
		st := h.Open(t)
		t.Cleanup(func() { st.Close() })
		testDurability(t, h, &st)
	})
}

// subtest is a named check of the suite on a store.
type subtest struct {
	name string
	fn   func(t *testing.T, st kepu.Store)
}

// ---- fixture helpers ----

var ctx = context.Background()

// N builds a node from an ID and property pairs, with the common properties
// (name defaults to the key).
func N(id string, kv ...any) kepu.Node {
	p := kepu.Props{kepu.PropName: kepu.KeyOf(id), kepu.PropProvenance: kepu.Reported, kepu.PropSource: "storetest"}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(p, kv[i].(string))
			continue
		}
		p[kv[i].(string)] = kv[i+1]
	}
	return kepu.Node{ID: id, Label: kepu.LabelOf(id), Props: p}
}

// E builds an edge with the common properties and property pairs.
func E(typ kepu.RelType, from, to string, kv ...any) kepu.Edge {
	p := kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "storetest"}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return kepu.Edge{Type: typ, From: from, To: to, Props: p}
}

func putNodes(ns ...kepu.Node) []kepu.Change {
	out := make([]kepu.Change, len(ns))
	for i, n := range ns {
		out[i] = kepu.Change{Kind: kepu.PutNode, Node: n}
	}
	return out
}

func putEdges(es ...kepu.Edge) []kepu.Change {
	out := make([]kepu.Change, len(es))
	for i, e := range es {
		out[i] = kepu.Change{Kind: kepu.PutEdge, Edge: e}
	}
	return out
}

func mustWrite(t *testing.T, st kepu.Store, changes ...kepu.Change) []kepu.Result {
	t.Helper()
	res, err := st.Write(ctx, changes)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	if len(res) != len(changes) {
		t.Fatalf("Write returned %d results for %d changes", len(res), len(changes))
	}
	return res
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := kepu.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func ptr(n int) *int { return &n }

func getNode(t *testing.T, st kepu.Store, id string) (kepu.Node, bool) {
	t.Helper()
	m, err := st.Nodes(ctx, []string{id})
	if err != nil {
		t.Fatalf("Nodes: %v", err)
	}
	n, ok := m[id]
	return n, ok
}

func findIDs(t *testing.T, st kepu.Store, l kepu.Label, f *kepu.Filter, order ...kepu.OrderKey) []string {
	t.Helper()
	page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: f, Order: order})
	if err != nil {
		t.Fatalf("FindNodes(%s): %v", l, err)
	}
	if len(page.Cursors) != len(page.Nodes) {
		t.Fatalf("FindNodes: %d cursors for %d nodes", len(page.Cursors), len(page.Nodes))
	}
	return nodeIDs(page.Nodes)
}

func nodeIDs(ns []kepu.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}

func wantIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

// Fixture IDs.
const (
	pAH       = "Province:AH"
	pBJ       = "Province:BJ"
	fHefei    = "Prefecture:340100"
	cYaohai   = "County:340102"
	cLuyang   = "County:340103"
	cChaoyang = "County:110105"
	mAH       = "Museum:ahstm"
	mCSTM     = "Museum:cstm"
	mCaravan  = "Museum:caravan1"
	mMobile   = "Museum:mobile1"
	s1        = "School:s1"
	s2        = "School:s2"
	s3        = "School:s3"
	prog1     = "Program:p1"
	prog2     = "Program:p2"
	forum1    = "Forum:f1"
)

// loadGraph writes the shared fixture: two provinces, a prefecture, three
// counties (one directly under a province), four museums, three schools,
// programs and a forum, with PART_OF, LOCATED_IN, PARTNERS_WITH and COVERS
// edges.
func loadGraph(t *testing.T, st kepu.Store) {
	t.Helper()
	mustWrite(t, st, putNodes(
		N(pAH, "name", "Anhui", "nameZh", "安徽省", "code", "CN-AH", "kind", "PROVINCE", "mainland", true, "region", "East"),
		N(pBJ, "name", "Beijing", "nameZh", "北京市", "code", "CN-BJ", "kind", "MUNICIPALITY", "mainland", true),
		N(fHefei, "name", "Hefei", "gbCode", "340100"),
		N(cYaohai, "name", "Yaohai", "gbCode", "340102", "divisionType", "district"),
		N(cLuyang, "name", "Luyang", "gbCode", "340103", "divisionType", "district"),
		N(cChaoyang, "name", "Chaoyang", "gbCode", "110105", "divisionType", "district"),
		N(mAH, "name", "Anhui Science and Technology Museum", "kind", "STANDARD", "level", "PROVINCIAL",
			"freeEntry", true, "openedYear", 2010, "distanceKm", 1.5, "city", "Hefei"),
		N(mCSTM, "name", "China Science and Technology Museum", "nameZh", "中国科学技术馆", "kind", "STANDARD",
			"level", "NATIONAL", "freeEntry", true, "openedYear", 1988, "city", "Beijing", "offlineVisits", 5000000),
		N(mCaravan, "name", "Caravan One", "kind", "CARAVAN", "level", "PROVINCIAL", "distanceKm", 12000.5, "freeEntry", false),
		N(mMobile, "name", "Mobile Museum", "kind", "MOBILE", "openedYear", 2015, "freeEntry", false),
		N(s1, "name", "Luyang Primary", "stage", "PRIMARY", "rural", true),
		N(s2, "name", "Chaoyang Junior", "stage", "JUNIOR_SECONDARY", "rural", false),
		N(s3, "name", "Nameless School"),
		N(prog1, "name", "Science Month", "kind", "CAMPAIGN", "monthlyThemes", []string{"space", "ocean"}, "startYear", 2020),
		N(prog2, "name", "Teacher Training", "kind", "TRAINING", "monthlyThemes", []string{"robots"}),
		N(forum1, "name", "Forum 2023", "series", "Science Forum", "date", "2023-05-30", "edition", 3),
	)...)
	mustWrite(t, st, putEdges(
		E(kepu.PartOf, fHefei, pAH),
		E(kepu.PartOf, cYaohai, fHefei),
		E(kepu.PartOf, cLuyang, fHefei),
		E(kepu.PartOf, cChaoyang, pBJ),
		E(kepu.LocatedIn, mAH, cYaohai),
		E(kepu.LocatedIn, mCSTM, cChaoyang),
		E(kepu.LocatedIn, mCaravan, pAH),
		E(kepu.LocatedIn, s1, cLuyang),
		E(kepu.LocatedIn, s2, cChaoyang),
		E(kepu.PartnersWith, mAH, s1, "since", 2018, "until", 2020, "activities", 5),
		E(kepu.PartnersWith, mAH, s2, "since", 2019),
		E(kepu.PartnersWith, mCSTM, s2, "since", 2015, "activities", 12),
		E(kepu.PartnersWith, mCaravan, s1),
		E(kepu.Covers, mCaravan, cYaohai, "tours", 3, "visits", 1000),
		E(kepu.Covers, mCaravan, cLuyang, "tours", 2),
		E(kepu.Covers, mCSTM, pAH, "visits", 500),
		E(kepu.Covers, mMobile, cChaoyang, "tours", 1, "visits", 200),
		E(kepu.Covers, prog1, pBJ, "tours", 4),
	)...)
}

// ---- writes ----

func testCreateNode(t *testing.T, st kepu.Store) {
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateNode, Node: N(mAH, "kind", "STANDARD", "openedYear", 2010, "distanceKm", 3, "freeEntry", true)})
	n, ok := getNode(t, st, mAH)
	if !ok {
		t.Fatal("created node not found")
	}
	if n.ID != mAH || n.Label != kepu.Museum {
		t.Fatalf("node = %+v", n)
	}
	if v, ok := n.Props["openedYear"].(int64); !ok || v != 2010 {
		t.Fatalf("openedYear = %#v, want int64 2010", n.Props["openedYear"])
	}
	if v, ok := n.Props["distanceKm"].(float64); !ok || v != 3 {
		t.Fatalf("distanceKm = %#v, want float64 3", n.Props["distanceKm"])
	}
	if n.Props["freeEntry"] != true || n.Props["kind"] != "STANDARD" || n.Props[kepu.PropName] != "ahstm" {
		t.Fatalf("props = %v", n.Props)
	}
	_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.CreateNode, Node: N(mAH, "kind", "MOBILE")}})
	wantCode(t, err, kepu.Conflict)
	n, _ = getNode(t, st, mAH)
	if n.Props["kind"] != "STANDARD" {
		t.Fatalf("conflicting create changed the node: %v", n.Props)
	}
	// Callers may modify what they get back.
	n.Props["kind"] = "MOBILE"
	n2, _ := getNode(t, st, mAH)
	if n2.Props["kind"] != "STANDARD" {
		t.Fatal("modifying a returned node changed the store")
	}
}

func testPutNode(t *testing.T, st kepu.Store) {
	mustWrite(t, st, putNodes(N(mAH, "kind", "STANDARD", "openedYear", 2010), N(s1))...)
	mustWrite(t, st, putEdges(E(kepu.PartnersWith, mAH, s1))...)
	mustWrite(t, st, putNodes(N(mAH, "kind", "MOBILE", "city", "Hefei"))...)
	n, _ := getNode(t, st, mAH)
	if n.Props["kind"] != "MOBILE" || n.Props["city"] != "Hefei" {
		t.Fatalf("props after put = %v", n.Props)
	}
	if _, ok := n.Props["openedYear"]; ok {
		t.Fatalf("put kept a property it did not name: %v", n.Props)
	}
	c, err := st.CountNeighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
	if err != nil || c[mAH] != 1 {
		t.Fatalf("edges after put = %v, %v; want 1", c, err)
	}
}

func testUpdateNode(t *testing.T, st kepu.Store) {
	mustWrite(t, st, putNodes(N(mAH, "kind", "STANDARD", "openedYear", 2010, "city", "Hefei", "level", "PROVINCIAL"))...)
	res := mustWrite(t, st, kepu.Change{Kind: kepu.UpdateNode, ID: mAH,
		Set: kepu.Props{"openedYear": 2011, "freeEntry": true, "level": nil}, Unset: []string{"city"}})
	for _, n := range []kepu.Node{res[0].Node, must(getNode(t, st, mAH))} {
		if n.ID != mAH || n.Props["openedYear"] != int64(2011) || n.Props["freeEntry"] != true || n.Props["kind"] != "STANDARD" {
			t.Fatalf("after update = %+v", n)
		}
		if _, ok := n.Props["city"]; ok {
			t.Fatalf("unset city still present: %v", n.Props)
		}
		if _, ok := n.Props["level"]; ok {
			t.Fatalf("level set to nil still present: %v", n.Props)
		}
	}
	_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: "Museum:nope", Set: kepu.Props{"city": "x"}}})
	wantCode(t, err, kepu.NotFound)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: mAH, Unset: []string{kepu.PropName}}})
	wantCode(t, err, kepu.BadUserInput)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: mAH, Set: kepu.Props{"openedYear": "2010"}}})
	wantCode(t, err, kepu.BadUserInput)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: mAH, Set: kepu.Props{"stage": "PRIMARY"}}})
	wantCode(t, err, kepu.BadUserInput)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: mAH, Set: kepu.Props{"kind": "HUGE"}}})
	wantCode(t, err, kepu.BadUserInput)
}

func must(n kepu.Node, ok bool) kepu.Node {
	if !ok {
		return kepu.Node{}
	}
	return n
}

func testDeleteNode(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: s2})
	if _, ok := getNode(t, st, s2); ok {
		t.Fatal("deleted node still there")
	}
	c, err := st.CountNeighbors(ctx, []string{mAH, mCSTM}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
	if err != nil {
		t.Fatal(err)
	}
	if c[mAH] != 1 || c[mCSTM] != 0 {
		t.Fatalf("partners after delete = %v, want ahstm 1, cstm 0", c)
	}
	agg, err := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.LocatedIn, ToLabel: kepu.County,
		ToFilter: kepu.C(kepu.PropID, kepu.Eq, cChaoyang)})
	if err != nil || agg.Count != 1 {
		t.Fatalf("LOCATED_IN Chaoyang after delete = %+v, %v; want 1", agg, err)
	}
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.DeleteNode, ID: s2}})
	wantCode(t, err, kepu.NotFound)
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: s2, IfExists: true})
	// A node created again under the same ID starts without edges.
	mustWrite(t, st, putNodes(N(s2))...)
	c, _ = st.CountNeighbors(ctx, []string{s2}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In})
	if c[s2] != 0 {
		t.Fatalf("recreated node has %d old edges", c[s2])
	}
}

func testEdges(t *testing.T, st kepu.Store) {
	mustWrite(t, st, putNodes(N(mAH, "kind", "STANDARD"), N(s1), N(s2))...)
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, mAH, s1, "since", 2018, "activities", 3)})
	_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, mAH, s1)}})
	wantCode(t, err, kepu.Conflict)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, mAH, "School:missing")}})
	wantCode(t, err, kepu.NotFound)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, "Museum:missing", s1)}})
	wantCode(t, err, kepu.NotFound)

	edgeOf := func(from, to string) (kepu.Edge, bool) {
		t.Helper()
		m, err := st.Neighbors(ctx, []string{from}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range m[from].Items {
			if it.Node.ID == to {
				return it.Edge, true
			}
		}
		return kepu.Edge{}, false
	}
	// PutEdge replaces all properties.
	mustWrite(t, st, putEdges(E(kepu.PartnersWith, mAH, s1, "until", 2022))...)
	e, ok := edgeOf(mAH, s1)
	if !ok || e.Props["until"] != int64(2022) || e.Props["since"] != nil || e.Type != kepu.PartnersWith || e.From != mAH || e.To != s1 {
		t.Fatalf("edge after put = %+v", e)
	}
	// UpdateEdge merges.
	res := mustWrite(t, st, kepu.Change{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1},
		Set: kepu.Props{"since": 2019}, Unset: []string{"until"}})
	if res[0].Edge.Props["since"] != int64(2019) {
		t.Fatalf("update result = %+v", res[0].Edge)
	}
	e, _ = edgeOf(mAH, s1)
	if e.Props["since"] != int64(2019) || e.Props["until"] != nil || e.Props[kepu.PropSource] != "storetest" {
		t.Fatalf("edge after update = %+v", e)
	}
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s2}, Set: kepu.Props{"since": 2001}}})
	wantCode(t, err, kepu.NotFound)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}, Set: kepu.Props{"tours": 1}}})
	wantCode(t, err, kepu.BadUserInput)
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}, Unset: []string{kepu.PropSource}}})
	wantCode(t, err, kepu.BadUserInput)
	// DeleteEdge.
	_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s2}}})
	wantCode(t, err, kepu.NotFound)
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s2}, IfExists: true})
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}})
	if _, ok := edgeOf(mAH, s1); ok {
		t.Fatal("deleted edge still there")
	}
	if _, ok := getNode(t, st, s1); !ok {
		t.Fatal("deleting an edge removed its end")
	}
}

func testValidation(t *testing.T, st kepu.Store) {
	mustWrite(t, st, putNodes(N(mAH, "kind", "STANDARD"), N(s1), N(pAH, "code", "CN-AH"))...)
	noName := N(s2)
	delete(noName.Props, kepu.PropName)
	blankName := N(s2, "name", "  ")
	noSource := N(s2)
	delete(noSource.Props, kepu.PropSource)
	cases := []struct {
		name string
		c    kepu.Change
	}{
		{"unknown label", kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: "Planet:x", Label: "Planet", Props: N(s2).Props}}},
		{"label differs from ID", kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: s2, Label: kepu.Museum, Props: N(mAH, "kind", "STANDARD").Props}}},
		{"unknown property", kepu.Change{Kind: kepu.PutNode, Node: N(s2, "color", "red")}},
		{"property of another label", kepu.Change{Kind: kepu.PutNode, Node: N(s2, "kind", "STANDARD")}},
		{"wrong type int", kepu.Change{Kind: kepu.PutNode, Node: N(mCSTM, "kind", "STANDARD", "openedYear", "1988")}},
		{"fractional int", kepu.Change{Kind: kepu.PutNode, Node: N(mCSTM, "kind", "STANDARD", "openedYear", 1988.5)}},
		{"wrong type bool", kepu.Change{Kind: kepu.PutNode, Node: N(s2, "rural", "yes")}},
		{"wrong type list", kepu.Change{Kind: kepu.PutNode, Node: N(prog1, "monthlyThemes", "space")}},
		{"bad enum", kepu.Change{Kind: kepu.PutNode, Node: N(mCSTM, "kind", "standard")}},
		{"bad date", kepu.Change{Kind: kepu.PutNode, Node: N(forum1, "series", "x", "date", "2023-13-01")}},
		{"missing required name", kepu.Change{Kind: kepu.PutNode, Node: noName}},
		{"blank required name", kepu.Change{Kind: kepu.PutNode, Node: blankName}},
		{"missing required source", kepu.Change{Kind: kepu.CreateNode, Node: noSource}},
		{"missing required kind", kepu.Change{Kind: kepu.CreateNode, Node: N(mCSTM)}},
		{"bad key", kepu.Change{Kind: kepu.PutNode, Node: N("School:a b")}},
		{"bad key quote", kepu.Change{Kind: kepu.PutNode, Node: N("School:a'b")}},
		{"empty key", kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: "School:", Label: kepu.School, Props: N(s2).Props}}},
		{"edge joining wrong labels", kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, s1, mAH)}},
		{"edge joining wrong labels 2", kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.LocatedIn, mAH, s1)}},
		{"edge to itself", kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.HelpedEstablish, mAH, mAH)}},
		{"unknown relationship", kepu.Change{Kind: kepu.PutEdge, Edge: E("LIKES", mAH, s1)}},
		{"unknown edge property", kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, s1, "tours", 1)}},
		{"wrong edge property type", kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, s1, "since", "2018")}},
		{"bad edge provenance", kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, s1, kepu.PropProvenance, "RUMOR")}},
		{"malformed update ID", kepu.Change{Kind: kepu.UpdateNode, ID: "nocolon", Set: kepu.Props{"city": "x"}}},
		{"invalid UTF-8 name", kepu.Change{Kind: kepu.PutNode, Node: N(s2, "name", "Bad \xff school")}},
		{"invalid UTF-8 surrogate", kepu.Change{Kind: kepu.PutNode, Node: N(s2, "name", "\xed\xa0\x80")}},
		{"invalid UTF-8 list item", kepu.Change{Kind: kepu.PutNode, Node: N(prog1, "monthlyThemes", []string{"space", "\xc3"})}},
		{"invalid UTF-8 update", kepu.Change{Kind: kepu.UpdateNode, ID: s1, Set: kepu.Props{"name": "x\x80"}}},
		{"invalid UTF-8 edge property", kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, s1, kepu.PropSource, "\xfe")}},
		{"unknown kind", kepu.Change{Kind: "mergeNode", Node: N(s2)}},
	}
	for _, tc := range cases {
		_, err := st.Write(ctx, []kepu.Change{tc.c})
		if got := kepu.ErrorCode(err); got != kepu.BadUserInput {
			t.Errorf("%s: code = %q (%v), want BAD_USER_INPUT", tc.name, got, err)
		}
	}
	if n, _ := st.CountNodes(ctx, kepu.School, nil); n != 1 {
		t.Fatalf("invalid writes left %d schools, want 1", n)
	}
	if n, _ := st.CountNodes(ctx, kepu.Museum, nil); n != 1 {
		t.Fatalf("invalid writes left %d museums, want 1", n)
	}
	c, _ := st.CountNeighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
	if c[mAH] != 0 {
		t.Fatalf("invalid writes left %d edges", c[mAH])
	}
}

func testAllOrNothing(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	earlier := []kepu.Change{
		{Kind: kepu.CreateNode, Node: N("School:new1")},
		{Kind: kepu.PutNode, Node: N(s1, "name", "Renamed")},
		{Kind: kepu.UpdateNode, ID: mAH, Set: kepu.Props{"openedYear": 1999}},
		{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, "School:new1")},
		{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mCSTM, To: s2}},
		{Kind: kepu.DeleteNode, ID: s2},
		{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.Covers, From: mCaravan, To: cYaohai}, Set: kepu.Props{"tours": 99}},
	}
	failing := map[string]struct {
		c    kepu.Change
		code string
	}{
		"invalid":       {kepu.Change{Kind: kepu.PutNode, Node: N(s3, "rural", 1)}, kepu.BadUserInput},
		"notFound":      {kepu.Change{Kind: kepu.UpdateNode, ID: "School:ghost", Set: kepu.Props{"rural": true}}, kepu.NotFound},
		"conflict":      {kepu.Change{Kind: kepu.CreateNode, Node: N("School:new1")}, kepu.Conflict},
		"edgeToDeleted": {kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, mCaravan, s2)}, kepu.NotFound},
	}
	for name, f := range failing {
		batch := append(slices.Clone(earlier), f.c)
		res, err := st.Write(ctx, batch)
		if kepu.ErrorCode(err) != f.code {
			t.Fatalf("%s: code = %q (%v), want %q", name, kepu.ErrorCode(err), err, f.code)
		}
		if res != nil {
			t.Fatalf("%s: failed write returned results", name)
		}
		if _, ok := getNode(t, st, "School:new1"); ok {
			t.Fatalf("%s: created node visible after failed batch", name)
		}
		if n, _ := getNode(t, st, s1); n.Props[kepu.PropName] != "Luyang Primary" {
			t.Fatalf("%s: put visible after failed batch: %v", name, n.Props)
		}
		if n, _ := getNode(t, st, mAH); n.Props["openedYear"] != int64(2010) {
			t.Fatalf("%s: update visible after failed batch: %v", name, n.Props)
		}
		if _, ok := getNode(t, st, s2); !ok {
			t.Fatalf("%s: delete visible after failed batch", name)
		}
		c, _ := st.CountNeighbors(ctx, []string{mAH, mCSTM}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
		if c[mAH] != 2 || c[mCSTM] != 1 {
			t.Fatalf("%s: edges changed after failed batch: %v", name, c)
		}
		agg, _ := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.Covers, Sum: []string{"tours"}})
		if agg.Sums["tours"] != 10 {
			t.Fatalf("%s: edge update visible after failed batch: %v", name, agg.Sums)
		}
	}
	// The same batch without the failing change applies completely.
	mustWrite(t, st, earlier...)
	if _, ok := getNode(t, st, "School:new1"); !ok {
		t.Fatal("valid batch not applied")
	}
	if _, ok := getNode(t, st, s2); ok {
		t.Fatal("valid batch did not delete")
	}
}

func testBatchOrder(t *testing.T, st kepu.Store) {
	res := mustWrite(t, st,
		kepu.Change{Kind: kepu.CreateNode, Node: N(mAH, "kind", "STANDARD")},
		kepu.Change{Kind: kepu.CreateNode, Node: N(s1)},
		kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, mAH, s1, "since", 2001)},
		kepu.Change{Kind: kepu.UpdateNode, ID: s1, Set: kepu.Props{"rural": true}},
		kepu.Change{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}, Set: kepu.Props{"until": 2002}},
		kepu.Change{Kind: kepu.CreateNode, Node: N(s2)},
		kepu.Change{Kind: kepu.DeleteNode, ID: s2},
		kepu.Change{Kind: kepu.CreateNode, Node: N(s2, "stage", "PRIMARY")},
	)
	if res[3].Node.Props["rural"] != true || res[4].Edge.Props["since"] != int64(2001) || res[4].Edge.Props["until"] != int64(2002) {
		t.Fatalf("results = %+v", res)
	}
	n, ok := getNode(t, st, s2)
	if !ok || n.Props["stage"] != "PRIMARY" {
		t.Fatalf("re-created node = %+v, %v", n, ok)
	}
	// A node deleted earlier in a batch is missing for later changes.
	_, err := st.Write(ctx, []kepu.Change{
		{Kind: kepu.DeleteNode, ID: s1},
		{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, s1)},
	})
	wantCode(t, err, kepu.NotFound)
	// An edge of a node deleted earlier in the batch is gone too.
	_, err = st.Write(ctx, []kepu.Change{
		{Kind: kepu.DeleteNode, ID: s1},
		{Kind: kepu.PutNode, Node: N(s1)},
		{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}, Set: kepu.Props{"since": 2001}},
	})
	wantCode(t, err, kepu.NotFound)
}

func testResults(t *testing.T, st kepu.Store) {
	res := mustWrite(t, st,
		kepu.Change{Kind: kepu.PutNode, Node: N(mAH, "kind", "STANDARD", "openedYear", 2010)},
		kepu.Change{Kind: kepu.PutNode, Node: N(s1)},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, mAH, s1, "since", 2018)},
		kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}},
		kepu.Change{Kind: kepu.DeleteNode, ID: s1},
	)
	if res[0].Node.ID != mAH || res[0].Node.Label != kepu.Museum || res[0].Node.Props["openedYear"] != int64(2010) {
		t.Fatalf("result 0 = %+v", res[0])
	}
	if res[1].Node.ID != s1 || res[1].Node.Props[kepu.PropSource] != "storetest" {
		t.Fatalf("result 1 = %+v", res[1])
	}
	e := res[2].Edge
	if e.Type != kepu.PartnersWith || e.From != mAH || e.To != s1 || e.Props["since"] != int64(2018) || e.Props[kepu.PropProvenance] != kepu.Reported {
		t.Fatalf("result 2 = %+v", e)
	}
	if res[3].Node.ID != "" || res[3].Edge.Type != "" || res[4].Node.ID != "" {
		t.Fatalf("delete results = %+v, %+v; want zero values", res[3], res[4])
	}
}

// nasty is text that must be stored and matched as data, never executed or
// interpreted.
var nasty = []string{
	`O'Brien "the" \ museum`,
	"`backtick` ${x} %s {{.}}",
	"MATCH (n) DETACH DELETE n",
	"'}) MATCH (n) DETACH DELETE n //",
	"中国科学技术馆",
	"科普 🚀🔭 museum",
	"line\nbreak\ttab",
	"50% off_under_score [a-z]* .+ ^$",
}

func testText(t *testing.T, st kepu.Store) {
	for i, s := range nasty {
		mustWrite(t, st, putNodes(N(fmt.Sprintf("Museum:m%d", i), "kind", "STANDARD", "name", s, "nameZh", s, "city", s))...)
	}
	mustWrite(t, st, putNodes(N("Museum:other", "kind", "STANDARD", "name", "Other"))...)
	for i, s := range nasty {
		id := fmt.Sprintf("Museum:m%d", i)
		n, ok := getNode(t, st, id)
		if !ok || n.Props[kepu.PropName] != s || n.Props[kepu.PropNameZh] != s || n.Props["city"] != s {
			t.Fatalf("text %q stored as %+v", s, n)
		}
		wantIDs(t, "eq "+s, findIDs(t, st, kepu.Museum, kepu.C(kepu.PropName, kepu.Eq, s)), id)
		r := []rune(s)
		prefix, mid := string(r[:len(r)/2]), string(r[1:len(r)-1])
		if got := findIDs(t, st, kepu.Museum, kepu.C("city", kepu.StartsWith, prefix)); !slices.Contains(got, id) {
			t.Fatalf("startsWith %q = %v, want %s among them", prefix, got, id)
		}
		if got := findIDs(t, st, kepu.Museum, kepu.C(kepu.PropNameZh, kepu.Contains, mid)); !slices.Contains(got, id) {
			t.Fatalf("contains %q = %v, want %s among them", mid, got, id)
		}
	}
	if n, _ := st.CountNodes(ctx, kepu.Museum, nil); n != len(nasty)+1 {
		t.Fatalf("museums = %d, want %d", n, len(nasty)+1)
	}
	// Pattern characters are literal.
	wantIDs(t, "contains [a-z]*", findIDs(t, st, kepu.Museum, kepu.C(kepu.PropName, kepu.Contains, "[a-z]*")), "Museum:m7")
	wantIDs(t, "contains %", findIDs(t, st, kepu.Museum, kepu.C(kepu.PropName, kepu.Contains, "%")), "Museum:m1", "Museum:m7")
	wantIDs(t, "eq case differs", findIDs(t, st, kepu.Museum, kepu.C(kepu.PropName, kepu.Eq, "other")))
	wantIDs(t, "contains case differs", findIDs(t, st, kepu.Museum, kepu.C(kepu.PropName, kepu.Contains, "OTHER")))
}

func testNodes(t *testing.T, st kepu.Store) {
	m, err := st.Nodes(ctx, []string{mAH, "Museum:missing", s1, "garbage", "", "Planet:x", s1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m[mAH].ID != mAH || m[s1].Label != kepu.School {
		t.Fatalf("Nodes = %v", m)
	}
	m, err = st.Nodes(ctx, nil)
	if err != nil || len(m) != 0 {
		t.Fatalf("Nodes(nil) = %v, %v", m, err)
	}
}
