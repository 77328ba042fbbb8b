package analysis

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// Graph is the undirected, weighted graph of a Network in compressed
// sparse rows: nodes 0…n−1, the neighbors of node i in to[off[i]:off[i+1]]
// in ascending order, each edge once in the row of each end. It implements
// gonum's graph.WeightedUndirected (nodes and neighbors come in ID order,
// so the algorithms that walk them are deterministic) with the weights of
// simple.WeightedUndirectedGraph(0, 0): Weight(x, x) is (0, true), an
// absent edge (0, false). About 12 bytes per edge end (20 when weighted)
// and one boxed node per node, instead of the maps of a
// simple.WeightedUndirectedGraph (about 400 bytes per edge).
type Graph struct {
	nodes []graph.Node // simple.Node(i), boxed once
	off   []int32
	to    []int32
	w     []float64 // the weights of to's edges; nil: every weight is 1
	edges int
}

// wedge is an edge a–b of weight w (a < b).
type wedge struct {
	a, b int32
	w    float64
}

// newGraph returns the graph of n nodes and the edges (each pair once;
// weights kept only when weighted).
func newGraph(n int, edges []wedge, weighted bool) *Graph {
	g := &Graph{nodes: make([]graph.Node, n), off: make([]int32, n+1), edges: len(edges)}
	for i := range g.nodes {
		g.nodes[i] = simple.Node(int64(i))
	}
	for _, e := range edges {
		g.off[e.a+1]++
		g.off[e.b+1]++
	}
	for i := 1; i <= n; i++ {
		g.off[i] += g.off[i-1]
	}
	// Sorted by (a, b), the rows fill in ascending order: a row of x gets
	// its neighbors b > x in the order of the edges (x, b), and its
	// neighbors a < x in the order of the edges (a, x), which come first.
	slices.SortFunc(edges, func(x, y wedge) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
	g.to = make([]int32, 2*len(edges))
	if weighted {
		g.w = make([]float64, 2*len(edges))
	}
	fill := slices.Clone(g.off[:n])
	put := func(a, b int32, w float64) {
		g.to[fill[a]] = b
		if g.w != nil {
			g.w[fill[a]] = w
		}
		fill[a]++
	}
	for _, e := range edges {
		put(e.a, e.b, e.w)
		put(e.b, e.a, e.w)
	}
	return g
}

// Edges is the number of edges.
func (g *Graph) Edges() int { return g.edges }

// find returns the position of v in the row of u, or -1.
func (g *Graph) find(u, v int64) int {
	n := int64(len(g.nodes))
	if u < 0 || u >= n || v < 0 || v >= n {
		return -1
	}
	lo, hi := g.off[u], g.off[u+1]
	k, ok := slices.BinarySearch(g.to[lo:hi], int32(v))
	if !ok {
		return -1
	}
	return int(lo) + k
}

func (g *Graph) weight(k int) float64 {
	if g.w == nil {
		return 1
	}
	return g.w[k]
}

// Node returns node id, nil when there is none.
func (g *Graph) Node(id int64) graph.Node {
	if id < 0 || id >= int64(len(g.nodes)) {
		return nil
	}
	return g.nodes[id]
}

// Nodes returns every node in ID order.
func (g *Graph) Nodes() graph.Nodes { return iterator.NewOrderedNodes(g.nodes) }

// From returns the neighbors of id in ID order.
func (g *Graph) From(id int64) graph.Nodes {
	if id < 0 || id >= int64(len(g.nodes)) {
		return graph.Empty
	}
	row := g.to[g.off[id]:g.off[id+1]]
	if len(row) == 0 {
		return graph.Empty
	}
	ns := make([]graph.Node, len(row))
	for k, v := range row {
		ns[k] = g.nodes[v]
	}
	return iterator.NewOrderedNodes(ns)
}

// HasEdgeBetween reports whether x and y are joined.
func (g *Graph) HasEdgeBetween(x, y int64) bool { return g.find(x, y) >= 0 }

// Edge returns the edge u–v (a simple.WeightedEdge), nil when absent.
func (g *Graph) Edge(u, v int64) graph.Edge {
	if e := g.WeightedEdge(u, v); e != nil {
		return e
	}
	return nil
}

// EdgeBetween is Edge.
func (g *Graph) EdgeBetween(x, y int64) graph.Edge { return g.Edge(x, y) }

// WeightedEdge returns the edge u–v with its weight, nil when absent.
func (g *Graph) WeightedEdge(u, v int64) graph.WeightedEdge {
	k := g.find(u, v)
	if k < 0 {
		return nil
	}
	return simple.WeightedEdge{F: g.nodes[u], T: g.nodes[v], W: g.weight(k)}
}

// WeightedEdgeBetween is WeightedEdge.
func (g *Graph) WeightedEdgeBetween(x, y int64) graph.WeightedEdge { return g.WeightedEdge(x, y) }

// Weight returns the weight of x–y: (0, true) when x == y, (0, false)
// when they are not joined.
func (g *Graph) Weight(x, y int64) (float64, bool) {
	if x == y {
		return 0, true
	}
	if k := g.find(x, y); k >= 0 {
		return g.weight(k), true
	}
	return 0, false
}

// WeightedEdges returns every edge once (From < To), ordered by From,
// then To.
func (g *Graph) WeightedEdges() graph.WeightedEdges {
	es := make([]graph.WeightedEdge, 0, g.edges)
	for u := range g.nodes {
		for k := g.off[u]; k < g.off[u+1]; k++ {
			if v := g.to[k]; int(v) > u {
				es = append(es, simple.WeightedEdge{F: g.nodes[u], T: g.nodes[v], W: g.weight(int(k))})
			}
		}
	}
	return iterator.NewOrderedWeightedEdges(es)
}
