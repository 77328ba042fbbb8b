package analysis

import (
	"context"
	"fmt"
	"strconv"
)

// SetFoldMin sets the least overlay that is folded and returns the
// function that restores it.
func SetFoldMin(n int) (restore func()) {
	old := foldMin
	foldMin = n
	return func() { foldMin = old }
}

// Overlay is the number of rows of the analyzer's adjacency that changes
// replaced since it was built (-1 without an adjacency).
func (a *Analyzer) Overlay() int {
	a.adjMu.Lock()
	defer a.adjMu.Unlock()
	if a.adj == nil {
		return -1
	}
	return len(a.adj.rows)
}

// Folding reports whether a fold of the analyzer's overlay runs in the
// background.
func (a *Analyzer) Folding() bool {
	a.adjMu.Lock()
	defer a.adjMu.Unlock()
	return a.adjFolding
}

// SearchWork is the work of one search on the analyzer's adjacency: whether
// a path was found, its length, the nodes marked and the arcs scanned.
type SearchWork struct {
	Bounded       bool // the landmark bound proved that there is no path (no search)
	Found         bool
	Length        int
	Visited, Arcs int
	Pruned        int // nodes the search discarded by the landmark bound
}

// SearchOnly runs the search of ShortestPaths on the analyzer's adjacency
// (no store read: the paths carry IDs only) and returns its work; ok is
// false without an adjacency or when an end has no relationship.
func (a *Analyzer) SearchOnly(q PathQuery) (w SearchWork, ok bool) {
	a.adjMu.Lock()
	adj := a.adj
	a.adjMu.Unlock()
	if adj == nil {
		return w, false
	}
	src, ok1 := adj.lookup(q.From)
	dst, ok2 := adj.lookup(q.To)
	if !ok1 || !ok2 || src == dst {
		return w, false
	}
	if adj.farther(src, dst, q.MaxHops) {
		return SearchWork{Bounded: true}, true
	}
	x := adj.search()
	defer adj.pool.Put(x)
	defer x.clear()
	ps, _, err := x.paths(context.Background(), q, src, dst)
	if err != nil {
		panic(err)
	}
	w = SearchWork{Found: len(ps) > 0, Visited: x.stats.visited, Arcs: x.stats.arcs, Pruned: x.stats.pruned}
	if w.Found {
		w.Length = ps[0].Length()
	}
	return w, true
}

// SetLandmarks sets the number of landmarks of the adjacencies built from
// now on and returns the function that restores it.
func SetLandmarks(k int) (restore func()) {
	old := numLandmarks
	numLandmarks = k
	return func() { numLandmarks = old }
}

// Relandmark replaces the landmarks of the analyzer's adjacency with
// numLandmarks new ones.
func (a *Analyzer) Relandmark() {
	a.adj.lms.p.Store(newLandmarks(a.adj, numLandmarks))
}

// Modularity is the modularity of p on net as Communities computes it.
func Modularity(net *Network, p *Partition) float64 {
	return partitionModularity(net, p.Communities)
}

// ChainNetwork is a path of n museums, Museum:0 – Museum:1 – … (unweighted):
// the network on which power iterations converge slowest.
func ChainNetwork(n int) *Network {
	ids := make([]string, n)
	var edges []wedge
	for i := range ids {
		ids[i] = "Museum:" + strconv.Itoa(i)
		if i > 0 {
			edges = append(edges, wedge{int32(i - 1), int32(i), 1})
		}
	}
	net := newNetwork(ids)
	net.G = newGraph(n, edges, false)
	return net
}

// SmallNetwork is a network of n museums, Museum:000, Museum:001, … (node
// i is the i-th), with the edges (a, b, weight); weighted as a projection
// (else every weight must be 1).
func SmallNetwork(n int, edges [][3]float64, weighted bool) *Network {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("Museum:%03d", i)
	}
	ws := make([]wedge, len(edges))
	for i, e := range edges {
		ws[i] = wedge{int32(e[0]), int32(e[1]), e[2]}
	}
	net := newNetwork(ids)
	net.G, net.Edges, net.Weighted = newGraph(n, ws, weighted), len(ws), weighted
	return net
}
