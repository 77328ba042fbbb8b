package graph

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/kepugraph/kepugraph/kepu"
)

// CountingStore wraps a store and counts the calls made through it.
type CountingStore struct {
	kepu.Store
	calls atomic.Int64
}

// Calls returns the number of store calls so far.
func (s *CountingStore) Calls() int64 { return s.calls.Load() }

func (s *CountingStore) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	s.calls.Add(1)
	return s.Store.Nodes(ctx, ids)
}

func (s *CountingStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	s.calls.Add(1)
	return s.Store.FindNodes(ctx, q)
}

func (s *CountingStore) CountNodes(ctx context.Context, l kepu.Label, f *kepu.Filter) (int, error) {
	s.calls.Add(1)
	return s.Store.CountNodes(ctx, l, f)
}

func (s *CountingStore) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	s.calls.Add(1)
	return s.Store.Neighbors(ctx, ids, q)
}

func (s *CountingStore) CountNeighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]int, error) {
	s.calls.Add(1)
	return s.Store.CountNeighbors(ctx, ids, q)
}

func (s *CountingStore) Locate(ctx context.Context, ids []string) (map[string]kepu.Location, error) {
	s.calls.Add(1)
	return s.Store.Locate(ctx, ids)
}

func (s *CountingStore) Aggregate(ctx context.Context, q kepu.AggregateQuery) ([]kepu.Group, error) {
	s.calls.Add(1)
	return s.Store.Aggregate(ctx, q)
}

func (s *CountingStore) AggregateEdges(ctx context.Context, q kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error) {
	s.calls.Add(1)
	return s.Store.AggregateEdges(ctx, q)
}

func (s *CountingStore) Write(ctx context.Context, changes []kepu.Change) ([]kepu.Result, error) {
	s.calls.Add(1)
	return s.Store.Write(ctx, changes)
}

// Loaders batch the store calls of one request. Results are matched to keys
// by ID (mapped loaders), never by position.
type Loaders struct {
	// Store is the request's view of the store; it counts calls.
	Store *CountingStore

	wait      time.Duration
	nodes     *dataloadgen.Loader[string, kepu.Node]
	locations *dataloadgen.Loader[string, kepu.Location]

	mu        sync.Mutex
	neighbors map[string]*dataloadgen.Loader[string, kepu.NeighborPage]
	counts    map[string]*dataloadgen.Loader[string, int]
}

// NewLoaders returns the loaders of one request over st. wait is how long a
// loader collects keys before calling the store.
func NewLoaders(st kepu.Store, wait time.Duration) *Loaders {
	cs := &CountingStore{Store: st}
	l := &Loaders{
		Store:     cs,
		wait:      wait,
		neighbors: map[string]*dataloadgen.Loader[string, kepu.NeighborPage]{},
		counts:    map[string]*dataloadgen.Loader[string, int]{},
	}
	l.nodes = dataloadgen.NewMappedLoader(cs.Nodes, dataloadgen.WithWait(wait))
	l.locations = dataloadgen.NewMappedLoader(cs.Locate, dataloadgen.WithWait(wait))
	return l
}

type loadersKey struct{}

// WithLoaders returns a context carrying the loaders.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, l)
}

// For returns the loaders of the request, or nil when the context has none.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	return l
}

// StoreCalls returns the number of store calls made so far by the request.
func StoreCalls(ctx context.Context) int64 {
	if l := For(ctx); l != nil {
		return l.Store.Calls()
	}
	return 0
}

// Node loads one node; found is false when there is none.
func (l *Loaders) Node(ctx context.Context, id string) (n kepu.Node, found bool, err error) {
	n, err = l.nodes.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return kepu.Node{}, false, nil
	}
	return n, err == nil, err
}

// Location loads the location of a node (zero when it has none).
func (l *Loaders) Location(ctx context.Context, id string) (kepu.Location, error) {
	loc, err := l.locations.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return kepu.Location{}, nil
	}
	return loc, err
}

// queryKey is the canonical text of a neighbor query: loaders are shared by
// every parent asking the same query.
func queryKey(q kepu.NeighborQuery) (string, error) {
	b, err := json.Marshal(q)
	return string(b), err
}

// Neighbors loads the page of q for one node.
func (l *Loaders) Neighbors(ctx context.Context, id string, q kepu.NeighborQuery) (kepu.NeighborPage, error) {
	key, err := queryKey(q)
	if err != nil {
		return kepu.NeighborPage{}, err
	}
	l.mu.Lock()
	ld, ok := l.neighbors[key]
	if !ok {
		ld = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]kepu.NeighborPage, error) {
			return l.Store.Neighbors(ctx, ids, q)
		}, dataloadgen.WithWait(l.wait))
		l.neighbors[key] = ld
	}
	l.mu.Unlock()
	p, err := ld.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return kepu.NeighborPage{}, nil
	}
	return p, err
}

// CountNeighbors loads the number of relationships matching q for one node.
func (l *Loaders) CountNeighbors(ctx context.Context, id string, q kepu.NeighborQuery) (int, error) {
	q.Order, q.Page = nil, kepu.Page{}
	key, err := queryKey(q)
	if err != nil {
		return 0, err
	}
	l.mu.Lock()
	ld, ok := l.counts[key]
	if !ok {
		ld = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]int, error) {
			return l.Store.CountNeighbors(ctx, ids, q)
		}, dataloadgen.WithWait(l.wait))
		l.counts[key] = ld
	}
	l.mu.Unlock()
	n, err := ld.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return 0, nil
	}
	return n, err
}
