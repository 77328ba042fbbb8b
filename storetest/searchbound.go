package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// testSearchBound: a search ranks every node its index query matches, not
// the first 5,000 of them in the index's own order (the bound until
// 2026-12-03): more than 5,000 names match school and xian (the decoys,
// 县 xian at a unit of their nameZh, School a word of their name), and
// the names of Xi'an, written after them, are the best matches of xian;
// the totals are the number of matches and the first pages the top of the
// ranking of every name (textsearch.Rank), on every backend, whatever the
// order in which its index lists them. The same fixture: a text finds its
// names when many names match a broader query than its own: a pinyin term
// with digits (xue7777) when they hold the key of the term's letters (学
// followed by other digits: the index is asked for the key of every
// segment of letters or digits, not only the first), and a Chinese term
// of one character (北京 馆) when they hold the other terms (the character
// is asked by its syllable's key). The decoys are written first and the
// names that match after them, with longer names (the indexes list
// earlier writes, or shorter names, first). The test writes 5,104 nodes
// (2–5 s on the embedded store, 9–19 s on a test Neo4j).
func testSearchBound(t *testing.T, st kepu.Store) {
	const decoys = 5100
	var docs []*textsearch.Doc
	var batch []kepu.Node
	add := func(id, zh string, kv ...any) {
		n := N(id, append([]any{"nameZh", zh}, kv...)...)
		batch = append(batch, n)
		docs = append(docs, textsearch.NewDoc(id, n.Props.String(kepu.PropName), zh))
	}
	for i := range decoys {
		add(fmt.Sprintf("School:d%04d", i), fmt.Sprintf("学%04d 北京县", i), "name", fmt.Sprintf("School %04d", i))
	}
	mustWrite(t, st, putNodes(batch...)...)
	batch = nil
	// Long names: Neo4j's index lists its candidates by its own score,
	// which puts longer names after the decoys.
	const long = "东城区青少年科学技术普及活动中心"
	add("School:t1", "学7777 "+long)   // letters, then digits at a new unit
	add("School:t2", "XUE7778 "+long) // a Latin word of letters and digits in nameZh
	add("School:t3", "学 7779科 "+long) // letters, digits, letters
	add("School:t4", "北京市"+long+"展馆")
	add("Museum:xa1", "西安", "name", "Xi'an Museum", "kind", "STANDARD")
	add("Museum:xa2", "西安"+long, "name", "Xi'an Youth Science Center", "kind", "STANDARD")
	mustWrite(t, st, putNodes(batch...)...)
	// Broad texts: the first pages and the totals are those of the
	// ranking of every name.
	for _, c := range []struct {
		text  string
		first []string // the first hits
	}{
		{"xian", []string{"Museum:xa1"}},
		{"school", nil},
		{"北京", nil},
	} {
		hits := textsearch.Rank(mustParse(t, c.text), docs)
		if len(hits) <= 5000 {
			t.Fatalf("%q: %d names match, not more than 5,000: the fixture is not what the test means", c.text, len(hits))
		}
		for i, id := range c.first {
			if hits[i].ID != id {
				t.Fatalf("%q: %s ranks %d, want %s: the fixture is not what the test means", c.text, hits[i].ID, i, id)
			}
		}
		after := ""
		for page := range 2 {
			const size = 20
			p := search(t, st, kepu.SearchQuery{Text: c.text, First: size, After: after})
			want := hits[page*size : (page+1)*size]
			var wantIDs []string
			for _, h := range want {
				wantIDs = append(wantIDs, h.ID)
			}
			if got := hitIDs(p); !slices.Equal(got, wantIDs) || p.Total != len(hits) || !p.HasNext {
				t.Errorf("Search(%q) page %d = %v (total %d, next %v), want %v (total %d: every name ranked)",
					c.text, page+1, got, p.Total, p.HasNext, wantIDs, len(hits))
			}
			for i, h := range p.Hits {
				if i < len(want) && h.Score != want[i].Score {
					t.Errorf("Search(%q): %s scores %v, want %v", c.text, h.Node.ID, h.Score, want[i].Score)
				}
			}
			if len(p.Hits) == 0 {
				break
			}
			after = p.Hits[len(p.Hits)-1].Cursor
		}
	}
	for _, c := range []struct {
		text string
		want []string // the names that must be among the hits
	}{
		{"xue7777", []string{"School:t1"}},
		{"xue7778", []string{"School:t2"}},
		{"xue7779ke", []string{"School:t3"}},
		{"xue77", []string{"School:t1", "School:t2", "School:t3"}},
		{"XUE 7777", []string{"School:t1"}},
		{"北京 馆", []string{"School:t4"}},
	} {
		var want []string
		hits := textsearch.Rank(mustParse(t, c.text), docs)
		for _, h := range hits {
			want = append(want, h.ID)
		}
		p := search(t, st, kepu.SearchQuery{Text: c.text, First: 100})
		got := hitIDs(p)
		if len(hits) > 100 {
			t.Fatalf("%q: %d names match, more than a page: the fixture is not what the test means", c.text, len(hits))
		}
		if !slices.Equal(got, want) || p.Total != len(hits) {
			t.Errorf("Search(%q) = %v (total %d), want %v (total %d, every name ranked)", c.text, got, p.Total, want, len(hits))
		}
		for _, id := range c.want {
			if !slices.Contains(want, id) {
				t.Errorf("%q does not match %s: the fixture is not what the test means", c.text, id)
			}
		}
	}
}

func mustParse(t *testing.T, text string) textsearch.Query {
	t.Helper()
	q, err := textsearch.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
