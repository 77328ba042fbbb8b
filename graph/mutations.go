package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// write applies changes in one atomic store call.
func write(ctx context.Context, r *Resolver, changes ...kepu.Change) ([]kepu.Result, error) {
	return r.loaders(ctx).Store.Write(ctx, changes)
}

// The errors of mutations speak the client's language: they name the
// argument at fault (id, from, to, input) and the global IDs the client
// sent, never store keys ("Museum:cstm") or the store's steps ("change 1
// (updateNode)").

// changePrefix is the store's "change N (kind): " prefix.
var changePrefix = regexp.MustCompile(`^change \d+ \(\w+\): `)

// argError returns err with its message prefixed by the argument it is
// about ("input: Museum needs source"), without the store's step prefix.
// Errors that are not *kepu.Error pass through (they are internal).
func argError(arg string, err error) error {
	var ke *kepu.Error
	if !errors.As(err, &ke) {
		return err
	}
	msg := changePrefix.ReplaceAllString(ke.Message, "")
	if !strings.HasPrefix(msg, arg+": ") {
		msg = arg + ": " + msg
	}
	return &kepu.Error{Code: ke.Code, Field: ke.Field, Message: msg}
}

// article returns "a" or "an" for a label.
func article(l kepu.Label) string {
	if strings.ContainsRune("AEIOU", rune(string(l)[0])) {
		return "an"
	}
	return "a"
}

// nodeWriteError translates the error of a write to the node gid (argument
// arg; "" for a create) into the client's terms.
func nodeWriteError(l kepu.Label, arg, gid string, err error) error {
	switch kepu.ErrorCode(err) {
	case kepu.NotFound:
		return kepu.Errorf(kepu.NotFound, "%s: no %s with ID %q", arg, l, gid)
	case kepu.Conflict:
		return kepu.Errorf(kepu.Conflict, "input.key: %s %s with ID %q already exists", article(l), l, gid)
	case kepu.BadUserInput:
		return argError("input", err)
	}
	return err
}

// edgeWriteError translates the error of a write to a relationship (the
// arguments from and to) into the client's terms: which end is missing, or
// that the relationship is missing or exists.
func edgeWriteError(ctx context.Context, r *Resolver, e kepu.Edge, from, to string, err error) error {
	switch kepu.ErrorCode(err) {
	case kepu.NotFound:
		ends, nerr := r.loaders(ctx).Store.Nodes(ctx, []string{e.From, e.To})
		if nerr != nil {
			return nerr
		}
		if _, ok := ends[e.From]; !ok {
			return kepu.Errorf(kepu.NotFound, "from: no %s with ID %q", kepu.LabelOf(e.From), from)
		}
		if _, ok := ends[e.To]; !ok {
			return kepu.Errorf(kepu.NotFound, "to: no %s with ID %q", kepu.LabelOf(e.To), to)
		}
		return kepu.Errorf(kepu.NotFound, "no %s relationship from %q to %q", e.Type, from, to)
	case kepu.Conflict:
		if other, ok := oneExisting(ctx, r, e); ok {
			// What conflicted (kepu.OneConflict, with the global IDs),
			// then the move in this API's terms: the unlink mutation of
			// the relationship that is there, then this link again.
			og := kepu.GlobalID(other)
			ce := kepu.OneConflict(e.Type, from, og)
			ce.Message = fmt.Sprintf("%s: unlink%s(from: %q, to: %q), then link%s again", ce.Message, spec.RelName(e.Type), from, og, spec.RelName(e.Type))
			return ce
		}
		return kepu.Errorf(kepu.Conflict, "a %s relationship from %q to %q already exists", e.Type, from, to)
	case kepu.BadUserInput:
		return argError("input", err)
	}
	return err
}

// createNode creates a node of the label from a create input; the key
// defaults to a random UUID.
func createNode[T any](ctx context.Context, r *Resolver, l kepu.Label, input map[string]any, build func(kepu.Node, model.Places) *T) (*T, error) {
	key := uuid.NewString()
	if v, ok := plain(input["key"]).(string); ok {
		key = v
	}
	set, _ := nodeProps(input, "key")
	id := kepu.MakeID(l, key)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.CreateNode, Node: kepu.Node{ID: id, Label: l, Props: set}})
	if err != nil {
		return nil, nodeWriteError(l, "", kepu.GlobalID(id), err)
	}
	ld := r.loaders(ctx)
	r.prefetchField(ctx, ld, []kepu.Node{res[0].Node}, "")
	return build(res[0].Node, ld), nil
}

// updateNode changes a node: absent fields stay, null fields are removed.
func updateNode[T any](ctx context.Context, r *Resolver, l kepu.Label, gid string, input map[string]any, build func(kepu.Node, model.Places) *T) (*T, error) {
	id, err := parseID(gid, l)
	if err != nil {
		return nil, argError("id", err)
	}
	set, unset := nodeProps(input)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: set, Unset: unset})
	if err != nil {
		return nil, nodeWriteError(l, "id", gid, err)
	}
	ld := r.loaders(ctx)
	r.prefetchField(ctx, ld, []kepu.Node{res[0].Node}, "")
	return build(res[0].Node, ld), nil
}

// deleteNode deletes a node and its relationships and returns its global ID.
func deleteNode(ctx context.Context, r *Resolver, l kepu.Label, gid string) (*string, error) {
	id, err := parseID(gid, l)
	if err != nil {
		return nil, argError("id", err)
	}
	if _, err := write(ctx, r, kepu.Change{Kind: kepu.DeleteNode, ID: id}); err != nil {
		return nil, nodeWriteError(l, "id", gid, err)
	}
	return &gid, nil
}

// oneExisting returns, for an edge of a One type (kepu.RelDef.One) whose
// write was a Conflict, the node its From node already has such a
// relationship to, when that is another node than e.To.
func oneExisting(ctx context.Context, r *Resolver, e kepu.Edge) (string, bool) {
	if d := kepu.LookupRel(e.Type); d == nil || !d.One {
		return "", false
	}
	two := 2
	pages, err := r.loaders(ctx).Store.Neighbors(ctx, []string{e.From}, kepu.NeighborQuery{Rel: e.Type, Dir: kepu.Out, Page: kepu.Page{First: &two}})
	if err != nil {
		return "", false
	}
	for _, it := range pages[e.From].Items {
		if it.Node.ID != e.To {
			return it.Node.ID, true
		}
	}
	return "", false
}

// edgeEnds checks the ends of a link or an update of one against the
// registry's pairs (kepu.RelDef.Joins).
func edgeEnds(rel kepu.RelType, from, to string) (kepu.Edge, error) {
	return edgeEndsOf(rel, from, to, true)
}

// edgeEndsOf checks the ends' labels: with strict, the pairs the type
// joins; without (unlink), only its From and To labels, so that an edge
// written before the pair rules can be removed.
func edgeEndsOf(rel kepu.RelType, from, to string, strict bool) (kepu.Edge, error) {
	f, err := kepu.ParseGlobalID(from)
	if err != nil {
		return kepu.Edge{}, argError("from", err)
	}
	t, err := kepu.ParseGlobalID(to)
	if err != nil {
		return kepu.Edge{}, argError("to", err)
	}
	fl, tl := kepu.LabelOf(f), kepu.LabelOf(t)
	if d := kepu.LookupRel(rel); (strict && !d.Joins(fl, tl)) || !d.Ends(fl, tl) {
		return kepu.Edge{}, kepu.JoinError(rel, fl, tl)
	}
	return kepu.Edge{Type: rel, From: f, To: t}, nil
}

// linkResult loads the ends of an edge after a write and builds the link.
func linkResult[T any](ctx context.Context, r *Resolver, e kepu.Edge, build func(kepu.Edge, kepu.Node, kepu.Node, model.Places) *T) (*T, error) {
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
	return build(e, from, to, ld), nil
}

// link creates a relationship.
func link[T any](ctx context.Context, r *Resolver, rel kepu.RelType, from, to string, input map[string]any, build func(kepu.Edge, kepu.Node, kepu.Node, model.Places) *T) (*T, error) {
	e, err := edgeEnds(rel, from, to)
	if err != nil {
		return nil, err
	}
	e.Props, _ = nodeProps(input)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.CreateEdge, Edge: e})
	if err != nil {
		return nil, edgeWriteError(ctx, r, e, from, to, err)
	}
	return linkResult(ctx, r, res[0].Edge, build)
}

// updateLink changes a relationship's properties.
func updateLink[T any](ctx context.Context, r *Resolver, rel kepu.RelType, from, to string, input map[string]any, build func(kepu.Edge, kepu.Node, kepu.Node, model.Places) *T) (*T, error) {
	e, err := edgeEnds(rel, from, to)
	if err != nil {
		return nil, err
	}
	set, unset := nodeProps(input)
	res, err := write(ctx, r, kepu.Change{Kind: kepu.UpdateEdge, Edge: e, Set: set, Unset: unset})
	if err != nil {
		return nil, edgeWriteError(ctx, r, e, from, to, err)
	}
	return linkResult(ctx, r, res[0].Edge, build)
}

// unlink removes a relationship.
func unlink(ctx context.Context, r *Resolver, rel kepu.RelType, from, to string) (*bool, error) {
	e, err := edgeEndsOf(rel, from, to, false)
	if err != nil {
		return nil, err
	}
	if _, err := write(ctx, r, kepu.Change{Kind: kepu.DeleteEdge, Edge: e}); err != nil {
		return nil, edgeWriteError(ctx, r, e, from, to, err)
	}
	ok := true
	return &ok, nil
}
