package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/agnivade/levenshtein"

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
// words and one-letter typos of them, two terms at once) answer the same
// page on both: the same hits (IDs and scores), totals and hasNext, with
// and without a label. Texts whose index query matches nearly
// textsearch's MaxCandidates nodes or more are left out (each index then
// keeps its own first 5,000: a pinyin term with digits asks the key before
// them, xue of xue001224, which every school holds).
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

	var keyed []keyedDoc
	var named []kepu.Node
	for _, n := range ds.Nodes {
		name, zh := n.Props.String(kepu.PropName), n.Props.String(kepu.PropNameZh)
		k := textsearch.NewPrefixKeys(zh)
		keyed = append(keyed, keyedDoc{zh, textsearch.Words(name), strings.Fields(k.Pinyin), strings.Fields(k.Initials)})
		if zh != "" {
			named = append(named, n)
		}
	}
	rng := rand.New(rand.NewPCG(20261202, 1))
	texts := map[string]bool{}
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
	compared, skipped := 0, 0
	for text := range texts {
		q, err := textsearch.Parse(text)
		if err != nil {
			continue
		}
		if candidates(q, keyed) > textsearch.MaxCandidates*3/4 {
			skipped++
			continue
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
			compared++
		}
	}
	if compared < 400 {
		t.Errorf("only %d searches compared (%d texts skipped)", compared, skipped)
	}
	t.Logf("%d searches answered the same (%d texts at the candidate bound skipped)", compared, skipped)
}

func pageString(p kepu.SearchPage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "total %d next %v:", p.Total, p.HasNext)
	for _, h := range p.Hits {
		fmt.Fprintf(&b, " %s %.9f", h.Node.ID, h.Score)
	}
	return b.String()
}

// keyedDoc is a node's names and keys as the indexes hold them.
type keyedDoc struct {
	zh                      string
	words, pinyin, initials []string
}

// candidates counts the nodes the index query of q matches (both stores'
// query: textsearch's key queries, a name word's prefix or one edit, a
// Chinese term in nameZh), labels aside.
func candidates(q textsearch.Query, docs []keyedDoc) int {
	has := func(keys []string, k textsearch.KeyQuery) bool {
		for _, key := range keys {
			if key == k.Key || (k.Prefix && strings.HasPrefix(key, k.Key)) {
				return true
			}
		}
		return false
	}
	hasAll := func(keys []string, ks []textsearch.KeyQuery) bool {
		for _, k := range ks {
			if !has(keys, k) {
				return false
			}
		}
		return true
	}
	n := 0
	for _, d := range docs {
		all := true
		for _, t := range q.Terms {
			if k, ok := textsearch.HanKeyQuery(t); ok {
				all = has(d.pinyin, k)
				if !all {
					break
				}
				continue
			}
			if !t.Indexed() {
				continue
			}
			if t.Han {
				all = strings.Contains(d.zh, t.Text)
			} else {
				all = hasAll(d.pinyin, textsearch.PinyinKeyQuery(t.Text)) || has(d.initials, textsearch.InitialsKeyQuery(t.Text)) ||
					has(d.words, textsearch.KeyQuery{Key: t.Text, Prefix: true}) || (t.Fuzzy() && slices.ContainsFunc(d.words, func(w string) bool {
					return levenshtein.ComputeDistance(w, t.Text) <= 1
				}))
			}
			if !all {
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}
