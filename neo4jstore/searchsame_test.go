package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/textsearch"
)

// searchSameAsEmbedded (TestProfileBenchQueries/SearchSameAsEmbedded, on
// its load of the reference dataset ds into st): on the reference
// dataset, in Neo4j and loaded into the embedded store, searches for texts
// drawn from the data
// (runs of a name's pinyin from a unit, runs of its initials, with and
// without the digits that follow, pieces of nameZh, prefixes of English
// words and one-letter typos of them, two terms at once) and the broad
// texts whose index query matches more than 5,000 nodes (the candidates a
// search took until 2026-12-03, each index its own first 5,000: school,
// xian, gen, …) answer the same page on both: the same hits (IDs and
// scores), totals and hasNext, with and without a label, and the totals
// are the number of nodes that match (textsearch.Rank over every node).
// No text is left out: every candidate is ranked on both backends, and no
// text of the reference dataset (about 13,500 nodes) reaches
// textsearch.MaxCandidates.
func searchSameAsEmbedded(t *testing.T, st *neo4jstore.Store, ds *dataset.Dataset) {
	ctx := context.Background()
	if err := st.AwaitIndexes(ctx, 120e9); err != nil {
		t.Fatal(err)
	}
	es, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { es.Close() })
	if _, err := dataset.Load(ctx, es, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}

	var docs []*textsearch.Doc
	var named []kepu.Node
	for _, n := range ds.Nodes {
		name, zh := n.Props.String(kepu.PropName), n.Props.String(kepu.PropNameZh)
		docs = append(docs, textsearch.NewDoc(n.ID, name, zh))
		if zh != "" {
			named = append(named, n)
		}
	}
	rng := rand.New(rand.NewPCG(20261202, 1))
	texts := map[string]bool{}
	broad := []string{"school", "generated", "gen", "sc", "shengcheng", "xian", "xue001224", "xue005872", "museum", "中学", "科技馆", "zhongxue", "sh"}
	for _, text := range broad {
		texts[text] = true
	}
	// Places read by words (textsearch's readings: 重庆 chongqing), and
	// characters' default readings that no longer find them.
	for _, text := range []string{"chongqing", "xiamen", "chengdu", "changsha", "xizang", "changchun", "zhongqing", "shamen", "cqs"} {
		texts[text] = true
	}
	// Texts in traditional characters (folded: textsearch.Fold).
	for _, text := range []string{"重慶", "中國科學技術館", "北京師範大學", "師範", "廣東", "香港科學館", "長沙", "科學館"} {
		texts[text] = true
	}
	for len(texts) < 400 {
		n := named[rng.IntN(len(named))]
		zh := n.Props.String(kepu.PropNameZh)
		syl := textsearch.Syllables(zh)
		if len(syl) == 0 {
			continue
		}
		i := rng.IntN(len(syl))
		joined := strings.Join(syl[i:], "")
		ini := textsearch.Initials(zh)[i:]
		r := []rune(zh)
		j := rng.IntN(len(r))
		words := textsearch.Words(n.Props.String(kepu.PropName))
		switch rng.IntN(6) {
		case 0: // a run of the pinyin from a unit
			texts[joined[:min(len(joined), 2+rng.IntN(12))]] = true
		case 1: // a run of the initials
			texts[ini[:min(len(ini), 2+rng.IntN(5))]] = true
		case 2: // the pinyin through a number, or a number alone
			if k := strings.IndexAny(joined, "0123456789"); k >= 0 {
				texts[joined[max(0, k-3):min(len(joined), k+2+rng.IntN(5))]] = true
			}
		case 3: // a piece of nameZh
			texts[string(r[j:min(len(r), j+2+rng.IntN(4))])] = true
		case 4: // an English word's prefix, or a typo of it
			if len(words) > 0 {
				w := words[rng.IntN(len(words))]
				if len(w) >= 5 && rng.IntN(2) == 0 {
					k := 1 + rng.IntN(len(w)-2)
					w = w[:k] + "x" + w[k+1:]
				}
				texts[w[:min(len(w), 2+rng.IntN(8))]] = true
			}
		case 5: // two terms
			texts[joined[:min(len(joined), 4)]+" "+ini[:min(len(ini), 3)]] = true
		}
	}
	compared, over := 0, 0
	for text := range texts {
		q, err := textsearch.Parse(text)
		if err != nil {
			continue
		}
		matches := len(textsearch.Rank(q, docs))
		if matches > 5000 {
			over++
		}
		for _, labels := range [][]kepu.Label{nil, {kepu.Museum}} {
			sq := kepu.SearchQuery{Text: text, Labels: labels, First: 20}
			a, errA := es.Search(ctx, sq)
			b, errB := st.Search(ctx, sq)
			if errA != nil || errB != nil {
				t.Fatalf("Search(%q, %v): embedded %v, Neo4j %v", text, labels, errA, errB)
			}
			if pa, pb := pageString(a), pageString(b); pa != pb {
				t.Errorf("Search(%q, %v):\n  embedded %s\n  Neo4j    %s", text, labels, pa, pb)
			}
			if labels == nil && a.Total != matches {
				t.Errorf("Search(%q): total %d, want %d (the nodes that match)", text, a.Total, matches)
			}
			compared++
		}
	}
	if compared < 750 || over < 5 {
		t.Errorf("only %d searches compared, %d texts with more than 5,000 matches", compared, over)
	}
	t.Logf("%d searches answered the same (%d texts with more than 5,000 matches)", compared, over)
}

func pageString(p kepu.SearchPage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %d next %v:", p.Total, p.HasNext)
	for _, h := range p.Hits {
		fmt.Fprintf(&b, " %s %.9f", h.Node.ID, h.Score)
	}
	return b.String()
}
