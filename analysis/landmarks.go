package analysis

import (
	"sync"
	"sync/atomic"
)

// Landmark lower bounds on the distance between two nodes (the "ALT"
// bound of Goldberg and Harrelson, 2005), so that a shortest-path search
// between ends more than maxHops apart is answered without the search.
//
// At 1M nodes, 96% of random museum pairs have no path within maxHops 6,
// although the graph is one connected component (but for a few nodes):
// they are more than 6 hops apart, and each of those searches scanned
// about 130,000 arcs before giving up. For every node v and landmark L,
// d(L, v) is its distance in hops (every relationship type, either
// direction); the triangle inequality gives
//
//	d(a, b) ≥ |d(L, a) − d(L, b)|
//
// and d(a, b) = ∞ when exactly one of a, b is reachable from L. When the
// best bound over the landmarks exceeds maxHops, there is no path.
//
// The distances are those of the compressed rows an Adjacency was built
// with. Writes since then keep the bound valid as follows:
//   - A removed relationship or node only lengthens distances: a bound of
//     the old graph is still a lower bound.
//   - An added relationship can shorten them. The adjacency keeps the
//     ends of the relationships added since the build (added). A shortest
//     path that uses added relationships goes from a to the first added
//     one's first end x over old relationships, then at least one hop,
//     then from the last added one's second end y to b over old
//     relationships, so d(a, b) ≥ min(LB(a, b), min_x LB(a, x) + 1 +
//     min_y LB(y, b)), x and y over the ends added. A node added since
//     the build has no distances: its bound to any node is 0.
//   - Past maxAddedEnds ends the bound is not used (the search runs) and
//     the adjacency is folded into new rows with new landmarks in the
//     background (overlay.go).
//
// A relationship-type filter (PathQuery.Rels) only removes relationships,
// so the bound of the whole graph holds for it too.

// numLandmarks is the number of landmarks of an adjacency: one byte per
// node each (32 MB at 1M nodes) and one breadth-first search of the whole
// graph each, after the adjacency is read or folded (in the background of
// requests, which search in full meanwhile). At 1M, 16 landmarks proved
// 55% of the random museum pairs without a path within 6 hops farther
// apart, 32 landmarks 85% (the bulk graph is local to its 31 provinces:
// a pair of two provinces needs a landmark in the periphery of one of
// them), and with 32 the pruning kept the other searches to a few
// thousand arcs (docs/benchmarks.md, "Shortest path: no-path bound").
var numLandmarks = 32

// maxAddedEnds is the most ends of added relationships the bound takes
// into account (each costs 2 × numLandmarks byte comparisons per search).
var maxAddedEnds = 4096

// Distances stored per landmark.
const (
	lmUnreached = 255 // not reachable from the landmark
	lmMax       = 254 // longer distances are stored as lmMax (a 1-Lipschitz cap keeps the bound valid)
)

// lmFar is a bound that exceeds every maxHops: the ends are in different
// components.
const lmFar = 1 << 20

// landmarks are the distances from k landmarks to the n nodes of the
// compressed rows of an adjacency: dist[v*k+l] is d(landmark l, node v)
// (lmMax at most, lmUnreached when not reachable).
type landmarks struct {
	k, n  int
	nodes []int32 // the landmarks
	dist  []uint8
}

// newLandmarks chooses k landmarks of the compressed rows of a (not its
// overlay) and computes their distances. The choice is the "farthest"
// heuristic: the first landmark is the node of highest degree (the lowest
// index among equals), each next one a node of a component without a
// landmark yet when there is one, else the node farthest from the chosen
// ones (the largest minimum distance; the lowest index among equals).
// Landmarks on the periphery bound the most pairs. With fewer than k
// nodes, every node is one.
func newLandmarks(a *Adjacency, k int) *landmarks {
	n := len(a.ids)
	k = min(k, n)
	lm := &landmarks{k: k, n: n, dist: make([]uint8, n*k)}
	if k == 0 {
		return lm
	}
	first, best := int32(0), int32(-1)
	for v := range int32(n) {
		if d := a.off[v+1] - a.off[v]; d > best {
			first, best = v, d
		}
	}
	minDist := make([]uint8, n) // to the nearest landmark so far (lmUnreached: none reaches v)
	for i := range minDist {
		minDist[i] = lmUnreached
	}
	// One search at a time in a byte per node (1 MB at 1M nodes: the
	// random accesses stay in the cache), then copied into dist.
	one := make([]uint8, n)
	queue := make([]int32, 0, n)
	next := first
	for l := range k {
		lm.nodes = append(lm.nodes, next)
		queue = bfsHops(a, next, one, queue)
		next, best = -1, -1
		for v, own := range one {
			lm.dist[v*k+l] = own
			d := minDist[v]
			if own < d {
				d, minDist[v] = own, own
			}
			// An unreached node (255) beats every reached one.
			if int32(d) > best && d != 0 {
				next, best = int32(v), int32(d)
			}
		}
		if next < 0 {
			break // every node is a landmark
		}
	}
	if len(lm.nodes) < k { // fewer nodes than landmarks: trim
		k2 := len(lm.nodes)
		d := make([]uint8, n*k2)
		for v := range n {
			copy(d[v*k2:(v+1)*k2], lm.dist[v*k:v*k+k2])
		}
		lm.k, lm.dist = k2, d
	}
	return lm
}

// bfsHops sets dist[v] to the distance from root to v over the compressed
// rows of a (lmMax at most, lmUnreached when not reachable) by a
// direction-optimizing breadth-first search (Beamer, Asanović and
// Patterson, 2012): a level whose frontier holds more than a twentieth of
// the nodes is found bottom-up, each node not yet reached scanning its row
// only until a neighbor in the frontier, which in the large middle levels
// of a small-world graph reads far fewer arcs than expanding the frontier.
// queue is scratch of capacity len(dist), returned for reuse.
func bfsHops(a *Adjacency, root int32, dist []uint8, queue []int32) []int32 {
	n := len(dist)
	for v := range dist {
		dist[v] = lmUnreached
	}
	dist[root] = 0
	queue = append(queue[:0], root)
	lo := 0 // the frontier is queue[lo:]
	for level := 0; lo < len(queue); level++ {
		frontier := len(queue) - lo
		nd := uint8(min(level+1, lmMax))
		if frontier > n/20 && level+1 < lmMax {
			hi := len(queue)
			for v := range int32(n) {
				if dist[v] != lmUnreached {
					continue
				}
				for _, r := range a.arcs[a.off[v]:a.off[v+1]] {
					if dist[r.to] == uint8(level) {
						dist[v] = nd
						queue = append(queue, v)
						break
					}
				}
			}
			lo = hi
			continue
		}
		hi := len(queue)
		for _, u := range queue[lo:hi] {
			for _, r := range a.arcs[a.off[u]:a.off[u+1]] {
				if dist[r.to] == lmUnreached {
					dist[r.to] = nd
					queue = append(queue, r.to)
				}
			}
		}
		lo = hi
	}
	return queue
}

// bound is the landmark lower bound on the distance between nodes u and v
// of the rows the landmarks were computed on (0 when either is a node
// added since, lmFar when they are in different components).
func (lm *landmarks) bound(u, v int32) int {
	if int(u) >= lm.n || int(v) >= lm.n {
		return 0
	}
	k := lm.k
	du, dv := lm.dist[int(u)*k:int(u)*k+k], lm.dist[int(v)*k:int(v)*k+k]
	best := 0
	for l, x := range du {
		y := dv[l]
		if x == lmUnreached || y == lmUnreached {
			if x != y {
				return lmFar
			}
			continue
		}
		best = max(best, int(x)-int(y), int(y)-int(x))
	}
	return best
}

// lmSlot holds the landmarks of one build of compressed rows once they
// are computed (nil until then: no bound, the searches run in full).
type lmSlot struct {
	once sync.Once
	p    atomic.Pointer[landmarks]
}

// landmarks returns the adjacency's landmarks, nil when not computed yet.
func (a *Adjacency) landmarks() *landmarks {
	if a.lms == nil {
		return nil
	}
	return a.lms.p.Load()
}

// computeLandmarks computes the landmarks of a's compressed rows unless
// they are (one computation per build; a concurrent caller waits for it).
// About numLandmarks breadth-first searches of the whole graph: a caller
// publishes the adjacency first, so that requests do not wait for them.
func (a *Adjacency) computeLandmarks() {
	a.lms.once.Do(func() { a.lms.p.Store(newLandmarks(a, numLandmarks)) })
}

// farther reports whether the adjacency proves that src and dst are more
// than maxHops apart (no path of at most maxHops relationships), from its
// landmarks and the ends of the relationships added since they were
// computed. False means nothing: the search decides.
func (a *Adjacency) farther(src, dst int32, maxHops int) bool {
	lm := a.landmarks()
	if lm == nil || a.addedOver {
		return false
	}
	if lm.bound(src, dst) <= maxHops {
		return false
	}
	if len(a.added) == 0 {
		return true
	}
	// A path through added relationships: a → x (old), x … y, y → b (old).
	toX, fromY := lmFar, lmFar
	for _, x := range a.added {
		toX = min(toX, lm.bound(src, x))
		fromY = min(fromY, lm.bound(x, dst))
		if toX+1+fromY <= maxHops {
			return false
		}
	}
	return true
}

// exceeds reports whether the landmark bound between nodes u and v is
// larger than limit (bound(u, v) > limit, stopping at the first landmark
// that shows it).
func (lm *landmarks) exceeds(u, v int32, limit int) bool {
	if int(u) >= lm.n || int(v) >= lm.n {
		return false
	}
	k := lm.k
	du, dv := lm.dist[int(u)*k:int(u)*k+k], lm.dist[int(v)*k:int(v)*k+k]
	for l, x := range du {
		y := dv[l]
		if x == lmUnreached || y == lmUnreached {
			if x != y {
				return true
			}
			continue
		}
		if int(x)-int(y) > limit || int(y)-int(x) > limit {
			return true
		}
	}
	return false
}

// maxPruneAdded is the most ends of added relationships with which the
// search prunes by the landmark bound (each costs a bound per node
// pruned); with more, the search does not prune.
const maxPruneAdded = 16

// Pruning the search. A node v that one side of the search reaches at d
// hops from its root lies on a path of at most maxHops relationships
// only if d(v, other root) ≤ maxHops − d. When its lower bound exceeds
// that, the side marks it pruned (lmPruned in its half of the mark) and
// neither records it in a level nor expands it. A node of a shortest path
// of length L ≤ maxHops, i hops from the root, has d(v, other root) =
// L − i ≤ maxHops − i, so it is never pruned; it is then reached at
// exactly i hops (its predecessor on the path is not pruned either), and
// the levels hold every node of every shortest path at its distance from
// each end: the meeting, the walk and so the paths and their order are
// those of the search without pruning.

// lmPruned in a side's half of a node's mark: the side pruned the node
// (distances+1 are at most MaxMaxHops+1 < lmPruned).
const lmPruned = 15

// prunes reports whether the search may discard node v, reached d hops
// from the root of its side, whose other root is other: the bound shows
// that d(v, other) > maxHops − d, counting the relationships added since
// the landmarks (x.lm nil: the search does not prune).
func (x *adjSearch) prunes(v, other int32, limit int) bool {
	lm := x.lm
	if lm == nil || !lm.exceeds(v, other, limit) {
		return false
	}
	if len(x.a.added) == 0 {
		return true
	}
	// Through added relationships: v → x (old), x … y, y → other (old).
	yMin := x.yMin[0]
	if other == x.src {
		yMin = x.yMin[1]
	}
	rest := limit - 1 - yMin
	if rest < 0 {
		return true
	}
	for _, e := range x.a.added {
		if !lm.exceeds(v, e, rest) {
			return false
		}
	}
	return true
}

// startPruning sets up the pruning of a search from src to dst (see
// prunes): the landmarks when the adjacency has them and few enough
// relationships were added, and the least bound from the ends added to
// dst (yMin[0]) and to src (yMin[1]).
func (x *adjSearch) startPruning(src, dst int32) {
	a := x.a
	x.lm = a.landmarks()
	if x.lm == nil || a.addedOver || len(a.added) > maxPruneAdded {
		x.lm = nil
		return
	}
	x.yMin = [2]int{lmFar, lmFar}
	for _, y := range a.added {
		x.yMin[0] = min(x.yMin[0], x.lm.bound(y, dst))
		x.yMin[1] = min(x.yMin[1], x.lm.bound(y, src))
	}
}
