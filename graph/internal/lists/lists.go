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
package lists

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

type sequentialKey struct{}

// Sequential marks the operation of ctx: its lists are marshaled in the
// calling goroutine. Only for operations whose resolvers find their data
// loaded (see graph/prefetch.go); one that must load through a dataloader
// would wait for its batch alone.
func Sequential(ctx context.Context) context.Context {
	return context.WithValue(ctx, sequentialKey{}, true)
}

// IsSequential reports whether the operation of ctx is marked Sequential.
func IsSequential(ctx context.Context) bool {
	v, _ := ctx.Value(sequentialKey{}).(bool)
	return v
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
