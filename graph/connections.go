package graph

import (
	"context"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// loaders returns the request's loaders, or fresh ones when the context has
// none (a resolver called outside the handler).
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l := For(ctx); l != nil {
		return l
	}
	return NewLoaders(ctx, r.store, r.batchWait)
}

func pageInfo(cursors []string, hasNext, hasPrev bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(cursors) > 0 {
		start, end := cursors[0], cursors[len(cursors)-1]
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

// connArgs are the arguments of a connection field. For a relationship
// field, Where is the {node, edge} match input.
type connArgs struct {
	Where   map[string]any
	OrderBy []*model.OrderInput
	pageArgs
}

// nodeQuery builds the query of a node connection of label l from its
// arguments; extra is ANDed to the where filter (place connections use it).
// The resolvers and the prefetcher both build queries here, so that a
// prefetched result is found under the key a resolver asks for.
func nodeQuery(l kepu.Label, extra *kepu.Filter, a connArgs, maxPage int) (kepu.NodeQuery, error) {
	f, err := nodeFilter(l, a.Where)
	if err != nil {
		return kepu.NodeQuery{}, err
	}
	table := spec.OrderTable(l)
	order, err := orderKeys(table, a.OrderBy)
	if err != nil {
		return kepu.NodeQuery{}, err
	}
	if err := kepu.ValidateOrder(l, "", order); err != nil {
		return kepu.NodeQuery{}, err
	}
	p, err := a.page(maxPage)
	if err != nil {
		return kepu.NodeQuery{}, err
	}
	// A bad cursor is refused here, before any store call.
	if err := kepu.ValidateNodePage(l, order, p); err != nil {
		return kepu.NodeQuery{}, err
	}
	return kepu.NodeQuery{Label: l, Filter: kepu.And(extra, f), Order: order, Page: p}, nil
}

// relQuery builds the neighbor query of the relationship field rf of a node
// labelled near from the field's arguments. Like nodeQuery, it is shared by
// the resolvers and the prefetcher.
func relQuery(near kepu.Label, rf spec.RelField, a connArgs, maxPage int) (kepu.NeighborQuery, error) {
	nodeWhere, edgeWhere, err := splitMatch(a.Where)
	if err != nil {
		return kepu.NeighborQuery{}, err
	}
	nodeF, edgeF, err := neighborFilters(near, rf, nodeWhere, edgeWhere)
	if err != nil {
		return kepu.NeighborQuery{}, err
	}
	table := spec.RelOrderTable(rf)
	order, err := orderKeys(table, a.OrderBy)
	if err != nil {
		return kepu.NeighborQuery{}, err
	}
	if err := kepu.ValidateOrder(rf.Far()[0], rf.Def.Type, order); err != nil {
		return kepu.NeighborQuery{}, err
	}
	p, err := a.page(maxPage)
	if err != nil {
		return kepu.NeighborQuery{}, err
	}
	if err := kepu.ValidateNeighborPage(rf.Def.Type, rf.Dir, order, p); err != nil {
		return kepu.NeighborQuery{}, err
	}
	return kepu.NeighborQuery{Rel: rf.Def.Type, Dir: rf.Dir, NodeFilter: nodeF, EdgeFilter: edgeF, Order: order, Page: p}, nil
}

// nodeConnection lists nodes of a label (a root field): one FindNodes call,
// and one CountNodes call when totalCount is selected and the page does not
// carry the count (kepu.NodePage.Counted), made directly (no batching
// wait). extra is ANDed to the where filter. Before returning it
// prefetches the fields selected below the page.
func nodeConnection[C any](ctx context.Context, r *Resolver, l kepu.Label, extra *kepu.Filter, where map[string]any, orderBy []*model.OrderInput, args pageArgs,
	build func([]kepu.Node, []string, *model.PageInfo, model.CountFunc, model.Places) C) (C, error) {
	var zero C
	q, err := nodeQuery(l, extra, connArgs{Where: where, OrderBy: orderBy, pageArgs: args}, r.maxPageSize)
	if err != nil {
		return zero, err
	}
	ld := r.loaders(ctx)
	res, err := ld.Store.FindNodes(ctx, q)
	if err != nil {
		return zero, err
	}
	r.prefetchField(ctx, ld, res.Nodes, string(l))
	r.loadSelectedPlaces(ctx, ld, res.Nodes, string(l))
	count := func(ctx context.Context) (int, error) {
		if res.Counted {
			return res.Total, nil
		}
		return ld.Store.CountNodes(ctx, l, q.Filter)
	}
	return build(res.Nodes, res.Cursors, pageInfo(res.Cursors, res.HasNext, res.HasPrev), count, ld), nil
}

// placeMuseums lists the museums located in a place. The page (and the
// count for totalCount) is normally prefetched for every place of the level
// at once, with one PlaceNodes call (and one CountPlaceNodes call when
// the pages are not counted, see kepu.NodePage.Counted);
// otherwise the request's loaders batch it with the other places asking the
// same question. The query leaves the place out (the loaders key it by
// place), so that every place with the same arguments shares it.
func placeMuseums(ctx context.Context, r *Resolver, placeID string, where map[string]any, orderBy []*model.OrderInput, args pageArgs) (*model.MuseumConnection, error) {
	q, err := nodeQuery(kepu.Museum, nil, connArgs{Where: where, OrderBy: orderBy, pageArgs: args}, r.maxPageSize)
	if err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	res, err := ld.PlaceNodes(ctx, placeID, q)
	if err != nil {
		return nil, err
	}
	r.loadSelectedPlaces(ctx, ld, res.Nodes, string(kepu.Museum))
	count := func(ctx context.Context) (int, error) {
		if res.Counted {
			return res.Total, nil
		}
		return ld.CountPlaceNodes(ctx, placeID, q)
	}
	return model.NewMuseumConnection(res.Nodes, res.Cursors, pageInfo(res.Cursors, res.HasNext, res.HasPrev), count, ld), nil
}

// relConnection lists the relationships of one node. The page (and the
// count for totalCount) is normally prefetched for every parent at once;
// otherwise the request's loaders batch it with the other parents asking the
// same question.
func relConnection[C any](ctx context.Context, r *Resolver, nodeID string, rel kepu.RelType, dir kepu.Direction, where map[string]any, orderBy []*model.OrderInput, args pageArgs,
	build func([]kepu.Neighbor, *model.PageInfo, model.CountFunc, model.Places) C) (C, error) {
	var zero C
	ld := r.loaders(ctx)
	near := kepu.LabelOf(nodeID)
	rf := spec.RelField{Def: *kepu.LookupRel(rel), Dir: dir}
	plan, err := ld.relPlan(ctx, near, rel, dir, func() (kepu.NeighborQuery, error) {
		return relQuery(near, rf, connArgs{Where: where, OrderBy: orderBy, pageArgs: args}, r.maxPageSize)
	})
	if err != nil {
		return zero, err
	}
	if !plan.page {
		// Only totalCount is selected: no page to read (nor to build).
		count := func(ctx context.Context) (int, error) { return plan.count(ctx, nodeID) }
		return build(nil, &model.PageInfo{}, count, ld), nil
	}
	res, err := plan.neighbors(ctx, nodeID)
	if err != nil {
		return zero, err
	}
	cursors := make([]string, len(res.Items))
	for i, it := range res.Items {
		cursors[i] = it.Cursor
	}
	r.loadNeighborPlaces(ctx, ld, res.Items, rf.Prefix())
	count := func(ctx context.Context) (int, error) { return plan.count(ctx, nodeID) }
	return build(res.Items, pageInfo(cursors, res.HasNext, res.HasPrev), count, ld), nil
}

// node loads one node by global ID (a root field: one direct Nodes call),
// then prefetches the fields selected on it. A missing node is a NOT_FOUND
// error (gqlgen makes the nullable field null).
func node(ctx context.Context, r *Resolver, gid string) (model.Node, error) {
	id, err := kepu.ParseGlobalID(gid)
	if err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	found, err := ld.Store.Nodes(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	n, ok := found[id]
	if !ok {
		return nil, kepu.Errorf(kepu.NotFound, "no node with ID %q", gid)
	}
	r.prefetchField(ctx, ld, []kepu.Node{n}, "")
	return model.NewNode(n, ld), nil
}

// MaxNodesIDs bounds the ids argument of nodes.
const MaxNodesIDs = 100

// nodes loads several nodes in one store call; missing ones are null, each
// with a NOT_FOUND error at its path.
func nodes(ctx context.Context, r *Resolver, gids []string) ([]model.Node, error) {
	if len(gids) > MaxNodesIDs {
		return nil, badInput("nodes takes at most %d ids, got %d", MaxNodesIDs, len(gids))
	}
	ids := make([]string, len(gids))
	for i, g := range gids {
		id, err := kepu.ParseGlobalID(g)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	ld := r.loaders(ctx)
	found, err := ld.Store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Node, len(ids))
	list := make([]kepu.Node, 0, len(found))
	for i, id := range ids {
		n, ok := found[id]
		if !ok {
			addPathError(ctx, i, kepu.Errorf(kepu.NotFound, "no node with ID %q", gids[i]))
			continue
		}
		out[i] = model.NewNode(n, ld)
		list = append(list, n)
	}
	r.prefetchField(ctx, ld, list, "")
	return out, nil
}
