package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/kepugraph/kepugraph/kepu"
)

// write applies changes in one atomic store call.
func write(ctx context.Context, r *Resolver, changes ...kepu.Change) ([]kepu.Result, error) {
	return r.loaders(ctx).Store.Write(ctx, changes)
}

// createNode creates a node of the label from a create input; the key
// defaults to a random UUID.
func createNode[T any](ctx context.Context, r *Resolver, l kepu.Label, input map[string]any, build func(kepu.Node) *T) (*T, error) {
	key := uuid.NewString()
	if v, ok := plain(input["key"]).(string); ok {
		key = v
	}
	set, _ := nodeProps(input, "key")
	res, err := write(ctx, r, kepu.Change{Kind: kepu.CreateNode, Node: kepu.Node{ID: kepu.MakeID(l, key), Label: l, Props: set}})
	if err != nil {
		return nil, err
	}
	r.prefetchField(ctx, r.loaders(ctx), []kepu.Node{res[0].Node}, "")
	return build(res[0].Node), nil
}

// updateNode changes a node: absent fields stay, null fields are removed.
func updateNode[T any](ctx context.Context, r *Resolver, l kepu.Label, gid string, input map[string]any, build func(kepu.Node) *T) (*T, error) {
	id, err := parseID(gid, l)
	if err != nil {
		return nil, err
	}
	set, unset := nodeProps(input)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: set, Unset: unset})
	if err != nil {
		return nil, err
	}
	r.prefetchField(ctx, r.loaders(ctx), []kepu.Node{res[0].Node}, "")
	return build(res[0].Node), nil
}

// deleteNode deletes a node and its relationships and returns its global ID.
func deleteNode(ctx context.Context, r *Resolver, l kepu.Label, gid string) (*string, error) {
	id, err := parseID(gid, l)
	if err != nil {
		return nil, err
	}
	if _, err := write(ctx, r, kepu.Change{Kind: kepu.DeleteNode, ID: id}); err != nil {
		return nil, err
	}
	return &gid, nil
}

func edgeEnds(rel kepu.RelType, from, to string) (kepu.Edge, error) {
	f, err := kepu.ParseGlobalID(from)
	if err != nil {
		return kepu.Edge{}, err
	}
	t, err := kepu.ParseGlobalID(to)
	if err != nil {
		return kepu.Edge{}, err
	}
	if !kepu.LookupRel(rel).Joins(kepu.LabelOf(f), kepu.LabelOf(t)) {
		return kepu.Edge{}, badInput("%s cannot join %s to %s", rel, kepu.LabelOf(f), kepu.LabelOf(t))
	}
	return kepu.Edge{Type: rel, From: f, To: t}, nil
}

// linkResult loads the ends of an edge after a write and builds the link.
func linkResult[T any](ctx context.Context, r *Resolver, e kepu.Edge, build func(kepu.Edge, kepu.Node, kepu.Node) *T) (*T, error) {
	ld := r.loaders(ctx)
	ends, err := ld.Store.Nodes(ctx, []string{e.From, e.To})
	if err != nil {
		return nil, err
	}
	from, okF := ends[e.From]
	to, okT := ends[e.To]
	if !okF || !okT {
		// Deleted concurrently after the write.
		return nil, kepu.Errorf(kepu.NotFound, "an end of the %s relationship no longer exists", e.Type)
	}
	r.prefetchLink(ctx, ld, e.Type, from, to)
	return build(e, from, to), nil
}

// link creates a relationship.
func link[T any](ctx context.Context, r *Resolver, rel kepu.RelType, from, to string, input map[string]any, build func(kepu.Edge, kepu.Node, kepu.Node) *T) (*T, error) {
	e, err := edgeEnds(rel, from, to)
	if err != nil {
		return nil, err
	}
	e.Props, _ = nodeProps(input)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.CreateEdge, Edge: e})
	if err != nil {
		return nil, err
	}
	return linkResult(ctx, r, res[0].Edge, build)
}

// updateLink changes a relationship's properties.
func updateLink[T any](ctx context.Context, r *Resolver, rel kepu.RelType, from, to string, input map[string]any, build func(kepu.Edge, kepu.Node, kepu.Node) *T) (*T, error) {
	e, err := edgeEnds(rel, from, to)
	if err != nil {
		return nil, err
	}
	set, unset := nodeProps(input)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.UpdateEdge, Edge: e, Set: set, Unset: unset})
	if err != nil {
		return nil, err
	}
	return linkResult(ctx, r, res[0].Edge, build)
}

// unlink removes a relationship.
func unlink(ctx context.Context, r *Resolver, rel kepu.RelType, from, to string) (*bool, error) {
	e, err := edgeEnds(rel, from, to)
	if err != nil {
		return nil, err
	}
	if _, err := write(ctx, r, kepu.Change{Kind: kepu.DeleteEdge, Edge: e}); err != nil {
		return nil, err
	}
	ok := true
	return &ok, nil
}
