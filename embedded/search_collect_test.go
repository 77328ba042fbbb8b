package embedded

import (
	"context"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/textsearch"
)

// TestCandidatesAsTopN: on the reference dataset, the candidates that
// collect finds (bigram queries, no collector) rank to the same hits as
// those of a bleve top-N search of the phrase queries (the index's search
// before collect), for the texts, broad texts matching thousands of
// nodes (one over the candidate bound) and Chinese texts of three or more
// characters, with and without labels.
func TestCandidatesAsTopN(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset")
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	si := st.search.Load()
	topN := func(q textsearch.Query, labels []kepu.Label) []*textsearch.Doc {
		req := bleve.NewSearchRequestOptions(indexQuery(q, labels, true), textsearch.MaxCandidates, 0, false)
		req.Score = "none"
		res, err := si.idx.SearchInContext(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		out, err := st.rankDocs(si, ids)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	texts := []string{"北京科学中心", "北京科学", "beijing kexue zhongxin", "beijingkexuezhongxin", "bjkxzx",
		"beijing science center", "Beijing Scince Center", "北京 kexue", "science", "school", "科技馆",
		"科学技术馆", "青少年科技", "中国科学技术馆", "科技馆 museum", "museum anhui", "kexue"}
	capped := false
	for _, text := range texts {
		q, err := textsearch.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, labels := range [][]kepu.Label{nil, {kepu.Museum}, {kepu.School, kepu.NormalUniversity}} {
			want := topN(q, labels)
			got, err := st.searchCandidates(ctx, q, labels)
			if err != nil {
				t.Fatal(err)
			}
			capped = capped || len(want) == textsearch.MaxCandidates
			if w, g := textsearch.Rank(q, want), textsearch.Rank(q, got); !reflect.DeepEqual(w, g) {
				t.Fatalf("%q %v: %d hits from the top-N search, %d from collect", text, labels, len(w), len(g))
			}
		}
	}
	if !capped {
		t.Fatal("no text reached the candidate bound")
	}
}
