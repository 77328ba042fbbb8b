package embedded

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/storetest"
	"github.com/kepugraph/kepugraph/textsearch"
)

// TestCandidatesAsTopN: on the reference dataset, the candidates that
// collect finds (bigram queries, no collector) rank to the same hits as
// those of a bleve top-N search of the same query that keeps every hit,
// for the texts, broad texts matching thousands of nodes (one,
// school, over the 5,000 candidates a search took until 2026-12-03) and
// Chinese texts of three or more characters, with and without labels.
func TestCandidatesAsTopN(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset")
	}
	st := referenceStore(t)
	ctx := context.Background()
	si := st.search.Load()
	topN := func(q textsearch.Query, labels []kepu.Label) []*textsearch.Doc {
		req := bleve.NewSearchRequestOptions(indexQuery(q, labels), len(st.st.nodes), 0, false)
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
	broad := false
	for _, text := range collectTexts {
		q, err := textsearch.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, labels := range collectLabels {
			want := topN(q, labels)
			got, err := st.searchCandidates(ctx, q, labels, textsearch.MaxCandidates)
			if err != nil {
				t.Fatal(err)
			}
			broad = broad || len(got) > 5000
			if w, g := textsearch.Rank(q, want), textsearch.Rank(q, got); !reflect.DeepEqual(w, g) {
				t.Fatalf("%q %v: %d hits from the top-N search, %d from collect", text, labels, len(w), len(g))
			}
		}
	}
	if !broad {
		t.Fatal("no text has more than 5,000 candidates")
	}
}

var collectTexts = []string{"北京科学中心", "北京科学", "beijing kexue zhongxin", "beijingkexuezhongxin", "bjkxzx",
	"beijing science center", "Beijing Scince Center", "北京 kexue", "science", "school", "科技馆",
	"科学技术馆", "青少年科技", "中国科学技术馆", "科技馆 museum", "museum anhui", "kexue"}

var collectLabels = [][]kepu.Label{nil, {kepu.Museum}, {kepu.School, kepu.NormalUniversity}}

// referenceStore returns a store with the reference dataset.
func referenceStore(t *testing.T) *Store {
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := dataset.Load(context.Background(), st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPhraseCandidates: the documents of a Chinese text that the index
// query and phraseFilter keep are those of bleve's phrase query on an
// index that keeps term positions (nameZh with term vectors: the positions
// of textsearch.HanGrams) of the same nodes, for Chinese texts of three or more
// characters (the reference dataset's names and pieces of them) with and
// without labels; and the candidates of a phrase text with more than a
// limit are the first limit of them in the index's order (Run refuses the
// text then).
func TestPhraseCandidates(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset")
	}
	st := referenceStore(t)
	ctx := context.Background()
	si := st.search.Load()

	// The reference: the mapping of nameZh with positions kept.
	m, err := searchMapping()
	if err != nil {
		t.Fatal(err)
	}
	m.DefaultMapping.Properties["nameZh"].Fields[0].IncludeTermVectors = true
	ref, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	b := ref.NewBatch()
	texts := map[string]bool{}
	for id, n := range st.st.nodes {
		if err := b.Index(id, indexDoc(n.label, n.props)); err != nil {
			t.Fatal(err)
		}
		// Texts: pieces of three to six characters of the names, and
		// texts whose bigrams a name holds apart (abc for a name with ab
		// and, elsewhere, bc): the bigram query finds them, the phrase not.
		name, _ := n.props.get(kepu.PropNameZh).(string)
		zh := []rune(name)
		if len(texts) < 400 && len(zh) >= 3 {
			k := len(zh) % 4
			texts[string(zh[k%len(zh):min(len(zh), k%len(zh)+3+k)])] = true
		}
		for i := 0; i+1 < len(zh) && len(texts) < 600; i++ {
			for j := i + 2; j+1 < len(zh); j++ {
				if zh[j] == zh[i+1] && zh[j+1] != zh[i+2] {
					texts[string([]rune{zh[i], zh[i+1], zh[j+1]})] = true
				}
			}
		}
	}
	if err := ref.Batch(b); err != nil {
		t.Fatal(err)
	}
	for _, s := range append(collectTexts, "科技 技馆", "科学技术", "技术馆", "中国 科学技术馆", "学校学校", "上海ＡＢＣ科普") {
		texts[s] = true
	}
	phraseQuery := func(q textsearch.Query, labels []kepu.Label) query.Query {
		must := []query.Query{indexQuery(q, labels)}
		for _, tm := range q.Terms {
			if tm.Han && tm.Indexed() {
				p := query.NewMatchPhraseQuery(strings.Join(textsearch.HanGrams(tm.Text), " "))
				p.SetField("nameZh")
				p.Analyzer = keysAnalyzer
				must = append(must, p)
			}
		}
		return query.NewConjunctionQuery(must)
	}
	const limit = 5000
	phrases, capped, apart := 0, 0, 0
	for text := range texts {
		q, err := textsearch.Parse(text)
		if err != nil || !hasPhrase(q) {
			continue
		}
		phrases++
		for _, labels := range collectLabels {
			req := bleve.NewSearchRequestOptions(phraseQuery(q, labels), len(st.st.nodes), 0, false)
			req.Score = "none"
			res, err := ref.SearchInContext(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range res.Hits {
				want = append(want, h.ID)
			}
			st.mu.RLock()
			got, err := si.collect(ctx, indexQuery(q, labels), len(st.st.nodes), st.phraseFilter(q))
			st.mu.RUnlock()
			if err != nil {
				t.Fatal(err)
			}
			all, err := si.collect(ctx, indexQuery(q, labels), len(st.st.nodes), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) > len(got) {
				apart++
			}
			if len(got) > limit {
				capped++
				_, ids, err := st.candidateIDs(ctx, q, labels, limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids, got[:limit]) {
					t.Fatalf("%q %v: the candidates are not the first %d phrase matches", text, labels, limit)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(want, got) {
				t.Fatalf("%q %v: %d documents by the phrase query on positions, %d by phraseFilter", text, labels, len(want), len(got))
			}
		}
	}
	if phrases < 50 || capped == 0 || apart == 0 {
		t.Fatalf("%d phrase texts, %d over the bound, %d with bigrams apart; want more", phrases, capped, apart)
	}
}

// TestCandidatesLimit: storetest.CandidatesLimit on the embedded store
// (Neo4j's TestSearchCandidatesLimit runs the same).
func TestCandidatesLimit(t *testing.T) {
	st, err := Open(t.TempDir(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CandidatesLimit(t, func(cs []kepu.Change) error {
		_, err := st.Write(context.Background(), cs)
		return err
	}, func(ctx context.Context, text string, limit int) (int, error) {
		docs, err := st.searchCandidates(ctx, mustParseText(t, text), nil, limit)
		return len(docs), err
	})
}

func mustParseText(t *testing.T, text string) textsearch.Query {
	t.Helper()
	q, err := textsearch.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
