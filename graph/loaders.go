package graph

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/kepugraph/kepugraph/kepu"
)

// Loaders hold the store results of one request. The prefetcher (see
// prefetch.go) fills them ahead of the field resolvers, level by level, with
// one store call per distinct field and arguments; a resolver then finds its
// result primed and never waits. Whatever was not prefetched is loaded
// through dataloadgen loaders, which batch the keys asked for within a short
// window (Options.BatchWait). Results are matched to keys by ID (mapped
// loaders), never by position.
type Loaders struct {
	// Store is the request's view of the store; it counts calls (see
	// StoreCalls).
	Store kepu.Store
	calls atomic.Int64

	wait      time.Duration
	nodes     *dataloadgen.Loader[string, kepu.Node]
	locations *dataloadgen.Loader[string, kepu.Location]

	mu        sync.Mutex // guards the maps below, made on first use
	neighbors map[string]*dataloadgen.Loader[string, kepu.NeighborPage]
	counts    map[string]*dataloadgen.Loader[string, int]
	museums   map[string]kepu.NodePage // by placeKey
	museumsN  map[string]int           // by placeKey
}

// NewLoaders returns the loaders of one request over st. wait is how long a
// loader collects keys that were not prefetched before calling the store.
func NewLoaders(st kepu.Store, wait time.Duration) *Loaders {
	l := &Loaders{wait: wait}
	l.Store = kepu.Observe(st, kepu.Observer{Start: l.countCall})
	l.nodes = dataloadgen.NewMappedLoader(l.Store.Nodes, dataloadgen.WithWait(wait))
	l.locations = dataloadgen.NewMappedLoader(l.Store.Locate, dataloadgen.WithWait(wait))
	return l
}

func (l *Loaders) countCall(ctx context.Context, _ kepu.Call) context.Context {
	l.calls.Add(1)
	return ctx
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
		return l.calls.Load()
	}
	return 0
}

// Node loads one node; found is false when there is none.
func (l *Loaders) Node(ctx context.Context, id string) (n kepu.Node, found bool, err error) {
	n, err = l.nodes.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) || (err == nil && n.ID == "") {
		// A zero node is how a prefetched miss is primed.
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

// prime stores a value in a loader's cache, replacing an older one (a
// mutation may have changed what an earlier field of the request read).
func prime[K comparable, V any](ld *dataloadgen.Loader[K, V], key K, v V) {
	ld.Clear(key)
	ld.Prime(key, v)
}

// primeNodes records the result of a Nodes call for ids: missing ones are
// primed as not found.
func (l *Loaders) primeNodes(ids []string, found map[string]kepu.Node) {
	for _, id := range ids {
		prime(l.nodes, id, found[id])
	}
}

// primeLocations records the result of a Locate call for ids: nodes without
// a place are primed with the zero Location.
func (l *Loaders) primeLocations(ids []string, locs map[string]kepu.Location) {
	for _, id := range ids {
		prime(l.locations, id, locs[id])
	}
}

// queryKey is the canonical text of a query: loaders are shared by every
// parent asking the same question, and the prefetcher primes the loader of
// the same key as the resolver reads.
func queryKey(q any) (string, error) {
	b, err := json.Marshal(q)
	if err != nil {
		return "", kepu.Errorf(kepu.Internal, "query key: %v", err)
	}
	return string(b), nil
}

// cloneQuery returns a copy of q that shares no filter with it: a store may
// normalize a query's filters in place (see kepu.ValidateFilter), and one
// query is used by concurrent batches.
func cloneQuery(q kepu.NeighborQuery) kepu.NeighborQuery {
	q.NodeFilter, q.EdgeFilter = q.NodeFilter.Clone(), q.EdgeFilter.Clone()
	q.Order = slices.Clone(q.Order)
	return q
}

// countQuery is q without the parts that do not change a count.
func countQuery(q kepu.NeighborQuery) kepu.NeighborQuery {
	q.Order, q.Page = nil, kepu.Page{}
	return q
}

func (l *Loaders) neighborLoader(q kepu.NeighborQuery) (*dataloadgen.Loader[string, kepu.NeighborPage], error) {
	key, err := queryKey(q)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ld, ok := l.neighbors[key]
	if !ok {
		ld = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]kepu.NeighborPage, error) {
			return l.Store.Neighbors(ctx, ids, cloneQuery(q))
		}, dataloadgen.WithWait(l.wait))
		if l.neighbors == nil {
			l.neighbors = map[string]*dataloadgen.Loader[string, kepu.NeighborPage]{}
		}
		l.neighbors[key] = ld
	}
	return ld, nil
}

func (l *Loaders) countLoader(q kepu.NeighborQuery) (*dataloadgen.Loader[string, int], error) {
	q = countQuery(q)
	key, err := queryKey(q)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ld, ok := l.counts[key]
	if !ok {
		ld = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]int, error) {
			return l.Store.CountNeighbors(ctx, ids, cloneQuery(q))
		}, dataloadgen.WithWait(l.wait))
		if l.counts == nil {
			l.counts = map[string]*dataloadgen.Loader[string, int]{}
		}
		l.counts[key] = ld
	}
	return ld, nil
}

// Neighbors loads the page of q for one node.
func (l *Loaders) Neighbors(ctx context.Context, id string, q kepu.NeighborQuery) (kepu.NeighborPage, error) {
	ld, err := l.neighborLoader(q)
	if err != nil {
		return kepu.NeighborPage{}, err
	}
	p, err := ld.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return kepu.NeighborPage{}, nil
	}
	return p, err
}

// CountNeighbors loads the number of relationships matching q for one node.
func (l *Loaders) CountNeighbors(ctx context.Context, id string, q kepu.NeighborQuery) (int, error) {
	ld, err := l.countLoader(q)
	if err != nil {
		return 0, err
	}
	n, err := ld.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// primeNeighbors records the result of a Neighbors call of q for ids (an
// empty page for those absent from pages).
func (l *Loaders) primeNeighbors(q kepu.NeighborQuery, ids []string, pages map[string]kepu.NeighborPage) error {
	ld, err := l.neighborLoader(q)
	if err != nil {
		return err
	}
	for _, id := range ids {
		prime(ld, id, pages[id])
	}
	return nil
}

// primeCounts records the result of a CountNeighbors call of q for ids.
func (l *Loaders) primeCounts(q kepu.NeighborQuery, ids []string, counts map[string]int) error {
	ld, err := l.countLoader(q)
	if err != nil {
		return err
	}
	for _, id := range ids {
		prime(ld, id, counts[id])
	}
	return nil
}

// placeKey names the museums query q of one place.
func placeKey(placeID string, q kepu.NodeQuery) (string, error) {
	key, err := queryKey(q)
	return placeID + "\x00" + key, err
}

// placeMuseums returns the prefetched page of museums of a place, if any.
func (l *Loaders) placeMuseums(key string) (kepu.NodePage, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.museums[key]
	return p, ok
}

// placeMuseumCount returns the prefetched museum count of a place, if any.
func (l *Loaders) placeMuseumCount(key string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, ok := l.museumsN[key]
	return n, ok
}

func (l *Loaders) primePlaceMuseums(key string, p kepu.NodePage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.museums == nil {
		l.museums = map[string]kepu.NodePage{}
	}
	l.museums[key] = p
}

func (l *Loaders) primePlaceMuseumCount(key string, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.museumsN == nil {
		l.museumsN = map[string]int{}
	}
	l.museumsN[key] = n
}
