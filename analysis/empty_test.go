package analysis_test

import (
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
)

// TestCentralityEmptyNetwork runs every centrality measure on a network
// without a node: the museum–museum projection within Taiwan, where the
// reference dataset has no museum (the API's
// centrality(algorithm: PAGERANK, projection: MUSEUM_MUSEUM, within: "UHJvdmluY2U6Q04tVFc")).
// Each must give an empty ranking, not a panic (gonum's PageRankSparse
// panics on an empty graph, "mat: zero length in matrix dimension", which
// the API reports as INTERNAL_SERVER_ERROR).
func TestCentralityEmptyNetwork(t *testing.T) {
	net, err := analysis.LoadNetwork(ctx, ref.store, analysis.NetSpec{Projection: analysis.MuseumMuseum, Within: "Province:CN-TW"})
	if err != nil {
		t.Fatal(err)
	}
	if len(net.IDs) != 0 {
		t.Fatalf("%d nodes, want an empty network", len(net.IDs))
	}
	for _, alg := range []string{analysis.Degree, analysis.PageRank, analysis.Betweenness, analysis.Closeness, analysis.Eigenvector} {
		t.Run(alg, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			got, err := analysis.Centrality(net, alg)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 0 {
				t.Fatalf("%d scores on an empty network", len(got))
			}
		})
	}
}
