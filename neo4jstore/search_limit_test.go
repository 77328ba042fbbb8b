package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/textsearch"
)

// TestSearchCandidatesLimit: the candidates of a text are every node
// kg_search matches, up to the limit textsearch.Run gives, and
// textsearch.ErrTooBroad past it; for a Chinese phrase the limit counts the
// names that hold the phrase, not those that hold its bigrams apart (the
// embedded store's TestCandidatesLimit, the same fixture and answers).
func TestSearchCandidatesLimit(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	var changes []kepu.Change
	for i := range 5 {
		changes = append(changes,
			kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: fmt.Sprintf("Museum:m%d", i), Label: kepu.Museum, Props: kepu.Props{
				kepu.PropName: fmt.Sprintf("Science Museum %d", i), kepu.PropNameZh: fmt.Sprintf("北京科学中心%d", i), "kind": "STANDARD",
				kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}}},
			kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: fmt.Sprintf("Museum:a%d", i), Label: kepu.Museum, Props: kepu.Props{
				kepu.PropName: fmt.Sprintf("Annex %d", i), kepu.PropNameZh: fmt.Sprintf("北京 科学 京科%d", i), "kind": "STANDARD",
				kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}}})
	}
	if _, err := st.Write(ctx, changes); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text  string
		limit int
		want  int // candidates; -1: ErrTooBroad
	}{
		{"science", 5, 5}, {"science", 6, 5}, {"science", 4, -1},
		{"北京科学", 5, 5}, {"北京科学", 4, -1},
		{"beijing", 10, 10}, {"beijing", 9, -1},
	} {
		got, err := neo4jstore.SearchCandidates(ctx, st, tc.text, tc.limit)
		switch {
		case tc.want < 0 && !errors.Is(err, textsearch.ErrTooBroad):
			t.Errorf("%q limit %d: %d candidates, %v; want ErrTooBroad", tc.text, tc.limit, len(got), err)
		case tc.want >= 0 && (err != nil || len(got) != tc.want):
			t.Errorf("%q limit %d: %d candidates, %v; want %d", tc.text, tc.limit, len(got), err, tc.want)
		}
	}
}
