package analysis_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
)

// python returns the Python interpreter with networkx, or skips the test
// (fails it when CI is set: CI must install python3-networkx).
func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import networkx").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 with networkx is required in CI (apt-get install python3-networkx): %v", err)
		}
		t.Skipf("python3 with networkx is not installed (apt-get install python3-networkx): the networkx cross-check is skipped: %v", err)
	}
	return py
}

type nxGraph struct {
	Name     string   `json:"name"`
	N        int      `json:"n"`
	Edges    [][3]any `json:"edges"`
	Measures []string `json:"measures"`
	Pairs    [][2]int `json:"pairs,omitempty"`
	// Partitions are ours, by algorithm: networkx computes their
	// modularity (nx.community.modularity).
	Partitions map[string][][]int64 `json:"partitions,omitempty"`
	net        *analysis.Network
	ours       map[string]*analysis.Partition
}

func export(name string, net *analysis.Network, measures ...string) *nxGraph {
	g := &nxGraph{Name: name, N: len(net.IDs), Edges: [][3]any{}, Measures: measures, net: net, Partitions: map[string][][]int64{}, ours: map[string]*analysis.Partition{}}
	edges := net.G.WeightedEdges()
	for edges.Next() {
		e := edges.WeightedEdge()
		g.Edges = append(g.Edges, [3]any{e.From().ID(), e.To().ID(), e.Weight()})
	}
	return g
}

// TestNetworkx computes the same measures with networkx on the same graphs
// (exported as edge lists) and compares: PageRank, betweenness, closeness
// and degree within 1e-6, connected components exactly, the lengths of
// 1,000 random shortest paths (through the store, all relationships)
// exactly, Louvain modularity within 0.02, the modularity of our own
// partitions (every algorithm) within 1e-9, and eigenvector centrality
// within 1e-6 with networkx's power iteration run as ours (at most 1,000
// rounds, tolerance 1e-9: on the museum projection, 717 components, the
// same pair at 0.707 and the same near-zero rest; on a chain of 50 neither
// converges, and ours answers BAD_USER_INPUT).
func TestNetworkx(t *testing.T) {
	py := python(t)
	st := ref.store
	full, err := analysis.LoadNetwork(ctx, st, analysis.NetSpec{})
	if err != nil {
		t.Fatal(err)
	}
	anhui, err := analysis.LoadNetwork(ctx, st, analysis.NetSpec{Labels: []kepu.Label{kepu.Museum, kepu.School},
		Rels: []kepu.RelType{kepu.PartnersWith}, Within: "Province:CN-AH"})
	if err != nil {
		t.Fatal(err)
	}
	proj, err := analysis.LoadNetwork(ctx, st, analysis.NetSpec{Projection: analysis.MuseumMuseum})
	if err != nil {
		t.Fatal(err)
	}
	graphs := []*nxGraph{
		export("full", full, "PAGERANK", "DEGREE", "CONNECTED_COMPONENTS", "LOUVAIN"),
		export("anhui", anhui, "PAGERANK", "BETWEENNESS", "CLOSENESS", "DEGREE", "CONNECTED_COMPONENTS", "LOUVAIN", "EIGENVECTOR"),
		export("museums", proj, "PAGERANK", "DEGREE", "CONNECTED_COMPONENTS", "LOUVAIN", "EIGENVECTOR"),
		// Two chains: networkx converges on the short one and raises
		// PowerIterationFailedConvergence on the long one; ours must agree.
		export("chain30", analysis.ChainNetwork(30), "EIGENVECTOR"),
		export("chain50", analysis.ChainNetwork(50), "EIGENVECTOR"),
	}
	r := rand.New(rand.NewPCG(11, 0))
	for range 1000 {
		graphs[0].Pairs = append(graphs[0].Pairs, [2]int{r.IntN(len(full.IDs)), r.IntN(len(full.IDs))})
	}
	checkNetworkx(t, py, graphs)
}

// checkNetworkx computes the graphs' measures with networkx
// (testdata/networkx_check.py) and compares them with ours (see
// TestNetworkx).
func checkNetworkx(t *testing.T, py string, graphs []*nxGraph) {
	t.Helper()
	st := ref.store
	for _, g := range graphs {
		for _, alg := range []string{analysis.Louvain, analysis.LabelPropagation, analysis.ConnectedComponents} {
			p, err := analysis.Communities(g.net, alg)
			if err != nil {
				t.Fatal(err)
			}
			g.ours[alg] = p
			for _, c := range p.Communities {
				ids := make([]int64, len(c))
				for i, id := range c {
					ids[i] = g.net.Index[id]
				}
				g.Partitions[alg] = append(g.Partitions[alg], ids)
			}
		}
	}
	raw, err := json.Marshal(map[string]any{"graphs": graphs})
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "graphs.json")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join("testdata", "networkx_check.py"), in)
	cmd.Stderr = os.Stderr
	outRaw, err := cmd.Output()
	if err != nil {
		t.Fatalf("networkx: %v", err)
	}
	var out map[string]map[string]json.RawMessage
	if err := json.Unmarshal(outRaw, &out); err != nil {
		t.Fatal(err)
	}
	for _, g := range graphs {
		t.Logf("%s: %d nodes, %d edges", g.Name, g.N, len(g.Edges))
		res := out[g.Name]
		for _, m := range g.Measures {
			switch m {
			case "CONNECTED_COMPONENTS":
				var want [][]int
				json.Unmarshal(res[m], &want)
				p, err := analysis.Communities(g.net, analysis.ConnectedComponents)
				if err != nil {
					t.Fatal(err)
				}
				var got [][]int
				for _, c := range p.Communities {
					var ids []int
					for _, id := range c {
						ids = append(ids, int(g.net.Index[id]))
					}
					slices.Sort(ids)
					got = append(got, ids)
				}
				slices.SortFunc(got, slices.Compare)
				slices.SortFunc(want, slices.Compare)
				if len(got) != len(want) {
					t.Fatalf("%s components: %d, networkx %d", g.Name, len(got), len(want))
				}
				for i := range got {
					if !slices.Equal(got[i], want[i]) {
						t.Fatalf("%s component %d differs from networkx", g.Name, i)
					}
				}
				t.Logf("  components: %d, as networkx", len(got))
			case "LOUVAIN":
				var want float64
				json.Unmarshal(res[m], &want)
				p, err := analysis.Communities(g.net, analysis.Louvain)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(p.Modularity-want) > 0.02 {
					t.Fatalf("%s Louvain modularity %.4f, networkx %.4f", g.Name, p.Modularity, want)
				}
				t.Logf("  Louvain modularity %.4f, networkx %.4f", p.Modularity, want)
			default:
				var want []float64
				json.Unmarshal(res[m], &want)
				scores, err := analysis.Centrality(g.net, m)
				if want == nil {
					// networkx did not converge: neither may we.
					if kepu.ErrorCode(err) != kepu.BadUserInput {
						t.Fatalf("%s %s: networkx does not converge; ours gave %d scores and error %v, want BAD_USER_INPUT", g.Name, m, len(scores), err)
					}
					t.Logf("  %s: not converged, as networkx: %v", m, err)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				worst := 0.0
				for _, s := range scores {
					d := math.Abs(s.Score - want[g.net.Index[s.ID]])
					worst = max(worst, d)
					if d > 1e-6 {
						t.Fatalf("%s %s of %s: %.9f, networkx %.9f", g.Name, m, s.ID, s.Score, want[g.net.Index[s.ID]])
					}
				}
				t.Logf("  %s: largest difference %.2g", m, worst)
			}
		}
		var mods map[string]float64
		if err := json.Unmarshal(res["modularity"], &mods); err != nil {
			t.Fatalf("%s modularity: %v", g.Name, err)
		}
		for alg, p := range g.ours {
			want, ok := mods[alg]
			if !ok || math.Abs(p.Modularity-want) > 1e-9 {
				t.Fatalf("%s: modularity of our %s partition %.15f, networkx %.15f (given: %v)", g.Name, alg, p.Modularity, want, ok)
			}
			t.Logf("  %s modularity %.12f, networkx %.12f", alg, p.Modularity, want)
		}
		if len(g.Pairs) > 0 {
			var want []int
			json.Unmarshal(res["pairs"], &want)
			found := 0
			for i, pr := range g.Pairs {
				p, err := analysis.ShortestPath(ctx, st, analysis.PathQuery{From: g.net.IDs[pr[0]], To: g.net.IDs[pr[1]], MaxHops: analysis.MaxMaxHops})
				if err != nil {
					t.Fatal(err)
				}
				got := -1
				if p != nil {
					got = p.Length()
					found++
				}
				w := want[i]
				if w > analysis.MaxMaxHops {
					w = -1 // beyond maxHops: none
				}
				if got != w {
					t.Fatalf("shortest path %s → %s: length %d, networkx %d", g.net.IDs[pr[0]], g.net.IDs[pr[1]], got, want[i])
				}
			}
			t.Logf("  %d shortest-path lengths as networkx (%d with a path)", len(g.Pairs), found)
		}
	}
}

// TestNetworkxSmall compares every measure with networkx on the small
// networks a within, a label or a projection can leave, where the
// conventions of the formulas show: a single node (networkx's
// degree_centrality gives it 1, not 0/0), isolated nodes, several
// components, a chain, a star with tied weights, two triangles joined by
// one bridge (weighted and not). Scores within 1e-6, components exactly,
// the modularity of each of our partitions within 1e-9 (0 for a network
// without a relationship, where networkx divides by zero), Louvain's
// within 0.02 where there are relationships.
func TestNetworkxSmall(t *testing.T) {
	py := python(t)
	all := []string{"DEGREE", "PAGERANK", "BETWEENNESS", "CLOSENESS", "EIGENVECTOR", "CONNECTED_COMPONENTS"}
	withEdges := append(slices.Clone(all), "LOUVAIN")
	bridge := [][3]float64{{0, 1, 1}, {1, 2, 1}, {0, 2, 1}, {2, 3, 1}, {3, 4, 1}, {4, 5, 1}, {3, 5, 1}}
	wbridge := [][3]float64{{0, 1, 3}, {1, 2, 3}, {0, 2, 3}, {2, 3, 1}, {3, 4, 2}, {4, 5, 2}, {3, 5, 2}}
	graphs := []*nxGraph{
		export("single", analysis.SmallNetwork(1, nil, false), all...),
		export("single-weighted", analysis.SmallNetwork(1, nil, true), all...),
		export("two-isolated", analysis.SmallNetwork(2, nil, false), all...),
		export("edge-and-isolated", analysis.SmallNetwork(3, [][3]float64{{0, 1, 1}}, false), withEdges...),
		export("two-edges", analysis.SmallNetwork(4, [][3]float64{{0, 1, 1}, {2, 3, 1}}, false), withEdges...),
		export("triangle-and-two-isolated", analysis.SmallNetwork(5, [][3]float64{{0, 1, 1}, {1, 2, 1}, {0, 2, 1}}, false), withEdges...),
		export("chain4", analysis.SmallNetwork(4, [][3]float64{{0, 1, 1}, {1, 2, 1}, {2, 3, 1}}, false), withEdges...),
		export("weighted-star", analysis.SmallNetwork(5, [][3]float64{{0, 1, 2}, {0, 2, 2}, {0, 3, 1}, {0, 4, 1}}, true), withEdges...),
		export("bridge", analysis.SmallNetwork(6, bridge, false), withEdges...),
		export("weighted-bridge", analysis.SmallNetwork(6, wbridge, true), withEdges...),
	}
	checkNetworkx(t, py, graphs)
}
