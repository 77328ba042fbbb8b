package main

import (
	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/kepu"
)

// The resolvers that follow from the registry, written to
// graph/resolvers_gen.go: for each label, its relationship connections (and
// a place's museums), its root connection and counts, and its create,
// update and delete mutations; for each relationship type, its link, update
// and unlink mutations. Each is one call of a generic function of package
// graph (relConnection, placeMuseums, nodeConnection, counts, createNode,
// updateNode, deleteNode, link, updateLink, unlink). The place fields
// (province, prefecture, county) are model methods (see models), not
// resolvers. The fields outside the registry (node, search, the analysis
// queries...) are written by hand in graph/resolvers.go; the compiler
// checks that the two files together implement generated.ResolverRoot.

const pageArgsGo = "where map[string]any, orderBy []*model.OrderInput, first *int, after *string, last *int, before *string"

const pageArgsCall = "where, orderBy, pageArgs{First: first, After: after, Last: last, Before: before}"

// resolverType writes the resolver struct of a GraphQL object and the
// method of the root resolver returning it, and returns the struct's name.
func (w *writer) resolverType(object, doc string) string {
	rt := spec.LowerFirst(object) + "Resolver"
	w.p("// %s resolves %s.", rt, doc)
	w.p("type %s struct{ *Resolver }", rt)
	w.p("")
	w.p("// %s returns the resolvers of %s.", object, object)
	w.p("func (r *Resolver) %s() generated.%sResolver { return &%s{r} }", object, object, rt)
	w.p("")
	return rt
}

// hasResolvers reports whether gqlgen makes resolvers of some fields of the
// label: its relationship connections, and the museums of a place.
func hasResolvers(l kepu.Label) bool { return l.IsPlace() || len(spec.RelFields(l)) > 0 }

func (g *gen) resolvers() string {
	var w writer
	w.goHeader("graph", "github.com/kepugraph/kepugraph/graph/generated", "github.com/kepugraph/kepugraph/graph/model", "github.com/kepugraph/kepugraph/kepu")
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		if !hasResolvers(l) {
			continue
		}
		rt := w.resolverType(string(l), "the fields of "+string(l)+" that read the store")
		if l.IsPlace() {
			w.p("// Museums lists the museums located in the place (at any depth).")
			w.p("func (r *%s) Museums(ctx context.Context, obj *model.%s, %s) (*model.MuseumConnection, error) {", rt, l, pageArgsGo)
			w.p("return placeMuseums(ctx, r.Resolver, obj.NodeID, %s)", pageArgsCall)
			w.p("}")
			w.p("")
		}
		for _, f := range spec.RelFields(l) {
			px := f.Prefix()
			w.p("// %s lists the %s %s relationships of the %s.", upper(f.Name), map[kepu.Direction]string{kepu.Out: "outgoing", kepu.In: "incoming"}[f.Dir], f.Def.Type, spec.LowerFirst(string(l)))
			w.p("func (r *%s) %s(ctx context.Context, obj *model.%s, %s) (*model.%sConnection, error) {", rt, upper(f.Name), l, pageArgsGo, px)
			w.p("return relConnection(ctx, r.Resolver, obj.NodeID, kepu.%s, kepu.%s, %s, model.New%sConnection)", relConst(f.Def.Type), dirConst(f.Dir), pageArgsCall, px)
			w.p("}")
			w.p("")
		}
	}
	g.writeQueryResolvers(&w)
	g.writeMutationResolvers(&w)
	return w.String()
}

func (g *gen) writeQueryResolvers(w *writer) {
	w.resolverType("Query", "the fields of Query; those outside the registry are in resolvers.go")
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		name := upper(spec.Plural(l))
		w.p("// %s lists %s.", name, spec.Plural(l))
		w.p("func (r *queryResolver) %s(ctx context.Context, %s) (*model.%sConnection, error) {", name, pageArgsGo, l)
		w.p("return nodeConnection(ctx, r.Resolver, kepu.%s, nil, %s, model.New%sConnection)", labelConst(l), pageArgsCall, l)
		w.p("}")
		w.p("")
	}
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		w.p("// %sCounts counts %s, grouped.", l, spec.Plural(l))
		w.p("func (r *queryResolver) %sCounts(ctx context.Context, where map[string]any, groupBy string) ([]*model.CountGroup, error) {", l)
		w.p("return counts(ctx, r.Resolver, kepu.%s, where, groupBy)", labelConst(l))
		w.p("}")
		w.p("")
	}
}

func (g *gen) writeMutationResolvers(w *writer) {
	w.resolverType("Mutation", "the fields of Mutation")
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		c := labelConst(l)
		w.p("// Create%s creates a %s.", l, spec.LowerFirst(string(l)))
		w.p("func (r *mutationResolver) Create%s(ctx context.Context, input map[string]any) (*model.%s, error) {", l, l)
		w.p("return createNode(ctx, r.Resolver, kepu.%s, input, model.New%s)", c, l)
		w.p("}")
		w.p("")
		w.p("// Update%s changes a %s.", l, spec.LowerFirst(string(l)))
		w.p("func (r *mutationResolver) Update%s(ctx context.Context, id string, input map[string]any) (*model.%s, error) {", l, l)
		w.p("return updateNode(ctx, r.Resolver, kepu.%s, id, input, model.New%s)", c, l)
		w.p("}")
		w.p("")
		w.p("// Delete%s deletes a %s and its relationships.", l, spec.LowerFirst(string(l)))
		w.p("func (r *mutationResolver) Delete%s(ctx context.Context, id string) (*string, error) {", l)
		w.p("return deleteNode(ctx, r.Resolver, kepu.%s, id)", c)
		w.p("}")
		w.p("")
	}
	for _, d := range kepu.RelDefs() {
		rn := spec.RelName(d.Type)
		c := relConst(d.Type)
		for _, m := range []struct{ verb, doc, fn string }{
			{"Link", "creates", "link"},
			{"Update", "changes", "updateLink"},
		} {
			w.p("// %s%s %s a %s relationship.", m.verb, rn, m.doc, d.Type)
			w.p("func (r *mutationResolver) %s%s(ctx context.Context, from string, to string, input map[string]any) (*model.%sLink, error) {", m.verb, rn, rn)
			w.p("return %s(ctx, r.Resolver, kepu.%s, from, to, input, model.New%sLink)", m.fn, c, rn)
			w.p("}")
			w.p("")
		}
		w.p("// Unlink%s removes a %s relationship.", rn, d.Type)
		w.p("func (r *mutationResolver) Unlink%s(ctx context.Context, from string, to string) (*bool, error) {", rn)
		w.p("return unlink(ctx, r.Resolver, kepu.%s, from, to)", c)
		w.p("}")
		w.p("")
	}
}

// dirConst is the name of the kepu constant of a direction.
func dirConst(d kepu.Direction) string {
	if d == kepu.In {
		return "In"
	}
	return "Out"
}
