package analysis

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// How an Analyzer keeps its Adjacency current across writes. A request
// reads the graph version; when the adjacency is older and the store keeps
// an edge log (kepu.EdgeLog), the request reads the relationship changes
// since the adjacency's version (one store call) and applies them
// (apply): the result is a new Adjacency that shares the compressed rows
// of the old one and replaces the rows of the nodes the changes touched
// (an overlay). When the overlay holds more than foldAt rows, or the
// relationships added since the build have more than maxAddedEnds ends
// (past which the landmark bound is off, landmarks.go), a new compressed
// adjacency is built from it in the background (fold, no store read),
// with its landmarks, and caught up the same way once built. When the
// store cannot give the changes (no log, too old, a write it did not
// log), the adjacency is read again as a whole in the background, as
// before; requests walk the store meanwhile.

// relIndex maps a relationship type to its index in relTypes.
var relIndex = func() map[kepu.RelType]uint8 {
	m := map[kepu.RelType]uint8{}
	for i, t := range relTypes {
		m[t] = uint8(i)
	}
	return m
}()

// foldAt is the number of overlay rows from which an adjacency of n nodes
// is folded into new compressed rows: every apply copies the overlay's
// index (a map of that many entries), and a fold costs about a whole
// build from memory.
func foldAt(n int) int { return max(foldMin, n/64) }

// foldMin is the least overlay that is folded (tests set it lower).
var foldMin = 1024

// apply returns the adjacency at ch.Version: a with the changes applied in
// order. a is not modified. It reports false when a change names a
// relationship type the adjacency does not know.
func (a *Adjacency) apply(ch kepu.EdgeChanges) (*Adjacency, bool) {
	b := *a
	b.Version = ch.Version
	b.extra = slices.Clip(a.extra) // appends copy
	b.extraIdx = maps.Clone(a.extraIdx)
	if b.extraIdx == nil {
		b.extraIdx = map[string]int32{}
	}
	b.rows = maps.Clone(a.rows)
	if b.rows == nil {
		b.rows = map[int32][]arc{}
	}
	b.over = slices.Clone(a.over)
	if b.over == nil {
		b.over = make([]uint64, (len(a.ids)+63)/64)
	}
	b.added = slices.Clip(a.added) // appends copy
	addEnd := func(v int32) {
		if b.addedOver || slices.Contains(b.added, v) {
			return
		}
		if len(b.added) == maxAddedEnds {
			b.added, b.addedOver = nil, true
			return
		}
		b.added = append(b.added, v)
	}
	own := map[int32]bool{} // rows already copied by this apply
	edit := func(v int32) []arc {
		if !own[v] {
			own[v] = true
			b.rows[v] = slices.Clone(b.row(v))
			b.markOver(v)
		}
		return b.rows[v]
	}
	intern := func(id string) int32 {
		if v, ok := b.lookup(id); ok {
			return v
		}
		v := int32(b.nodes())
		b.extra = append(b.extra, id)
		b.extraIdx[id] = v
		b.rows[v] = nil
		return v
	}
	remove := func(v int32, r arc) {
		row := edit(v)
		if i := slices.Index(row, r); i >= 0 {
			b.rows[v] = slices.Delete(row, i, i+1)
		}
	}
	add := func(v int32, r arc) {
		row := edit(v)
		if !slices.Contains(row, r) {
			b.rows[v] = append(row, r)
		}
	}
	for _, c := range ch.Changes {
		switch c.Kind {
		case kepu.EdgeAdded, kepu.EdgeRemoved:
			ri, ok := relIndex[c.Edge.Type]
			if !ok {
				return nil, false
			}
			if c.Kind == kepu.EdgeAdded {
				u, w := intern(c.Edge.From), intern(c.Edge.To)
				add(u, arc{to: w, rel: ri, dir: uint8(kepu.Out)})
				add(w, arc{to: u, rel: ri, dir: uint8(kepu.In)})
				addEnd(u)
				addEnd(w)
				continue
			}
			u, ok1 := b.lookup(c.Edge.From)
			w, ok2 := b.lookup(c.Edge.To)
			if ok1 && ok2 {
				remove(u, arc{to: w, rel: ri, dir: uint8(kepu.Out)})
				remove(w, arc{to: u, rel: ri, dir: uint8(kepu.In)})
			}
		case kepu.NodeRemoved:
			u, ok := b.lookup(c.ID)
			if !ok {
				continue
			}
			for _, r := range slices.Clone(b.row(u)) {
				back := uint8(kepu.In)
				if kepu.Direction(r.dir) == kepu.In {
					back = uint8(kepu.Out)
				}
				if r.to != u {
					remove(r.to, arc{to: u, rel: r.rel, dir: back})
				}
			}
			own[u] = true
			b.rows[u] = []arc{}
			b.markOver(u)
		default:
			return nil, false
		}
	}
	// The rows in the order of the compressed ones: by neighbor ID, type,
	// direction (node indexes of added nodes are not in ID order).
	for v := range own {
		slices.SortFunc(b.rows[v], func(x, y arc) int {
			return cmp.Or(strings.Compare(b.id(x.to), b.id(y.to)), cmp.Compare(x.rel, y.rel), cmp.Compare(x.dir, y.dir))
		})
	}
	return &b, true
}

// markOver records that rows holds the row of v (a node of the
// compressed rows, or one added since).
func (a *Adjacency) markOver(v int32) {
	if int(v) < len(a.ids) {
		a.over[v>>6] |= 1 << (v & 63)
	}
}

// fold returns a with its overlay folded into new compressed rows (the
// same relationships, the nodes without any left out): what LoadAdjacency
// would read at a's version.
func (a *Adjacency) fold() *Adjacency {
	var b adjBuilder
	b.pairs = make([]adjPair, 0, a.Relationships())
	n := int32(a.nodes())
	for v := range n {
		for _, r := range a.row(v) {
			if kepu.Direction(r.dir) == kepu.Out {
				b.add(a.id(v), a.id(r.to), r.rel)
			}
		}
	}
	return b.build(a.Version)
}

// adjacency returns the Adjacency at the store's current version (or a
// newer one), or nil when there is none: then it starts reading one in the
// background (one read at a time), so that a request never waits for a
// whole read and a write does not make the next requests pay one. An
// older adjacency is brought up to date with the store's edge log when it
// has one (see the top of this file).
func (a *Analyzer) adjacency(ctx context.Context) *Adjacency {
	return a.adjacencyVia(ctx, a.Store)
}

// adjacencyVia is adjacency reading the graph version from st (a.Store or
// a view of the same graph).
func (a *Analyzer) adjacencyVia(ctx context.Context, st kepu.Store) *Adjacency {
	v, err := st.Version(ctx)
	if err != nil {
		return nil
	}
	a.adjMu.Lock()
	cur := a.adj
	a.adjMu.Unlock()
	if cur != nil && cur.Version == v {
		return cur
	}
	adj, retry := a.catchUp(ctx, v)
	if adj != nil || retry {
		return adj
	}
	a.startLoad(ctx)
	return nil
}

// source is the store the analyzer reads its adjacency and edge log from:
// the one StartWarm was given, else Store.
func (a *Analyzer) source() kepu.Store {
	a.adjMu.Lock()
	defer a.adjMu.Unlock()
	if a.adjSrc != nil {
		return a.adjSrc
	}
	return a.Store
}

// catchUp brings the adjacency (or a fold of it) to version v or later
// with the store's edge log. It returns nil when it cannot: retry is then
// true when a whole read would not help (a read error of the log, or no
// adjacency at all yet is not such a case).
func (a *Analyzer) catchUp(ctx context.Context, v uint64) (adj *Adjacency, retry bool) {
	log, ok := a.source().(kepu.EdgeLog)
	if !ok {
		return nil, false
	}
	a.catchMu.Lock()
	defer a.catchMu.Unlock()
	a.adjMu.Lock()
	cur, folded := a.adj, a.adjFolded
	if cur != nil && cur.Version >= v {
		a.adjMu.Unlock()
		return cur, false // another request caught up
	}
	a.adjFolded = nil
	a.adjMu.Unlock()
	for _, base := range []*Adjacency{folded, cur} {
		if base == nil {
			continue
		}
		ch, ok, err := log.EdgeChangesSince(ctx, base.Version)
		if err != nil {
			return nil, true
		}
		if !ok || ch.Since != base.Version {
			continue
		}
		next, ok := base.apply(ch)
		if !ok {
			continue
		}
		a.adjMu.Lock()
		if a.adj == nil || next.Version >= a.adj.Version {
			a.adj = next
		}
		if (len(next.rows) > foldAt(next.nodes()) || next.addedOver) && !a.adjFolding {
			a.adjFolding = true
			go func() {
				f := next.fold()
				f.computeLandmarks()
				a.adjMu.Lock()
				defer a.adjMu.Unlock()
				a.adjFolding = false
				a.adjFolded = f
			}()
		}
		a.adjMu.Unlock()
		return next, false
	}
	return nil, false
}

// startLoad starts reading the whole adjacency in the background, unless a
// read is under way.
func (a *Analyzer) startLoad(ctx context.Context) {
	st := a.source()
	a.adjMu.Lock()
	defer a.adjMu.Unlock()
	if a.adjLoading {
		return
	}
	a.adjLoading = true
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), adjacencyTimeout)
		defer cancel()
		adj, err := LoadAdjacency(ctx, st)
		a.adjMu.Lock()
		a.adjLoading = false
		if err == nil && (a.adj == nil || adj.Version > a.adj.Version) {
			a.adj = adj
		}
		a.adjMu.Unlock()
		if err == nil {
			adj.computeLandmarks() // the adjacency serves meanwhile
		}
	}()
}

// adjacencyTimeout bounds a background read of the adjacency.
const adjacencyTimeout = 10 * time.Minute

// StartWarm starts reading the Adjacency at the current graph version in
// the background, unless the analyzer has it or is reading one (the read
// every path and neighborhood request starts when it has none): a server
// calls it at start so that its first such requests find the adjacency
// instead of walking the store. st is the store to read it from, and the
// edge log from (kepu.EdgeLog, see adjacency): a.Store, or a view of the
// same graph without what a.Store adds per request (a server's metrics and
// tracing); nil means a.Store. It returns at once.
func (a *Analyzer) StartWarm(ctx context.Context, st kepu.Store) {
	if st != nil {
		a.adjMu.Lock()
		a.adjSrc = st
		a.adjMu.Unlock()
	}
	a.adjacencyVia(ctx, a.source())
}

// WarmPaths reads the Adjacency at the current graph version and computes
// its landmarks (landmarks.go) now, so that the next path and neighborhood
// requests use them.
func (a *Analyzer) WarmPaths(ctx context.Context) error {
	adj, err := LoadAdjacency(ctx, a.source())
	if err != nil {
		return err
	}
	adj.computeLandmarks()
	a.adjMu.Lock()
	defer a.adjMu.Unlock()
	if a.adj == nil || adj.Version > a.adj.Version {
		a.adj = adj
	}
	return nil
}
