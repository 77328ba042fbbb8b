package dataset_test

import (
	"context"
	"errors"
	"strings"
	"sync"
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
	failAt      int // the write (1-based) that fails; 0: none
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
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inFlight--
		if !edges {
			w.nodeWrites--
		}
		w.mu.Unlock()
	}()
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
		return &watchedStore{Store: st}
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
