package storetest

// Conformance tests of the optional capabilities kepu.EdgeLog and
// kepu.EndsWalker, and of an analyzer that keeps its adjacency current
// with them across random writes. A store without a capability skips its
// test.

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
)

// edgeSet returns the keys (kepu.Edge.Key) of every relationship of st,
// through WalkEdges.
func edgeSet(t *testing.T, st kepu.Store) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, d := range kepu.RelDefs() {
		for _, e := range walkEdges(t, st, d.Type) {
			out[e.Key()] = true
		}
	}
	return out
}

// applyEdgeChanges applies changes in order to a set of edge keys (see
// kepu.EdgeChange).
func applyEdgeChanges(set map[string]bool, changes []kepu.EdgeChange) map[string]bool {
	out := maps.Clone(set)
	for _, c := range changes {
		switch c.Kind {
		case kepu.EdgeAdded:
			out[c.Edge.Key()] = true
		case kepu.EdgeRemoved:
			delete(out, c.Edge.Key())
		case kepu.NodeRemoved:
			for k := range out {
				if e := edgeOfKey(k); e.From == c.ID || e.To == c.ID {
					delete(out, k)
				}
			}
		}
	}
	return out
}

// edgeOfKey splits a kepu.Edge.Key (the IDs of the suite hold no "|").
func edgeOfKey(k string) kepu.Edge {
	var parts []string
	for i, j := 0, 0; j <= len(k); j++ {
		if j == len(k) || k[j] == '|' {
			parts = append(parts, k[i:j])
			i = j + 1
		}
	}
	return kepu.Edge{Type: kepu.RelType(parts[0]), From: parts[1], To: parts[2]}
}

// testEdgeLog: the changes since every version of a series of writes (edge
// creations, puts of new and existing edges, deletions, node deletions,
// writes that change no relationship, a failed write), applied to the
// relationships at that version, give those at the version returned, which
// is the store's; since the current version gives none; a version the
// store never had is refused.
func testEdgeLog(t *testing.T, st kepu.Store) {
	log, ok := st.(kepu.EdgeLog)
	if !ok {
		t.Skip("the store has no edge log (kepu.EdgeLog)")
	}
	version := func() uint64 {
		t.Helper()
		v, err := st.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	type state struct {
		v     uint64
		edges map[string]bool
	}
	var states []state
	snap := func() { states = append(states, state{version(), edgeSet(t, st)}) }
	mustWrite(t, st, putNodes(N("County:c", "gbCode", "1"), N("Museum:m1", "kind", "STANDARD"), N("Museum:m2", "kind", "STANDARD"), N("School:s1"), N("School:s2"))...)
	snap()
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, "Museum:m1", "School:s1")},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, "Museum:m2", "School:s1")},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.LocatedIn, "Museum:m1", "County:c")})
	snap()
	mustWrite(t, st, kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, "Museum:m2", "School:s1", "since", 2020)}, // exists
		kepu.Change{Kind: kepu.UpdateNode, ID: "School:s2", Set: kepu.Props{kepu.PropName: "Hefei"}},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.HelpedEstablish, "Museum:m1", "Museum:m2")})
	snap()
	mustWrite(t, st, kepu.Change{Kind: kepu.UpdateNode, ID: "School:s2", Set: kepu.Props{kepu.PropName: "Wuhu"}})
	snap()
	// A failed write leaves neither the version nor the log changed.
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, "Museum:m1", "School:s2")},
		{Kind: kepu.CreateEdge, Edge: E(kepu.PartnersWith, "Museum:m1", "School:s1")}}); kepu.ErrorCode(err) != kepu.Conflict {
		t.Fatalf("a conflicting write: %v", err)
	}
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: E(kepu.PartnersWith, "Museum:m2", "School:s1")},
		kepu.Change{Kind: kepu.DeleteEdge, Edge: E(kepu.PartnersWith, "Museum:m2", "School:s2"), IfExists: true},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, "Museum:m2", "School:s2")})
	snap()
	// A node deleted with its relationships, created again with one of them
	// in the same write.
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: "Museum:m1"},
		kepu.Change{Kind: kepu.PutNode, Node: N("Museum:m1", "kind", "STANDARD")},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartnersWith, "Museum:m1", "School:s2")})
	snap()
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteEdge, Edge: E(kepu.PartnersWith, "Museum:m1", "School:s2")},
		kepu.Change{Kind: kepu.DeleteNode, ID: "School:nope", IfExists: true},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.LocatedIn, "Museum:m2", "County:c")})
	snap()
	cur := states[len(states)-1]
	if want := map[string]bool{"PARTNERS_WITH|Museum:m2|School:s2": true, "LOCATED_IN|Museum:m2|County:c": true}; !reflect.DeepEqual(cur.edges, want) {
		t.Fatalf("the fixture's relationships at the end: %v, want %v", cur.edges, want)
	}
	for i, s := range states {
		ch, ok, err := log.EdgeChangesSince(ctx, s.v)
		if err != nil || !ok {
			t.Fatalf("EdgeChangesSince(version %d of %d) = ok %v, %v", i, len(states), ok, err)
		}
		if ch.Since != s.v || ch.Version != cur.v {
			t.Fatalf("EdgeChangesSince(%d): since %d, version %d; want %d, %d", s.v, ch.Since, ch.Version, s.v, cur.v)
		}
		if got := applyEdgeChanges(s.edges, ch.Changes); !reflect.DeepEqual(got, cur.edges) {
			t.Fatalf("the changes since version %d of %d (%v) applied to its relationships give %v, want %v", i, len(states), ch.Changes, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(cur.edges)))
		}
		// Applied to a later state (a walk that saw some of them) too.
		if i+1 < len(states) {
			if got := applyEdgeChanges(states[i+1].edges, ch.Changes); !reflect.DeepEqual(got, cur.edges) {
				t.Fatalf("the changes since version %d applied to the relationships of the next give %v", i, slices.Sorted(maps.Keys(got)))
			}
		}
	}
	if ch, ok, err := log.EdgeChangesSince(ctx, cur.v); err != nil || !ok || len(ch.Changes) != 0 || ch.Version != cur.v {
		t.Fatalf("EdgeChangesSince(current) = %+v, %v, %v; want none, ok", ch, ok, err)
	}
	if _, ok, err := log.EdgeChangesSince(ctx, cur.v+1000); err != nil || ok {
		t.Fatalf("EdgeChangesSince(a future version) = ok %v, %v; want not ok", ok, err)
	}
}

// testWalkEnds: WalkEnds passes the type and ends of every relationship
// once, those of WalkEdges; fn's error stops it.
func testWalkEnds(t *testing.T, st kepu.Store) {
	w, ok := st.(kepu.EndsWalker)
	if !ok {
		t.Skip("the store has no WalkEnds (kepu.EndsWalker)")
	}
	pathFixture(t, st)
	mustWrite(t, st, putEdges(E(kepu.HelpedEstablish, "Museum:m1", "Museum:m2"), E(kepu.HelpedEstablish, "Museum:m2", "Museum:m1"))...)
	var want, got []string
	for _, d := range kepu.RelDefs() {
		for _, e := range walkEdges(t, st, d.Type) {
			want = append(want, e.Key())
		}
	}
	err := w.WalkEnds(ctx, func(rel kepu.RelType, from, to string) error {
		got = append(got, kepu.Edge{Type: rel, From: from, To: to}.Key())
		return nil
	})
	if err != nil {
		t.Fatalf("WalkEnds: %v", err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) != 11 || !slices.Equal(got, want) {
		t.Fatalf("WalkEnds = %v, want %v", got, want)
	}
	stop := fmt.Errorf("stop")
	n := 0
	if err := w.WalkEnds(ctx, func(kepu.RelType, string, string) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("WalkEnds with an fn that fails: %v after %d calls", err, n)
	}
}

// testAdjacencyAfterWrites: an analyzer that read its adjacency once
// answers, after each of a series of random writes, the same shortest
// paths and neighborhoods as a walk through the store, without walking
// the store (NoWalk): with an edge log it brings its adjacency up to date.
// A store without an edge log skips it.
func testAdjacencyAfterWrites(t *testing.T, st kepu.Store) {
	if _, ok := st.(kepu.EdgeLog); !ok {
		t.Skip("the store has no edge log (kepu.EdgeLog)")
	}
	r := rand.New(rand.NewPCG(13, 1))
	var museums, schools []string
	var nodes []kepu.Node
	for i := range 8 {
		museums = append(museums, fmt.Sprintf("Museum:m%d", i))
		nodes = append(nodes, N(museums[i], "kind", "STANDARD"))
		schools = append(schools, fmt.Sprintf("School:s%d", i))
		nodes = append(nodes, N(schools[i]))
	}
	nodes = append(nodes, N("County:c0", "gbCode", "1"), N("County:c1", "gbCode", "2"))
	mustWrite(t, st, putNodes(nodes...)...)
	randomEdge := func() kepu.Edge {
		m := museums[r.IntN(len(museums))]
		switch r.IntN(4) {
		case 0:
			return E(kepu.LocatedIn, m, fmt.Sprintf("County:c%d", r.IntN(2)))
		case 1:
			o := museums[r.IntN(len(museums))]
			if o == m {
				o = museums[(slices.Index(museums, m)+1)%len(museums)]
			}
			return E(kepu.HelpedEstablish, m, o)
		}
		return E(kepu.PartnersWith, m, schools[r.IntN(len(schools))])
	}
	var seed []kepu.Change
	for range 14 {
		seed = append(seed, kepu.Change{Kind: kepu.PutEdge, Edge: randomEdge()})
	}
	mustWrite(t, st, seed...)
	a := &analysis.Analyzer{Store: st}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(museums), schools...)
	rounds := 25
	if testing.Short() {
		rounds = 10
	}
	for round := range rounds {
		var changes []kepu.Change
		for range 1 + r.IntN(3) {
			switch k := r.IntN(10); {
			case k < 5:
				changes = append(changes, kepu.Change{Kind: kepu.PutEdge, Edge: randomEdge()})
			case k < 8:
				changes = append(changes, kepu.Change{Kind: kepu.DeleteEdge, Edge: randomEdge(), IfExists: true})
			default: // a node deleted, and put again (without relationships)
				id := all[r.IntN(len(all))]
				n := N(id)
				if kepu.LabelOf(id) == kepu.Museum {
					n = N(id, "kind", "STANDARD")
				}
				changes = append(changes, kepu.Change{Kind: kepu.DeleteNode, ID: id}, kepu.Change{Kind: kepu.PutNode, Node: n})
			}
		}
		mustWrite(t, st, changes...)
		for range 6 {
			q := analysis.PathQuery{From: all[r.IntN(len(all))], To: all[r.IntN(len(all))], MaxHops: 6, Limit: 5}
			want, wantMore, err := analysis.ShortestPaths(ctx, st, q)
			if err != nil {
				t.Fatal(err)
			}
			got, more, err := a.ShortestPaths(ctx, NoWalk{st}, q)
			if err != nil {
				t.Fatalf("round %d, %s -> %s on the adjacency: %v", round, q.From, q.To, err)
			}
			if !reflect.DeepEqual(got, want) || more != wantMore {
				t.Fatalf("round %d, %s -> %s: the adjacency gives %d paths (more %v), the store walk %d (more %v)", round, q.From, q.To, len(got), more, len(want), wantMore)
			}
			h := analysis.HoodQuery{Root: all[r.IntN(len(all))], Hops: 2, Limit: 100}
			wantH, err := analysis.Neighborhood(ctx, st, h)
			if err != nil {
				t.Fatal(err)
			}
			gotH, err := a.Neighborhood(ctx, NoWalk{st}, h)
			if err != nil || !reflect.DeepEqual(gotH, wantH) {
				t.Fatalf("round %d, neighborhood of %s: the adjacency gives %v (%v), the store walk %v", round, h.Root, gotH, err, wantH)
			}
		}
	}
}
