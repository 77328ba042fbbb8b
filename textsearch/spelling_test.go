package textsearch

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// referenceDocs are the documents of the reference dataset's nodes, and
// their nameZh by ID, made once for the tests that rank them.
var referenceDocs = sync.OnceValues(func() ([]*Doc, map[string]string) {
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		panic(err)
	}
	var docs []*Doc
	zh := map[string]string{}
	for _, n := range ds.Nodes {
		name, _ := n.Props[kepu.PropName].(string)
		nameZh, _ := n.Props[kepu.PropNameZh].(string)
		docs = append(docs, NewDoc(n.ID, name, nameZh))
		zh[n.ID] = nameZh
	}
	return docs, zh
})

// rankReference ranks the reference dataset's nodes for a text.
func rankReference(t *testing.T, text string) []Hit {
	t.Helper()
	q, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	docs, _ := referenceDocs()
	return Rank(q, docs)
}

// TestUrumqiSpellings: the ways a researcher writes Ürümqi (the dataset's
// English names say Urumqi, its Chinese ones 乌鲁木齐) find every node of
// the reference dataset whose nameZh holds 乌鲁木齐, and those first: with
// and without the dots, in capitals, in pinyin with and without tone
// marks.
func TestUrumqiSpellings(t *testing.T) {
	_, zh := referenceDocs()
	var want []string
	for id, s := range zh {
		if strings.Contains(s, "乌鲁木齐") {
			want = append(want, id)
		}
	}
	if len(want) < 3 {
		t.Fatalf("the reference dataset has %d nodes named 乌鲁木齐: %v", len(want), want)
	}
	for _, text := range []string{"Urumqi", "Ürümqi", "ÜRÜMQI", "ürümqi", "urümqi", "wulumuqi", "Wūlǔmùqí", "wu1lu3mu4qi2", "乌鲁木齐"} {
		hits := rankReference(t, text)
		if len(hits) < len(want) {
			t.Errorf("%s: %d hits, want the %d nodes named 乌鲁木齐", text, len(hits), len(want))
			continue
		}
		for _, h := range hits[:len(want)] {
			if !strings.Contains(zh[h.ID], "乌鲁木齐") {
				t.Errorf("%s: %s (%s) ranks among the first %d, before a node named 乌鲁木齐", text, h.ID, zh[h.ID], len(want))
			}
		}
	}
}

// TestUmlautSpellings: ü typed as ü, v or u (without its dots: lu, nu)
// finds the names whose pinyin has it (go-pinyin writes it v: 吕 lv, 女 nv)
// and the English names that write it v (Lvliang City) or u (Urumqi); a
// text that types ü or v ranks the ü reading first, a text that types u
// the u reading (陆良 luliang before 吕梁 lvliang).
func TestUmlautSpellings(t *testing.T) {
	lv := NewDoc("Prefecture:lvliang", "Lvliang City", "吕梁市")
	lu := NewDoc("County:luliang", "Luliang County", "陆良县")
	nv := NewDoc("School:nvzi", "Generated Girls' School", "生成的女子学校")
	lve := NewDoc("Museum:lve", "Generated Museum", "生成的略阳科技馆") // 略 lve
	docs := []*Doc{lv, lu, nv, lve}
	rank := func(text string) []string {
		q, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		var ids []string
		for _, h := range Rank(q, docs) {
			ids = append(ids, h.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		text  string
		first string // the first hit
		finds []string
	}{
		{"Lüliang", lv.ID, []string{lu.ID}},
		{"lǚliáng", lv.ID, []string{lu.ID}},
		{"lvliang", lv.ID, nil},
		{"luliang", lu.ID, []string{lv.ID}},
		{"LULIANG", lu.ID, []string{lv.ID}},
		{"nüzi", nv.ID, nil},
		{"nvzi", nv.ID, nil},
		{"nuzi", nv.ID, nil},
		{"lüeyang", lve.ID, nil},
		{"lueyang", lve.ID, nil},
	} {
		got := rank(tc.text)
		if len(got) == 0 || got[0] != tc.first {
			t.Errorf("%s ranks %v, want %s first", tc.text, got, tc.first)
			continue
		}
		for _, id := range tc.finds {
			if !slices.Contains(got, id) {
				t.Errorf("%s ranks %v, want %s among them", tc.text, got, id)
			}
		}
	}
	// lu and nu that cannot be lü and nü (luo, lun, nuan) are not read
	// as such.
	for _, term := range []string{"luoyang", "kunlun", "nuan", "lua"} {
		if got := umlautSpelling(term); got != term {
			t.Errorf("umlautSpelling(%q) = %q", term, got)
		}
	}
	if got := umlautSpelling("nuerlue"); got != "nverlve" {
		t.Errorf("umlautSpelling(nuerlue) = %q, want nverlve", got)
	}
}

// TestToneNumbers: pinyin typed with tone numbers (1–5 after a syllable)
// finds and ranks what the text without them finds (xi1an1, whose numbers
// also say where its syllables begin: TestXianRanking), and terms whose digits
// are not tone numbers keep them (TestPinyinKeyQueryDigits covers how
// those are asked).
func TestToneNumbers(t *testing.T) {
	for _, tc := range []struct{ toned, plain string }{
		{"bei3jing1", "beijing"}, {"Bei3 Jing1", "bei jing"},
		{"zhong1guo2ke1ji4guan3", "zhongguokejiguan"}, {"wu1lu3mu4qi2", "wulumuqi"}, {"lv3liang2", "lvliang"},
		{"ke1xue2 zhong1xin1", "kexue zhongxin"}, {"xian1", "xian"},
	} {
		toned, plain := rankReference(t, tc.toned), rankReference(t, tc.plain)
		if len(plain) == 0 {
			t.Fatalf("%s finds nothing", tc.plain)
		}
		if !slices.Equal(toned[:min(len(toned), 20)], plain[:min(len(plain), 20)]) {
			t.Errorf("%s ranks %v, %s ranks %v: want the same first hits", tc.toned, toned[:min(len(toned), 5)], tc.plain, plain[:min(len(plain), 5)])
		}
	}
	for _, term := range []string{"k12", "h7n9", "a1b2", "xue005872", "005872", "at3", "5g", "x6", "12", "beijing12", "bei6jing", "x1"} {
		q, err := Parse(term)
		if err != nil {
			continue // no term of two letters (x6, x1)
		}
		if got := q.Terms[0]; got.Text != term || len(got.Variants) > 0 || len(got.Parts) > 0 {
			t.Errorf("Parse(%q) = %+v: a term whose digits are not tone numbers changed", term, got)
		}
	}
	q, err := Parse("bei3jing1")
	if err != nil {
		t.Fatal(err)
	}
	if got := q.Terms[0]; got.Text != "beijing" || !slices.Equal(got.Parts, []string{"bei", "jing"}) ||
		!slices.Contains(got.Variants, Variant{Text: "bei3jing1", Weight: 1}) {
		t.Errorf("Parse(bei3jing1) = %+v, want beijing of the parts bei, jing and the variant bei3jing1", got)
	}
}

// TestSpellingAlternatives: a text whose terms have variants and parts is
// asked as at most MaxAlternatives queries, as many as its terms' choices
// make, and every node of the reference dataset (and of a few English
// names written with ü or an apostrophe) that it matches is found by one
// of them as an index finds it: the variants and parts reach both stores'
// indexes as terms of their own.
func TestSpellingAlternatives(t *testing.T) {
	docs, _ := referenceDocs()
	docs = append(slices.Clip(docs), NewDoc("Museum:a", "Xi'an Hall", ""), NewDoc("Museum:b", "Ürümqi Hall", ""),
		NewDoc("Museum:c", "Luliang Hall", ""), NewDoc("Museum:d", "Lvliang Hall", ""))
	matched := 0
	for _, text := range []string{"xi'an", "Xi'an hall", "Ürümqi", "vrvmqi hall", "luliang", "lüliang hall", "xi1an1", "bei3jing1 kexue",
		"lüe xi'an", "nüzi lüliang xi'an bei3jing1 ke1xue2", "wu1lu3mu4qi2", "zhong1guo2 ke1ji4guan3", "xi'an'shi"} {
		q, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		alts := checkAlternatives(t, text, q)
		n := 1
		for _, term := range q.Terms {
			n *= term.choices()
		}
		if len(alts) != n {
			t.Errorf("%s: %d alternatives, %d from the terms' choices", text, len(alts), n)
		}
		for _, d := range docs {
			if _, ok := q.Score(d); !ok {
				continue
			}
			matched++
			if !slices.ContainsFunc(alts, func(a Query) bool { return indexFinds(a, d) }) {
				t.Errorf("%s matches %s, which no alternative finds", text, d.ID)
			}
		}
	}
	if matched < 100 {
		t.Errorf("only %d matches", matched)
	}
}

// TestApostropheJoins: terms an apostrophe joins (xi'an, Xī’ān, three
// parts) stay terms of their own, as before, and are a run of the query
// (Query.Joins); a document that holds the run as one ranks above one
// that holds its terms apart or in another order; o'brien and don't make
// no run (one part would be a single letter).
func TestApostropheJoins(t *testing.T) {
	for text, want := range map[string][]Join{
		"xi'an":          {{Parts: []string{"xi", "an"}, Text: "xian"}},
		"Xī’ān museum":   {{Parts: []string{"xi", "an"}, Text: "xian"}},
		"xi'an'shi":      {{Parts: []string{"xi", "an", "shi"}, Text: "xianshi"}},
		"chang'an xi'an": {{Parts: []string{"chang", "an"}, Text: "changan"}, {Parts: []string{"xi", "an"}, Text: "xian"}},
		"o'brien":        nil,
		"don't":          nil,
		"xi an":          nil,
		"xi' an":         nil,
	} {
		q, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(q.Joins, want, func(a, b Join) bool { return a.Text == b.Text && slices.Equal(a.Parts, b.Parts) }) {
			t.Errorf("Parse(%q).Joins = %+v, want %+v", text, q.Joins, want)
		}
	}
	xian := NewDoc("County:xian", "Xi'an District", "西安区")
	anxi := NewDoc("County:anxi", "Anxi County", "安溪县")
	xianan := NewDoc("County:xianan", "Xian'an District", "咸安区")
	q, _ := Parse("xi'an")
	hits := Rank(q, []*Doc{anxi, xianan, xian})
	if len(hits) != 3 || hits[0].ID != xian.ID || hits[0].Score <= hits[1].Score {
		t.Errorf("xi'an ranks %+v, want Xi'an District first, alone", hits)
	}
}

// TestAccentsFolded: accented Latin letters and tone marks are their base
// letters, in a text and in a name alike: Musée is musee, Xī'ān is xi'an;
// a name's ü is v (Zürich: zvrich), which zürich finds as v and zurich as
// a word one letter off.
func TestAccentsFolded(t *testing.T) {
	musee := NewDoc("Museum:musee", "Musée des Sciences", "")
	zurich := NewDoc("Museum:zurich", "Zürich Science Hall", "")
	xian := NewDoc("County:xian", "Xi'an District", "西安区")
	for _, tc := range []struct {
		text string
		doc  *Doc
	}{
		{"musee", musee}, {"Musée", musee}, {"MUSÉE sciences", musee}, {"musèe", musee},
		{"zürich", zurich}, {"Zurich", zurich}, {"ZÜRICH", zurich},
		{"Xī'ān", xian}, {"xī’ān", xian}, {"XĪ'ĀN", xian}, {"xián", xian},
	} {
		q, err := Parse(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := q.Score(tc.doc); !ok {
			t.Errorf("%q does not find %s (terms %+v)", tc.text, tc.doc.ID, q.Terms)
		}
	}
}

// TestOldSpellings: every old spelling (OldSpellings), typed in any case,
// finds the names that hold its place in Chinese only (by the pinyin of
// the Chinese name as this package reads it: 厦门 xiamen) and in English
// only (Xiamen), through an alternative a store asks its index; a name that
// holds the old spelling itself ranks above one found through it (Peking
// University before the Beijing Science Center); and a term that is no
// old spelling gets no such variant.
func TestOldSpellings(t *testing.T) {
	for _, o := range OldSpellings {
		zhDoc := NewDoc("Museum:zh", "", o.Zh+"科技馆")
		enDoc := NewDoc("Museum:en", strings.ToUpper(o.Pinyin[:1])+o.Pinyin[1:]+" Science Museum", "")
		for _, text := range []string{o.Old, strings.ToUpper(o.Old[:1]) + o.Old[1:], strings.ToUpper(o.Old)} {
			q, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			alts := checkAlternatives(t, text, q)
			for _, d := range []*Doc{zhDoc, enDoc} {
				if _, ok := q.Score(d); !ok {
					t.Errorf("%s does not match %q / %q", text, d.words, string(d.zh))
				}
				if !slices.ContainsFunc(alts, func(a Query) bool { return indexFinds(a, d) }) {
					t.Errorf("%s: no alternative finds %q / %q", text, d.words, string(d.zh))
				}
			}
		}
	}
	q, err := Parse("peking")
	if err != nil {
		t.Fatal(err)
	}
	hits := Rank(q, []*Doc{NewDoc("Museum:bsc", "Beijing Science Center", "北京科学中心"), NewDoc("School:pku", "Peking University", "北京大学"),
		NewDoc("Museum:x", "Xi'an Museum", "西安博物馆")})
	if len(hits) != 2 || hits[0].ID != "School:pku" || hits[1].ID != "Museum:bsc" {
		t.Errorf("peking: %v, want Peking University, then the Beijing Science Center", hits)
	}
	if q, _ := Parse("beijing"); len(q.Terms[0].Variants) != 0 {
		t.Errorf("beijing has variants %v", q.Terms[0].Variants)
	}
}
