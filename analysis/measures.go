package analysis

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
	"gonum.org/v1/gonum/graph/traverse"
	"math/rand/v2"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/kepugraph/kepugraph/kepu"
)

// Centrality algorithms (see Centrality).
const (
	Degree      = "DEGREE"
	PageRank    = "PAGERANK"
	Betweenness = "BETWEENNESS"
	Closeness   = "CLOSENESS"
	Eigenvector = "EIGENVECTOR"
)

// Community algorithms (see Communities).
const (
	Louvain             = "LOUVAIN"
	LabelPropagation    = "LABEL_PROPAGATION"
	ConnectedComponents = "CONNECTED_COMPONENTS"
)

// MaxPathMeasureNodes is the largest network BETWEENNESS and CLOSENESS run
// on (they search shortest paths from every node: O(nodes × edges)).
const MaxPathMeasureNodes = 5000

// Damping is the PageRank damping factor.
const Damping = 0.85

// CommunitySeed seeds Louvain, so that a graph always gives one partition.
const CommunitySeed = 1

// Scored is a node ID with its score.
type Scored struct {
	ID    string
	Score float64
}

// Centrality returns the score of every node of net, highest first, then by
// ID, each rounded to scoreDigits significant digits. net is undirected
// (every relationship counts in both directions); a projection's weights
// count where said. Each is the figure networkx computes on the same
// graph (TestNetworkx, TestNetworkxSmall):
//
//   - DEGREE: neighbors/(n−1), 1 for the node of a one-node network
//     (nx.degree_centrality; weights not used);
//   - PAGERANK: damping 0.85, every edge walked both ways with its weight,
//     scores summing to 1 (nx.pagerank(G, alpha=0.85, weight="weight"),
//     see pageRank);
//   - BETWEENNESS: gonum network.Betweenness on hop counts (weights not
//     used), divided by (n−1)(n−2), 0 for n ≤ 2
//     (nx.betweenness_centrality(G, normalized=True, weight=None));
//   - CLOSENESS: Wasserman–Faust, (r/(n−1))·(r/Σd) over the r nodes
//     reachable by breadth first search (gonum traverse), d in hops, 0 for
//     a node that reaches none (nx.closeness_centrality(G), distance=None);
//   - EIGENVECTOR: power iteration on A+I, A the weighted adjacency, unit
//     L2 norm, at most 1,000 rounds until they differ by less than n·1e-9
//     (nx.eigenvector_centrality(G, max_iter=1000, tol=1e-9,
//     weight="weight"): on a projection networkx's default, weight=None,
//     gives other figures); BAD_USER_INPUT when it does not converge.
//
// The scores are computed to the end; Analyzer.Centrality stops PAGERANK,
// CLOSENESS and EIGENVECTOR between rounds once nobody waits for them
// (gonum's betweenness cannot be interrupted).
func Centrality(net *Network, algorithm string) ([]Scored, error) {
	return centrality(context.Background(), net, algorithm)
}

// centrality is Centrality, returning ctx's error between rounds of the
// measures computed here once ctx is done.
func centrality(ctx context.Context, net *Network, algorithm string) ([]Scored, error) {
	n := len(net.IDs)
	score := make([]float64, n)
	if (algorithm == Betweenness || algorithm == Closeness) && n > MaxPathMeasureNodes {
		return nil, kepu.Errorf(kepu.BadUserInput, "%s needs a shortest-path search from every node: at most %d nodes, this graph has %d (choose labels, relationships or a projection)", algorithm, MaxPathMeasureNodes, n)
	}
	switch algorithm {
	case Degree:
		for i := range n {
			if n == 1 {
				// networkx's degree_centrality gives the one node of a
				// graph 1 (0/0 otherwise): it is joined to every other.
				score[i] = 1
			} else {
				score[i] = float64(net.G.From(int64(i)).Len()) / float64(n-1)
			}
		}
	case PageRank:
		var err error
		if score, err = pageRank(ctx, net.G); err != nil {
			return nil, err
		}
	case Betweenness:
		if n > 2 {
			f := 1 / float64((n-1)*(n-2))
			for id, s := range network.Betweenness(unweighted{net.G}) {
				score[id] = s * f
			}
		}
	case Closeness:
		for i := range n {
			if i%64 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var bf traverse.BreadthFirst
			sum, reach := 0, 0
			bf.Walk(unweighted{net.G}, simple.Node(int64(i)), func(_ graph.Node, depth int) bool {
				sum += depth
				reach++
				return false
			})
			r := float64(reach - 1)
			if sum > 0 && n > 1 {
				score[i] = (r / float64(n-1)) * (r / float64(sum))
			}
		}
	case Eigenvector:
		var err error
		if score, err = eigenvector(ctx, net); err != nil {
			return nil, err
		}
	default:
		return nil, kepu.Errorf(kepu.BadUserInput, "unknown centrality algorithm %q", algorithm)
	}
	out := make([]Scored, n)
	for i, id := range net.IDs {
		out[i] = Scored{ID: id, Score: roundScore(score[i])}
	}
	slices.SortStableFunc(out, func(a, b Scored) int { return cmp.Compare(b.Score, a.Score) })
	return out, nil
}

// scoreDigits is how many significant digits a score keeps.
const scoreDigits = 7

// roundScore rounds a score to scoreDigits significant digits. Every
// measure sums in a fixed order, so a network gives the same bits on every
// run and backend; the rounding keeps the figures to what the iterations'
// tolerances make meaningful (gonum's PageRank, used until 2026-12-02,
// varied by about 1e-13 between runs).
func roundScore(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', scoreDigits, 64), 64)
	return r
}

// pageRank is networkx's pagerank (alpha 0.85, uniform teleport and
// dangling distribution) on g with every edge walked both ways: x ← α·(xW
// + d/n) + (1−α)/n from x = 1/n, W the weights divided by the weighted
// degree of the node left, d the score of the nodes without an edge, until
// the rounds differ by less than n·1e-12 in sum (at most 1,000 rounds).
// Each score is summed over its row of g in order, so a graph always gives
// the same bits (gonum's PageRankSparse starts from a random vector and
// sums in map order: the last digits varied). It returns ctx's error
// between rounds once ctx is done.
func pageRank(ctx context.Context, g *Graph) ([]float64, error) {
	n := len(g.nodes)
	x := make([]float64, n)
	if n == 0 {
		return x, nil
	}
	deg := make([]float64, n) // weighted degree
	for u := range n {
		for j := g.off[u]; j < g.off[u+1]; j++ {
			deg[u] += g.weight(int(j))
		}
	}
	for i := range x {
		x[i] = 1 / float64(n)
	}
	share := make([]float64, n) // x[u]/deg[u]: what u gives per unit of weight
	next := make([]float64, n)
	for range 1000 {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		dangling := 0.0
		for u := range n {
			if deg[u] == 0 {
				dangling += x[u]
				share[u] = 0
			} else {
				share[u] = x[u] / deg[u]
			}
		}
		base := (1-Damping)/float64(n) + Damping*dangling/float64(n)
		diff := 0.0
		for v := range n {
			in := 0.0
			for j := g.off[v]; j < g.off[v+1]; j++ {
				in += share[g.to[j]] * g.weight(int(j))
			}
			next[v] = base + Damping*in
			diff += math.Abs(next[v] - x[v])
		}
		x, next = next, x
		if diff < float64(n)*1e-12 {
			break
		}
	}
	return x, nil
}

// eigenvector is networkx's eigenvector_centrality: x ← (A+I)x, normalized
// to unit length, from x = 1/n, until the change is below n·1e-9 (at most
// 1,000 rounds). gonum has no eigenvector centrality for sparse graphs.
// It returns ctx's error between rounds once ctx is done, and a
// BAD_USER_INPUT error when the rounds have not converged after the last
// (networkx raises PowerIterationFailedConvergence there).
func eigenvector(ctx context.Context, net *Network) ([]float64, error) {
	n := len(net.IDs)
	x := make([]float64, n)
	if n == 0 {
		return x, nil
	}
	type arc struct {
		a, b int
		w    float64
	}
	var arcs []arc
	edges := net.G.WeightedEdges()
	for edges.Next() {
		e := edges.WeightedEdge()
		arcs = append(arcs, arc{int(e.From().ID()), int(e.To().ID()), e.Weight()})
	}
	for i := range x {
		x[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	diff := 0.0
	for range eigenvectorRounds {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		copy(next, x)
		for _, e := range arcs {
			next[e.a] += x[e.b] * e.w
			next[e.b] += x[e.a] * e.w
		}
		norm := 0.0
		for _, v := range next {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			norm = 1
		}
		diff = 0.0
		for i := range next {
			next[i] /= norm
			diff += math.Abs(next[i] - x[i])
		}
		x, next = next, x
		if diff < float64(n)*1e-9 {
			return x, nil
		}
	}
	return nil, kepu.Errorf(kepu.BadUserInput, "EIGENVECTOR did not converge in %d rounds (the last changed the scores by %.2g in sum, the tolerance is %.2g): "+
		"the network's two largest eigenvalues are too close, as in a long chain or several components alike; "+
		"choose labels, relationships, within or a projection, or use PAGERANK or DEGREE", eigenvectorRounds, diff, float64(n)*1e-9)
}

// eigenvectorRounds is the most power iterations eigenvector runs
// (networkx's max_iter as the API states it).
const eigenvectorRounds = 1000

// Partition is a division of a network into communities.
type Partition struct {
	// Communities, largest first, then by first member; members by ID.
	Communities [][]string
	Modularity  float64
	Nodes       int
}

// Communities partitions net. LOUVAIN: gonum community.Modularize
// (resolution 1, seed CommunitySeed); LABEL_PROPAGATION: synchronous-free
// label propagation in ID order (gonum has none), weighted, ties to the
// smallest label, until stable (at most 100 rounds); CONNECTED_COMPONENTS:
// gonum topo.ConnectedComponents. Modularity is Newman's Q with resolution
// 1 (gonum community.Q's value, computed from the edges: see modularity).
//
// Analyzer.Communities stops LABEL_PROPAGATION between rounds once nobody
// waits for it (gonum's Louvain cannot be interrupted).
func Communities(net *Network, algorithm string) (*Partition, error) {
	return communities(context.Background(), net, algorithm)
}

// communities is Communities, returning ctx's error between rounds of
// label propagation once ctx is done.
func communities(ctx context.Context, net *Network, algorithm string) (*Partition, error) {
	var comms [][]graph.Node
	switch algorithm {
	case Louvain:
		r := community.Modularize(net.G, 1, rand.NewPCG(CommunitySeed, 0))
		comms = r.Communities()
	case LabelPropagation:
		var err error
		if comms, err = labelPropagation(ctx, net); err != nil {
			return nil, err
		}
	case ConnectedComponents:
		comms = topo.ConnectedComponents(net.G)
	default:
		return nil, kepu.Errorf(kepu.BadUserInput, "unknown community algorithm %q", algorithm)
	}
	p := &Partition{Nodes: len(net.IDs)}
	for _, c := range comms {
		ids := make([]string, len(c))
		for i, nd := range c {
			ids[i] = net.IDs[nd.ID()]
		}
		slices.Sort(ids)
		p.Communities = append(p.Communities, ids)
	}
	slices.SortFunc(p.Communities, func(a, b []string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), cmp.Compare(a[0], b[0]))
	})
	// Q of the sorted partition: whatever order the algorithm gave the
	// communities in (label propagation's come from a map), the sums run
	// in the same order.
	p.Modularity = partitionModularity(net, p.Communities)
	return p, nil
}

// partitionModularity is the modularity (resolution 1) of the partition of
// net into communities (node IDs), summed in the communities' order.
func partitionModularity(net *Network, communities [][]string) float64 {
	member := make([]int32, len(net.IDs))
	for i := range member {
		member[i] = -1
	}
	for c, ids := range communities {
		for _, id := range ids {
			member[net.Index[id]] = int32(c)
		}
	}
	return modularity(net.G, member, len(communities), 1)
}

// modularity is Newman's modularity of a partition of the undirected,
// weighted graph g with resolution γ:
//
//	Q = Σ_c [ L_c/m − γ·(d_c/2m)² ]
//
// L_c the weight of the edges inside community c, d_c the sum of the
// weighted degrees of its nodes, m the weight of every edge; member[i] is
// node i's community (0…k−1), -1 for a node in none. It is gonum's
// community.Q for such a graph (which has no self-loop), computed from
// the edges in O(nodes + edges) where community.Q visits every pair of
// nodes of a community (about 90 M weight look-ups for the reference
// graph's largest component). The sums run in a fixed order (edges by
// node, then communities by index), so a partition always gives the same
// bits. 0 for a graph without an edge (community.Q: NaN).
func modularity(g *Graph, member []int32, k int, resolution float64) float64 {
	in := make([]float64, k)  // 2·L_c: an inner edge is seen from both ends
	deg := make([]float64, k) // d_c
	var m2 float64            // 2m
	for u, c := range member {
		for j := g.off[u]; j < g.off[u+1]; j++ {
			w := g.weight(int(j))
			m2 += w
			if c < 0 {
				continue
			}
			deg[c] += w
			if member[g.to[j]] == c {
				in[c] += w
			}
		}
	}
	if m2 == 0 {
		return 0
	}
	q := 0.0
	for c := range k {
		d := deg[c] / m2
		q += in[c]/m2 - resolution*d*d
	}
	return q
}

func labelPropagation(ctx context.Context, net *Network) ([][]graph.Node, error) {
	n := len(net.IDs)
	label := make([]int64, n)
	for i := range label {
		label[i] = int64(i)
	}
	for range 100 {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		changed := false
		for i := range n {
			w := map[int64]float64{}
			nb := net.G.From(int64(i))
			for nb.Next() {
				j := nb.Node().ID()
				w[label[j]] += net.G.WeightedEdge(int64(i), j).Weight()
			}
			if len(w) == 0 {
				continue
			}
			best, bw := label[i], w[label[i]]
			for l, x := range w {
				if x > bw || (x == bw && l < best) {
					best, bw = l, x
				}
			}
			if best != label[i] {
				label[i], changed = best, true
			}
		}
		if !changed {
			break
		}
	}
	groups := map[int64][]graph.Node{}
	for i, l := range label {
		groups[l] = append(groups[l], simple.Node(int64(i)))
	}
	out := make([][]graph.Node, 0, len(groups))
	for _, g := range groups {
		out = append(out, g)
	}
	return out, nil
}

// unweighted hides the weights of a graph (every edge counts 1).
type unweighted struct {
	*Graph
}

func (u unweighted) Edge(a, b int64) graph.Edge {
	if u.HasEdgeBetween(a, b) {
		return simple.Edge{F: simple.Node(a), T: simple.Node(b)}
	}
	return nil
}

// Analyzer computes measures through a store and caches them per graph
// version: a result is computed once, and again only after a write.
//
// The cache is a least-recently-used one bounded by CacheEntries results
// and, approximately, CacheBytes. At most Slots computations (networks and
// measures) run at once; a caller waits for a slot and for the result only
// until its context is done (then it gets the context's error: TIMEOUT at
// the request's deadline), and a computation nobody waits for any more is
// cancelled: its store reads stop, and so do the measures computed here
// between rounds (gonum's betweenness and Louvain run to their end once
// started).
type Analyzer struct {
	Store kepu.Store

	// CacheEntries bounds the number of cached results
	// [DefaultCacheEntries]; CacheBytes their approximate size in bytes
	// [DefaultCacheBytes] (see approxBytes). A result larger than
	// CacheBytes is returned but not kept.
	CacheEntries int
	CacheBytes   int64
	// Slots bounds the computations that run at once [GOMAXPROCS].
	Slots int

	mu           sync.Mutex
	cache        *simplelru.LRU[string, *cached] // nil until the first memo
	cacheVersion uint64                          // the graph version of cache's results
	cacheBytes   int64                           // approxBytes of the computed results in cache
	slots        chan struct{}

	// The adjacency that ShortestPaths walks (see adjacency.go).
	adjMu      sync.Mutex
	adj        *Adjacency
	adjLoading bool
	adjSrc     kepu.Store // the store StartWarm was given; background reads use it
	adjFolded  *Adjacency // a fold of adj's overlay done in the background (see overlay.go)
	adjFolding bool
	catchMu    sync.Mutex // one catch-up with the store's edge log at a time
}

// Cache bounds of an Analyzer whose fields are zero. 256 MiB holds about a
// dozen networks of the whole 100k-node graph, or one of the 1M-node graph
// with its scores.
const (
	DefaultCacheEntries       = 64
	DefaultCacheBytes   int64 = 256 << 20
)

// cached is one result, computed by one goroutine (see memo).
type cached struct {
	done    chan struct{} // closed when val and err are set
	val     any
	err     error
	waiters int                // callers waiting for done (under Analyzer.mu)
	cancel  context.CancelFunc // cancels the computation
	bytes   int64              // approxBytes(val), counted in cacheBytes once computed
}

// init sets up the cache and slots (under a.mu).
func (a *Analyzer) init() {
	if a.cache != nil {
		return
	}
	n := a.CacheEntries
	if n <= 0 {
		n = DefaultCacheEntries
	}
	a.cache, _ = simplelru.NewLRU(n, func(_ string, c *cached) { a.cacheBytes -= c.bytes })
	s := a.Slots
	if s <= 0 {
		s = runtime.GOMAXPROCS(0)
	}
	a.slots = make(chan struct{}, s)
}

// memo returns the value of key at the current graph version, computing it
// at most once per version while it stays cached: concurrent callers share
// one computation, run by its own goroutine once a slot is free. A caller
// whose ctx ends first returns ctx.Err() at once; when the last one has
// left, the computation's context is cancelled and the entry dropped.
// Errors are not cached.
func (a *Analyzer) memo(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, error) {
	return a.memoSlot(ctx, key, true, compute)
}

// memoSlot is memo; a computation with slot false starts at once, without
// waiting for one of the Slots (for results that are mostly store reads,
// such as coverage, which should not queue behind a betweenness).
func (a *Analyzer) memoSlot(ctx context.Context, key string, slot bool, compute func(context.Context) (any, error)) (any, error) {
	v, err := a.Store.Version(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.init()
	if v != a.cacheVersion {
		a.cache.Purge() // results of another version; running ones finish for their callers
		a.cacheVersion = v
	}
	c, ok := a.cache.Get(key)
	if !ok {
		cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &cached{done: make(chan struct{}), cancel: cancel}
		a.cache.Add(key, c)
		go a.run(cctx, key, c, slot, compute)
	}
	c.waiters++
	a.mu.Unlock()
	select {
	case <-c.done:
		a.mu.Lock()
		c.waiters--
		a.mu.Unlock()
		return c.val, c.err
	case <-ctx.Done():
		a.mu.Lock()
		c.waiters--
		select {
		case <-c.done:
		default:
			if c.waiters == 0 {
				c.cancel()
				if cur, ok := a.cache.Peek(key); ok && cur == c {
					a.cache.Remove(key)
				}
			}
		}
		a.mu.Unlock()
		return nil, ctx.Err()
	}
}

// run computes c once a slot is free (at once without slot; or gives up
// when ctx is cancelled first), then counts its size in the cache or drops
// it on an error.
func (a *Analyzer) run(ctx context.Context, key string, c *cached, slot bool, compute func(context.Context) (any, error)) {
	defer close(c.done)
	defer c.cancel()
	if slot {
		select {
		case a.slots <- struct{}{}:
		case <-ctx.Done():
			c.err = ctx.Err()
			return
		}
		if ctx.Err() != nil { // both were ready: select chose at random
			<-a.slots
			c.err = ctx.Err()
			return
		}
	}
	val, err := compute(ctx)
	if slot {
		<-a.slots
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c.val, c.err = val, err
	cur, ok := a.cache.Peek(key)
	if !ok || cur != c {
		return // purged, evicted or abandoned meanwhile
	}
	if err != nil {
		a.cache.Remove(key)
		return
	}
	max := a.CacheBytes
	if max <= 0 {
		max = DefaultCacheBytes
	}
	c.bytes = approxBytes(val)
	a.cacheBytes += c.bytes
	for a.cacheBytes > max {
		if _, _, ok := a.cache.RemoveOldest(); !ok {
			break
		}
	}
}

// CacheLen returns the number of results cached (computed or running) and
// their approximate size in bytes (see approxBytes).
func (a *Analyzer) CacheLen() (entries int, bytes int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cache == nil {
		return 0, 0
	}
	return a.cache.Len(), a.cacheBytes
}

// approxBytes estimates the heap a cached result holds: the slices, strings
// and map entries of a *Network, []Scored or *Partition (strings shared
// with the network are counted again). Other values count 0.
func approxBytes(v any) int64 {
	const str, word = 16, 8
	switch v := v.(type) {
	case *Network:
		b := int64(0)
		for _, id := range v.IDs {
			b += str + int64(len(id))
		}
		b += int64(len(v.IDs)) * (str + word) * 2 // Index: key and value, about half the buckets empty
		if g := v.G; g != nil {
			b += int64(len(g.nodes))*(2*word+word) + int64(len(g.off)+len(g.to))*4 + int64(len(g.w))*8
		}
		return b
	case []Scored:
		b := int64(len(v)) * (str + word)
		for _, s := range v {
			b += int64(len(s.ID))
		}
		return b
	case *Partition:
		b := int64(len(v.Communities)) * 3 * word
		for _, c := range v.Communities {
			for _, id := range c {
				b += str + int64(len(id))
			}
		}
		return b
	case *CoverageResult:
		b := int64(0)
		for _, n := range v.Covered {
			b += nodeBytes(n)
		}
		return b + approxBytes(v.Uncovered)
	case []Ranked:
		b := int64(len(v)) * word
		for _, r := range v {
			b += nodeBytes(r.Node)
		}
		return b
	}
	return 0
}

// nodeBytes estimates the heap of a node: its ID, its label and its
// properties (keys and values as strings, numbers a word).
func nodeBytes(n kepu.Node) int64 {
	const str, word = 16, 8
	b := int64(4*word) + str + int64(len(n.ID)) + str + int64(len(n.Label))
	for k, v := range n.Props {
		b += 2*str + int64(len(k)) + word
		if s, ok := v.(string); ok {
			b += int64(len(s))
		}
	}
	return b
}

// Network returns the network of spec at the current graph version.
func (a *Analyzer) Network(ctx context.Context, spec NetSpec) (*Network, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	v, err := a.memo(ctx, "net|"+spec.key(), func(ctx context.Context) (any, error) { return LoadNetwork(ctx, a.Store, spec) })
	if err != nil {
		return nil, err
	}
	return v.(*Network), nil
}

// Centrality returns the scores of the network of spec (see Centrality).
func (a *Analyzer) Centrality(ctx context.Context, spec NetSpec, algorithm string) ([]Scored, error) {
	net, err := a.Network(ctx, spec)
	if err != nil {
		return nil, err
	}
	v, err := a.memo(ctx, "centrality|"+algorithm+"|"+spec.key(), func(ctx context.Context) (any, error) { return centrality(ctx, net, algorithm) })
	if err != nil {
		return nil, err
	}
	return v.([]Scored), nil
}

// Communities returns the partition of the network of spec.
func (a *Analyzer) Communities(ctx context.Context, spec NetSpec, algorithm string) (*Partition, error) {
	net, err := a.Network(ctx, spec)
	if err != nil {
		return nil, err
	}
	v, err := a.memo(ctx, "communities|"+algorithm+"|"+spec.key(), func(ctx context.Context) (any, error) { return communities(ctx, net, algorithm) })
	if err != nil {
		return nil, err
	}
	return v.(*Partition), nil
}
