package textsearch

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
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

// TestXianRanking: xian, Xi'an, Xī'ān, xi’an and xi1an1 rank the places
// named 西安 first, above the names that hold another reading (献县 Xian
// County, 现代, the xian of every 县), and a thing in Xi'an above one of
// the same kind in another xian place (生成的流动科技馆 0133（陕西省西安市） before
// 0357（陕西省咸阳市）). With the syllables marked (an apostrophe, tone
// numbers), a name whose pinyin has xian as one syllable only is not a
// match (xi'an does not find 县), and the two syllables in the other order
// (安溪县 Anxi County) do not rank above 西安.
func TestXianRanking(t *testing.T) {
	_, zh := referenceDocs()
	var places []string
	for id, s := range zh {
		if strings.HasPrefix(s, "西安") && (strings.HasPrefix(id, "Prefecture:") || strings.HasPrefix(id, "County:")) {
			places = append(places, id)
		}
	}
	if len(places) != 3 {
		t.Fatalf("the reference dataset has %d places named 西安 (%v), want 3", len(places), places)
	}
	for _, text := range []string{"xian", "XIAN", "Xian", "xi'an", "Xi'an", "Xī'ān", "xi’an", "xi1an1", "xian1"} {
		hits := rankReference(t, text)
		if len(hits) <= len(places) {
			t.Fatalf("%s: %d hits", text, len(hits))
		}
		var top []string
		for _, h := range hits[:len(places)] {
			top = append(top, h.ID)
		}
		if slices.Sort(top); !slices.Equal(top, slices.Sorted(slices.Values(places))) {
			t.Errorf("%s: the first hits are %v, want the places named 西安 %v", text, top, places)
		}
		if hits[len(places)-1].Score <= hits[len(places)].Score {
			t.Errorf("%s: the places named 西安 tie with %s", text, hits[len(places)].ID)
		}
		at := map[string]int{}
		for i, h := range hits {
			at[h.ID] = i
		}
		for _, pair := range [][2]string{{"Museum:gen-mobile-0133", "Museum:gen-mobile-0357"}, {"Museum:gen-mobile-0616", "Museum:gen-mobile-0620"}} {
			a, okA := at[pair[0]]
			b, okB := at[pair[1]]
			if !okA || okB && b < a {
				t.Errorf("%s: %s (%s) at %d, %s (%s) at %d: want the one in Xi'an first", text, pair[0], zh[pair[0]], a, pair[1], zh[pair[1]], b)
			}
		}
		marked := strings.ContainsAny(text, "'’1")
		if i, ok := at["County:350524"]; ok && i < len(places) { // 安溪县 Anxi County
			t.Errorf("%s: Anxi County at %d", text, i)
		}
		if _, ok := at["County:130133"]; ok == marked && text != "xian1" { // 赵县 Zhao County: xian is 县's syllable
			t.Errorf("%s: 赵县 found %v, want %v", text, ok, !marked)
		}
	}
}
