package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// TestModularityTwoTriangles checks modularity on a graph whose Q is known
// by hand: two triangles joined by one edge (m = 7), split into the
// triangles: 2·(3/7 − (7/14)²) = 6/7 − 1/2; every node alone:
// −6·(2/14)²·… = −Σ (d_i/14)²; one community: 0.
func TestModularityTwoTriangles(t *testing.T) {
	edges := []wedge{{0, 1, 1}, {0, 2, 1}, {1, 2, 1}, {3, 4, 1}, {3, 5, 1}, {4, 5, 1}, {2, 3, 1}}
	g := newGraph(6, edges, false)
	for _, tc := range []struct {
		name   string
		member []int32
		k      int
		want   float64
	}{
		{"triangles", []int32{0, 0, 0, 1, 1, 1}, 2, 6.0/7 - 0.5},
		{"singletons", []int32{0, 1, 2, 3, 4, 5}, 6, -(4*(2.0/14)*(2.0/14) + 2*(3.0/14)*(3.0/14))},
		{"one", []int32{0, 0, 0, 0, 0, 0}, 1, 0},
	} {
		if got := modularity(g, tc.member, tc.k, 1); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%s: Q = %.17g, want %.17g", tc.name, got, tc.want)
		}
	}
	if got := modularity(newGraph(3, nil, false), []int32{0, 1, 2}, 3, 1); got != 0 {
		t.Errorf("no edge: Q = %v, want 0", got)
	}
}

// TestModularityAsGonum compares modularity with gonum's community.Q (the
// definition it replaces) on random graphs, weighted and not, sparse and
// dense, with random partitions (some nodes in no community) and
// resolutions 0.5, 1 and 2.
func TestModularityAsGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 2))
	for round := range 200 {
		n := 1 + r.IntN(60)
		p := []float64{0.02, 0.1, 0.5}[round%3]
		weighted := round%2 == 1
		var edges []wedge
		for a := range n {
			for b := a + 1; b < n; b++ {
				if r.Float64() < p {
					edges = append(edges, wedge{int32(a), int32(b), float64(1 + r.IntN(5))})
				}
			}
		}
		g := newGraph(n, edges, weighted)
		k := 1 + r.IntN(n)
		member := make([]int32, n)
		comms := make([][]graph.Node, k)
		for i := range member {
			c := int32(r.IntN(k+1)) - 1 // -1: in no community
			if round%5 != 0 && c < 0 {
				c = 0 // most rounds: a partition of every node
			}
			member[i] = c
			if c >= 0 {
				comms[c] = append(comms[c], simple.Node(int64(i)))
			}
		}
		for _, res := range []float64{0.5, 1, 2} {
			want := community.Q(g, comms, res)
			if math.IsNaN(want) {
				want = 0 // no edge
			}
			got := modularity(g, member, k, res)
			if math.Abs(got-want) > 1e-12 {
				t.Fatalf("round %d (%d nodes, %d edges, weighted %v, resolution %v): Q = %.17g, community.Q %.17g",
					round, n, len(edges), weighted, res, got, want)
			}
		}
	}
}

// TestCommunitiesDeterministic runs PageRank and every community
// algorithm many times on one network and compares the bits of the scores
// and the modularity, and the partition: label propagation's communities
// come out of a map in random order, and a float sum in that order
// differed in the last digits.
func TestCommunitiesDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 400
	var edges []wedge
	for a := range n {
		for range 3 {
			if b := r.IntN(n); b != a {
				edges = append(edges, wedge{int32(min(a, b)), int32(max(a, b)), float64(1 + r.IntN(4))})
			}
		}
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("Museum:%04d", i)
	}
	for _, weighted := range []bool{false, true} {
		net := newNetwork(ids)
		net.G = newGraph(n, dedupe(edges), weighted)
		net.Weighted = weighted
		// PageRank's scores before rounding (gonum's started from a
		// random vector and summed in map order).
		pr, err := pageRank(context.Background(), net.G)
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			again, _ := pageRank(context.Background(), net.G)
			for i := range pr {
				if math.Float64bits(again[i]) != math.Float64bits(pr[i]) {
					t.Fatalf("PageRank (weighted %v) of node %d: %.17g, then %.17g", weighted, i, pr[i], again[i])
				}
			}
		}
		for _, alg := range []string{Louvain, LabelPropagation, ConnectedComponents} {
			first, err := Communities(net, alg)
			if err != nil {
				t.Fatal(err)
			}
			for range 30 {
				p, err := Communities(net, alg)
				if err != nil {
					t.Fatal(err)
				}
				if math.Float64bits(p.Modularity) != math.Float64bits(first.Modularity) || fmt.Sprint(p.Communities) != fmt.Sprint(first.Communities) {
					t.Fatalf("%s (weighted %v): modularity %.17g, then %.17g", alg, weighted, first.Modularity, p.Modularity)
				}
			}
		}
	}
}

// dedupe keeps one edge per pair (newGraph wants each pair once).
func dedupe(edges []wedge) []wedge {
	seen := map[[2]int32]bool{}
	var out []wedge
	for _, e := range edges {
		if k := [2]int32{e.a, e.b}; !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}
