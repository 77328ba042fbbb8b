package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

// rewriteLists makes gqlgen's generated code marshal lists of objects with
// lists.MarshalSlice (graph/internal/lists), which marshals them without a
// goroutine per element when the prefetch has loaded what lies below,
// instead of graphql.MarshalSliceConcurrently. The two have the same
// signature; the rewrite replaces the calls and adds the import, and fails
// when gqlgen's output no longer has the calls it expects. It likewise
// replaces the @defer groups of objects (lists.NewDeferredGroup).
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
	} {
		if !bytes.Contains(src, []byte(r.old)) {
			return fmt.Errorf("%s: no %s: gqlgen's output has changed, see rewriteLists", path, r.old)
		}
		src = bytes.ReplaceAll(src, []byte(r.old), []byte(r.new))
	}
	src = bytes.Replace(src, []byte(imp), []byte(imp+listImp), 1)
	out, err := format.Source(src)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}
