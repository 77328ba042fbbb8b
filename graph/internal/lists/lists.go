// Package lists marshals the lists of objects of a GraphQL response.
//
// gqlgen marshals every element of a list of objects in a goroutine of its
// own (graphql.MarshalSliceConcurrently), so that the resolvers below the
// elements can wait for a dataloader batch together: 1,051 goroutines for
// 50 museums × 20 school partners. When the lookahead prefetch has loaded
// what those resolvers read, nothing below waits and the goroutines are
// pure cost (their start, their stacks growing, the wait group): about a
// third of the server's CPU for such a query (docs/benchmarks.md). The
// generated code calls MarshalSlice instead (graph/internal/schemagen
// rewrites the calls after gqlgen), which marshals the elements in the
// calling goroutine in an operation marked with Sequential, and is gqlgen's
// function otherwise.
//
// The generated code also builds every object's @defer group with
// NewDeferredGroup and hands it to ProcessDeferredGroup through WithPath:
// gqlgen's graphql.NewDeferredGroup computes the object's response path
// (an allocation per path element) and allocates a field set and a map for
// every object, deferred fields or not; here the path is computed only for
// a group that has deferred fields, and the field set and map only in
// operations whose document uses @defer (see NoDefer). And it returns each
// object's values as an Object, which writes them as gqlgen's FieldSet
// does without its per-object map and iterator closures.
package lists

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

type marksKey struct{}

// marks are what Sequential and NoDefer record about an operation, in one
// context value (read for every list and object).
type marks struct {
	sequential bool
	noDefer    bool
	plain      bool
	args       *argsCache
}

func getMarks(ctx context.Context) marks {
	m, _ := ctx.Value(marksKey{}).(marks)
	return m
}

// Sequential marks the operation of ctx: its lists are marshaled in the
// calling goroutine. Only for operations whose resolvers find their data
// loaded (see graph/prefetch.go); one that must load through a dataloader
// would wait for its batch alone.
func Sequential(ctx context.Context) context.Context {
	m := getMarks(ctx)
	m.sequential = true
	return context.WithValue(ctx, marksKey{}, m)
}

// IsSequential reports whether the operation of ctx is marked Sequential.
func IsSequential(ctx context.Context) bool {
	return getMarks(ctx).sequential
}

// NoDefer marks the operation of ctx as deferring nothing, when its
// document (doc) has no @defer directive; otherwise it returns ctx.
func NoDefer(ctx context.Context, doc *ast.QueryDocument) context.Context {
	if doc == nil || usesDefer(doc) {
		return ctx
	}
	m := getMarks(ctx)
	m.noDefer = true
	return context.WithValue(ctx, marksKey{}, m)
}

// usesDefer reports whether a directive named defer appears anywhere in the
// document (on a field, fragment spread, inline fragment or fragment
// definition): gqlgen defers the fields of a fragment spread or inline
// fragment with @defer (graphql.CollectFields); any other place is looked
// at too, to be safe.
func usesDefer(doc *ast.QueryDocument) bool {
	for _, op := range doc.Operations {
		if op.Directives.ForName("defer") != nil || selectionsDefer(op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if f.Directives.ForName("defer") != nil || selectionsDefer(f.SelectionSet) {
			return true
		}
	}
	return false
}

func selectionsDefer(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Directives.ForName("defer") != nil || selectionsDefer(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if s.Directives.ForName("defer") != nil || selectionsDefer(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Directives.ForName("defer") != nil {
				return true
			}
		}
	}
	return false
}

// Mark marks the operation of ctx in one context value: Sequential when
// sequential, NoDefer when its document doc has no @defer, and PlainFields
// when plain.
func Mark(ctx context.Context, doc *ast.QueryDocument, sequential, plain bool) context.Context {
	m := getMarks(ctx)
	m.sequential = m.sequential || sequential
	m.noDefer = m.noDefer || (doc != nil && !usesDefer(doc))
	m.plain = m.plain || plain
	m.args = &argsCache{}
	return context.WithValue(ctx, marksKey{}, m)
}

// argsCache holds the arguments of the fields of one operation (see Args).
type argsCache struct {
	mu sync.Mutex
	m  map[*ast.Field]map[string]any
}

// Args replaces the generated code's parse of a field's arguments (parse):
// in an operation marked with Mark, the arguments of a field of the
// document are parsed for the first object it is resolved on and kept for
// the others (they depend only on the field and the operation's variables:
// 100 museums selecting schoolPartners parsed its arguments 100 times). A
// parse that fails is not kept: each object reports its error as before.
// The map is shared: resolvers read their arguments, never write them
// (VerifyArgs checks that).
func Args(ctx context.Context, f *ast.Field, parse func() (map[string]any, error)) (map[string]any, error) {
	c := getMarks(ctx).args
	if c == nil {
		return parse()
	}
	c.mu.Lock()
	a, ok := c.m[f]
	c.mu.Unlock()
	if ok {
		if verifyArgs.Load() {
			return a, checkArgs(f, a, parse)
		}
		return a, nil
	}
	a, err := parse()
	if err != nil {
		return a, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[*ast.Field]map[string]any{}
	}
	c.m[f] = a
	c.mu.Unlock()
	return a, nil
}

var verifyArgs atomic.Bool

// VerifyArgs turns on (or off) a check for tests: Args parses a field's
// arguments again each time it hands out the kept ones, and when they
// differ (reflect.DeepEqual) it returns an error naming the field, so that
// a resolver that writes its arguments (a map, a slice or a filter struct
// through a pointer: the next object of the field would see the change)
// fails the test that resolves the field on two objects. It costs a parse
// per object: off by default.
func VerifyArgs(on bool) { verifyArgs.Store(on) }

// checkArgs returns an error when kept, the arguments of field f kept by
// Args, no longer equal a fresh parse.
func checkArgs(f *ast.Field, kept map[string]any, parse func() (map[string]any, error)) error {
	fresh, err := parse()
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(kept, fresh) {
		return fmt.Errorf("lists.Args: the arguments of field %q were changed after their first use (resolvers share them and must not write them): kept %v, parsed %v", f.Name, kept, fresh)
	}
	return nil
}

// PlainFields marks the operation of ctx as running without field
// middleware (no graphql.FieldInterceptor among the server's extensions):
// the generated code then marshals a field that only reads a String, ID or
// Boolean (or an enum marshaled as a string) from its object's struct
// directly, without gqlgen's per-field context, middleware call, panic
// handler and interface conversion (graphql.ResolveField), which cost
// about seven allocations per field. Those marshalers use their context
// only to report a null in a non-null field, which a struct field of a
// non-pointer type cannot be; so the response is the same.
func PlainFields(ctx context.Context) context.Context {
	m := getMarks(ctx)
	m.plain = true
	return context.WithValue(ctx, marksKey{}, m)
}

// IsPlain reports whether the operation of ctx is marked PlainFields.
func IsPlain(ctx context.Context) bool {
	return getMarks(ctx).plain
}

// NewDeferredGroup replaces graphql.NewDeferredGroup in the generated code.
// The group has no Path: WithPath adds it when the group is processed (it
// has deferred fields). In an operation marked NoDefer no field is
// deferred, so the group has no field set or map either (gqlgen's
// FieldSet.ResolveConcurrently reads them only for a deferred field).
func NewDeferredGroup(ctx context.Context) graphql.DeferredGroup {
	if getMarks(ctx).noDefer {
		return graphql.DeferredGroup{Context: ctx}
	}
	return graphql.DeferredGroup{
		FieldSet: graphql.NewFieldSet(nil),
		Defers:   make(map[string]*graphql.FieldSetView),
		Context:  ctx,
	}
}

// WithPath returns the group with the response path of its object, as
// graphql.NewDeferredGroup computes it: the generated code calls it when
// it hands a group with deferred fields to ProcessDeferredGroup.
func WithPath(g graphql.DeferredGroup) graphql.DeferredGroup {
	g.Path = graphql.GetPath(g.Context)
	return g
}

// MarshalSlice has the signature and results of
// graphql.MarshalSliceConcurrently: each element marshaled with a field
// context giving its index, a panic turned into an error at the element's
// path and a null element (unless omitPanicHandler). In a Sequential
// operation it marshals the elements one after another in the calling
// goroutine; otherwise it calls graphql.MarshalSliceConcurrently.
func MarshalSlice(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if !IsSequential(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		ret[i] = marshalOne(childCtx, i, omitPanicHandler, marshalElement)
	}
	return ret
}

func marshalOne(ctx context.Context, i int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler) {
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return marshalElement(ctx, i)
}

// Object returns the JSON object of an object's fields (as collected by
// graphql.CollectFields) and their values (graphql.FieldSet.Values after
// Dispatch): what the generated code returns for an object instead of the
// field set itself. It writes exactly what graphql.FieldSet.MarshalGQL
// writes ({"alias":value,...}, a later field of an alias already written
// left out), without the map and iterator closures that allocates per
// object. The aliases are GraphQL names ([_A-Za-z][_0-9A-Za-z]*, which the
// parser enforces), so they need no escaping.
func Object(fields []graphql.CollectedField, values []graphql.Marshaler) graphql.Marshaler {
	return &object{fields: fields, values: values}
}

type object struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

var (
	openBrace  = []byte{'{'}
	closeBrace = []byte{'}'}
	quote      = []byte{'"'}
	quoteColon = []byte{'"', ':'}
	comma      = []byte{','}
)

func (o *object) MarshalGQL(w io.Writer) {
	w.Write(openBrace)
	first := true
	for i := range o.fields {
		alias := o.fields[i].Alias
		if written(o.fields[:i], alias) {
			continue
		}
		if !first {
			w.Write(comma)
		}
		first = false
		w.Write(quote)
		io.WriteString(w, alias)
		w.Write(quoteColon)
		o.values[i].MarshalGQL(w)
	}
	w.Write(closeBrace)
}

// written reports whether a field of before has the alias.
func written(before []graphql.CollectedField, alias string) bool {
	for i := range before {
		if before[i].Alias == alias {
			return true
		}
	}
	return false
}
