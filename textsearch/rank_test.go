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
	cands := func(context.Context, Query, []kepu.Label, int) ([]*Doc, error) { return docs, nil }
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
				p, err := Run(context.Background(), kepu.SearchQuery{Text: text, First: first, After: after}, cands, museumNodes)
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

func mustParse(t *testing.T, text string) Query {
	t.Helper()
	q, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func museumNodes(_ context.Context, ids []string) (map[string]kepu.Node, error) {
	out := map[string]kepu.Node{}
	for _, id := range ids {
		out[id] = kepu.Node{ID: id, Label: kepu.Museum}
	}
	return out, nil
}

// TestRunBound: Run asks every alternative for at most MaxCandidates
// candidates and answers BAD_USER_INPUT (ErrTooBroad) when a store says
// its index matches more, when one gives more anyway, or when the union of
// the alternatives holds more than MaxCandidates distinct nodes, never a
// page ranked from some of them; at MaxCandidates it ranks them all
// (total: every match, the best one first wherever the index put it).
func TestRunBound(t *testing.T) {
	docs := func(n, from int, best string) []*Doc {
		out := make([]*Doc, n)
		for i := range out {
			out[i] = NewDoc(fmt.Sprintf("County:c%06d", from+i), "", fmt.Sprintf("赵县%06d", from+i))
		}
		if best != "" {
			out[n-1] = NewDoc(best, "Xi'an", "西安")
		}
		return out
	}
	all := docs(MaxCandidates, 0, "Prefecture:610100")
	for _, tc := range []struct {
		name  string
		text  string // xian1: two alternatives, xian and xian1 as typed
		cands func(alt int, limit int) ([]*Doc, error)
		err   bool
	}{
		{"at the bound, best last", "xian", func(alt, limit int) ([]*Doc, error) { return all, nil }, false},
		{"at the bound, two alternatives of the same nodes", "xian1", func(alt, limit int) ([]*Doc, error) { return all, nil }, false},
		{"the store says too broad", "xian", func(alt, limit int) ([]*Doc, error) { return nil, ErrTooBroad }, true},
		{"one alternative over the bound", "xian", func(alt, limit int) ([]*Doc, error) { return docs(limit+1, 0, ""), nil }, true},
		{"the union over the bound", "xian1", func(alt, limit int) ([]*Doc, error) { return docs(MaxCandidates/2+1, alt*MaxCandidates, ""), nil }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			cands := func(_ context.Context, q Query, _ []kepu.Label, limit int) ([]*Doc, error) {
				if limit != MaxCandidates {
					t.Errorf("limit %d, want %d", limit, MaxCandidates)
				}
				calls++
				return tc.cands(calls, limit)
			}
			p, err := Run(context.Background(), kepu.SearchQuery{Text: tc.text, First: 1}, cands, museumNodes)
			if want := len(mustParse(t, tc.text).Alternatives()); calls != want && err == nil {
				t.Errorf("%d calls of candidates, want %d (one for each alternative)", calls, want)
			}
			if tc.err {
				if kepu.ErrorCode(err) != kepu.BadUserInput || !strings.Contains(kepu.ErrorMessage(err), "too broad") {
					t.Fatalf("Run = %v (total %d), want BAD_USER_INPUT (too broad)", err, p.Total)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != MaxCandidates || len(p.Hits) != 1 || p.Hits[0].Node.ID != "Prefecture:610100" {
				t.Fatalf("Run: total %d, hits %v; want %d, 西安 first", p.Total, p.Hits, MaxCandidates)
			}
		})
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

// TestDocCache: the cache gives the Doc analyzed from the same names (the
// same pointer), analyzes a node's names again when they changed (the
// ranking sees the new name), and holds at most its bound.
func TestDocCache(t *testing.T) {
	c := NewDocCache(3)
	a := c.Doc("Museum:a", "Science Museum", "科技馆")
	if c.Doc("Museum:a", "Science Museum", "科技馆") != a {
		t.Fatal("the same names were analyzed again")
	}
	q := mustParse(t, "planetarium")
	if _, ok := q.Score(a); ok {
		t.Fatal("the fixture matches before the rename")
	}
	for _, names := range [][2]string{{"Planetarium", "科技馆"}, {"Planetarium", "天文馆"}} {
		b := c.Doc("Museum:a", names[0], names[1])
		if b == a || !reflect.DeepEqual(b, NewDoc("Museum:a", names[0], names[1])) {
			t.Fatalf("%v: the Doc of the old names, or another Doc than NewDoc's", names)
		}
		if _, ok := q.Score(b); !ok {
			t.Fatalf("%v: the renamed node does not match", names)
		}
		a = b
	}
	for i := range 10 {
		c.Doc(fmt.Sprintf("Museum:m%d", i), "Museum", "")
		if len(c.docs) > 3 {
			t.Fatalf("%d entries, more than the bound 3", len(c.docs))
		}
	}
}
