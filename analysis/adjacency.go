package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/kepugraph/kepugraph/kepu"
)

// Adjacency is every relationship of the graph at one version, held as
// compressed sparse rows over node indexes (about 8 bytes per relationship
// end, plus the node IDs): what Analyzer.ShortestPaths and
// Analyzer.Neighborhood walk instead of asking the store for the neighbors
// of every frontier. It holds no properties: the nodes and relationships
// of an answer are read from the store. For the 1M-node benchmark graph
// (5M relationships) that is about 80 MB of rows plus the index of 1M IDs.
type Adjacency struct {
	Version uint64 // the graph version it was read at

	ids   []string // nodes with at least one relationship, sorted
	index map[string]int32
	off   []int32 // the arcs of node i are arcs[off[i]:off[i+1]]
	arcs  []arc   // per node in the order of cmpHop: neighbor ID, type, direction

	// The changes applied since the rows were built (see overlay.go):
	// the nodes added since (index len(ids)+k), and the rows that replace
	// those of the arrays, in the same order (by the neighbors' IDs, then
	// type and direction). Never modified once the Adjacency is shared.
	extra    []string
	extraIdx map[string]int32
	rows     map[int32][]arc
	over     []uint64 // bit v set: rows holds the row of node v < len(ids)

	// Lower bounds on distances (landmarks.go): the landmarks of the
	// compressed rows (shared by the adjacencies derived from one build,
	// computed after it), and the ends of the relationships added since
	// (node indexes, each once; addedOver: more than maxAddedEnds, the
	// bound is not used).
	lms       *lmSlot
	added     []int32
	addedOver bool

	pool *sync.Pool // of *adjSearch, shared by the adjacencies derived from one read
}

// nodes is the number of node indexes.
func (a *Adjacency) nodes() int { return len(a.ids) + len(a.extra) }

// id returns the ID of node v.
func (a *Adjacency) id(v int32) string {
	if int(v) < len(a.ids) {
		return a.ids[v]
	}
	return a.extra[int(v)-len(a.ids)]
}

// lookup returns the index of a node ID.
func (a *Adjacency) lookup(id string) (int32, bool) {
	if v, ok := a.index[id]; ok {
		return v, true
	}
	v, ok := a.extraIdx[id]
	return v, ok
}

// cmpNodes compares two nodes by ID: by index, which is in ID order but
// for the nodes added since the rows were built.
func (a *Adjacency) cmpNodes(v, w int32) int {
	if len(a.extra) == 0 {
		return cmp.Compare(v, w)
	}
	return strings.Compare(a.id(v), a.id(w))
}

// row returns the arcs of node v: a compressed row unless the overlay
// replaced it (one bit test; the map is read only for those).
func (a *Adjacency) row(v int32) []arc {
	if int(v) < len(a.ids) && !a.overlaid(v) {
		return a.arcs[a.off[v]:a.off[v+1]]
	}
	return a.rows[v]
}

// overlaid reports whether the overlay replaced the row of v < len(ids).
func (a *Adjacency) overlaid(v int32) bool {
	return a.over != nil && a.over[v>>6]&(1<<(v&63)) != 0
}

// arc is one relationship seen from one of its ends.
type arc struct {
	to  int32 // the index of the node at the other end
	rel uint8 // index in relTypes
	dir uint8 // kepu.Out or kepu.In
}

// relTypes are the relationship types in the order of their names (the
// order of cmpHop).
var relTypes = func() []kepu.RelType {
	var out []kepu.RelType
	for _, d := range kepu.RelDefs() {
		out = append(out, d.Type)
	}
	slices.Sort(out)
	return out
}()

// LoadAdjacency reads every relationship of st, after reading the
// version, so that the adjacency is never newer than its Version says:
// through the store's WalkEnds when it has one (kepu.EndsWalker: the ends
// only), else with one WalkEdges per type (no copy of the relationships'
// properties). The ends are numbered as they come (one map lookup per
// end), then renumbered in ID order.
func LoadAdjacency(ctx context.Context, st kepu.Store) (*Adjacency, error) {
	v, err := st.Version(ctx)
	if err != nil {
		return nil, err
	}
	var b adjBuilder
	if ew, ok := st.(kepu.EndsWalker); ok {
		err := ew.WalkEnds(ctx, func(rel kepu.RelType, from, to string) error {
			ri, ok := relIndex[rel]
			if !ok {
				return kepu.Errorf(kepu.Internal, "a relationship of unknown type %q", rel)
			}
			b.add(from, to, ri)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return b.build(v), nil
	}
	for ri, t := range relTypes {
		err = st.WalkEdges(ctx, t, func(e *kepu.Edge) error {
			b.add(e.From, e.To, uint8(ri))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return b.build(v), nil
}

// adjBuilder collects relationships for a new Adjacency.
type adjBuilder struct {
	pairs []adjPair
	index map[string]int32
	ids   []string // by the number of first sight
}

type adjPair struct {
	from, to int32
	rel      uint8
}

func (b *adjBuilder) num(id string) int32 {
	if b.index == nil {
		b.index = map[string]int32{}
	}
	i, ok := b.index[id]
	if !ok {
		i = int32(len(b.ids))
		b.index[id] = i
		b.ids = append(b.ids, id) // the store's string: immutable, safe to keep
	}
	return i
}

// add adds the relationship from -> to of type rel (an index in relTypes).
func (b *adjBuilder) add(from, to string, rel uint8) {
	b.pairs = append(b.pairs, adjPair{b.num(from), b.num(to), rel})
}

// build returns the Adjacency of the relationships added, at version v.
func (b *adjBuilder) build(v uint64) *Adjacency {
	ids, index, pairs := b.ids, b.index, b.pairs
	if index == nil {
		index = map[string]int32{}
	}
	// Renumber in ID order.
	order := make([]int32, len(ids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return cmp.Compare(ids[x], ids[y]) })
	a := &Adjacency{Version: v, ids: make([]string, len(ids)), index: index, pool: &sync.Pool{}}
	renum := make([]int32, len(ids))
	for k, i := range order {
		renum[i] = int32(k)
		a.ids[k] = ids[i]
		index[ids[i]] = int32(k)
	}
	a.off = make([]int32, len(a.ids)+1)
	for k := range pairs {
		p := &pairs[k]
		p.from, p.to = renum[p.from], renum[p.to]
		a.off[p.from+1]++
		a.off[p.to+1]++
	}
	for i := 1; i < len(a.off); i++ {
		a.off[i] += a.off[i-1]
	}
	a.arcs = make([]arc, 2*len(pairs))
	fill := slices.Clone(a.off[:len(a.ids)])
	for _, p := range pairs {
		i, j := p.from, p.to
		a.arcs[fill[i]] = arc{to: j, rel: p.rel, dir: uint8(kepu.Out)}
		fill[i]++
		a.arcs[fill[j]] = arc{to: i, rel: p.rel, dir: uint8(kepu.In)}
		fill[j]++
	}
	for i := range a.ids {
		slices.SortFunc(a.arcs[a.off[i]:a.off[i+1]], func(x, y arc) int {
			return cmp.Or(cmp.Compare(x.to, y.to), cmp.Compare(x.rel, y.rel), cmp.Compare(x.dir, y.dir))
		})
	}
	a.lms = &lmSlot{}
	return a
}

// Relationships is the number of relationships of the adjacency.
func (a *Adjacency) Relationships() int {
	n := len(a.arcs)
	for v, r := range a.rows {
		n += len(r)
		if int(v) < len(a.ids) {
			n -= int(a.off[v+1] - a.off[v])
		}
	}
	return n / 2
}

// adjSearch is one shortest-path search on an Adjacency, over node
// indexes. Its per-node arrays are reused from search to search (a
// sync.Pool per adjacency read) and cleared after each search through the
// levels, which list every node marked.
type adjSearch struct {
	a        *Adjacency
	all      bool
	rels     [256]bool // by index in relTypes (when not all)
	marks    []uint8   // by node index: the source side's distance+1 in the low 4 bits, the target side's in the high 4 (0: not reached)
	useful   []bool    // by node index: on a shortest path from the source to a meeting node
	s, t     adjSide
	up       []int32 // scratch of the walk down the source levels
	lower    []int32
	src, dst int32
	depthS   int
	lm       *landmarks // the bound the search prunes by (nil: none; landmarks.go)
	yMin     [2]int     // the least bound from the ends added to dst and to src
	pruned   []int32    // the nodes marked pruned (cleared with the levels)
	limit    int
	out      []Path
	ids      []string
	steps    []Step
	stats    searchStats
}

// searchStats count the work of the last search (for tests and benchmarks).
type searchStats struct {
	visited int // nodes marked from either end
	arcs    int // arcs scanned by the breadth-first rounds
	pruned  int // nodes discarded by the landmark bound
}

// adjSide is one half of the search: its breadth-first levels (level i
// holds the nodes i hops from the side's root; the buffers are reused).
type adjSide struct {
	shift  uint8 // of its distances in adjSearch.marks: 0 (source) or 4 (target)
	levels [][]int32
}

func (sd *adjSide) reset(root int32) {
	sd.levels = sd.levels[:0]
	l := sd.push()
	*l = append(*l, root)
}

// push appends an empty level (reusing an old buffer) and returns it.
func (sd *adjSide) push() *[]int32 {
	k := len(sd.levels)
	if k < cap(sd.levels) {
		sd.levels = sd.levels[:k+1]
		sd.levels[k] = sd.levels[k][:0]
	} else {
		sd.levels = append(sd.levels, nil)
	}
	return &sd.levels[k]
}

func (sd *adjSide) depth() int { return len(sd.levels) - 1 }

func (sd *adjSide) frontier() []int32 { return sd.levels[len(sd.levels)-1] }

// dist returns the distance+1 on this side in a node's mark (0: not
// reached, lmPruned: pruned).
func (sd *adjSide) dist(m uint8) uint8 { return m >> sd.shift & 15 }

// reached reports whether this side reached the node of mark m (and did
// not prune it).
func (sd *adjSide) reached(m uint8) bool {
	d := sd.dist(m)
	return d != 0 && d != lmPruned
}

// search returns a search with the per-node arrays of the searches of an
// adjacency.
func (a *Adjacency) search() *adjSearch {
	x, ok := a.pool.Get().(*adjSearch)
	if !ok {
		x = &adjSearch{}
		x.t.shift = 4
	}
	x.a = a
	if n := a.nodes(); len(x.marks) < n {
		n += n / 64 // room for nodes added by writes
		x.marks, x.useful = make([]uint8, n), make([]bool, n)
	}
	x.stats = searchStats{}
	x.s.levels, x.t.levels = x.s.levels[:0], x.t.levels[:0]
	return x
}

// clear unmarks the nodes of the search's levels.
func (x *adjSearch) clear() {
	for _, sd := range []*adjSide{&x.s, &x.t} {
		for _, l := range sd.levels {
			for _, v := range l {
				x.marks[v], x.useful[v] = 0, false
			}
		}
	}
	for _, v := range x.pruned {
		x.marks[v] = 0
	}
	x.pruned = x.pruned[:0]
}

// at reports whether v is d hops from the root of sd.
func (x *adjSearch) at(sd *adjSide, v int32, d int) bool {
	return int(sd.dist(x.marks[v])) == d+1
}

// set records that sd reached v at d hops.
func (x *adjSearch) set(sd *adjSide, v int32, d uint8) {
	x.marks[v] |= (d + 1) << sd.shift
}

func (x *adjSearch) allowed(r arc) bool { return x.all || x.rels[r.rel] }

func (x *adjSearch) row(v int32) []arc { return x.a.row(v) }

// paths returns the first limit+1 shortest paths from src to dst (src !=
// dst) of at most maxHops relationships, in the order of ShortestPaths:
// the lexicographic order of their (node ID, type, direction) steps. Their
// nodes and edges carry IDs only.
//
// A bidirectional breadth-first search finds the length L and the levels:
// each round expands the side whose last level has fewer nodes. The round
// that would reach maxHops only looks for meeting nodes: it records the
// nodes the other side already reached and nothing else, since no later
// round and no walk needs the rest (a search between ends more than
// maxHops apart, most random pairs at 1M, used to mark the whole last
// level: about 30,000 nodes there). The paths
// are then walked from src through the nodes that are i hops from src and
// L−i from dst, which are exactly the nodes of shortest paths, so the
// answer does not depend on which side was expanded when.
func (a *Adjacency) paths(ctx context.Context, q PathQuery) ([]Path, bool, error) {
	src, ok1 := a.lookup(q.From)
	dst, ok2 := a.lookup(q.To)
	if !ok1 || !ok2 {
		return nil, false, nil // an end without relationships
	}
	if a.farther(src, dst, q.MaxHops) {
		return nil, false, nil // more than maxHops apart (landmarks.go)
	}
	x := a.search()
	defer a.pool.Put(x)
	defer x.clear()
	return x.paths(ctx, q, src, dst)
}

func (x *adjSearch) paths(ctx context.Context, q PathQuery, src, dst int32) ([]Path, bool, error) {
	x.all = len(q.Rels) == 0
	for i, t := range relTypes {
		x.rels[i] = slices.Contains(q.Rels, t)
	}
	x.s.reset(src)
	x.t.reset(dst)
	x.set(&x.s, src, 0)
	x.set(&x.t, dst, 0)
	x.stats.visited = 2
	x.src, x.dst = src, dst
	x.startPruning(src, dst)
	met := false
	for x.s.depth()+x.t.depth() < q.MaxHops && !met {
		near, far := &x.s, &x.t
		if len(far.frontier()) < len(near.frontier()) {
			near, far = far, near
		}
		frontier := near.frontier()
		if len(frontier) == 0 {
			return nil, false, nil
		}
		last := x.s.depth()+x.t.depth()+1 == q.MaxHops
		d := uint8(near.depth() + 1)
		other := dst // the root of the far side
		if near == &x.t {
			other = src
		}
		next := near.push()
		for k, u := range frontier {
			if k%1024 == 1023 {
				if err := ctx.Err(); err != nil {
					return nil, false, err
				}
			}
			row := x.row(u)
			x.stats.arcs += len(row)
			for _, r := range row {
				if !x.allowed(r) {
					continue
				}
				m := x.marks[r.to]
				if near.dist(m) != 0 {
					continue // reached or pruned
				}
				onFar := far.reached(m)
				if last && !onFar {
					continue // no later round needs it
				}
				if !onFar && x.prunes(r.to, other, q.MaxHops-int(d)) {
					x.marks[r.to] |= lmPruned << near.shift
					x.pruned = append(x.pruned, r.to)
					continue
				}
				x.set(near, r.to, d)
				*next = append(*next, r.to)
				met = met || onFar
			}
		}
		x.stats.visited += len(*next)
	}
	x.stats.pruned = len(x.pruned)
	if !met {
		return nil, false, nil
	}
	// The nodes of the source levels that lead to a meeting node (one
	// that both sides reached at their last level).
	S, T := x.s.depth(), x.t.depth()
	up := x.up[:0]
	for _, v := range x.s.levels[S] {
		if x.at(&x.t, v, T) {
			x.useful[v] = true
			up = append(up, v)
		}
	}
	lower := x.lower[:0]
	for k := S - 1; k >= 0; k-- {
		lower = lower[:0]
		for _, v := range up {
			for _, r := range x.row(v) {
				if x.allowed(r) && x.at(&x.s, r.to, k) && !x.useful[r.to] {
					x.useful[r.to] = true
					lower = append(lower, r.to)
				}
			}
		}
		up, lower = lower, up
	}
	x.up, x.lower = up, lower
	x.src, x.dst, x.depthS, x.limit = src, dst, S, q.Limit+1
	x.out, x.ids, x.steps = nil, x.ids[:0], x.steps[:0]
	x.walk(src, 0)
	out := x.out
	x.out = nil
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}

// walk extends the path prefix x.ids (ending at v, i hops from src) in
// order, until limit paths.
func (x *adjSearch) walk(v int32, i int) {
	x.ids = append(x.ids, x.a.id(v))
	defer func() { x.ids = x.ids[:len(x.ids)-1] }()
	if v == x.dst {
		p := Path{Nodes: make([]kepu.Node, len(x.ids)), Steps: slices.Clone(x.steps)}
		for k, id := range x.ids {
			p.Nodes[k] = kepu.Node{ID: id}
		}
		x.out = append(x.out, p)
		return
	}
	T := x.t.depth()
	for _, r := range x.row(v) {
		if !x.allowed(r) {
			continue
		}
		if i < x.depthS {
			if !x.at(&x.s, r.to, i+1) || !x.useful[r.to] {
				continue
			}
		} else if !x.at(&x.t, r.to, T-(i-x.depthS)-1) {
			continue
		}
		e := kepu.Edge{Type: relTypes[r.rel], From: x.a.id(v), To: x.a.id(r.to)}
		if kepu.Direction(r.dir) == kepu.In {
			e.From, e.To = e.To, e.From
		}
		x.steps = append(x.steps, Step{Edge: e, Dir: kepu.Direction(r.dir)})
		x.walk(r.to, i+1)
		x.steps = x.steps[:len(x.steps)-1]
		if len(x.out) >= x.limit {
			return
		}
	}
}

// edgeRead is one Neighbors call of readFound: the relationships of type
// rel from the nodes start in direction dir to the nodes other.
type edgeRead struct {
	rel          kepu.RelType
	start, other []string
	dir          kepu.Direction
}

// edgeReads plans the reads of the relationships of ends (type and ends
// only): one Neighbors call per type, from the From ends filtered to the
// To ends, or from the To ends (incoming) filtered to the From ends,
// whichever costs the store less: it tests every relationship of the type
// at the ends it starts from against the list of the other ends, so the
// cost is about the relationships of the type at the starting ends (their
// degrees, read on the adjacency) times the length of that list. A hub (a
// province, a provincial museum with hundreds of partners) is then reached
// from its few neighbors in the answer instead of the other way round.
func (a *Adjacency) edgeReads(ends []kepu.Edge) []edgeRead {
	froms := map[kepu.RelType][]string{}
	tos := map[kepu.RelType][]string{}
	for _, e := range ends {
		froms[e.Type] = append(froms[e.Type], e.From)
		tos[e.Type] = append(tos[e.Type], e.To)
	}
	var reads []edgeRead
	for ri, t := range relTypes {
		if len(froms[t]) == 0 {
			continue
		}
		slices.Sort(froms[t])
		slices.Sort(tos[t])
		from, to := slices.Compact(froms[t]), slices.Compact(tos[t])
		r := edgeRead{rel: t, start: from, other: to, dir: kepu.Out}
		if a.degrees(to, uint8(ri), kepu.In)*len(from) < a.degrees(from, uint8(ri), kepu.Out)*len(to) {
			r.start, r.other, r.dir = to, from, kepu.In
		}
		reads = append(reads, r)
	}
	return reads
}

// degrees is the number of relationships of type rel (an index in
// relTypes) in direction dir at the nodes ids, on the adjacency.
func (a *Adjacency) degrees(ids []string, rel uint8, dir kepu.Direction) int {
	n := 0
	for _, id := range ids {
		i, ok := a.lookup(id)
		if !ok {
			continue
		}
		for _, r := range a.row(i) {
			if r.rel == rel && kepu.Direction(r.dir) == dir {
				n++
			}
		}
	}
	return n
}

// readFound reads the nodes of ids and the relationships of ends (type
// and ends only; see edgeReads) from the store, keyed by ID and by
// kepu.Edge.Key: one Nodes call and one Neighbors call per relationship
// type. The calls are independent, so they are made at the same time: on
// a server (Neo4j) each is a round trip, and the answer waits for the
// slowest instead of their sum. Relationships no longer in the store are
// absent.
func (a *Adjacency) readFound(ctx context.Context, st kepu.Store, ids []string, ends []kepu.Edge) (map[string]kepu.Node, map[string]kepu.Edge, error) {
	reads := a.edgeReads(ends)
	pages := make([]map[string]kepu.NeighborPage, len(reads))
	errs := make([]error, len(reads)+1)
	var wg sync.WaitGroup
	for i, r := range reads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := make([]any, len(r.other))
			for k, id := range r.other {
				in[k] = id
			}
			pages[i], errs[i+1] = st.Neighbors(ctx, r.start, kepu.NeighborQuery{Rel: r.rel, Dir: r.dir, NodeFilter: kepu.C(kepu.PropID, kepu.OneOf, in)})
		}()
	}
	nodes, err := st.Nodes(ctx, ids)
	errs[0] = err
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	edges := make(map[string]kepu.Edge, len(ends))
	for _, res := range pages {
		for _, page := range res {
			for _, it := range page.Items {
				edges[it.Edge.Key()] = it.Edge
			}
		}
	}
	return nodes, edges, nil
}

// fillPaths replaces the nodes and relationships of paths found on an
// Adjacency (IDs and ends only) with the store's: one Nodes call and one
// Neighbors call per relationship type. It reports false when one of them
// is no longer in the store (a write since the adjacency was read).
func (a *Adjacency) fillPaths(ctx context.Context, st kepu.Store, paths []Path) (bool, error) {
	ids, ends := pathElements(paths)
	nodes, edges, err := a.readFound(ctx, st, ids, ends)
	if err != nil {
		return false, err
	}
	return fillPaths(paths, nodes, edges), nil
}

// pathElements lists the node IDs and the relationships (type and ends)
// of paths.
func pathElements(paths []Path) (ids []string, ends []kepu.Edge) {
	for _, p := range paths {
		for _, n := range p.Nodes {
			ids = append(ids, n.ID)
		}
		for _, s := range p.Steps {
			ends = append(ends, s.Edge)
		}
	}
	return ids, ends
}

// fillPaths replaces the nodes and relationships of paths with those of
// nodes (by ID) and edges (by kepu.Edge.Key); false when one is missing.
func fillPaths(paths []Path, nodes map[string]kepu.Node, edges map[string]kepu.Edge) bool {
	var ok bool
	for _, p := range paths {
		for i, n := range p.Nodes {
			if p.Nodes[i], ok = nodes[n.ID]; !ok {
				return false
			}
		}
		for i, s := range p.Steps {
			if p.Steps[i].Edge, ok = edges[s.Edge.Key()]; !ok {
				return false
			}
		}
	}
	return true
}

// neighborhood is Neighborhood on the adjacency: the IDs of the nodes in
// the order of Subgraph.Nodes, the relationships among them (type and ends
// only) and whether the limit left nodes out. A root without relationships
// gives itself alone.
func (a *Adjacency) neighborhood(ctx context.Context, q HoodQuery) ([]string, []kepu.Edge, bool, error) {
	root, ok := a.lookup(q.Root)
	if !ok {
		return []string{q.Root}, nil, false, nil
	}
	all := len(q.Rels) == 0
	var rels [256]bool
	for i, t := range relTypes {
		rels[i] = slices.Contains(q.Rels, t)
	}
	type key struct {
		from, to int32
		rel      uint8
	}
	in := map[int32]bool{root: true}
	order := []int32{root}
	found := map[key]bool{}
	frontier := []int32{root}
	truncated := false
	for h := 0; h < q.Hops && len(frontier) > 0 && !truncated; h++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, false, err
		}
		var next []int32
		added := map[int32]bool{}
		for _, u := range frontier {
			for _, r := range a.row(u) {
				v := r.to
				if (all || rels[r.rel]) && !in[v] && !added[v] && (len(q.Labels) == 0 || slices.Contains(q.Labels, kepu.LabelOf(a.id(v)))) {
					added[v] = true
					next = append(next, v)
				}
			}
		}
		next, order, truncated = takeLevel(next, order, in, q.Limit, a.cmpNodes)
		for _, u := range frontier {
			for _, r := range a.row(u) {
				if (all || rels[r.rel]) && in[r.to] {
					k := key{u, r.to, r.rel}
					if kepu.Direction(r.dir) == kepu.In {
						k.from, k.to = r.to, u
					}
					found[k] = true
				}
			}
		}
		frontier = next
	}
	ids := make([]string, len(order))
	for i, v := range order {
		ids[i] = a.id(v)
	}
	ends := make([]kepu.Edge, 0, len(found))
	for k := range found {
		ends = append(ends, kepu.Edge{Type: relTypes[k.rel], From: a.id(k.from), To: a.id(k.to)})
	}
	return ids, ends, truncated, nil
}

// Neighborhood is Neighborhood on the Adjacency at the current graph
// version when the analyzer has one (the nodes and relationships are then
// read through st: one Nodes call, one Neighbors call per relationship
// type), else through st. Both give the same subgraph.
func (a *Analyzer) Neighborhood(ctx context.Context, st kepu.Store, q HoodQuery) (*Subgraph, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	if adj := a.adjacency(ctx); adj != nil {
		sg, err := adj.subgraph(ctx, st, q)
		if sg != nil || err != nil {
			return sg, err
		}
	}
	return Neighborhood(ctx, st, q)
}

// subgraph completes neighborhood from the store; nil (and no error) when
// a node or relationship is no longer there.
func (a *Adjacency) subgraph(ctx context.Context, st kepu.Store, q HoodQuery) (*Subgraph, error) {
	ids, ends, truncated, err := a.neighborhood(ctx, q)
	if err != nil {
		return nil, err
	}
	nodes, edges, err := a.readFound(ctx, st, ids, ends)
	if err != nil {
		return nil, err
	}
	sg := &Subgraph{Truncated: truncated, Nodes: make([]kepu.Node, len(ids))}
	if len(ends) > 0 {
		sg.Edges = make([]kepu.Edge, len(ends))
	}
	var ok bool
	for i, id := range ids {
		if sg.Nodes[i], ok = nodes[id]; !ok {
			return nil, nil
		}
	}
	for i, e := range ends {
		if sg.Edges[i], ok = edges[e.Key()]; !ok {
			return nil, nil
		}
	}
	sortEdges(sg.Edges)
	return sg, nil
}

// ShortestPaths is ShortestPaths on the Adjacency at the current graph
// version when the analyzer has one (the nodes and relationships of the
// paths are then read through st, or, when the analyzer's store is a
// kepu.FoundReader, through it with the version in one call:
// pathsInOneRead), else through st. Both give the same paths in the same
// order.
func (a *Analyzer) ShortestPaths(ctx context.Context, st kepu.Store, q PathQuery) ([]Path, bool, error) {
	if err := q.validate(); err != nil {
		return nil, false, err
	}
	if q.From != q.To {
		if ps, more, ok, err := a.pathsInOneRead(ctx, q); err != nil || ok {
			return ps, more, err
		}
	}
	if adj := a.adjacency(ctx); adj != nil && q.From != q.To {
		ps, more, err := adj.paths(ctx, q)
		if err != nil || len(ps) == 0 {
			return nil, false, err // no path: nothing to read
		}
		ok, err := adj.fillPaths(ctx, st, ps)
		if err != nil {
			return nil, false, err
		}
		if ok {
			return ps, more, nil
		}
	}
	return ShortestPaths(ctx, st, q)
}

// pathsInOneRead answers q on the analyzer's adjacency as it is, before
// asking the store for its version, when the store reads the paths' nodes
// and relationships together with the version (kepu.FoundReader: one
// round trip on Neo4j, against one for the version and then one for the
// nodes and one per relationship type of the paths). The answer holds when
// the version read is the adjacency's; without a path, the store's version
// alone tells. ok is false when it cannot answer so (no such store, no
// adjacency yet, another version, an element gone): the caller then
// answers the usual way.
func (a *Analyzer) pathsInOneRead(ctx context.Context, q PathQuery) (ps []Path, more, ok bool, err error) {
	fr, can := a.source().(kepu.FoundReader)
	if !can {
		return nil, false, false, nil
	}
	a.adjMu.Lock()
	adj := a.adj
	a.adjMu.Unlock()
	if adj == nil {
		return nil, false, false, nil
	}
	ps, more, err = adj.paths(ctx, q)
	if err != nil {
		return nil, false, true, err
	}
	if len(ps) == 0 {
		v, err := a.Store.Version(ctx)
		return nil, false, err == nil && v == adj.Version, err
	}
	ids, ends := pathElements(ps)
	nodes, edges, v, err := fr.ReadFound(ctx, ids, ends)
	if err != nil {
		return nil, false, true, err
	}
	if v != adj.Version || !fillPaths(ps, nodes, edges) {
		return nil, false, false, nil
	}
	return ps, more, true, nil
}

// ShortestPath is the first of Analyzer.ShortestPaths (see ShortestPath).
func (a *Analyzer) ShortestPath(ctx context.Context, st kepu.Store, q PathQuery) (*Path, error) {
	q.Limit = 1
	ps, _, err := a.ShortestPaths(ctx, st, q)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0], nil
}
