package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// walkIDs reads the list q in pages of size, forward (first and after) or
// backward (last and before), and returns the IDs in the list's order. It
// fails the test on a store error, or when the walk takes more than max
// pages (a walk that does not end).
func walkIDs(t *testing.T, st kepu.Store, q kepu.NodeQuery, size int, backward bool, max int) []string {
	t.Helper()
	var got []string
	cursor := ""
	for range max {
		q.Page = kepu.Page{First: ptr(size), After: cursor}
		if backward {
			q.Page = kepu.Page{Last: ptr(size), Before: cursor}
		}
		p, err := st.FindNodes(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		ids := nodeIDs(p.Nodes)
		if backward {
			got = append(slices.Clone(ids), got...)
			if !p.HasPrev {
				return got
			}
			cursor = p.Cursors[0]
			continue
		}
		got = append(got, ids...)
		if !p.HasNext {
			return got
		}
		cursor = p.Cursors[len(p.Cursors)-1]
	}
	t.Fatalf("%v: paging in pages of %d does not end after %d pages", q.Order, size, max)
	return nil
}
