package graph_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestLongCursorVariable: a cursor the server issued is taken back as a
// variable whatever its length, also when it is longer than the String
// limit (--max-string-bytes, here 10,240 bytes): a museum named with 4,000
// '&' (a name kepu.MaxTextBytes allows) sorts first by name, and its
// cursor (the name JSON-escaped, then base64) is over 30,000 bytes. The
// next page, forward from it and backward from the second record, answers
// (it was BAD_USER_INPUT "String value of 32074 bytes is longer than the
// limit"). A string over the limit in another variable is still refused,
// and so is a long string that is not a cursor given as after.
func TestLongCursorVariable(t *testing.T) {
	st, _ := fresh(t)
	const limit = 10240
	srv := httptest.NewServer(graph.New(st, graph.Options{MaxStringBytes: limit}))
	t.Cleanup(srv.Close)
	long := strings.Repeat("&", 4000)
	mustWrite(t, st,
		nodeChange(kepu.Museum, "amp", kepu.Props{"kind": "STANDARD", "name": long}),
		nodeChange(kepu.Museum, "b", kepu.Props{"kind": "STANDARD", "name": "B museum"}),
		nodeChange(kepu.Museum, "c", kepu.Props{"kind": "STANDARD", "name": "C museum"}))
	var first struct {
		Museums struct {
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
		}
	}
	query(t, srv.URL, `{ museums(first: 2, orderBy: [{field: NAME}]) { edges { cursor node { id } } } }`, nil, &first)
	if len(first.Museums.Edges) != 2 || first.Museums.Edges[0].Node.ID != gid(kepu.Museum, "amp") {
		t.Fatalf("first page %+v", first)
	}
	c0, c1 := first.Museums.Edges[0].Cursor, first.Museums.Edges[1].Cursor
	if len(c0) <= limit {
		t.Fatalf("the cursor is %d bytes, not over the limit %d: the test proves nothing", len(c0), limit)
	}
	var next struct {
		Museums struct{ Nodes []struct{ ID string } }
	}
	query(t, srv.URL, `query($c: String) { museums(first: 1, after: $c, orderBy: [{field: NAME}]) { nodes { id } } }`, map[string]any{"c": c0}, &next)
	if len(next.Museums.Nodes) != 1 || next.Museums.Nodes[0].ID != gid(kepu.Museum, "b") {
		t.Errorf("page after the long cursor: %+v", next)
	}
	// In a fragment, backward: the page before the second record.
	query(t, srv.URL, `query($c: String) { ...F } fragment F on Query { museums(last: 1, before: $c, orderBy: [{field: NAME}]) { nodes { id } } }`, map[string]any{"c": c1}, &next)
	if len(next.Museums.Nodes) != 1 || next.Museums.Nodes[0].ID != gid(kepu.Museum, "amp") {
		t.Errorf("page before the second record: %+v", next)
	}
	wantError(t, srv.URL, `query($c: String, $n: String) { museums(first: 1, after: $c, where: {name: {eq: $n}}) { totalCount } }`,
		map[string]any{"c": c0, "n": strings.Repeat("x", limit+1)}, "BAD_USER_INPUT")
	wantError(t, srv.URL, `query($c: String) { museums(first: 1, after: $c) { totalCount } }`,
		map[string]any{"c": strings.Repeat("x", limit+1)}, "BAD_USER_INPUT")
}
