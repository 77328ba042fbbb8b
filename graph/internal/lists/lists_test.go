package lists_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/kepugraph/kepugraph/graph/internal/lists"
)

// TestMarshalSlice checks both modes give each element its index and the
// same results, and that a sequential one marshals in order in the calling
// goroutine.
func TestMarshalSlice(t *testing.T) {
	for _, seq := range []bool{false, true} {
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
		if seq {
			ctx = lists.Sequential(ctx)
		}
		var order []int
		got := lists.MarshalSlice(ctx, 5, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			if idx := graphql.GetFieldContext(ctx).Index; idx == nil || *idx != i {
				t.Errorf("sequential %v: element %d has index %v", seq, i, idx)
			}
			if seq {
				order = append(order, i) // no lock: the calling goroutine only
			}
			return graphql.MarshalInt(i * i)
		})
		var buf bytes.Buffer
		got.MarshalGQL(&buf)
		if buf.String() != "[0,1,4,9,16]" {
			t.Errorf("sequential %v: %s", seq, buf.String())
		}
		if seq && len(order) != 5 {
			t.Errorf("sequential: marshaled %v", order)
		}
	}
}

// TestMarshalSlicePanic checks that a panicking element is null with an
// error, the others marshaled.
func TestMarshalSlicePanic(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = lists.Sequential(ctx)
	got := lists.MarshalSlice(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	var buf bytes.Buffer
	got.MarshalGQL(&buf)
	if buf.String() != "[0,null,2]" {
		t.Errorf("got %s", buf.String())
	}
	if errs := graphql.GetErrors(ctx); len(errs) != 1 {
		t.Errorf("%d errors, want 1: %v", len(errs), errs)
	}
}

// TestNoDefer checks that an operation is marked NoDefer exactly when its
// document has no defer directive, wherever it is.
func TestNoDefer(t *testing.T) {
	for q, want := range map[string]bool{
		`{ a { b c } }`: true,
		`{ a { ... on T { b } ...F } } fragment F on T { c }`:       true,
		`{ a { ... on T @defer { b } } }`:                           false,
		`{ a { ...F @defer(label: "x") } } fragment F on T { c }`:   false,
		`{ a { ...F } } fragment F on T { d { ... @defer { e } } }`: false,
		`{ a @defer { b } }`:                                        false,
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatal(err)
		}
		ctx := lists.NoDefer(context.Background(), doc)
		g := lists.NewDeferredGroup(ctx)
		if got := g.FieldSet == nil; got != want {
			t.Errorf("%s: NoDefer %v, want %v", q, got, want)
		}
	}
}

// TestObject checks that Object writes what graphql.FieldSet writes,
// a repeated alias included.
func TestObject(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "id"}},
		{Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "id"}},
		{Field: &ast.Field{Alias: "_n2"}},
	}
	fs := graphql.NewFieldSet(fields)
	for i, v := range []graphql.Marshaler{graphql.MarshalID("a"), graphql.MarshalString(`x"y`), graphql.MarshalID("b"), graphql.Null} {
		fs.Values[i] = v
	}
	var want, got bytes.Buffer
	fs.MarshalGQL(&want)
	lists.Object(fields, fs.Values).MarshalGQL(&got)
	if got.String() != want.String() {
		t.Errorf("Object wrote %s, FieldSet %s", got.String(), want.String())
	}
	var empty bytes.Buffer
	lists.Object(nil, nil).MarshalGQL(&empty)
	if empty.String() != "{}" {
		t.Errorf("no fields: %s", empty.String())
	}
}

// TestArgs checks that Args parses a field's arguments once per operation
// marked with Mark (a failed parse again each time) and every time
// otherwise.
func TestArgs(t *testing.T) {
	a, b := &ast.Field{Name: "a"}, &ast.Field{Name: "b"}
	parses := 0
	parse := func(fail bool) func() (map[string]any, error) {
		return func() (map[string]any, error) {
			parses++
			if fail {
				return nil, errors.New("bad argument")
			}
			return map[string]any{"first": parses}, nil
		}
	}
	op := lists.Mark(context.Background(), nil, false, false)
	for range 3 {
		if got, err := lists.Args(op, a, parse(false)); err != nil || got["first"] != 1 {
			t.Fatalf("field a: %v, %v; want the first parse's arguments", got, err)
		}
	}
	if got, err := lists.Args(op, b, parse(false)); err != nil || got["first"] != 2 {
		t.Fatalf("field b: %v, %v; want its own parse", got, err)
	}
	c := &ast.Field{Name: "c"}
	for i := range 2 {
		if _, err := lists.Args(op, c, parse(true)); err == nil {
			t.Fatalf("failed parse %d: no error", i)
		}
	}
	if parses != 4 {
		t.Fatalf("%d parses in the marked operation, want 4 (a, b, c twice)", parses)
	}
	if got, _ := lists.Args(lists.Mark(context.Background(), nil, false, false), a, parse(false)); got["first"] != 5 {
		t.Fatalf("another operation: %v, want a parse of its own", got)
	}
	for range 2 {
		lists.Args(context.Background(), a, parse(false))
	}
	if parses != 7 {
		t.Fatalf("%d parses, want 7 (an unmarked operation parses every time)", parses)
	}
}

// TestVerifyArgs checks that VerifyArgs reports a resolver that writes the
// arguments Args shares (a map entry, or a filter through a pointer), and
// that without it Args hands out the kept map unchecked.
func TestVerifyArgs(t *testing.T) {
	type filter struct{ Names []string }
	parse := func() (map[string]any, error) {
		return map[string]any{"first": 10, "filter": &filter{Names: []string{"a"}}}, nil
	}
	writes := map[string]func(map[string]any){
		"map entry":       func(a map[string]any) { a["first"] = 20 },
		"through pointer": func(a map[string]any) { a["filter"].(*filter).Names[0] = "b" },
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			for _, verify := range []bool{false, true} {
				lists.VerifyArgs(verify)
				op := lists.Mark(context.Background(), nil, false, false)
				f := &ast.Field{Name: "museums"}
				a, err := lists.Args(op, f, parse)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := lists.Args(op, f, parse); err != nil {
					t.Fatalf("verify %v, before the write: %v", verify, err)
				}
				write(a)
				_, err = lists.Args(op, f, parse)
				if verify && err == nil {
					t.Fatal("a resolver wrote its arguments: no error with VerifyArgs")
				}
				if !verify && err != nil {
					t.Fatalf("without VerifyArgs: %v", err)
				}
			}
			lists.VerifyArgs(false)
		})
	}
}
