package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"regexp"
)

// rewriteLists makes gqlgen's generated code marshal lists of objects with
// lists.MarshalSlice (graph/internal/lists), which marshals them without a
// goroutine per element when the prefetch has loaded what lies below,
// instead of graphql.MarshalSliceConcurrently. The two have the same
// signature; the rewrite replaces the calls and adds the import, and fails
// when gqlgen's output no longer has the calls it expects. It likewise
// replaces the @defer groups of objects (lists.NewDeferredGroup) and the
// value an object's marshaler returns (lists.Object).
func rewriteLists(path string) error {
	const (
		call    = "graphql.MarshalSliceConcurrently("
		imp     = "\"github.com/99designs/gqlgen/graphql\"\n"
		listImp = "\"github.com/kepugraph/kepugraph/graph/internal/lists\"\n"
	)
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if bytes.Contains(src, []byte(listImp)) {
		return fmt.Errorf("%s: already rewritten (run gqlgen first)", path)
	}
	if n := bytes.Count(src, []byte(call)); n == 0 {
		return fmt.Errorf("%s: no %s call: gqlgen's output has changed, see rewriteLists", path, call)
	}
	if !bytes.Contains(src, []byte(imp)) {
		return fmt.Errorf("%s: no import of %s", path, imp)
	}
	src = bytes.ReplaceAll(src, []byte(call), []byte("lists.MarshalSlice("))
	// The @defer groups of objects (see lists.NewDeferredGroup).
	for _, r := range []struct{ old, new string }{
		{"graphql.NewDeferredGroup(ctx)", "lists.NewDeferredGroup(ctx)"},
		{"ec.ProcessDeferredGroup(deferred)", "ec.ProcessDeferredGroup(lists.WithPath(deferred))"},
		// The objects' values (see lists.Object).
		{"ec.ProcessDeferredGroup(lists.WithPath(deferred))\n\t}\n\n\treturn out\n}", "ec.ProcessDeferredGroup(lists.WithPath(deferred))\n\t}\n\n\treturn lists.Object(fields, out.Values)\n}"},
	} {
		if !bytes.Contains(src, []byte(r.old)) {
			return fmt.Errorf("%s: no %s: gqlgen's output has changed, see rewriteLists", path, r.old)
		}
		src = bytes.ReplaceAll(src, []byte(r.old), []byte(r.new))
	}
	src = rewritePlainFields(src)
	// The fields' arguments, parsed once per field of an operation (see
	// lists.Args).
	if !fieldArgs.Match(src) {
		return fmt.Errorf("%s: no parse of a field's arguments: gqlgen's output has changed, see rewriteLists", path)
	}
	src = fieldArgs.ReplaceAll(src, []byte("fc.Args, err = lists.Args(ctx, field.Field, func() (map[string]any, error) { return ec.$1(ctx, field.ArgumentMap(ec.Variables)) })"))
	src = bytes.Replace(src, []byte(imp), []byte(imp+listImp), 1)
	out, err := format.Source(src)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

// fieldArgs matches the generated parse of a field's arguments in its
// field context: group 1 is the parser.
var fieldArgs = regexp.MustCompile(`fc\.Args, err = ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`)

// plainField matches the generated resolution of a field that reads a
// struct field of its object (no resolver, no middleware chain of its
// own): group 1 is the value, group 2 its marshaler.
var plainField = regexp.MustCompile(`\treturn graphql\.ResolveField\(
\t\tctx,
\t\tec\.OperationContext,
\t\tfield,
\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{
\t\t\treturn ec\.fieldContext_\w+\(ctx, field\)
\t\t\},
\t\tfunc\(ctx context\.Context\) \(any, error\) \{
\t\t\treturn (obj\.\w+), nil
\t\t\},
\t\tnil,
\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v [^)]+\) graphql\.Marshaler \{
\t\t\treturn ec\.(marshal\w+)\(ctx, selections, v\)
\t\t\},`)

// plainMarshaler matches the body of a generated marshaler of a String,
// an ID, a Boolean or an enum held as a string, non-null or nullable: it
// reads its context only to report a null in a non-null field (which the
// graphql.Marshal functions it calls never return).
var plainMarshaler = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (marshal\w+)\(ctx context\.Context, sel ast\.SelectionSet, v \*?(string|bool)\) graphql\.Marshaler \{
(\tif v == nil \{
\t\treturn graphql\.Null
\t\}
)?\t_ = sel
(\t_ = ctx
)?\tres := graphql\.Marshal(String|ID|Boolean)\(\*?v\)
(\tif res == graphql\.Null \{
\t\tgraphql\.AddInvalidNullFromMarshaler\(ctx, "\w+!"\)
\t\}
)?\treturn res
\}`)

// rewritePlainFields adds, to the resolution of every field that reads a
// struct field marshaled by a plain marshaler, a direct path taken in
// operations marked lists.PlainFields (see there).
func rewritePlainFields(src []byte) []byte {
	plain := map[string]bool{}
	for _, m := range plainMarshaler.FindAllSubmatch(src, -1) {
		plain[string(m[1])] = true
	}
	return plainField.ReplaceAllFunc(src, func(call []byte) []byte {
		m := plainField.FindSubmatch(call)
		if !plain[string(m[2])] {
			return call
		}
		direct := fmt.Sprintf("\tif lists.IsPlain(ctx) {\n\t\treturn ec.%s(ctx, field.Selections, %s)\n\t}\n", m[2], m[1])
		return append([]byte(direct), call...)
	})
}
