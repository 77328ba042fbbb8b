package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// searchWordNames are names whose words the Unicode word rules of a
// full-text analyzer (UAX #29: bleve's unicode tokenizer, Lucene's
// StandardTokenizer) would cut otherwise than textsearch does: apostrophes
// (' ’ ＇) and dots and colons between letters, commas and dots between
// digits, underscores, hyphens, slashes, ampersands, at signs, full-width
// forms, mixed Chinese, Latin and digits, letters with marks, kana and
// hangul, Han characters the word rules do not treat as ideographs (々) or
// that an analyzer's tables do not know (鿖, Unicode 10), and a word of
// letters and digits with scripts the word rules do not join.
var searchWordNames = []struct{ id, name, zh string }{
	// In English names.
	{"Museum:w01", "O'Brien Science Hall", "奥布赖恩科学馆"},
	{"Museum:w02", "O’Neill Planetarium", "奥尼尔天文馆"},
	{"Museum:w03", "Xi'an Bell Tower Museum", "西安钟楼博物馆"},
	{"Museum:w04", "12,000 Years of Bronze", "青铜器展馆"},
	{"Museum:w05", "Pavilion 3.5 Deep Sea", "深海馆"},
	{"Museum:w06", "Sci-Tech Hall (Hong-Kong)", "香港科技馆"},
	{"Museum:w07", "U.S. Space Camp", "美国太空营"},
	{"Museum:w08", "Earth/Moon Lab R&D data_lab foo@bar.example", "地月实验室"},
	{"Museum:w09", "ＡＢＣ＇Ｓ Ｍｕｓｅｕｍ １２，５００ Ｓｔａｒｓ", "科技馆"},
	{"Museum:w10", "K12 Zone 3D Cinema v2.0.1", "影院"},
	{"Museum:w11", "Tech:Lab Marie·Curie l'Hôpital", "居里夫人实验室"},
	{"Museum:w12", "Qīnghǎi Zürich Łódź Museum", "青海苏黎世馆"},
	{"Museum:w13", "カタカナabc ひらがな ﾊﾝｶｸ 한국과학관", "日本科学未来館"},
	{"Museum:w14", "Lab٣٤ Ⅻ Hall ½ Scale x²", "实验室"},
	// In Chinese names.
	{"Museum:w21", "Hall TwentyOne", "O'Brien科学馆"},
	{"Museum:w22", "Hall TwentyTwo", "青铜器12,000年展馆"},
	{"Museum:w23", "Hall TwentyThree", "3.5号深海馆美国U.S.A."},
	{"Museum:w24", "Hall TwentyFour", "科技馆（１２，５００）ＡＢＣ＇Ｓ"},
	{"Museum:w25", "Hall TwentyFive", "绿色K12学校·3D影院v2.0.1"},
	{"Museum:w26", "Hall TwentySix", "居里夫人实验室Tech:Lab地月R&D"},
	{"Museum:w27", "Hall TwentySeven", "青海苏黎世馆Zürich"},
	{"Museum:w28", "Hall TwentyEight", "日本科学未来館カタカナ한국ひらがな"},
	{"Museum:w29", "Hall TwentyNine", "香港Sci-Tech科技馆data_lab"},
	{"Museum:w30", "Hall Thirty", "佐々木科学馆第〇号鿖鿗"},
}

// testSearchWords: every word of a name, as the ranking cuts and folds it
// (textsearch), finds the name, whatever the characters around it: the
// index's words are the ranking's. Each term of each name (English and
// Chinese), a prefix of it, one a letter off (four or more letters), every
// two characters of a Chinese term and the whole names are searched, and
// each answer is the ranking of every name of the graph (textsearch.Rank),
// scores included, the same on every store.
func testSearchWords(t *testing.T, st kepu.Store) {
	var docs []*textsearch.Doc
	var batch []kepu.Node
	for _, w := range searchWordNames {
		batch = append(batch, N(w.id, "name", w.name, "nameZh", w.zh, "kind", "STANDARD"))
		docs = append(docs, textsearch.NewDoc(w.id, w.name, w.zh))
	}
	// Names that hold the same words unbroken, so that a term the index
	// asks as one token must not stand for the words around it.
	batch = append(batch, N("Museum:w90", "name", "OBrien Hall 12000 35 UsSpace", "kind", "STANDARD"))
	docs = append(docs, textsearch.NewDoc("Museum:w90", "OBrien Hall 12000 35 UsSpace", ""))
	mustWrite(t, st, putNodes(batch...)...)

	texts := map[string]string{} // query text -> the node it must find
	for _, w := range searchWordNames {
		texts[w.name], texts[w.zh] = w.id, w.id
		for i, s := range []string{w.name, w.zh} {
			q, err := textsearch.Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			for _, term := range q.Terms {
				texts[term.Text] = w.id
				r := []rune(term.Text)
				if len(r) > 2 {
					texts[string(r[:2])] = w.id
				}
				for k := 0; term.Han && k+2 <= len(r); k++ {
					texts[string(r[k:k+2])] = w.id // every bigram of a Chinese term
				}
				if i == 0 && term.Fuzzy() { // one edit: English words only
					texts[string(r[:len(r)-1])+"q"] = w.id
				}
			}
		}
	}
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	asked := 0
	for _, text := range keys {
		id := texts[text]
		q, err := textsearch.Parse(text)
		if err != nil {
			continue // a stop word or one letter: no term to ask
		}
		want := textsearch.Rank(q, docs)
		if !slices.ContainsFunc(want, func(h textsearch.Hit) bool { return h.ID == id }) {
			t.Fatalf("%q does not match %s by the ranking: the fixture is not what the test means", text, id)
		}
		asked++
		p := search(t, st, kepu.SearchQuery{Text: text, First: 100})
		got := make([]string, len(p.Hits))
		for i, h := range p.Hits {
			got[i] = fmt.Sprintf("%s %.9f", h.Node.ID, h.Score)
		}
		wantHits := make([]string, len(want))
		for i, h := range want {
			wantHits[i] = fmt.Sprintf("%s %.9f", h.ID, h.Score)
		}
		if !slices.Equal(got, wantHits) {
			t.Errorf("Search(%q) = %v, want %v (every name ranked)", text, got, wantHits)
		}
	}
	if asked < 100 {
		t.Errorf("only %d texts asked", asked)
	}
	t.Logf("%d texts of %d names", asked, len(docs))
}
