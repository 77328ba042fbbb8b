package graph_test

import (
	"slices"
	"testing"
)

// TestPageWithoutSize: without first or last a connection returns the
// maximum page size of items, the first ones after the after cursor, or,
// with before alone, the last ones before it (the schema's words), and
// says so in pageInfo.
func TestPageWithoutSize(t *testing.T) {
	url := ref(t).url
	type page struct {
		Edges    []struct{ Cursor string }
		PageInfo struct{ HasNextPage, HasPreviousPage bool }
	}
	var all struct{ A page }
	query(t, url, `{ a: schools(orderBy: [{field: NAME}], first: 100) { edges { cursor } } }`, nil, &all)
	var more struct{ B page }
	query(t, url, `query($c: String) { b: schools(orderBy: [{field: NAME}], first: 100, after: $c) { edges { cursor } } }`, map[string]any{"c": all.A.Edges[99].Cursor}, &more)
	cursors := append(cursorsOf(all.A.Edges), cursorsOf(more.B.Edges)...)
	if len(cursors) != 200 {
		t.Fatalf("%d cursors, want 200", len(cursors))
	}
	var got struct{ Before, After page }
	query(t, url, `query($b: String, $a: String) {
		before: schools(orderBy: [{field: NAME}], before: $b) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } }
		after: schools(orderBy: [{field: NAME}], after: $a) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }`,
		map[string]any{"b": cursors[150], "a": cursors[10]}, &got)
	if !slices.Equal(cursorsOf(got.Before.Edges), cursors[50:150]) || !got.Before.PageInfo.HasPreviousPage || !got.Before.PageInfo.HasNextPage {
		t.Errorf("before alone: %d items, pageInfo %+v; want the 100 before it, with pages on both sides", len(got.Before.Edges), got.Before.PageInfo)
	}
	if !slices.Equal(cursorsOf(got.After.Edges), cursors[11:111]) || !got.After.PageInfo.HasPreviousPage || !got.After.PageInfo.HasNextPage {
		t.Errorf("after alone: %d items, pageInfo %+v; want the 100 after it, with pages on both sides", len(got.After.Edges), got.After.PageInfo)
	}
}

func cursorsOf(edges []struct{ Cursor string }) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i] = e.Cursor
	}
	return out
}
