package analysis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestAdjacencySamePaths: on the reference dataset, the shortest paths
// found on an analyzer's adjacency are those of the walk through the store
// (same paths, order, nodes and relationship properties, same "more"), for
// random pairs of museums, schools and places, with and without a
// relationship type restriction.
func TestAdjacencySamePaths(t *testing.T) {
	a := &analysis.Analyzer{Store: ref.store}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	ids := refIDs(t, kepu.Museum, kepu.School, kepu.County, kepu.Prefecture, kepu.NormalUniversity)
	r := rand.New(rand.NewPCG(5, 6))
	rels := [][]kepu.RelType{nil, nil, {kepu.PartnersWith, kepu.LocatedIn}, {kepu.PartnersWith}}
	pairs := 300
	if testing.Short() {
		pairs = 60
	}
	found := 0
	for i := range pairs {
		q := analysis.PathQuery{From: ids[r.IntN(len(ids))], To: ids[r.IntN(len(ids))], Rels: rels[i%len(rels)], MaxHops: 4 + r.IntN(7), Limit: 1 + r.IntN(20)}
		want, wantMore, err := analysis.ShortestPaths(ctx, ref.store, q)
		if err != nil {
			t.Fatal(err)
		}
		got, more, err := a.ShortestPaths(ctx, storetest.NoWalk{Store: ref.store}, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		if !reflect.DeepEqual(got, want) || more != wantMore {
			t.Fatalf("%+v: adjacency gave %d paths (more %v), the store walk %d (more %v)", q, len(got), more, len(want), wantMore)
		}
		if len(want) > 0 {
			found++
		}
	}
	if found < pairs/10 {
		t.Fatalf("only %d of %d pairs joined: the check compares mostly empty answers", found, pairs)
	}
}

// TestAdjacencyAfterWrite: after a write the analyzer no longer uses the
// adjacency of the old version: with the store's edge log it applies the
// write's changes to it, so a deleted relationship is never part of a path
// and no walk through the store is needed; through a view of the store
// without the log, it walks the store while it reads the new adjacency.
func TestAdjacencyAfterWrite(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	node := func(id string) kepu.Change {
		n := storetest.N(id)
		if n.Label == kepu.Museum {
			n.Props["kind"] = "STANDARD"
		}
		return kepu.Change{Kind: kepu.CreateNode, Node: n}
	}
	edge := func(kind kepu.ChangeKind, from, to string) kepu.Change {
		return kepu.Change{Kind: kind, Edge: storetest.E(kepu.PartnersWith, from, to)}
	}
	if _, err := st.Write(ctx, []kepu.Change{node("Museum:m1"), node("Museum:m2"), node("School:s1"), node("School:s2"),
		edge(kepu.CreateEdge, "Museum:m1", "School:s1"), edge(kepu.CreateEdge, "Museum:m2", "School:s1"),
		edge(kepu.CreateEdge, "Museum:m1", "School:s2"), edge(kepu.CreateEdge, "Museum:m2", "School:s2")}); err != nil {
		t.Fatal(err)
	}
	a := &analysis.Analyzer{Store: st}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	q := analysis.PathQuery{From: "Museum:m1", To: "Museum:m2", MaxHops: 6, Limit: 10}
	ps, _, err := a.ShortestPaths(ctx, storetest.NoWalk{Store: st}, q)
	if err != nil || len(ps) != 2 {
		t.Fatalf("before the write: %d paths, %v", len(ps), err)
	}
	if _, err := st.Write(ctx, []kepu.Change{edge(kepu.DeleteEdge, "Museum:m1", "School:s1")}); err != nil {
		t.Fatal(err)
	}
	ps, _, err = a.ShortestPaths(ctx, storetest.NoWalk{Store: st}, q)
	if err != nil || len(ps) != 1 || ps[0].Nodes[1].ID != "School:s2" {
		t.Fatalf("after the write: %v, %v; want the one path through School:s2", ps, err)
	}
	// Without the edge log.
	b := &analysis.Analyzer{Store: noLog{st}}
	if err := b.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, []kepu.Change{edge(kepu.CreateEdge, "Museum:m1", "School:s1")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.ShortestPaths(ctx, storetest.NoWalk{Store: st}, q); err == nil {
		t.Fatal("without an edge log, the path after a write did not walk the store")
	}
	ps, _, err = b.ShortestPaths(ctx, st, q)
	if err != nil || len(ps) != 2 {
		t.Fatalf("after the second write, without the edge log: %v, %v; want 2 paths", ps, err)
	}
}

// TestAdjacencyFolds: over random writes to a random graph, an analyzer
// whose overlay is folded after 8 rows (instead of foldMin) gives the
// paths and neighborhoods of the store walk after every write, and the
// folds are taken up (the overlay shrinks): every fourth round waits for
// the fold under way to end (a sleep of 1 ms used to let it, which a
// loaded machine need not).
func TestAdjacencyFolds(t *testing.T) {
	defer analysis.SetFoldMin(8)()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := rand.New(rand.NewPCG(21, 22))
	var ms, ss []string
	var init []kepu.Change
	for i := range 30 {
		m, s := storetest.N(fmt.Sprintf("Museum:m%02d", i), "kind", "STANDARD"), storetest.N(fmt.Sprintf("School:s%02d", i))
		ms, ss = append(ms, m.ID), append(ss, s.ID)
		init = append(init, kepu.Change{Kind: kepu.PutNode, Node: m}, kepu.Change{Kind: kepu.PutNode, Node: s})
	}
	edge := func() kepu.Edge {
		if r.IntN(3) == 0 {
			a, b := r.IntN(len(ms)), r.IntN(len(ms)-1)
			if b >= a {
				b++
			}
			return storetest.E(kepu.HelpedEstablish, ms[a], ms[b])
		}
		return storetest.E(kepu.PartnersWith, ms[r.IntN(len(ms))], ss[r.IntN(len(ss))])
	}
	for range 60 {
		init = append(init, kepu.Change{Kind: kepu.PutEdge, Edge: edge()})
	}
	if _, err := st.Write(ctx, init); err != nil {
		t.Fatal(err)
	}
	a := &analysis.Analyzer{Store: st}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(ms), ss...)
	shrunk, most := false, 0
	for round := range 150 {
		var c kepu.Change
		switch k := r.IntN(10); {
		case k < 5:
			c = kepu.Change{Kind: kepu.PutEdge, Edge: edge()}
		case k < 9:
			c = kepu.Change{Kind: kepu.DeleteEdge, Edge: edge(), IfExists: true}
		default:
			c = kepu.Change{Kind: kepu.DeleteNode, ID: ss[r.IntN(len(ss))], IfExists: true}
		}
		if _, err := st.Write(ctx, []kepu.Change{c}); err != nil {
			t.Fatal(err)
		}
		if c.Kind == kepu.DeleteNode {
			if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.PutNode, Node: storetest.N(c.ID)}}); err != nil {
				t.Fatal(err)
			}
		}
		q := analysis.PathQuery{From: all[r.IntN(len(all))], To: all[r.IntN(len(all))], MaxHops: 6, Limit: 3}
		want, wantMore, err := analysis.ShortestPaths(ctx, st, q)
		if err != nil {
			t.Fatal(err)
		}
		got, more, err := a.ShortestPaths(ctx, storetest.NoWalk{Store: st}, q)
		if err != nil || !reflect.DeepEqual(got, want) || more != wantMore {
			t.Fatalf("round %d, %s -> %s: the adjacency gives %d paths (more %v, %v), the store walk %d (more %v)", round, q.From, q.To, len(got), more, err, len(want), wantMore)
		}
		h := analysis.HoodQuery{Root: all[r.IntN(len(all))], Hops: 2, Limit: 20}
		wantH, err := analysis.Neighborhood(ctx, st, h)
		if err != nil {
			t.Fatal(err)
		}
		if gotH, err := a.Neighborhood(ctx, storetest.NoWalk{Store: st}, h); err != nil || !reflect.DeepEqual(gotH, wantH) {
			t.Fatalf("round %d, neighborhood of %s: %v (%v), want %v", round, h.Root, gotH, err, wantH)
		}
		n := a.Overlay()
		if n < most {
			shrunk = true
		}
		most = max(most, n)
		if round%4 == 3 {
			// Let a fold under way finish, so that the next write's
			// catch-up takes it up; in the other rounds the writes and
			// reads meet a fold in flight, as a busy server's do.
			for deadline := time.Now().Add(time.Minute); a.Folding(); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("a fold still runs after a minute")
				}
			}
		}
	}
	if !shrunk {
		t.Fatalf("the overlay never shrank (at most %d rows): no fold was taken up", most)
	}
}

// TestAdjacencySameNeighborhoods: on the reference dataset, the
// neighborhoods the analyzer takes from its adjacency are those of the walk
// through the store (same nodes in the same order, same relationships with
// their properties, same truncation), for random roots, hops, limits,
// relationship types and labels.
func TestAdjacencySameNeighborhoods(t *testing.T) {
	a := &analysis.Analyzer{Store: ref.store}
	if err := a.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	ids := refIDs(t, kepu.Museum, kepu.School, kepu.County, kepu.Prefecture, kepu.Province, kepu.NormalUniversity)
	r := rand.New(rand.NewPCG(7, 8))
	rels := [][]kepu.RelType{nil, {kepu.PartnersWith}, {kepu.PartnersWith, kepu.LocatedIn}}
	labels := [][]kepu.Label{nil, {kepu.Museum, kepu.School}, {kepu.Museum, kepu.County, kepu.Prefecture}}
	limits := []int{1, 5, 100, 1000}
	n := 300
	if testing.Short() {
		n = 60
	}
	truncated, edges := 0, 0
	for i := range n {
		q := analysis.HoodQuery{Root: ids[r.IntN(len(ids))], Hops: r.IntN(analysis.MaxHoodHops + 1), Rels: rels[i%len(rels)],
			Labels: labels[r.IntN(len(labels))], Limit: limits[r.IntN(len(limits))]}
		want, err := analysis.Neighborhood(ctx, ref.store, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Neighborhood(ctx, storetest.NoWalk{Store: ref.store}, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v: adjacency gave %d nodes, %d relationships (truncated %v), the store walk %d, %d (%v)",
				q, len(got.Nodes), len(got.Edges), got.Truncated, len(want.Nodes), len(want.Edges), want.Truncated)
		}
		if want.Truncated {
			truncated++
		}
		edges += len(want.Edges)
	}
	if truncated == 0 || edges < n {
		t.Fatalf("%d truncated, %d relationships in %d neighborhoods: the check compares mostly trivial answers", truncated, edges, n)
	}
}

// refIDs returns the IDs of the reference dataset's nodes of the labels.
func refIDs(t *testing.T, labels ...kepu.Label) []string {
	t.Helper()
	var ids []string
	for _, l := range labels {
		page, err := ref.store.FindNodes(ctx, kepu.NodeQuery{Label: l})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range page.Nodes {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

// edgesSeen is a store that closes seen at its first WalkEdges call (the
// adjacency's read walks the relationships).
type edgesSeen struct {
	kepu.Store
	once sync.Once
	seen chan struct{}
}

func (s *edgesSeen) WalkEdges(ctx context.Context, rel kepu.RelType, fn func(*kepu.Edge) error) error {
	s.once.Do(func() { close(s.seen) })
	return s.Store.WalkEdges(ctx, rel, fn)
}

// TestStartWarm: StartWarm reads the adjacency in the background before
// any request asks for it; path requests then use it (a store that
// refuses walks answers them).
func TestStartWarm(t *testing.T) {
	st := &edgesSeen{Store: ref.store, seen: make(chan struct{})}
	a := &analysis.Analyzer{Store: st}
	a.StartWarm(ctx, nil)
	select {
	case <-st.seen:
	case <-time.After(time.Minute):
		t.Fatal("StartWarm read no adjacency within a minute")
	}
	ids := refIDs(t, kepu.Museum)
	q := analysis.PathQuery{From: ids[0], To: ids[1], MaxHops: 6, Limit: 1}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, _, err := a.ShortestPaths(ctx, storetest.NoWalk{Store: ref.store}, q)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no adjacency 2 minutes after StartWarm: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
