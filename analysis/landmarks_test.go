package analysis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/traverse"

	"github.com/kepugraph/kepugraph/kepu"
)

// lmGraph is a random graph for the landmark tests, kept as a set of
// relationships (type, from, to) so that it can be changed and rebuilt.
type lmGraph struct {
	r     *rand.Rand
	ids   []string
	edges map[lmEdge]bool
}

// newLMGraph returns a graph of clusters of 3–12 nodes (random
// relationships within), each joined to the next with probability 3/4 by
// one relationship: long distances and several components, the shapes
// that the bound and the pruning must get right.
func newLMGraph(r *rand.Rand) *lmGraph {
	g := &lmGraph{r: r, edges: map[lmEdge]bool{}}
	clusters := 2 + r.IntN(20)
	var prev []string
	for c := range clusters {
		var cl []string
		for i := range 3 + r.IntN(10) {
			cl = append(cl, fmt.Sprintf("Museum:c%02d-%02d", c, i))
		}
		g.ids = append(g.ids, cl...)
		for range len(cl) + r.IntN(2*len(cl)) {
			g.add(cl[r.IntN(len(cl))], cl[r.IntN(len(cl))])
		}
		if prev != nil && r.IntN(4) > 0 {
			g.add(prev[r.IntN(len(prev))], cl[r.IntN(len(cl))])
		}
		prev = cl
	}
	return g
}

// lmEdge is a relationship without properties (a map key).
type lmEdge struct {
	rel      kepu.RelType
	from, to string
}

func (e lmEdge) edge() kepu.Edge { return kepu.Edge{Type: e.rel, From: e.from, To: e.to} }

// add adds a relationship of a random type between u and v (none when u
// == v) and returns it.
func (g *lmGraph) add(u, v string) (kepu.Edge, bool) {
	if u == v {
		return kepu.Edge{}, false
	}
	if g.r.IntN(2) == 0 {
		u, v = v, u
	}
	e := lmEdge{relTypes[g.r.IntN(len(relTypes))], u, v}
	g.edges[e] = true
	return e.edge(), true
}

// adjacency builds an Adjacency of the graph as it is now.
func (g *lmGraph) adjacency() *Adjacency {
	var b adjBuilder
	for e := range g.edges {
		b.add(e.from, e.to, relIndex[e.rel])
	}
	a := b.build(1)
	a.computeLandmarks()
	return a
}

// dists returns the distances from id (every relationship either way) by
// gonum's breadth-first search on a simple.UndirectedGraph of the graph:
// absent nodes are not reachable.
func (g *lmGraph) dists(id string) map[string]int {
	num := map[string]int64{}
	for i, s := range g.ids {
		num[s] = int64(i)
	}
	ug := simple.NewUndirectedGraph()
	for _, s := range g.ids {
		ug.AddNode(simple.Node(num[s]))
	}
	for e := range g.edges {
		ug.SetEdge(simple.Edge{F: simple.Node(num[e.from]), T: simple.Node(num[e.to])})
	}
	out := map[string]int{}
	var bf traverse.BreadthFirst
	bf.Walk(ug, simple.Node(num[id]), func(n graph.Node, d int) bool {
		out[g.ids[n.ID()]] = d
		return false
	})
	return out
}

// TestLandmarkBound: on random graphs, the landmark bound between any two
// nodes is at most their distance (gonum's breadth-first search), and
// lmFar exactly when they are in different components reached by some
// landmark; with as many landmarks as nodes it is the distance itself.
func TestLandmarkBound(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 1))
		g := newLMGraph(r)
		k := 1 + r.IntN(8)
		if seed%10 == 0 {
			k = len(g.ids)
		}
		defer SetLandmarks(k)()
		a := g.adjacency()
		for _, u := range a.ids {
			d := g.dists(u)
			for _, v := range a.ids {
				ui, _ := a.lookup(u)
				vi, _ := a.lookup(v)
				b := a.landmarks().bound(ui, vi)
				dv, ok := d[v]
				switch {
				case !ok && b != lmFar && k >= len(a.ids):
					t.Fatalf("seed %d: %s and %s are not joined, bound %d with every node a landmark", seed, u, v, b)
				case ok && b > dv:
					t.Fatalf("seed %d, %d landmarks: bound(%s, %s) = %d > distance %d", seed, k, u, v, b, dv)
				case ok && k >= len(a.ids) && b != dv:
					t.Fatalf("seed %d, every node a landmark: bound(%s, %s) = %d, distance %d", seed, u, v, b, dv)
				}
				for l := range 60 {
					if a.landmarks().exceeds(ui, vi, l) != (b > l) {
						t.Fatalf("seed %d: exceeds(%s, %s, %d) = %v, bound %d", seed, u, v, l, !(b > l), b)
					}
				}
			}
		}
	}
}

// TestLandmarkBoundLongChain: on a path of 600 nodes (distances past
// what a byte holds) with a few random chords, the bound never exceeds
// the distance.
func TestLandmarkBoundLongChain(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	g := &lmGraph{r: r, edges: map[lmEdge]bool{}}
	for i := range 600 {
		g.ids = append(g.ids, fmt.Sprintf("School:p%03d", i))
		if i > 0 {
			g.add(g.ids[i-1], g.ids[i])
		}
	}
	for range 3 {
		g.add(g.ids[r.IntN(600)], g.ids[r.IntN(600)])
	}
	defer SetLandmarks(4)()
	a := g.adjacency()
	for range 200 {
		u, v := g.ids[r.IntN(600)], g.ids[r.IntN(600)]
		ui, _ := a.lookup(u)
		vi, _ := a.lookup(v)
		if b, d := a.landmarks().bound(ui, vi), g.dists(u)[v]; b > d {
			t.Fatalf("bound(%s, %s) = %d > distance %d", u, v, b, d)
		}
	}
}

// TestLandmarkSearchSameAnswers: over random graphs and random writes
// (relationships added and removed, nodes removed, nodes added), applied
// to the adjacency as the edge log gives them, the search with the
// landmark bound and pruning gives the paths of the same search without
// them (same paths, order, "more"; in a third of the graphs the bound is
// off after 4 ends added), of the length gonum's breadth-first
// search gives, and none exactly when gonum's distance exceeds maxHops;
// the bound alone (farther) never claims a pair within maxHops. The
// pairs are drawn so that about half are farther apart than maxHops.
func TestLandmarkSearchSameAnswers(t *testing.T) {
	ctx := context.Background()
	rounds := 60
	if testing.Short() {
		rounds = 20
	}
	proved, pruned, found := 0, 0, 0
	for seed := range uint64(rounds) {
		r := rand.New(rand.NewPCG(seed, 2))
		g := newLMGraph(r)
		defer SetLandmarks(1 + r.IntN(6))()
		if seed%3 == 0 { // past a few added ends the bound is off
			old := maxAddedEnds
			maxAddedEnds = 4
			defer func() { maxAddedEnds = old }()
		}
		a := g.adjacency()
		version := uint64(1)
		for step := range 12 {
			// A write of 1–4 changes, from the third step on.
			if step >= 2 {
				var chs []kepu.EdgeChange
				for range 1 + r.IntN(4) {
					switch k := r.IntN(10); {
					case k < 5:
						u := g.ids[r.IntN(len(g.ids))]
						if r.IntN(8) == 0 { // a new node
							u = fmt.Sprintf("Museum:new-%d-%d", step, len(g.ids))
							g.ids = append(g.ids, u)
						}
						if e, ok := g.add(u, g.ids[r.IntN(len(g.ids))]); ok {
							chs = append(chs, kepu.EdgeChange{Kind: kepu.EdgeAdded, Edge: e})
						}
					case k < 9:
						for e := range g.edges {
							delete(g.edges, e)
							chs = append(chs, kepu.EdgeChange{Kind: kepu.EdgeRemoved, Edge: e.edge()})
							break
						}
					default:
						id := g.ids[r.IntN(len(g.ids))]
						for e := range g.edges {
							if e.from == id || e.to == id {
								delete(g.edges, e)
							}
						}
						chs = append(chs, kepu.EdgeChange{Kind: kepu.NodeRemoved, ID: id})
					}
				}
				next, ok := a.apply(kepu.EdgeChanges{Since: version, Version: version + 1, Changes: chs})
				if !ok {
					t.Fatal("apply refused the changes")
				}
				a, version = next, version+1
			}
			plain := *a
			plain.lms = nil
			for range 20 {
				u, v := g.ids[r.IntN(len(g.ids))], g.ids[r.IntN(len(g.ids))]
				if u == v {
					continue
				}
				d, joined := g.dists(u)[v]
				maxHops := r.IntN(MaxMaxHops + 1)
				if joined && r.IntN(2) == 0 {
					maxHops = max(0, min(MaxMaxHops, d-1+r.IntN(3))) // near the distance
				}
				q := PathQuery{From: u, To: v, MaxHops: maxHops, Limit: 1 + r.IntN(5)}
				got, more, err := a.paths(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want, wantMore, err := plain.paths(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) || more != wantMore {
					t.Fatalf("seed %d step %d, %s -> %s maxHops %d: with the bound %d paths (more %v), without %d (more %v)",
						seed, step, u, v, maxHops, len(got), more, len(want), wantMore)
				}
				within := joined && d <= maxHops
				if (len(got) > 0) != within || (within && got[0].Length() != d) {
					t.Fatalf("seed %d step %d, %s -> %s maxHops %d: %d paths, gonum's distance %d (joined %v)", seed, step, u, v, maxHops, len(got), d, joined)
				}
				ui, ok1 := a.lookup(u)
				vi, ok2 := a.lookup(v)
				if ok1 && ok2 && a.farther(ui, vi, maxHops) {
					if within {
						t.Fatalf("seed %d step %d: farther(%s, %s, %d) but the distance is %d", seed, step, u, v, maxHops, d)
					}
					proved++
				}
				if ok1 && ok2 {
					x := a.search()
					if _, _, err := x.paths(ctx, q, ui, vi); err != nil {
						t.Fatal(err)
					}
					pruned += x.stats.pruned
					x.clear()
					a.pool.Put(x)
				}
				if within {
					found++
				}
			}
		}
	}
	// The check must exercise both the bound and the pruning.
	if proved < 50 || pruned < 50 || found < 200 {
		t.Fatalf("only %d pairs proved farther, %d nodes pruned, %d pairs joined: the test compares too little", proved, pruned, found)
	}
	t.Logf("%d pairs proved farther by the bound, %d nodes pruned, %d pairs joined", proved, pruned, found)
}
