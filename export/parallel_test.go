package export_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/kepu"
)

// gatedStore holds every Neighbors call until open is closed, and counts
// the calls in flight. Made in a synctest bubble, its held calls are
// durably blocked: synctest.Wait returns once every call that can start
// has started.
type gatedStore struct {
	kepu.Store
	open chan struct{}

	mu       sync.Mutex
	inFlight int
	max      int
}

func (s *gatedStore) counts() (inFlight, max int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight, s.max
}

func (s *gatedStore) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	s.mu.Lock()
	s.inFlight++
	s.max = max(s.max, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	select {
	case <-s.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Store.Neighbors(ctx, ids, q)
}

// writeGraphML writes a plan as GraphML.
func writeGraphML(t *testing.T, p *export.Plan) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := p.Write(context.Background(), export.LookupFormat("graphml").New(&buf)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParallelHopsBounded: exports at once make at most one Neighbors call
// each plus export.ExpandExtraSlots for the whole process, and write what
// one export alone writes. Every export made 4 at once: 120 concurrent
// 3-hop exports on Neo4j asked for 480 connections of the driver's pool of
// 100 and most answered 503 SERVICE_UNAVAILABLE. The calls are held in a
// synctest bubble until every one that can start has started (no timing):
// 16 for 4 exports on the old code, which fails here, 4+8 now.
func TestParallelHopsBounded(t *testing.T) {
	const exports = 4
	// Beijing's first hop makes 4 calls (the relationships that end at a
	// province, in), so each export asks for 3 extra slots.
	sel := export.Selection{Around: "Province:CN-BJ", Hops: 2}
	alone, err := (&export.Exporter{Store: shared.store}).Prepare(context.Background(), sel)
	if err != nil {
		t.Fatal(err)
	}
	want := writeGraphML(t, alone)
	bound := exports + min(export.ExpandExtraSlots, 3*exports)

	synctest.Test(t, func(t *testing.T) {
		gs := &gatedStore{Store: shared.store, open: make(chan struct{})}
		plans := make([]*export.Plan, exports)
		errs := make([]error, exports)
		var wg sync.WaitGroup
		for i := range exports {
			wg.Go(func() {
				plans[i], errs[i] = (&export.Exporter{Store: gs}).Prepare(context.Background(), sel)
			})
		}
		synctest.Wait()
		if held, _ := gs.counts(); held != bound {
			t.Errorf("%d exports at once: %d Neighbors calls held at once, want %d (one each and %d more)", exports, held, bound, export.ExpandExtraSlots)
		}
		close(gs.open)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, most := gs.counts(); most > bound {
			t.Errorf("%d exports at once made up to %d Neighbors calls at once, want at most %d", exports, most, bound)
		}
		for i, p := range plans {
			if got := writeGraphML(t, p); !bytes.Equal(got, want) {
				t.Errorf("export %d of %d at once wrote %d bytes unlike the export alone (%d bytes)", i, exports, len(got), len(want))
			}
		}
	})
}

// failOnce fails the Neighbors call for one relationship type and
// direction; the others answer.
type failOnce struct {
	kepu.Store
	rel kepu.RelType
	dir kepu.Direction
	err error
}

func (s failOnce) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	if q.Rel == s.rel && q.Dir == s.dir {
		return nil, s.err
	}
	return s.Store.Neighbors(ctx, ids, q)
}

// TestParallelHopError: one failing Neighbors call of a hop fails the
// export with that call's error (not another call's cancellation), and
// leaves the process's extra slots free: an export alone afterwards
// still holds 4 calls at once.
func TestParallelHopError(t *testing.T) {
	down := kepu.Errorf(kepu.Unavailable, "the graph database is unavailable")
	sel := export.Selection{Around: "Province:CN-BJ", Hops: 2}
	for range 3 {
		_, err := (&export.Exporter{Store: failOnce{Store: shared.store, rel: kepu.LocatedIn, dir: kepu.In, err: down}}).Prepare(context.Background(), sel)
		if !errors.Is(err, down) {
			t.Fatalf("Prepare with a failing call: %v, want %v", err, down)
		}
	}
	synctest.Test(t, func(t *testing.T) {
		gs := &gatedStore{Store: shared.store, open: make(chan struct{})}
		done := make(chan error, 1)
		go func() {
			_, err := (&export.Exporter{Store: gs}).Prepare(context.Background(), sel)
			done <- err
		}()
		synctest.Wait()
		if held, _ := gs.counts(); held != 4 {
			t.Errorf("an export alone after failed ones: %d calls held at once, want 4", held)
		}
		close(gs.open)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
