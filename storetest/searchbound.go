package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// testSearchBound: a text finds its names when more than
// textsearch.MaxCandidates names match a broader query than its own: a
// pinyin term with digits (xue7777) when they hold the key of the term's
// letters (学 followed by other digits: the index is asked for the key of
// every segment of letters or digits, not only the first), and a Chinese
// term of one character (北京 馆) when they hold the other terms (the
// character is asked by its syllable's key). The decoys are written
// first and the names that match after them, with longer names (the
// indexes list earlier writes, or shorter names, first). Every answer is
// the ranking of every name of the graph (textsearch.Rank), so that a
// match the index query left out shows.
func testSearchBound(t *testing.T, st kepu.Store) {
	decoys := textsearch.MaxCandidates + 100
	var docs []*textsearch.Doc
	var batch []kepu.Node
	add := func(id, zh string) {
		n := N(id, "nameZh", zh)
		batch = append(batch, n)
		docs = append(docs, textsearch.NewDoc(id, n.Props.String(kepu.PropName), zh))
	}
	for i := range decoys {
		add(fmt.Sprintf("School:d%04d", i), fmt.Sprintf("学%04d 北京", i))
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
	mustWrite(t, st, putNodes(batch...)...)
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
		q, err := textsearch.Parse(c.text)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		hits := textsearch.Rank(q, docs)
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
