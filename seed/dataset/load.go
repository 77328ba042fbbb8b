package dataset

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// DefaultBatch is the number of changes per Store.Write when
// LoadOptions.Batch is 0.
const DefaultBatch = 1000

// Source yields the records of a graph: every node before any edge, each
// edge after both its ends.
type Source interface {
	// Len is the number of records (nodes plus edges) Each yields.
	Len() int
	// Each calls node for every node, then edge for every edge, and stops at
	// the first error, returning it. The values passed are not used again by
	// the Source, so the callee may keep them.
	Each(node func(kepu.Node) error, edge func(kepu.Edge) error) error
}

// Len is the number of nodes plus edges.
func (ds *Dataset) Len() int { return len(ds.Nodes) + len(ds.Edges) }

// Each yields the nodes, then the edges.
func (ds *Dataset) Each(node func(kepu.Node) error, edge func(kepu.Edge) error) error {
	for _, n := range ds.Nodes {
		if err := node(n); err != nil {
			return err
		}
	}
	for _, e := range ds.Edges {
		if err := edge(e); err != nil {
			return err
		}
	}
	return nil
}

// Writer is what Load writes to: a kepu.Store, or a bulk loader such as
// embedded.Loader. Write applies the changes all or nothing.
type Writer interface {
	Write(ctx context.Context, changes []kepu.Change) ([]kepu.Result, error)
}

// LoadOptions configure Load.
type LoadOptions struct {
	// Batch is the number of changes per Store.Write (default DefaultBatch).
	Batch int
	// Workers is the number of batches written at the same time (default
	// 1: one after the other). A server store (Neo4j) loads faster with 2.
	Workers int
	// Progress, when set, is called after every batch with the records
	// written so far and the total (from one goroutine at a time).
	Progress func(done, total int)
	// RetryAlone, when set, is asked about every batch that fails while
	// other batches may be in flight. When it returns true the batch is not
	// a failure yet: it is written again alone, after the parallel writes
	// of its phase (node batches before the first edge batch, edge batches
	// at the end), one batch at a time, and only a failure then stops the
	// load. For a server whose concurrent writers can deadlock (Neo4j's
	// DeadlockDetected after the driver's retries): alone, a batch meets no
	// other writer of the load. It is called from the writing goroutines,
	// possibly at the same time.
	RetryAlone func(ctx context.Context, err error) bool
}

// Report says what a load wrote.
type Report struct {
	Nodes   map[kepu.Label]int
	Edges   map[kepu.RelType]int
	Elapsed time.Duration
}

// NodeCount is the number of nodes written.
func (r Report) NodeCount() int {
	n := 0
	for _, c := range r.Nodes {
		n += c
	}
	return n
}

// EdgeCount is the number of edges written.
func (r Report) EdgeCount() int {
	n := 0
	for _, c := range r.Edges {
		n += c
	}
	return n
}

// PerSecond is the throughput: records (nodes plus edges) per second.
func (r Report) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.NodeCount()+r.EdgeCount()) / r.Elapsed.Seconds()
}

// Load writes the dataset to the store: PutNode for every node, then PutEdge
// for every edge, in batches. Put replaces a record whole, so loading the
// same dataset twice leaves the same graph. A failed batch stops the load;
// the batches before it stay written.
func Load(ctx context.Context, st Writer, ds *Dataset, opts LoadOptions) (Report, error) {
	return LoadSource(ctx, st, ds, opts)
}

// LoadSource is Load for any Source, such as the benchmark graph of Scaled,
// holding no more than Workers+1 batches of it in memory.
//
// With Workers > 1 the batches are written concurrently, as many at a time;
// every node batch is committed before the first edge batch is sent, so an
// edge never meets a missing end. A failed batch stops the load (the batches
// in flight finish or fail), unless LoadOptions.RetryAlone takes it and it
// succeeds when written again alone; which batches are written is then not
// a prefix, and a rerun (puts are idempotent) completes the graph.
func LoadSource(ctx context.Context, st Writer, src Source, opts LoadOptions) (Report, error) {
	start := time.Now()
	batch := opts.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	workers := max(opts.Workers, 1)
	rep := Report{Nodes: map[kepu.Label]int{}, Edges: map[kepu.RelType]int{}}
	total := src.Len()
	type pending struct {
		b     []kepu.Change
		first int
	}
	var (
		mu      sync.Mutex // guards rep, done, werr, again
		done    int
		werr    error
		again   []pending // failed batches to write again alone (RetryAlone)
		wg      sync.WaitGroup
		slots   = make(chan struct{}, workers)
		sent    int  // records handed to writers
		inEdges bool // the last batch sent held edges
	)
	failed := func() error {
		mu.Lock()
		defer mu.Unlock()
		return werr
	}
	// written counts batch b, or records the load's first error.
	written := func(b []kepu.Change, first int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if werr == nil {
				werr = fmt.Errorf("load: write of records %d to %d: %w", first+1, first+len(b), err)
			}
			return
		}
		for _, c := range b {
			if c.Kind == kepu.PutNode {
				rep.Nodes[c.Node.Label]++
			} else {
				rep.Edges[c.Edge.Type]++
			}
		}
		done += len(b)
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	write := func(b []kepu.Change, first int) {
		defer func() { <-slots; wg.Done() }()
		_, err := st.Write(ctx, b)
		if err != nil && opts.RetryAlone != nil && opts.RetryAlone(ctx, err) {
			mu.Lock()
			again = append(again, pending{b, first})
			mu.Unlock()
			return
		}
		written(b, first, err)
	}
	// writeAgain writes the batches RetryAlone took, one at a time, and
	// returns the load's first error; the caller has waited for every
	// write in flight.
	writeAgain := func() error {
		mu.Lock()
		todo := again
		again = nil
		mu.Unlock()
		for _, p := range todo {
			if err := failed(); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			_, err := st.Write(ctx, p.b)
			written(p.b, p.first, err)
		}
		return failed()
	}
	buf := make([]kepu.Change, 0, batch)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		edges := buf[0].Kind == kepu.PutEdge
		if edges && !inEdges {
			wg.Wait() // every node written so far is committed
			if err := writeAgain(); err != nil {
				return err
			}
		}
		inEdges = edges
		if err := failed(); err != nil {
			return err
		}
		slots <- struct{}{}
		wg.Add(1)
		go write(buf, sent)
		sent += len(buf)
		buf = make([]kepu.Change, 0, batch)
		return nil
	}
	add := func(c kepu.Change) error {
		if len(buf) > 0 && (c.Kind == kepu.PutEdge) != (buf[0].Kind == kepu.PutEdge) {
			if err := flush(); err != nil {
				return err
			}
		}
		buf = append(buf, c)
		if len(buf) >= batch {
			return flush()
		}
		return nil
	}
	err := src.Each(
		func(n kepu.Node) error { return add(kepu.Change{Kind: kepu.PutNode, Node: n}) },
		func(e kepu.Edge) error { return add(kepu.Change{Kind: kepu.PutEdge, Edge: e}) },
	)
	if err == nil {
		err = flush()
	}
	wg.Wait()
	if err == nil {
		err = writeAgain()
	}
	if werr != nil {
		err = werr
	}
	rep.Elapsed = time.Since(start)
	return rep, err
}

// CheckOnes returns, before anything is written, the Conflict error st
// would give partway through a load of src: an edge of a type a node has
// at most one of (kepu.RelDef.One: PART_OF, LOCATED_IN) whose From node has
// one in st to another node, as after a museum was moved. A load into a
// store that holds nodes calls it first, so that such a load fails whole
// instead of after its node batches. It reads src once, keeping its One
// edges (without their properties), then the store's edges of those types
// from their From nodes, a thousand IDs per Neighbors call (lookupEdges,
// which Compare shares), and returns the conflict of the first From node
// in ID order, types in kepu.RelDefs order: the first of Compare's
// Plan.Conflicts.
func CheckOnes(ctx context.Context, st Reader, src Source) error {
	want := map[kepu.RelType][]kepu.Edge{}
	err := src.Each(func(kepu.Node) error { return nil }, func(e kepu.Edge) error {
		if d := kepu.LookupRel(e.Type); d != nil && d.One {
			want[e.Type] = append(want[e.Type], kepu.Edge{Type: e.Type, From: e.From, To: e.To})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, d := range kepu.RelDefs() {
		err := lookupEdges(ctx, st, d.Type, want[d.Type], func(e *kepu.Edge, _ *kepu.Edge, moved string) error {
			if moved != "" {
				return oneConflict(e, moved)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// oneConflict is the error of a load of the One edge e whose From node has
// its edge of e's type to the node moved instead (see CheckOnes).
func oneConflict(e *kepu.Edge, moved string) *kepu.Error {
	return kepu.Errorf(kepu.Conflict, "nothing loaded: the %s edge from %s to %s: %s", e.Type, e.From, e.To,
		kepu.ErrorMessage(kepu.OneConflict(e.Type, e.From, moved)))
}

// lookupEdges reads what st holds of the edges es, all of type t: for each
// edge e it calls fn with the store's edge of t from e.From to e.To (nil
// when there is none) and, when t is a One type (kepu.RelDef.One), the To
// end of the store's edge of t from e.From to another node ("" when there
// is none: the node was not moved). It reads the edges of t out of the
// distinct From nodes, a thousand (DefaultBatch) per Neighbors call, in ID
// order, and calls fn for the edges of each From node in ID order, in the
// order of es among one node's edges. The first error of fn stops it.
func lookupEdges(ctx context.Context, st Reader, t kepu.RelType, es []kepu.Edge, fn func(e, have *kepu.Edge, moved string) error) error {
	if len(es) == 0 {
		return nil
	}
	d := kepu.LookupRel(t)
	one := d != nil && d.One
	byFrom := map[string][]int{} // From → indexes in es
	for i := range es {
		byFrom[es[i].From] = append(byFrom[es[i].From], i)
	}
	from := slices.Sorted(maps.Keys(byFrom))
	for ids := range slices.Chunk(from, DefaultBatch) {
		res, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: t, Dir: kepu.Out})
		if err != nil {
			return fmt.Errorf("read the %s edges of the store: %w", t, err)
		}
		for _, id := range ids {
			items := res[id].Items
			for _, i := range byFrom[id] {
				e := &es[i]
				var have *kepu.Edge
				moved := ""
				for j := range items {
					switch to := items[j].Node.ID; {
					case to == e.To:
						have = &items[j].Edge
					case one && moved == "":
						moved = to
					}
				}
				if err := fn(e, have, moved); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
