package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// CandidatesLimit checks a store's search candidates (the Candidates of
// textsearch.Run, which no kepu.Store method exposes, hence a function
// each backend's own test calls with the number of its candidates): the candidates of a
// text are every node its index query matches, up to the limit Run gives,
// and textsearch.ErrTooBroad past it; for a Chinese phrase the limit counts
// the names that hold the phrase (the documents of Neo4j's phrase query),
// not those that hold its bigrams apart. write puts the fixture (10
// museums) into an empty store.
func CandidatesLimit(t *testing.T, write func([]kepu.Change) error, candidates func(ctx context.Context, text string, limit int) (int, error)) {
	t.Helper()
	var changes []kepu.Change
	for i := range 5 {
		changes = append(changes,
			kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: fmt.Sprintf("Museum:m%d", i), Label: kepu.Museum, Props: kepu.Props{
				kepu.PropName: fmt.Sprintf("Science Museum %d", i), kepu.PropNameZh: fmt.Sprintf("北京科学中心%d", i), "kind": "STANDARD",
				kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}}},
			// The bigrams of 北京科学 apart: the bigram query finds it, the phrase not.
			kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: fmt.Sprintf("Museum:a%d", i), Label: kepu.Museum, Props: kepu.Props{
				kepu.PropName: fmt.Sprintf("Annex %d", i), kepu.PropNameZh: fmt.Sprintf("北京 科学 京科%d", i), "kind": "STANDARD",
				kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}}})
	}
	if err := write(changes); err != nil {
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
		got, err := candidates(context.Background(), tc.text, tc.limit)
		switch {
		case tc.want < 0 && !errors.Is(err, textsearch.ErrTooBroad):
			t.Errorf("%q limit %d: %d candidates, %v; want ErrTooBroad", tc.text, tc.limit, got, err)
		case tc.want >= 0 && (err != nil || got != tc.want):
			t.Errorf("%q limit %d: %d candidates, %v; want %d", tc.text, tc.limit, got, err, tc.want)
		}
	}
}
