package dataset_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// watchedStore records how a concurrent load calls Write.
type watchedStore struct {
	kepu.Store
	mu          sync.Mutex
	inFlight    int  // writes in flight
	maxInFlight int  // the most at once
	nodeWrites  int  // node batches in flight
	early       bool // an edge batch started while a node batch was in flight
	mixed       bool // a batch held nodes and edges
	writes      int
	failAt      int           // the write (1-based) that fails; 0: none
	second      chan struct{} // closed when a second write is in flight
}

var errInjected = errors.New("injected failure")

func (w *watchedStore) Write(ctx context.Context, cs []kepu.Change) ([]kepu.Result, error) {
	edges := cs[0].Kind == kepu.PutEdge
	w.mu.Lock()
	w.writes++
	n := w.writes
	for _, c := range cs {
		w.mixed = w.mixed || (c.Kind == kepu.PutEdge) != edges
	}
	w.early = w.early || (edges && w.nodeWrites > 0)
	if !edges {
		w.nodeWrites++
	}
	w.inFlight++
	w.maxInFlight = max(w.maxInFlight, w.inFlight)
	if w.inFlight == 2 && w.second != nil {
		close(w.second)
		w.second = nil
	}
	second := w.second
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inFlight--
		if !edges {
			w.nodeWrites--
		}
		w.mu.Unlock()
	}()
	if n == 1 && second != nil {
		// The first write holds on until a second one starts, however
		// slowly the other workers are scheduled: a load that writes
		// one batch at a time waits here a minute and fails the test
		// (a bound only that load reaches: a niced test binary on a
		// loaded machine can be off a processor for seconds).
		select {
		case <-second:
		case <-time.After(time.Minute):
		}
	}
	time.Sleep(2 * time.Millisecond) // let the other workers start
	if n == w.failAt {
		return nil, errInjected
	}
	return w.Store.Write(ctx, cs)
}

// TestLoadWorkers loads the reference dataset with 3 workers: batches run
// concurrently, no edge batch starts before every node batch is written,
// and the store holds the whole dataset. A failing batch stops the load
// with its error.
func TestLoadWorkers(t *testing.T) {
	ds := reference(t)
	open := func() *watchedStore {
		st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return &watchedStore{Store: st, second: make(chan struct{})}
	}
	ctx := context.Background()
	w := open()
	rep, err := dataset.Load(ctx, w, ds, dataset.LoadOptions{Batch: 700, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if w.maxInFlight < 2 || w.maxInFlight > 3 {
		t.Errorf("at most %d writes at once, want 2 or 3", w.maxInFlight)
	}
	if w.early || w.mixed {
		t.Errorf("edge batch before the nodes were written: %v; a batch of nodes and edges: %v", w.early, w.mixed)
	}
	if rep.NodeCount() != len(ds.Nodes) || rep.EdgeCount() != len(ds.Edges) {
		t.Errorf("report: %d nodes, %d edges, want %d, %d", rep.NodeCount(), rep.EdgeCount(), len(ds.Nodes), len(ds.Edges))
	}
	nodes, edges := counts(t, w.Store)
	for l, n := range rep.Nodes {
		if nodes[l] != n {
			t.Errorf("%s: store %d, report %d", l, nodes[l], n)
		}
	}
	for rt, n := range rep.Edges {
		if edges[rt] != n {
			t.Errorf("%s: store %d, report %d", rt, edges[rt], n)
		}
	}

	w = open()
	w.failAt = 4
	_, err = dataset.Load(ctx, w, ds, dataset.LoadOptions{Batch: 700, Workers: 3})
	if !errors.Is(err, errInjected) || !strings.Contains(err.Error(), "load: write of records") {
		t.Fatalf("load with a failing batch: %v", err)
	}
	if w.inFlight != 0 {
		t.Errorf("%d writes still in flight after Load returned", w.inFlight)
	}
}

// deadlockingStore fails the first write of every second batch to arrive,
// as Neo4j fails one of two transactions that deadlock (and the driver's
// retries meet the other writers again); the batch's second write
// succeeds. Which batches fail depends on the order they arrive in, never
// on whether the workers happened to overlap, so every run fails some.
type deadlockingStore struct {
	kepu.Store
	mu       sync.Mutex
	inFlight int
	arrived  int             // batches seen
	failed   map[string]bool // batches failed once, by their first record
	edges    bool            // an edge batch has been written
	retried  [2]int          // node and edge batches written again
	notAlone int             // second writes that overlapped another write
	late     int             // node batches written again after an edge batch
}

var errDeadlock = errors.New("deadlock detected")

func batchKey(c kepu.Change) string {
	if c.Kind == kepu.PutEdge {
		return string(c.Edge.Type) + c.Edge.From + ">" + c.Edge.To
	}
	return c.Node.ID
}

func (d *deadlockingStore) Write(ctx context.Context, cs []kepu.Change) ([]kepu.Result, error) {
	edges := cs[0].Kind == kepu.PutEdge
	key := batchKey(cs[0])
	d.mu.Lock()
	d.inFlight++
	again := d.failed[key]
	fail := false
	if !again {
		d.arrived++
		fail = d.arrived%2 == 0
	}
	overlapped := d.inFlight > 1
	d.mu.Unlock()
	time.Sleep(2 * time.Millisecond) // let the other workers start
	d.mu.Lock()
	overlapped = overlapped || d.inFlight > 1
	d.inFlight--
	if fail {
		d.failed[key] = true
		d.mu.Unlock()
		return nil, errDeadlock
	}
	if again {
		d.retried[btoi(edges)]++
		if overlapped {
			d.notAlone++
		}
		if !edges && d.edges {
			d.late++
		}
	}
	d.edges = d.edges || edges
	d.mu.Unlock()
	return d.Store.Write(ctx, cs)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestLoadRetryAlone: batches that fail while other batches are in flight,
// with an error RetryAlone takes, are written again alone, node batches
// before the first edge batch; the load completes and the store holds the
// whole dataset. Without RetryAlone the same store fails the load.
func TestLoadRetryAlone(t *testing.T) {
	ds := reference(t)
	open := func() *deadlockingStore {
		st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return &deadlockingStore{Store: st, failed: map[string]bool{}}
	}
	ctx := context.Background()
	d := open()
	var asked atomic.Int64
	rep, err := dataset.Load(ctx, d, ds, dataset.LoadOptions{Batch: 700, Workers: 3,
		RetryAlone: func(_ context.Context, err error) bool { asked.Add(1); return errors.Is(err, errDeadlock) }})
	if err != nil {
		t.Fatal(err)
	}
	if d.retried[0] == 0 || d.retried[1] == 0 {
		t.Fatalf("batches written again: %d of nodes, %d of edges; want some of each (the test's store did not fail them)", d.retried[0], d.retried[1])
	}
	if d.notAlone != 0 || d.late != 0 {
		t.Errorf("%d batches written again beside another write; %d node batches written again after an edge batch", d.notAlone, d.late)
	}
	if int(asked.Load()) != len(d.failed) {
		t.Errorf("RetryAlone asked %d times for %d failed batches", asked.Load(), len(d.failed))
	}
	if rep.NodeCount() != len(ds.Nodes) || rep.EdgeCount() != len(ds.Edges) {
		t.Errorf("report: %d nodes, %d edges, want %d, %d", rep.NodeCount(), rep.EdgeCount(), len(ds.Nodes), len(ds.Edges))
	}
	nodes, edges := counts(t, d.Store)
	var gotN, gotE int
	for _, n := range nodes {
		gotN += n
	}
	for _, n := range edges {
		gotE += n
	}
	if gotN != len(ds.Nodes) || gotE != len(ds.Edges) {
		t.Errorf("store: %d nodes, %d edges, want %d, %d", gotN, gotE, len(ds.Nodes), len(ds.Edges))
	}
	t.Logf("%d node and %d edge batches written again alone", d.retried[0], d.retried[1])

	_, err = dataset.Load(ctx, open(), ds, dataset.LoadOptions{Batch: 700, Workers: 3})
	if !errors.Is(err, errDeadlock) {
		t.Fatalf("load without RetryAlone: %v, want the deadlock", err)
	}

	// A load cancelled before its batches are written again fails: it
	// does not report the batches it did not write as loaded.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	two := &dataset.Dataset{Nodes: ds.Nodes[:2]}
	d = open()
	rep, err = dataset.Load(cctx, d, two, dataset.LoadOptions{Batch: 1, Workers: 2,
		RetryAlone: func(context.Context, error) bool { cancel(); return true }})
	if len(d.failed) == 0 {
		t.Fatal("no batch failed")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("load cancelled with batches to write again: %v (report: %d nodes), want context.Canceled", err, rep.NodeCount())
	}
}
