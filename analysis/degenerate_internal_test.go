package analysis

import (
	"fmt"
	"math"
	"testing"
)

// TestMeasuresDegenerateNetworks runs every centrality and community
// algorithm on the networks a `within` can leave: no node (a province
// without museums), one node, two nodes without a relationship, and two
// nodes with one, each unweighted and weighted (a projection). Each must
// answer with one finite score per node (GraphQL has no NaN or infinity)
// and a partition of every node, never an error or a panic.
func TestMeasuresDegenerateNetworks(t *testing.T) {
	for _, tc := range []struct {
		n     int
		edges []wedge
	}{
		{0, nil},
		{1, nil},
		{2, nil},
		{2, []wedge{{0, 1, 1}}},
	} {
		for _, weighted := range []bool{false, true} {
			name := fmt.Sprintf("nodes=%d,edges=%d,weighted=%v", tc.n, len(tc.edges), weighted)
			ids := make([]string, tc.n)
			for i := range ids {
				ids[i] = fmt.Sprintf("Museum:%d", i)
			}
			net := newNetwork(ids)
			net.G = newGraph(tc.n, tc.edges, weighted)
			net.Weighted = weighted
			for _, alg := range []string{Degree, PageRank, Betweenness, Closeness, Eigenvector} {
				t.Run(name+"/"+alg, func(t *testing.T) {
					got, err := Centrality(net, alg)
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != tc.n {
						t.Fatalf("%d scores for %d nodes", len(got), tc.n)
					}
					for _, s := range got {
						if math.IsNaN(s.Score) || math.IsInf(s.Score, 0) {
							t.Fatalf("%s scores %v", s.ID, s.Score)
						}
					}
				})
			}
			for _, alg := range []string{Louvain, LabelPropagation, ConnectedComponents} {
				t.Run(name+"/"+alg, func(t *testing.T) {
					p, err := Communities(net, alg)
					if err != nil {
						t.Fatal(err)
					}
					members := 0
					for _, c := range p.Communities {
						members += len(c)
					}
					if members != tc.n || p.Nodes != tc.n {
						t.Fatalf("%d members, Nodes %d, want %d", members, p.Nodes, tc.n)
					}
					if math.IsNaN(p.Modularity) || math.IsInf(p.Modularity, 0) {
						t.Fatalf("modularity %v", p.Modularity)
					}
				})
			}
		}
	}
}
