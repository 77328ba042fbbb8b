package embedded

import (
	"context"
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestEdgeLogBounds: the store keeps the changes of its last
// changeLogWrites writes, none of a write with more than changeLogMax
// relationship changes, and none from before it was opened; a version
// from before what it keeps is refused (ok false), later ones are not.
func TestEdgeLogBounds(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	node := func(id string) kepu.Change {
		return kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: id, Label: kepu.LabelOf(id),
			Props: kepu.Props{kepu.PropName: id, kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test", "kind": "STANDARD"}}}
	}
	edge := func(from, to string) kepu.Change {
		return kepu.Change{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.HelpedEstablish, From: from, To: to,
			Props: kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}}}
	}
	var bulk []kepu.Change
	for i := range changeLogMax + 2 {
		bulk = append(bulk, node(fmt.Sprintf("Museum:m%d", i)))
	}
	for i := range changeLogMax + 1 {
		bulk = append(bulk, edge(fmt.Sprintf("Museum:m%d", i), fmt.Sprintf("Museum:m%d", i+1)))
	}
	v0, _ := st.Version(ctx)
	if _, err := st.Write(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	v1, _ := st.Version(ctx)
	want := func(since uint64, ok bool, n int) {
		t.Helper()
		ch, got, err := st.EdgeChangesSince(ctx, since)
		if err != nil || got != ok || ok && len(ch.Changes) != n {
			t.Fatalf("EdgeChangesSince(%d) = %d changes, ok %v, %v; want %d, ok %v", since, len(ch.Changes), got, err, n, ok)
		}
	}
	want(v0, false, 0) // the bulk write kept none
	want(v1, true, 0)
	for i := range changeLogWrites + 10 {
		if _, err := st.Write(ctx, []kepu.Change{edge("Museum:m0", fmt.Sprintf("Museum:m%d", 2+i%100))}); err != nil {
			t.Fatal(err)
		}
	}
	v2, _ := st.Version(ctx)
	want(v1, false, 0) // older than the writes kept
	want(v2-changeLogWrites, true, changeLogWrites)
	want(v2-3, true, 3)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, _ := st.Version(ctx); v != v2 {
		t.Fatalf("version after reopening %d, want %d", v, v2)
	}
	want(v2, true, 0)
	want(v2-1, false, 0) // from before the open
}
