package graph

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/kepu"
)

// Loaders hold the store results of one request. The prefetcher (see
// prefetch.go) fills them ahead of the field resolvers, level by level, with
// one store call per distinct field and arguments; a resolver then finds its
// result primed and never waits. Whatever was not prefetched is loaded
// through dataloadgen loaders, which batch the keys asked for within a short
// window (Options.BatchWait; none with the prefetch on, whose lists are
// marshaled in one goroutine: see startOperation), except the place
// fields, which PlaceOf answers. Results are matched to keys by ID (mapped loaders), never by
// position.
type Loaders struct {
	// Store is the request's view of the store; it counts calls (see
	// StoreCalls).
	Store kepu.Store
	calls atomic.Int64

	wait time.Duration

	// ctx is the request's context, for the store calls of PlaceOf (which
	// gqlgen calls without one).
	ctx context.Context

	// The nodes and locations of places, primed by the prefetcher or by
	// PlaceOf; the loaders are made on first use (a prefetched request
	// never needs them).
	mu          sync.Mutex // guards the fields below
	nodeCache   smallCache[kepu.Node]
	locCache    smallCache[kepu.Location]
	nodes       *dataloadgen.Loader[string, kepu.Node]
	locations   *dataloadgen.Loader[string, kepu.Location]
	neighbors   map[string]*dataloadgen.Loader[string, kepu.NeighborPage]
	counts      map[string]*dataloadgen.Loader[string, int]
	placePages  map[string]*dataloadgen.Loader[string, kepu.NodePage] // by query, keyed by place ID
	placeCounts map[string]*dataloadgen.Loader[string, int]           // by query, keyed by place ID
	relPlans    map[relPlanKey]*relPlan
}

// NewLoaders returns the loaders of one request over st; ctx is the
// request's context. wait is how long a loader collects keys that were not
// prefetched before calling the store.
func NewLoaders(ctx context.Context, st kepu.Store, wait time.Duration) *Loaders {
	l := &Loaders{ctx: ctx, wait: wait}
	l.Store = kepu.Observe(st, kepu.Observer{Start: l.countCall})
	return l
}

// PlaceOf implements model.Places: the place at a level (kepu.Province,
// kepu.Prefecture or kepu.County) of the node id, found false when it has
// none. It reads the location and the place that the prefetcher primed;
// what it did not prime (the prefetch is off, or skipped the field) is
// loaded with one Locate and one Nodes call for this node alone, in the
// request's context, and primed. The place fields call it without a
// goroutine of their own, so they cannot wait for a batch.
func (l *Loaders) PlaceOf(id string, level kepu.Label) (kepu.Node, bool, error) {
	loc, err := primedOrLoad(l, &l.locCache, l.Store.Locate, id)
	if err != nil {
		return kepu.Node{}, false, err
	}
	pid := loc.At(level)
	if pid == "" || pid == id {
		return kepu.Node{}, false, nil
	}
	n, err := primedOrLoad(l, &l.nodeCache, l.Store.Nodes, pid)
	// A zero node is how a miss is primed.
	return n, err == nil && n.ID != "", err
}

// primedOrLoad returns the value of id in a cache of l, or fetches it alone
// (in the request's context) and primes it: the zero value when fetch has
// none.
func primedOrLoad[V any](l *Loaders, cache *smallCache[V], fetch func(context.Context, []string) (map[string]V, error), id string) (V, error) {
	l.mu.Lock()
	v, ok := cache.get(id)
	l.mu.Unlock()
	if ok {
		return v, nil
	}
	found, err := fetch(l.ctx, []string{id})
	if err != nil {
		return v, err
	}
	v = found[id]
	l.mu.Lock()
	cache.put(id, v)
	l.mu.Unlock()
	return v, nil
}

// loadPlaces primes the locations of ids and their places at the levels
// through batching loaders, for the place fields of nodes that the
// prefetcher did not load: the resolvers of the parents call it, in their
// own goroutines, so that the IDs they ask for within the batching window
// share one Locate and one Nodes call. A key whose load fails is left
// unprimed: PlaceOf loads it again and reports the error at its field.
func (l *Loaders) loadPlaces(ctx context.Context, ids []string, levels []kepu.Label) {
	l.mu.Lock()
	if l.locations == nil {
		l.locations = dataloadgen.NewMappedLoader(l.Store.Locate, dataloadgen.WithWait(l.wait))
		l.nodes = dataloadgen.NewMappedLoader(l.Store.Nodes, dataloadgen.WithWait(l.wait))
	}
	locLd, nodeLd := l.locations, l.nodes
	l.mu.Unlock()
	locs := make([]func() (kepu.Location, error), len(ids))
	for i, id := range ids {
		locs[i] = locLd.LoadThunk(ctx, id)
	}
	var places idSet
	for i, id := range ids {
		loc, err := locs[i]()
		if err != nil && !errors.Is(err, dataloadgen.ErrNotFound) {
			continue
		}
		l.primeLocations([]string{id}, map[string]kepu.Location{id: loc})
		for _, lv := range levels {
			if pid := loc.At(lv); pid != "" && pid != id {
				places.add(pid)
			}
		}
	}
	nodes := make([]func() (kepu.Node, error), len(places.list))
	for i, id := range places.list {
		nodes[i] = nodeLd.LoadThunk(ctx, id)
	}
	for i, id := range places.list {
		n, err := nodes[i]()
		if err != nil && !errors.Is(err, dataloadgen.ErrNotFound) {
			continue
		}
		l.primeNodes([]string{id}, map[string]kepu.Node{id: n})
	}
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

// prime stores a value in a loader's cache, replacing an older one (a
// mutation may have changed what an earlier field of the request read).
func prime[K comparable, V any](ld *dataloadgen.Loader[K, V], key K, v V) {
	ld.Clear(key)
	ld.Prime(key, v)
}

// primeNodes records the result of a Nodes call for ids, replacing older
// ones: missing ones are primed as not found (a zero node).
func (l *Loaders) primeNodes(ids []string, found map[string]kepu.Node) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		l.nodeCache.put(id, found[id])
	}
}

// primeLocations records the result of a Locate call for ids, replacing
// older ones: nodes without a place are primed with the zero Location.
func (l *Loaders) primeLocations(ids []string, locs map[string]kepu.Location) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		l.locCache.put(id, locs[id])
	}
}

// smallCache maps IDs to values: a list searched linearly while it is
// small (most requests prime a handful of nodes, and a Go map costs half a
// kilobyte even for one entry), a map once it grows.
type smallCache[V any] struct {
	list []cacheEntry[V]
	m    map[string]V
}

type cacheEntry[V any] struct {
	id string
	v  V
}

const smallCacheMax = 16

func (c *smallCache[V]) get(id string) (V, bool) {
	if c.m != nil {
		v, ok := c.m[id]
		return v, ok
	}
	for i := range c.list {
		if c.list[i].id == id {
			return c.list[i].v, true
		}
	}
	var zero V
	return zero, false
}

// put sets the value of id, replacing an older one.
func (c *smallCache[V]) put(id string, v V) {
	if c.m != nil {
		c.m[id] = v
		return
	}
	for i := range c.list {
		if c.list[i].id == id {
			c.list[i].v = v
			return
		}
	}
	if len(c.list) < smallCacheMax {
		c.list = append(c.list, cacheEntry[V]{id, v})
		return
	}
	c.m = make(map[string]V, 2*len(c.list))
	for _, e := range c.list {
		c.m[e.id] = e.v
	}
	c.m[id] = v
	c.list = nil
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
	return loadOrZero(ctx, ld, id)
}

// CountNeighbors loads the number of relationships matching q for one node.
func (l *Loaders) CountNeighbors(ctx context.Context, id string, q kepu.NeighborQuery) (int, error) {
	ld, err := l.countLoader(q)
	if err != nil {
		return 0, err
	}
	return loadOrZero(ctx, ld, id)
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

// cloneNodeQuery returns a copy of q that shares no filter with it (see
// cloneQuery).
func cloneNodeQuery(q kepu.NodeQuery) kepu.NodeQuery {
	q.Filter = q.Filter.Clone()
	q.Order = slices.Clone(q.Order)
	return q
}

// placeCountQuery is q without the parts that do not change a count.
func placeCountQuery(q kepu.NodeQuery) kepu.NodeQuery {
	return kepu.NodeQuery{Label: q.Label, Filter: q.Filter}
}

// placeLoader returns the loader of the pages of q (a node query without
// the place) keyed by place ID: the places asked for within the batching
// window share one PlaceNodes call.
func (l *Loaders) placeLoader(q kepu.NodeQuery) (*dataloadgen.Loader[string, kepu.NodePage], error) {
	key, err := queryKey(q)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ld, ok := l.placePages[key]
	if !ok {
		ld = dataloadgen.NewMappedLoader(func(ctx context.Context, places []string) (map[string]kepu.NodePage, error) {
			return l.Store.PlaceNodes(ctx, places, cloneNodeQuery(q))
		}, dataloadgen.WithWait(l.wait))
		if l.placePages == nil {
			l.placePages = map[string]*dataloadgen.Loader[string, kepu.NodePage]{}
		}
		l.placePages[key] = ld
	}
	return ld, nil
}

// placeCountLoader returns the loader of the counts of q keyed by place ID:
// one CountPlaceNodes call per batch.
func (l *Loaders) placeCountLoader(q kepu.NodeQuery) (*dataloadgen.Loader[string, int], error) {
	q = placeCountQuery(q)
	key, err := queryKey(q)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ld, ok := l.placeCounts[key]
	if !ok {
		ld = dataloadgen.NewMappedLoader(func(ctx context.Context, places []string) (map[string]int, error) {
			return l.Store.CountPlaceNodes(ctx, places, q.Label, q.Filter.Clone())
		}, dataloadgen.WithWait(l.wait))
		if l.placeCounts == nil {
			l.placeCounts = map[string]*dataloadgen.Loader[string, int]{}
		}
		l.placeCounts[key] = ld
	}
	return ld, nil
}

// PlaceNodes loads the page of q (a node query without the place) of the
// nodes located in one place.
func (l *Loaders) PlaceNodes(ctx context.Context, placeID string, q kepu.NodeQuery) (kepu.NodePage, error) {
	ld, err := l.placeLoader(q)
	if err != nil {
		return kepu.NodePage{}, err
	}
	return loadOrZero(ctx, ld, placeID)
}

// CountPlaceNodes loads the number of nodes matching q located in one place.
func (l *Loaders) CountPlaceNodes(ctx context.Context, placeID string, q kepu.NodeQuery) (int, error) {
	ld, err := l.placeCountLoader(q)
	if err != nil {
		return 0, err
	}
	return loadOrZero(ctx, ld, placeID)
}

// primePlaceNodes records the result of a PlaceNodes call of q for places.
func (l *Loaders) primePlaceNodes(q kepu.NodeQuery, places []string, pages map[string]kepu.NodePage) error {
	ld, err := l.placeLoader(q)
	if err != nil {
		return err
	}
	for _, id := range places {
		prime(ld, id, pages[id])
	}
	return nil
}

// primePlaceCounts records the result of a CountPlaceNodes call of q for
// places.
func (l *Loaders) primePlaceCounts(q kepu.NodeQuery, places []string, counts map[string]int) error {
	ld, err := l.placeCountLoader(q)
	if err != nil {
		return err
	}
	for _, id := range places {
		prime(ld, id, counts[id])
	}
	return nil
}

// A relPlan is the query of one relationship field of an operation for
// parents of one label, and its loaders: relConnection needs them for
// every parent (50 museums, 50 times the same field), and building the
// query (converting and validating its arguments) and its loader keys (the
// query's JSON text) cost more than reading a primed page. The arguments
// of a field are fixed by the document and the operation's variables, so
// the plan is made once per field of the document (its *ast.Field), label
// and relationship, by the first parent, and shared by the rest.
type relPlan struct {
	q      kepu.NeighborQuery
	page   bool // the field needs the page, not only totalCount (see needsPage)
	pages  *dataloadgen.Loader[string, kepu.NeighborPage]
	counts func() (*dataloadgen.Loader[string, int], error) // made on first use
}

type relPlanKey struct {
	field *ast.Field
	near  kepu.Label
	rel   kepu.RelType
	dir   kepu.Direction
}

// relPlan returns the plan of the current field (from the field context of
// ctx) for a parent labelled near; build makes its query from the field's
// arguments. Outside a field (a resolver called directly) the plan is made
// for this call alone. An error of build is returned and not kept.
func (l *Loaders) relPlan(ctx context.Context, near kepu.Label, rel kepu.RelType, dir kepu.Direction, build func() (kepu.NeighborQuery, error)) (*relPlan, error) {
	var key relPlanKey
	fc := graphql.GetFieldContext(ctx)
	if fc != nil && fc.Field.Field != nil {
		key = relPlanKey{fc.Field.Field, near, rel, dir}
		l.mu.Lock()
		p := l.relPlans[key]
		l.mu.Unlock()
		if p != nil {
			return p, nil
		}
	}
	q, err := build()
	if err != nil {
		return nil, err
	}
	pages, err := l.neighborLoader(q)
	if err != nil {
		return nil, err
	}
	p := &relPlan{q: q, pages: pages, counts: sync.OnceValues(func() (*dataloadgen.Loader[string, int], error) { return l.countLoader(q) }), page: true}
	if key.field != nil && graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		p.page = needsPage(q.Page, graphql.CollectFields(oc, fc.Field.Selections, []string{spec.RelField{Def: *kepu.LookupRel(rel), Dir: dir}.Prefix() + "Connection"}))
	}
	if key.field != nil {
		l.mu.Lock()
		if l.relPlans == nil {
			l.relPlans = map[relPlanKey]*relPlan{}
		}
		l.relPlans[key] = p
		l.mu.Unlock()
	}
	return p, nil
}

// neighbors loads the page of the plan's query for one node.
func (p *relPlan) neighbors(ctx context.Context, id string) (kepu.NeighborPage, error) {
	return loadOrZero(ctx, p.pages, id)
}

// count loads the number of relationships matching the plan's query for
// one node.
func (p *relPlan) count(ctx context.Context, id string) (int, error) {
	ld, err := p.counts()
	if err != nil {
		return 0, err
	}
	return loadOrZero(ctx, ld, id)
}

// loadOrZero loads key with ld; a key the batch function left out
// (dataloadgen.ErrNotFound) is the zero value (an empty page, a count of 0).
func loadOrZero[V any](ctx context.Context, ld *dataloadgen.Loader[string, V], key string) (V, error) {
	v, err := ld.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		var zero V
		return zero, nil
	}
	return v, err
}
