package analysis

import (
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// csrGraph is a Network's graph with every edge in both directions, in
// compressed sparse rows over the node indexes: what gonum's PageRank
// walks (graph.Directed), read from arrays instead of the maps of
// simple.WeightedUndirectedGraph. Nodes and neighbors come in index order.
// About 12 bytes per edge end (20 when weighted) plus one boxed node per
// node.
type csrGraph struct {
	nodes []graph.Node // simple.Node(i), boxed once
	off   []int32      // the neighbors of i are to[off[i]:off[i+1]], ascending
	to    []int32
	w     []float64 // the weights of to's edges; nil: every weight is 1
}

// weightedCSR is a csrGraph with its weights (graph.WeightedDirected).
type weightedCSR struct{ *csrGraph }

// newCSR reads the edges of net's graph (one pass over them).
func newCSR(net *Network) *csrGraph {
	n := len(net.IDs)
	c := &csrGraph{nodes: make([]graph.Node, n), off: make([]int32, n+1)}
	for i := range c.nodes {
		c.nodes[i] = simple.Node(int64(i))
	}
	type edge struct {
		a, b int32
		w    float64
	}
	es := make([]edge, 0, net.Edges)
	it := net.G.WeightedEdges()
	for it.Next() {
		e := it.WeightedEdge()
		a, b := int32(e.From().ID()), int32(e.To().ID())
		es = append(es, edge{a, b, e.Weight()})
		c.off[a+1]++
		c.off[b+1]++
	}
	for i := 1; i <= n; i++ {
		c.off[i] += c.off[i-1]
	}
	c.to = make([]int32, 2*len(es))
	if net.Weighted {
		c.w = make([]float64, 2*len(es))
	}
	fill := slices.Clone(c.off[:n])
	put := func(a, b int32, w float64) {
		c.to[fill[a]] = b
		if c.w != nil {
			c.w[fill[a]] = w
		}
		fill[a]++
	}
	for _, e := range es {
		put(e.a, e.b, e.w)
		put(e.b, e.a, e.w)
	}
	for i := range n {
		lo, hi := c.off[i], c.off[i+1]
		if c.w == nil {
			slices.Sort(c.to[lo:hi])
			continue
		}
		idx := make([]int32, hi-lo)
		for k := range idx {
			idx[k] = int32(k)
		}
		row, ws := slices.Clone(c.to[lo:hi]), slices.Clone(c.w[lo:hi])
		slices.SortFunc(idx, func(x, y int32) int { return int(row[x]) - int(row[y]) })
		for k, x := range idx {
			c.to[lo+int32(k)], c.w[lo+int32(k)] = row[x], ws[x]
		}
	}
	return c
}

// pageRankGraph is the graph gonum's PageRank walks: weighted when the
// network is.
func (c *csrGraph) pageRankGraph() graph.Directed {
	if c.w != nil {
		return weightedCSR{c}
	}
	return c
}

// find returns the position of v in the row of u, or -1.
func (c *csrGraph) find(u, v int64) int {
	if u < 0 || u >= int64(len(c.nodes)) || v < 0 || v >= int64(len(c.nodes)) {
		return -1
	}
	lo, hi := c.off[u], c.off[u+1]
	k, ok := slices.BinarySearch(c.to[lo:hi], int32(v))
	if !ok {
		return -1
	}
	return int(lo) + k
}

func (c *csrGraph) Node(id int64) graph.Node {
	if id < 0 || id >= int64(len(c.nodes)) {
		return nil
	}
	return c.nodes[id]
}

func (c *csrGraph) Nodes() graph.Nodes { return iterator.NewOrderedNodes(c.nodes) }

func (c *csrGraph) From(id int64) graph.Nodes {
	if id < 0 || id >= int64(len(c.nodes)) {
		return graph.Empty
	}
	row := c.to[c.off[id]:c.off[id+1]]
	ns := make([]graph.Node, len(row))
	for k, v := range row {
		ns[k] = c.nodes[v]
	}
	return iterator.NewOrderedNodes(ns)
}

// To is From: every edge goes both ways.
func (c *csrGraph) To(id int64) graph.Nodes { return c.From(id) }

func (c *csrGraph) HasEdgeBetween(x, y int64) bool { return c.find(x, y) >= 0 }

func (c *csrGraph) HasEdgeFromTo(u, v int64) bool { return c.find(u, v) >= 0 }

func (c *csrGraph) Edge(u, v int64) graph.Edge {
	if e := c.weightedEdge(u, v); e != nil {
		return e
	}
	return nil
}

func (c *csrGraph) weightedEdge(u, v int64) graph.WeightedEdge {
	k := c.find(u, v)
	if k < 0 {
		return nil
	}
	w := 1.0
	if c.w != nil {
		w = c.w[k]
	}
	return simple.WeightedEdge{F: c.nodes[u], T: c.nodes[v], W: w}
}

func (c weightedCSR) WeightedEdge(u, v int64) graph.WeightedEdge { return c.weightedEdge(u, v) }

// Weight is the weight of the edge u–v; (0, true) for u == v, like the
// network's simple.WeightedUndirectedGraph.
func (c weightedCSR) Weight(u, v int64) (float64, bool) {
	if u == v && c.Node(u) != nil {
		return 0, true
	}
	if k := c.find(u, v); k >= 0 {
		return c.w[k], true
	}
	return 0, false
}
