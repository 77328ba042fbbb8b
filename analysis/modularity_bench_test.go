package analysis_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/internal/procstat"
)

// BenchmarkModularityWholeGraph: the modularity of the whole graph's
// connected components (what communities(algorithm:
// CONNECTED_COMPONENTS) computes after the components), from the edges
// (analysis, "edges") and with gonum's community.Q ("gonumQ", what it
// used before: every pair of nodes of a community), side by side in one
// run (-count alternates them), with the process's CPU time; and the
// whole computation (components, then Q) as Communities does it
// ("communities").
func BenchmarkModularityWholeGraph(b *testing.B) {
	net, err := analysis.LoadNetwork(ctx, ref.store, analysis.NetSpec{})
	if err != nil {
		b.Fatal(err)
	}
	p, err := analysis.Communities(net, analysis.ConnectedComponents)
	if err != nil {
		b.Fatal(err)
	}
	comms := make([][]graph.Node, len(p.Communities))
	for i, c := range p.Communities {
		for _, id := range c {
			comms[i] = append(comms[i], simple.Node(net.Index[id]))
		}
	}
	b.Logf("%d nodes, %d edges, %d components, the largest %d nodes", len(net.IDs), net.G.Edges(), len(p.Communities), len(p.Communities[0]))
	b.Run("edges", func(b *testing.B) {
		cpu := procstat.SelfCPU()
		for b.Loop() {
			if q := analysis.Modularity(net, p); math.Abs(q-p.Modularity) > 1e-12 {
				b.Fatalf("Q %v, Communities %v", q, p.Modularity)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("gonumQ", func(b *testing.B) {
		cpu := procstat.SelfCPU()
		for b.Loop() {
			if q := community.Q(net.G, comms, 1); math.Abs(q-p.Modularity) > 1e-9 {
				b.Fatalf("community.Q %v, ours %v", q, p.Modularity)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("communities", func(b *testing.B) {
		cpu := procstat.SelfCPU()
		for b.Loop() {
			if _, err := analysis.Communities(net, analysis.ConnectedComponents); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}
