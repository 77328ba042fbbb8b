package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/graph/internal/lists"
	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// Lookahead prefetch.
//
// A resolver that obtains nodes from the store (a root connection, node,
// nodes, a mutation result) walks the selection set below them before it
// returns, level by level, and makes one store call per level for each
// distinct field and arguments, for all the nodes of that level at once:
//
//   - a relationship connection: one Neighbors call (unless only
//     totalCount is selected, see needsPage) and one CountNeighbors call
//     when totalCount is selected, then the nodes at the far end are the
//     next level (under nodes and edges { node });
//   - province, prefecture, county: one Locate call for every node of the
//     level that selects any of them, one Nodes call for the places, which
//     are the next level;
//   - the museums connection of a place: one PlaceNodes call (and one
//     CountPlaceNodes call when totalCount is selected and the pages do not
//     carry their counts, see kepu.NodePage.Counted) for all the places
//     of the level asking with the same arguments; the museums are the
//     next level.
//
// The results prime the request's loaders under the same keys the field
// resolvers read (both build their queries with nodeQuery and relQuery), so
// the resolvers find them ready and never wait. The number of store calls of
// a query therefore depends on its shape, not on the number of parents or on
// timing. A field the prefetcher skips (arguments it cannot read, a store
// error) is loaded by its resolver through the batching loaders, which report
// any error at the field's path.
//
// The seam. The prefetch is an optimization behind one switch,
// Options.NoPrefetch (Resolver.noPrefetch), read in this file only. It
// primes the request's Loaders, and marks the operation so that its lists
// are marshaled without a goroutine per element (startOperation); the
// resolvers read the Loaders whether or not it ran, and load what is not
// primed through dataloaders (batching ones when it is off). The one thing the resolvers cannot batch themselves is the
// place fields (province, prefecture, county), which are model methods
// called without a goroutine (see model.Places): with the prefetch off,
// the connection resolvers load the places their nodes select through the
// batching loaders (loadSelectedPlaces, also here). TestPrefetchCorpus
// checks that the answers are the same JSON either way on the query corpus
// (bench/queries, the README's queries, testdata), TestPrefetch the store
// calls the prefetch saves.

// startOperation returns the context of an operation: its loaders and,
// with the prefetch on, the mark that makes gqlgen marshal its lists in the
// calling goroutine instead of one goroutine per element
// (lists.Sequential): the prefetch loads, level by level, what the
// resolvers below the elements read, so they have nothing to wait for
// together. Its dataloaders then do not wait to collect a batch (no
// sibling could join it): a field the prefetcher did not load makes its
// own store call at once. With the prefetch off, lists are marshaled
// concurrently and the dataloaders batch. Either way an operation whose
// document has no @defer is marked lists.NoDefer (its objects skip
// gqlgen's @defer bookkeeping), and, when the server has no field
// middleware, lists.PlainFields.
func (r *Resolver) startOperation(ctx context.Context) context.Context {
	var doc *ast.QueryDocument
	if graphql.HasOperationContext(ctx) {
		doc = graphql.GetOperationContext(ctx).Doc
	}
	ctx = lists.Mark(ctx, doc, !r.noPrefetch, r.plainFields)
	if r.noPrefetch {
		return WithLoaders(ctx, NewLoaders(ctx, r.store, r.batchWait))
	}
	return WithLoaders(ctx, NewLoaders(ctx, r.store, 0))
}

// maxPrefetchDepth bounds the levels one prefetch walks.
const maxPrefetchDepth = 64

// job is a list of nodes and a selection set on them.
type job struct {
	nodes []kepu.Node
	sel   ast.SelectionSet
}

// cont continues a prefetch below some of the parents of a request: the
// nodes fetched for ids become the next level under each selection set.
type cont struct {
	ids  []string
	sels []ast.SelectionSet
}

// relRequest is one Neighbors call of a level (when page) and one
// CountNeighbors call (when count).
type relRequest struct {
	q     kepu.NeighborQuery
	ids   idSet
	page  bool
	count bool
	conts []cont
}

// placeRequest is the place field at one level of some nodes.
type placeRequest struct {
	ids   []string
	level kepu.Label
	sel   ast.SelectionSet
}

// museumsRequest is one PlaceNodes call of a level: the museums
// connection of places with the same arguments.
type museumsRequest struct {
	q      kepu.NodeQuery // without the place
	places idSet
	count  bool
	conts  []cont
}

// level collects the store calls of one level.
type level struct {
	rels    map[string]*relRequest
	locate  idSet
	places  []placeRequest
	museums map[string]*museumsRequest
}

// idSet is a set of IDs that keeps their first-seen order. Small sets (the
// common case: one node, one place) are searched linearly; the map is
// built once the set grows past smallIDSet.
type idSet struct {
	list []string
	seen map[string]bool
}

const smallIDSet = 8

// has reports whether id is in the set.
func (s *idSet) has(id string) bool {
	if s.seen != nil {
		return s.seen[id]
	}
	return slices.Contains(s.list, id)
}

func (s *idSet) add(ids ...string) {
	for _, id := range ids {
		if s.has(id) {
			continue
		}
		s.list = append(s.list, id)
		if s.seen != nil {
			s.seen[id] = true
		} else if len(s.list) > smallIDSet {
			s.seen = make(map[string]bool, 2*len(s.list))
			for _, v := range s.list {
				s.seen[v] = true
			}
		}
	}
}

type prefetcher struct {
	r  *Resolver
	ld *Loaders
	op *graphql.OperationContext
}

// newPrefetcher returns a prefetcher for the current field, or nil outside a
// GraphQL operation or when the prefetch is off.
func (r *Resolver) newPrefetcher(ctx context.Context, ld *Loaders) (*prefetcher, *graphql.FieldContext) {
	if r.noPrefetch {
		return nil, nil
	}
	return selections(ctx, r, ld)
}

// selections returns a prefetcher for reading the selections of the current
// field (whether or not the prefetch is on), or nil outside a GraphQL
// operation.
func selections(ctx context.Context, r *Resolver, ld *Loaders) (*prefetcher, *graphql.FieldContext) {
	if !graphql.HasOperationContext(ctx) {
		return nil, nil
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil, nil
	}
	return &prefetcher{r: r, ld: ld, op: graphql.GetOperationContext(ctx)}, fc
}

// prefetchField prefetches the fields selected below the current field,
// whose value is nodes. conn is the label of a node connection (a root
// connection field), or "" when the field's type is a node or a list of
// nodes.
func (r *Resolver) prefetchField(ctx context.Context, ld *Loaders, nodes []kepu.Node, conn string) {
	p, fc := r.newPrefetcher(ctx, ld)
	if p == nil || len(nodes) == 0 {
		return
	}
	var jobs []job
	if conn == "" {
		jobs = []job{{nodes: nodes, sel: fc.Field.Selections}}
	} else {
		sels, _ := p.connection(fc.Field.Selections, conn)
		for _, sel := range sels {
			jobs = append(jobs, job{nodes: nodes, sel: sel})
		}
	}
	p.run(ctx, jobs)
}

// prefetchLink prefetches the fields selected below the from and to fields
// of a link (the result of a relationship mutation).
func (r *Resolver) prefetchLink(ctx context.Context, ld *Loaders, rel kepu.RelType, from, to kepu.Node) {
	p, fc := r.newPrefetcher(ctx, ld)
	if p == nil {
		return
	}
	var jobs []job
	for _, f := range p.collect(fc.Field.Selections, spec.RelName(rel)+"Link") {
		switch f.Name {
		case "from":
			jobs = append(jobs, job{nodes: []kepu.Node{from}, sel: f.Selections})
		case "to":
			jobs = append(jobs, job{nodes: []kepu.Node{to}, sel: f.Selections})
		}
	}
	p.run(ctx, jobs)
}

// collect returns the fields of a selection set on an object type. gqlgen
// resolves fragment spreads, inline fragments (by type condition), @skip and
// @include; it panics only on documents its validator would have rejected.
func (p *prefetcher) collect(sel ast.SelectionSet, satisfies ...string) []graphql.CollectedField {
	if len(sel) == 0 {
		return nil
	}
	return graphql.CollectFields(p.op, sel, satisfies)
}

// implementors maps each label to the GraphQL types its nodes satisfy (as
// gqlgen's generated code lists them), for resolving type conditions.
var implementors = func() map[kepu.Label][]string {
	m := map[kepu.Label][]string{}
	for _, l := range kepu.Labels {
		if l.IsPlace() {
			m[l] = []string{string(l), "Place", "Node"}
		} else {
			m[l] = []string{string(l), "Node"}
		}
	}
	return m
}()

// connection returns the selection sets on the nodes of a connection (under
// nodes and edges { node }) and whether totalCount is selected. prefix names
// the connection and edge types: "<prefix>Connection", "<prefix>Edge".
func (p *prefetcher) connection(sel ast.SelectionSet, prefix string) (sels []ast.SelectionSet, total bool) {
	for _, f := range p.collect(sel, prefix+"Connection") {
		switch f.Name {
		case "nodes":
			sels = append(sels, f.Selections)
		case "edges":
			for _, g := range p.collect(f.Selections, prefix+"Edge") {
				if g.Name == "node" {
					sels = append(sels, g.Selections)
				}
			}
		case "totalCount":
			total = true
		}
	}
	return sels, total
}

// run prefetches level by level. It never fails: whatever it could not
// prefetch is left to the resolvers.
func (p *prefetcher) run(ctx context.Context, jobs []job) {
	defer func() {
		if v := recover(); v != nil {
			p.r.logger.ErrorContext(ctx, "prefetch failed", "request_id", RequestID(ctx), "panic", fmt.Sprint(v))
		}
	}()
	for depth := 0; len(jobs) > 0 && depth < maxPrefetchDepth && ctx.Err() == nil; depth++ {
		lv := &level{} // maps made on first use
		for _, j := range jobs {
			p.plan(lv, j)
		}
		jobs = p.fetch(ctx, lv)
	}
}

// plan adds the store calls that the fields selected on a job's nodes need.
func (p *prefetcher) plan(lv *level, j job) {
	if len(j.sel) == 0 {
		return
	}
	groupByLabel(j.nodes, func(l kepu.Label, ids []string) {
		for _, f := range p.collect(j.sel, implementors[l]...) {
			if rf, ok := spec.LookupRelField(l, f.Name); ok {
				p.planRel(lv, l, rf, f, ids)
				continue
			}
			if pl := placeField(l, f.Name); pl != "" {
				lv.locate.add(ids...)
				lv.places = append(lv.places, placeRequest{ids: ids, level: pl, sel: f.Selections})
				continue
			}
			if f.Name == "museums" && l.IsPlace() {
				p.planMuseums(lv, f, ids)
			}
		}
	})
}

// groupByLabel calls f with each label of nodes, in first-seen order, and
// the IDs of its nodes, in order. Levels hold few labels: they are searched
// linearly, and a level of one label allocates only its ID list.
func groupByLabel(nodes []kepu.Node, f func(kepu.Label, []string)) {
	var doneBuf [8]kepu.Label
	done := doneBuf[:0]
	for i, n := range nodes {
		if slices.Contains(done, n.Label) {
			continue
		}
		done = append(done, n.Label)
		count := 0
		for _, m := range nodes[i:] {
			if m.Label == n.Label {
				count++
			}
		}
		ids := make([]string, 0, count)
		for _, m := range nodes[i:] {
			if m.Label == n.Label {
				ids = append(ids, m.ID)
			}
		}
		f(n.Label, ids)
	}
}

func (p *prefetcher) planRel(lv *level, near kepu.Label, rf spec.RelField, f graphql.CollectedField, ids []string) {
	a, ok := p.args(f)
	if !ok {
		return
	}
	q, err := relQuery(near, rf, a, p.r.maxPageSize)
	if err != nil {
		return // the resolver reports it
	}
	key, err := queryKey(q)
	if err != nil {
		return
	}
	req := lv.rels[key]
	if req == nil {
		req = &relRequest{q: q}
		if lv.rels == nil {
			lv.rels = map[string]*relRequest{}
		}
		lv.rels[key] = req
	}
	req.ids.add(ids...)
	sels, total := p.connection(f.Selections, rf.Prefix())
	req.count = req.count || total
	req.page = req.page || needsPage(q.Page, p.collect(f.Selections, rf.Prefix()+"Connection"))
	if len(sels) > 0 {
		req.conts = append(req.conts, cont{ids: ids, sels: sels})
	}
}

// needsPage reports whether a relationship connection with the page
// arguments p and the fields collected on it must read its page: unless
// only totalCount (and __typename) is selected. A page after or before a
// cursor is always read, so that a malformed cursor is reported whatever
// is selected.
func needsPage(p kepu.Page, fields []graphql.CollectedField) bool {
	if p.After != "" || p.Before != "" {
		return true
	}
	for _, f := range fields {
		if f.Name != "totalCount" && f.Name != "__typename" {
			return true
		}
	}
	return false
}

func (p *prefetcher) planMuseums(lv *level, f graphql.CollectedField, ids []string) {
	a, ok := p.args(f)
	if !ok {
		return
	}
	q, err := nodeQuery(kepu.Museum, nil, a, p.r.maxPageSize)
	if err != nil {
		return // the resolver reports it
	}
	key, err := queryKey(q)
	if err != nil {
		return
	}
	req := lv.museums[key]
	if req == nil {
		req = &museumsRequest{q: q}
		if lv.museums == nil {
			lv.museums = map[string]*museumsRequest{}
		}
		lv.museums[key] = req
	}
	req.places.add(ids...)
	sels, total := p.connection(f.Selections, string(kepu.Museum))
	req.count = req.count || total
	if len(sels) > 0 {
		req.conts = append(req.conts, cont{ids: ids, sels: sels})
	}
}

// loadSelectedPlaces primes, when the prefetch is off, the places that the
// fields selected on the nodes of a connection (prefix names its types)
// ask for, through the batching loaders (see Loaders.loadPlaces): the place
// fields are model methods, called without a goroutine of their own, which
// could not batch. With the prefetch on it does nothing: the prefetcher
// loaded them with the rest of the level.
func (r *Resolver) loadSelectedPlaces(ctx context.Context, ld *Loaders, nodes []kepu.Node, prefix string) {
	if !r.noPrefetch || len(nodes) == 0 {
		return
	}
	p, fc := selections(ctx, r, ld)
	if p == nil {
		return
	}
	sels, _ := p.connection(fc.Field.Selections, prefix)
	var ids idSet
	var levels []kepu.Label
	for _, sel := range sels {
		groupByLabel(nodes, func(l kepu.Label, lids []string) {
			for _, f := range p.collect(sel, implementors[l]...) {
				if pl := placeField(l, f.Name); pl != "" {
					ids.add(lids...)
					if !slices.Contains(levels, pl) {
						levels = append(levels, pl)
					}
				}
			}
		})
	}
	if len(ids.list) > 0 {
		ld.loadPlaces(ctx, ids.list, levels)
	}
}

// loadNeighborPlaces is loadSelectedPlaces for the far ends of a page of
// relationships.
func (r *Resolver) loadNeighborPlaces(ctx context.Context, ld *Loaders, items []kepu.Neighbor, prefix string) {
	if !r.noPrefetch || len(items) == 0 {
		return
	}
	far := make([]kepu.Node, len(items))
	for i, it := range items {
		far[i] = it.Node
	}
	r.loadSelectedPlaces(ctx, ld, far, prefix)
}

// placeField returns the place level that the field name selects on a node
// of the label ("" when it is not a place field).
func placeField(l kepu.Label, name string) kepu.Label {
	for _, pl := range spec.PlaceLevels(l) {
		if placeFieldNames[pl] == name {
			return pl
		}
	}
	return ""
}

// placeFieldNames are the names of the place fields: "province", ...
var placeFieldNames = func() map[kepu.Label]string {
	m := map[kepu.Label]string{}
	for _, l := range kepu.PlaceLabels {
		m[l] = spec.LowerFirst(string(l))
	}
	return m
}()

// fetch makes the store calls of a level, primes the loaders and returns the
// jobs of the next level.
func (p *prefetcher) fetch(ctx context.Context, lv *level) []job {
	st := p.ld.Store
	var next []job

	keys := make([]string, 0, len(lv.rels))
	for k := range lv.rels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		req := lv.rels[k]
		var pages map[string]kepu.NeighborPage
		if req.page {
			var err error
			pages, err = st.Neighbors(ctx, req.ids.list, cloneQuery(req.q))
			if err != nil || p.ld.primeNeighbors(req.q, req.ids.list, pages) != nil {
				continue
			}
		}
		if req.count {
			if counts, err := st.CountNeighbors(ctx, req.ids.list, cloneQuery(countQuery(req.q))); err == nil {
				_ = p.ld.primeCounts(req.q, req.ids.list, counts)
			}
		}
		for _, c := range req.conts {
			var far []kepu.Node
			var seen idSet
			for _, id := range c.ids {
				for _, it := range pages[id].Items {
					if !seen.has(it.Node.ID) {
						seen.add(it.Node.ID)
						far = append(far, it.Node)
					}
				}
			}
			for _, sel := range c.sels {
				next = append(next, job{nodes: far, sel: sel})
			}
		}
	}

	if len(lv.locate.list) > 0 {
		next = append(next, p.fetchPlaces(ctx, lv)...)
	}

	mkeys := make([]string, 0, len(lv.museums))
	for k := range lv.museums {
		mkeys = append(mkeys, k)
	}
	sort.Strings(mkeys)
	for _, k := range mkeys {
		req := lv.museums[k]
		places := req.places.list
		pages, err := st.PlaceNodes(ctx, places, cloneNodeQuery(req.q))
		if err != nil || p.ld.primePlaceNodes(req.q, places, pages) != nil {
			continue
		}
		if req.count && !allCounted(pages, places) {
			q := placeCountQuery(req.q)
			if counts, err := st.CountPlaceNodes(ctx, places, q.Label, q.Filter.Clone()); err == nil {
				_ = p.ld.primePlaceCounts(req.q, places, counts)
			}
		}
		for _, c := range req.conts {
			var museums []kepu.Node
			var seen idSet
			for _, id := range c.ids {
				for _, n := range pages[id].Nodes {
					if !seen.has(n.ID) {
						seen.add(n.ID)
						museums = append(museums, n)
					}
				}
			}
			for _, sel := range c.sels {
				next = append(next, job{nodes: museums, sel: sel})
			}
		}
	}
	return next
}

// fetchPlaces answers the place fields of a level: one Locate call and one
// Nodes call.
func (p *prefetcher) fetchPlaces(ctx context.Context, lv *level) []job {
	st := p.ld.Store
	locs, err := st.Locate(ctx, lv.locate.list)
	if err != nil {
		return nil
	}
	p.ld.primeLocations(lv.locate.list, locs)
	var placeIDs idSet
	for _, pr := range lv.places {
		for _, id := range pr.ids {
			if pid := locs[id].At(pr.level); pid != "" && pid != id {
				placeIDs.add(pid)
			}
		}
	}
	if len(placeIDs.list) == 0 {
		return nil
	}
	found, err := st.Nodes(ctx, placeIDs.list)
	if err != nil {
		return nil
	}
	p.ld.primeNodes(placeIDs.list, found)
	var next []job
	for _, pr := range lv.places {
		if len(pr.sel) == 0 {
			continue
		}
		var places []kepu.Node
		var seen idSet
		for _, id := range pr.ids {
			pid := locs[id].At(pr.level)
			n, ok := found[pid]
			if ok && pid != id && !seen.has(pid) {
				seen.add(pid)
				places = append(places, n)
			}
		}
		if len(places) > 0 {
			next = append(next, job{nodes: places, sel: pr.sel})
		}
	}
	return next
}

// args reads the arguments of a connection field as the resolver receives
// them (variables substituted, defaults applied). ok is false when they
// cannot be read; the field is then left to its resolver.
func (p *prefetcher) args(f graphql.CollectedField) (a connArgs, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	m := f.ArgumentMap(p.op.Variables)
	if a.Where, ok = optMap(m["where"]); !ok {
		return a, false
	}
	if a.OrderBy, ok = orderInputs(m["orderBy"]); !ok {
		return a, false
	}
	if a.First, ok = optInt(m["first"]); !ok {
		return a, false
	}
	if a.Last, ok = optInt(m["last"]); !ok {
		return a, false
	}
	if a.After, ok = optString(m["after"]); !ok {
		return a, false
	}
	if a.Before, ok = optString(m["before"]); !ok {
		return a, false
	}
	return a, true
}

func optMap(v any) (map[string]any, bool) {
	if v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	return m, ok
}

func optString(v any) (*string, bool) {
	if v == nil {
		return nil, true
	}
	s, ok := v.(string)
	return &s, ok
}

func optInt(v any) (*int, bool) {
	var n int64
	switch x := v.(type) {
	case nil:
		return nil, true
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return nil, false
		}
		n = i
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > math.MaxInt32 {
			return nil, false
		}
		n = int64(x)
	default:
		return nil, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return nil, false
	}
	i := int(n)
	return &i, true
}

// orderInputs reads an orderBy argument: a list of {field, direction}, or
// one of them (GraphQL input coercion).
func orderInputs(v any) ([]*model.OrderInput, bool) {
	var list []any
	switch x := v.(type) {
	case nil:
		return nil, true
	case map[string]any:
		list = []any{x}
	case []any:
		list = x
	case []map[string]any:
		for _, m := range x {
			list = append(list, m)
		}
	default:
		return nil, false
	}
	out := make([]*model.OrderInput, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		field, ok := m["field"].(string)
		if !ok {
			return nil, false
		}
		dir := "ASC"
		if d, present := m["direction"]; present && d != nil {
			if dir, ok = d.(string); !ok {
				return nil, false
			}
		}
		out = append(out, &model.OrderInput{Field: field, Direction: dir})
	}
	return slices.Clip(out), true
}

// allCounted reports whether the page of every place carries its count
// (kepu.NodePage.Counted), so that totalCount needs no CountPlaceNodes call.
func allCounted(pages map[string]kepu.NodePage, places []string) bool {
	for _, id := range places {
		if !pages[id].Counted {
			return false
		}
	}
	return true
}
