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
	return NewLoaders(r.store, r.batchWait)
}

func pageInfo(cursors []string, hasNext, hasPrev bool) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if len(cursors) > 0 {
		start, end := cursors[0], cursors[len(cursors)-1]
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

// nodeConnection lists nodes of a label: one FindNodes call, and one
// CountNodes call when totalCount is selected. extra is ANDed to the where
// filter (place connections use it).
func nodeConnection[C any](ctx context.Context, r *Resolver, l kepu.Label, extra *kepu.Filter, where map[string]any, orderBy []*model.OrderInput, args pageArgs,
	build func([]kepu.Node, []string, *model.PageInfo, model.CountFunc) C) (C, error) {
	var zero C
	f, err := nodeFilter(l, where)
	if err != nil {
		return zero, err
	}
	f = kepu.And(extra, f)
	_, table := spec.OrderFields(l)
	order, err := orderKeys(table, orderBy)
	if err != nil {
		return zero, err
	}
	if err := kepu.ValidateOrder(l, "", order); err != nil {
		return zero, err
	}
	p, err := args.page(r.maxPageSize)
	if err != nil {
		return zero, err
	}
	st := r.loaders(ctx).Store
	res, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: f, Order: order, Page: p})
	if err != nil {
		return zero, err
	}
	count := func(ctx context.Context) (int, error) { return st.CountNodes(ctx, l, f) }
	return build(res.Nodes, res.Cursors, pageInfo(res.Cursors, res.HasNext, res.HasPrev), count), nil
}

// placeMuseums lists the museums located in a place.
func placeMuseums(ctx context.Context, r *Resolver, placeID string, where map[string]any, orderBy []*model.OrderInput, args pageArgs) (*model.MuseumConnection, error) {
	in := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.LabelOf(placeID), Filter: kepu.C(kepu.PropID, kepu.Eq, placeID)}}
	return nodeConnection(ctx, r, kepu.Museum, in, where, orderBy, args, model.NewMuseumConnection)
}

// relConnection lists the relationships of one node through the request's
// loaders: every parent asking the same question shares one Neighbors call
// (and one CountNeighbors call for totalCount).
func relConnection[C any](ctx context.Context, r *Resolver, nodeID string, rel kepu.RelType, dir kepu.Direction, where, edgeWhere map[string]any, orderBy []*model.OrderInput, args pageArgs,
	build func([]kepu.Neighbor, *model.PageInfo, model.CountFunc) C) (C, error) {
	var zero C
	near := kepu.LabelOf(nodeID)
	rf := spec.RelField{Def: *kepu.LookupRel(rel), Dir: dir}
	nodeF, edgeF, err := neighborFilters(near, rf, where, edgeWhere)
	if err != nil {
		return zero, err
	}
	_, table := spec.RelOrderFields(rf)
	order, err := orderKeys(table, orderBy)
	if err != nil {
		return zero, err
	}
	if err := kepu.ValidateOrder(rf.Far()[0], rel, order); err != nil {
		return zero, err
	}
	p, err := args.page(r.maxPageSize)
	if err != nil {
		return zero, err
	}
	q := kepu.NeighborQuery{Rel: rel, Dir: dir, NodeFilter: nodeF, EdgeFilter: edgeF, Order: order, Page: p}
	ld := r.loaders(ctx)
	res, err := ld.Neighbors(ctx, nodeID, q)
	if err != nil {
		return zero, err
	}
	cursors := make([]string, len(res.Items))
	for i, it := range res.Items {
		cursors[i] = it.Cursor
	}
	count := func(ctx context.Context) (int, error) { return ld.CountNeighbors(ctx, nodeID, q) }
	return build(res.Items, pageInfo(cursors, res.HasNext, res.HasPrev), count), nil
}

// placeOf returns the place at a level of a node's location (nil when it has
// none): one batched Locate and one batched Nodes call per nesting level.
func placeOf[T any](ctx context.Context, r *Resolver, nodeID string, level kepu.Label, build func(kepu.Node) *T) (*T, error) {
	ld := r.loaders(ctx)
	loc, err := ld.Location(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	id := loc.At(level)
	if id == "" || id == nodeID {
		return nil, nil
	}
	n, found, err := ld.Node(ctx, id)
	if err != nil || !found {
		return nil, err
	}
	return build(n), nil
}

// node loads one node by global ID. A missing node is a NOT_FOUND error
// (gqlgen makes the nullable field null).
func node(ctx context.Context, r *Resolver, gid string) (model.Node, error) {
	id, err := kepu.ParseGlobalID(gid)
	if err != nil {
		return nil, err
	}
	n, found, err := r.loaders(ctx).Node(ctx, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, kepu.Errorf(kepu.NotFound, "no node with ID %q", gid)
	}
	return model.NewNode(n), nil
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
	found, err := r.loaders(ctx).Store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		n, ok := found[id]
		if !ok {
			addPathError(ctx, i, kepu.Errorf(kepu.NotFound, "no node with ID %q", gids[i]))
			continue
		}
		out[i] = model.NewNode(n)
	}
	return out, nil
}
