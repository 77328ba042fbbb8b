package textsearch

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestRunPagesAsRank: Run, which keeps only the hits of its page, pages
// through the same hits as Rank in the same order, with the same total, for
// page sizes below, at and above the number of hits, and duplicated
// candidates.
func TestRunPagesAsRank(t *testing.T) {
	var docs []*Doc
	for i := range 60 {
		docs = append(docs, NewDoc(fmt.Sprintf("Museum:m%02d", i), fmt.Sprintf("Science Museum %d of County %d", i%7, i%5), "科技馆"))
	}
	docs = append(docs, docs[3], NewDoc("Museum:other", "Art Gallery", "美术馆"))
	cands := func(context.Context, Query, []kepu.Label) ([]*Doc, error) { return docs, nil }
	nodes := func(_ context.Context, ids []string) (map[string]kepu.Node, error) {
		out := map[string]kepu.Node{}
		for _, id := range ids {
			out[id] = kepu.Node{ID: id, Label: kepu.Museum}
		}
		return out, nil
	}
	for _, text := range []string{"science museum", "county 3", "科技"} {
		q, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		want := Rank(q, docs)
		for _, first := range []int{1, 7, len(want), 100} {
			var got []Hit
			after := ""
			for {
				p, err := Run(context.Background(), kepu.SearchQuery{Text: text, First: first, After: after}, cands, nodes)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != len(want) {
					t.Fatalf("%q first %d: total %d, want %d", text, first, p.Total, len(want))
				}
				for _, h := range p.Hits {
					got = append(got, Hit{ID: h.Node.ID, Score: h.Score})
					after = h.Cursor
				}
				if !p.HasNext {
					break
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q first %d: paged %d hits, Rank %d (or another order)", text, first, len(got), len(want))
			}
		}
	}
}
