package dataset_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// smallGraph is a dataset of two provinces and n museums, museum i
// LOCATED_IN the first province.
func smallGraph(n int) *dataset.Dataset {
	src := kepu.Props{kepu.PropProvenance: kepu.Reference, kepu.PropSource: "test"}
	with := func(p kepu.Props) kepu.Props {
		for k, v := range src {
			p[k] = v
		}
		return p
	}
	ds := &dataset.Dataset{}
	for _, code := range []string{"CN-AH", "CN-BJ"} {
		ds.Nodes = append(ds.Nodes, kepu.Node{ID: "Province:" + code, Label: kepu.Province, Props: with(kepu.Props{"name": code, "code": code})})
	}
	for i := range n {
		id := fmt.Sprintf("Museum:m%02d", i)
		ds.Nodes = append(ds.Nodes, kepu.Node{ID: id, Label: kepu.Museum, Props: with(kepu.Props{"name": id, "kind": "STANDARD"})})
		ds.Edges = append(ds.Edges, kepu.Edge{Type: kepu.LocatedIn, From: id, To: "Province:CN-AH", Props: with(kepu.Props{})})
	}
	return ds
}

// TestCompareLimitAndConflicts: Compare's lists hold the first Limit
// records in their order (nodes by ID before edges) while the counts stay
// whole; with several moved museums it reports every conflict, the first
// being the error CheckOnes gives; and the dataset's nodes the store has
// not are counted and listed as the store's own.
func TestCompareLimitAndConflicts(t *testing.T) {
	ctx := context.Background()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds := smallGraph(12)
	// Reversed, so that the order of the lists is Compare's, not the
	// dataset's.
	slices.Reverse(ds.Nodes)
	slices.Reverse(ds.Edges)

	p, err := dataset.Compare(ctx, st, ds, dataset.CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := dataset.Record{Type: kepu.LocatedIn, From: "Museum:m00", To: "Province:CN-AH"}
	if len(p.Creates) != 26 || p.Creates[0] != (dataset.Record{ID: "Museum:m00"}) || p.Creates[13] != (dataset.Record{ID: "Province:CN-BJ"}) || p.Creates[14] != first {
		t.Errorf("creates without a limit: %v", p.Creates)
	}
	p, err = dataset.Compare(ctx, st, ds, dataset.CompareOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.NodeTotals(); got != (dataset.Counts{Create: 14}) {
		t.Errorf("empty store: nodes %+v", got)
	}
	want := []dataset.Record{{ID: "Museum:m00"}, {ID: "Museum:m01"}, {ID: "Museum:m02"}}
	if !slices.Equal(p.Creates, want) || !p.Writes() {
		t.Errorf("creates %v (writes %v), want %v", p.Creates, p.Writes(), want)
	}

	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	src := kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "user"}
	var changes []kepu.Change
	for _, id := range []string{"Museum:m07", "Museum:m03", "Museum:m10"} {
		changes = append(changes,
			kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: id, To: "Province:CN-AH"}},
			kepu.Change{Kind: kepu.CreateEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: id, To: "Province:CN-BJ", Props: src}})
	}
	changes = append(changes, kepu.Change{Kind: kepu.CreateNode, Node: kepu.Node{ID: "Museum:user", Label: kepu.Museum,
		Props: kepu.Props{"name": "U", "kind": "STANDARD", kepu.PropProvenance: kepu.Reported, kepu.PropSource: "user"}}})
	if _, err := st.Write(ctx, changes); err != nil {
		t.Fatal(err)
	}
	p, err = dataset.Compare(ctx, st, ds, dataset.CompareOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.ConflictCount != 3 || len(p.Conflicts) != 2 || p.Conflicts[0].From != "Museum:m03" || p.Conflicts[1].From != "Museum:m07" {
		t.Fatalf("conflicts %d: %+v", p.ConflictCount, p.Conflicts)
	}
	cerr := dataset.CheckOnes(ctx, st, ds)
	if kepu.ErrorCode(cerr) != kepu.Conflict || kepu.ErrorMessage(cerr) != p.Conflicts[0].Message || p.Conflicts[0].Code != kepu.Conflict {
		t.Errorf("CheckOnes: %v; Compare's first conflict: %+v", cerr, p.Conflicts[0])
	}
	if got := p.EdgeTotals(); got != (dataset.Counts{Create: 3, Unchanged: 9, StoreOnly: 3}) {
		t.Errorf("edges %+v", got)
	}
	if got := p.NodeTotals(); got != (dataset.Counts{Unchanged: 14, StoreOnly: 1}) {
		t.Errorf("nodes %+v", got)
	}
	// Nodes before edges, then the first edge by From.
	want = []dataset.Record{{ID: "Museum:user"}, {Type: kepu.LocatedIn, From: "Museum:m03", To: "Province:CN-BJ"}}
	if !slices.Equal(p.StoreOnly, want) {
		t.Errorf("store only %v, want %v", p.StoreOnly, want)
	}
}
