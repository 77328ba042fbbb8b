package textsearch

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExpansions(t *testing.T) {
	for _, tc := range []struct {
		text string
		want [][]string
	}{
		{"中国科技馆", [][]string{{"中国", "科技馆"}, {"中国", "科学技术馆"}}},
		{"科技馆", [][]string{{"科学技术馆"}}},
		{"安徽科技馆", [][]string{{"安徽", "科技馆"}, {"安徽", "科学技术馆"}}},
		{"安徽科学技术馆", [][]string{{"安徽", "科学技术馆"}}},
		{"安徽省科学技术馆", [][]string{{"安徽省", "科学技术馆"}}},
		{"北师大", [][]string{{"北", "师大"}, {"北", "师范大学"}}},
		{"北京一中", [][]string{{"北京", "一中"}, {"北京", "第一中学"}}},
		{"中国科大", [][]string{{"中国", "科大"}, {"中国", "科技大学"}, {"中国", "科学技术大学"}}},
		{"zhongguokejiguan", [][]string{{"zhongguo", "kejiguan"}, {"zhongguo", "kexuejishuguan"}}},
		{"anhuikejiguan", [][]string{{"anhui", "kejiguan"}, {"anhui", "kexuejishuguan"}}},
		{"kejiguan", [][]string{{"kexuejishuguan"}}},
		{"北京科学中心", [][]string{{"北京", "科学中心"}}},
		{"北京市第一中学", [][]string{{"北京市", "第一中学"}}},
		// Nothing to expand; a full form (not read as 第 一中 学); a province
		// alone; a Latin piece of one letter.
		{"科学中心", nil}, {"第一中学", nil}, {"科学技术馆", nil}, {"diyizhongxue", nil}, {"kexuejishuguan", nil}, {"安徽", nil}, {"anhui", nil}, {"beijing", nil}, {"science", nil}, {"anhuix", nil},
	} {
		q, err := Parse(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Terms[0].Expansions; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: expansions %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestTables: every short form is a subsequence of each of its full forms
// (what makes an expansion a subsequence match), and no key is shorter
// than two characters.
func TestTables(t *testing.T) {
	subseq := func(s, full string) bool {
		f := []rune(full)
		for _, r := range s {
			i := slices.Index(f, r)
			if i < 0 {
				return false
			}
			f = f[i+1:]
		}
		return true
	}
	for short, full := range Abbreviations {
		for _, f := range full {
			if !subseq(short, f) || short == f {
				t.Errorf("%s is not a short form of %s", short, f)
			}
		}
	}
	for k := range hanTable.keys {
		if utf8.RuneCountInString(k) < 2 {
			t.Errorf("key %q", k)
		}
	}
	for k := range pinyinTable.keys {
		if len(k) < minPinyinKey {
			t.Errorf("pinyin key %q", k)
		}
	}
}

func TestExpansionMatch(t *testing.T) {
	cstm := NewDoc("Museum:cstm", "China Science and Technology Museum", "中国科学技术馆")
	ah := NewDoc("Museum:ah", "Anhui Science and Technology Museum", "安徽省科学技术馆")
	digital := NewDoc("Museum:d", "China Digital Science and Technology Museum", "中国数字科技馆")
	bnu := NewDoc("U:bnu", "Beijing Normal University", "北京师范大学")
	nenu := NewDoc("U:nenu", "Northeast Normal University", "东北师范大学")
	score := func(text string, d *Doc) float64 {
		t.Helper()
		q, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := q.Score(d)
		return s
	}
	for _, tc := range []struct {
		text string
		d    *Doc
	}{
		{"中国科技馆", cstm}, {"中国 科技馆", cstm}, {"zhongguokejiguan", cstm}, {"zhongguo kejiguan", cstm},
		{"科技馆", cstm}, {"kejiguan", cstm}, {"安徽科技馆", ah}, {"安徽科学技术馆", ah}, {"anhuikejiguan", ah},
		{"anhui kejiguan", ah}, {"中国科技馆", digital}, {"北师大", bnu}, {"北师大", nenu}, {"beishida", bnu},
		{"anhuikejizho", NewDoc("x", "", "安徽省科学技术中心")},
	} {
		if score(tc.text, tc.d) == 0 {
			t.Errorf("%q does not find %s", tc.text, tc.d.ID)
		}
	}
	for _, tc := range []struct {
		text string
		d    *Doc
	}{
		{"中国科技馆", ah}, {"科技馆中国", cstm}, {"安徽科技馆", cstm}, {"kejiguanzhongguo", cstm}, {"zhongguokejig", digital},
		{"zhonggkejiguan", cstm}, {"上海科技馆", cstm}, {"北师大", cstm},
	} {
		if s := score(tc.text, tc.d); s != 0 {
			t.Errorf("%q finds %s (%v)", tc.text, tc.d.ID, s)
		}
	}
	// Below the term itself; a first piece that begins the name before one
	// inside it.
	if a, b := score("中国科技馆", cstm), score("中国科学技术馆", cstm); !(a < b) {
		t.Errorf("expansion %v, substring %v", a, b)
	}
	if a, b := score("北师大", bnu), score("北师大", nenu); !(a > b) {
		t.Errorf("北师大: 北京师范大学 %v, 东北师范大学 %v", a, b)
	}
}

// TestAlternativesCover: a document that q matches is found by one of q's
// alternatives as an index finds it (every Chinese term a substring of
// nameZh, every Latin term a word prefix of name, a run of the pinyin
// starting at a syllable, or a run of the initials), so that the union of
// their candidates holds every match. Checked for texts of every kind of
// expansion against names that match them by their expansions and not.
func TestAlternativesCover(t *testing.T) {
	names := []string{"中国科学技术馆", "安徽省科学技术馆", "中国数字科技馆", "北京师范大学", "东北师范大学", "北京市第一中学",
		"中国科学技术大学", "中国科学技术协会", "安徽省合肥市科技馆", "上海科技馆"}
	texts := []string{"中国科技馆", "安徽科技馆", "中国 科技馆", "zhongguokejiguan", "zhongguo kejiguan", "北师大", "beishida",
		"北京一中", "beijingyizhong", "中国科大", "中国科协", "科协", "安徽 合肥 科技馆", "anhuikexuejishuguan", "科技 中国 北京 一中"}
	matched := 0
	for _, text := range texts {
		q, err := Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		alts := checkAlternatives(t, text, q)
		for _, zh := range names {
			d := NewDoc("x", "", zh)
			if _, ok := q.Score(d); !ok {
				continue
			}
			matched++
			if !slices.ContainsFunc(alts, func(a Query) bool { return indexFinds(a, d) }) {
				t.Errorf("%s matches %s, which no alternative finds", text, zh)
			}
		}
	}
	if matched < len(texts) {
		t.Errorf("only %d matches", matched)
	}
}

// TestAlternativesBound: a text of many short forms is asked as at most
// MaxAlternatives queries, and its terms keep only the expansions those
// alternatives cover.
func TestAlternativesBound(t *testing.T) {
	q, err := Parse("中国科大 北师大 科协 科技馆 一中 农大 工大")
	if err != nil {
		t.Fatal(err)
	}
	alts := q.Alternatives()
	n := 1
	for _, term := range q.Terms {
		n *= 1 + len(term.Expansions)
	}
	if len(alts) != n || n > MaxAlternatives || n < 2 {
		t.Errorf("%d alternatives, %d from the expansions", len(alts), n)
	}
}

// TestAlternativesRandom: texts made of random short forms, full forms,
// province names and other characters (Chinese and pinyin) against names
// made the same way: every text parses as it did without expansions, is
// asked as at most MaxAlternatives queries each with an indexed term, and
// every name it matches is found by one of them as an index finds it.
func TestAlternativesRandom(t *testing.T) {
	var parts []string
	for short, full := range Abbreviations {
		parts = append(parts, short)
		parts = append(parts, full...)
	}
	slices.Sort(parts)
	parts = append(parts, Provinces...)
	parts = append(parts, "安徽", "北京", "中国", "合肥", "数字", "北", "省", "市", "中心", "学")
	seed := uint32(1)
	rnd := func(n int) int { // xorshift, reproducible
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		return int(seed % uint32(n))
	}
	gen := func(k int) string {
		var b strings.Builder
		for range 1 + rnd(k) {
			b.WriteString(parts[rnd(len(parts))])
		}
		return b.String()
	}
	var docs []*Doc
	for range 300 {
		docs = append(docs, NewDoc("x", "", gen(4)))
	}
	matched := 0
	for range 400 {
		text := gen(3)
		if rnd(3) == 0 {
			text = Pinyin(text)
		} else if rnd(3) == 0 {
			text += " " + gen(2)
		}
		q, err := Parse(text)
		if err == ErrNoTerm && utf8.RuneCountInString(text) < 2 {
			continue
		}
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		alts := checkAlternatives(t, text, q)
		for _, d := range docs {
			if _, ok := q.Score(d); !ok {
				continue
			}
			matched++
			if !slices.ContainsFunc(alts, func(a Query) bool { return indexFinds(a, d) }) {
				t.Errorf("%s matches %s, which no alternative finds", text, string(d.zh))
			}
		}
	}
	if matched < 100 {
		t.Errorf("only %d matches", matched)
	}
}

// indexFinds reports whether an index finds d for a: every Chinese term a
// substring of nameZh, every Latin term a word prefix of name, a run of the
// pinyin starting at a syllable, or a run of the initials.
func indexFinds(a Query, d *Doc) bool {
	for _, term := range a.Terms {
		if term.Han {
			if !strings.Contains(string(d.zh), term.Text) {
				return false
			}
			continue
		}
		var unit []bool
		if term.PinyinOnly {
			// A run of the pinyin from a unit (the piece's key query).
			if !slices.ContainsFunc(d.start, func(off int) bool { return strings.HasPrefix(d.joined[off:], term.Text) }) {
				return false
			}
			continue
		}
		if d.wordMatch(term.Text, marks(&unit, len(d.words))) == 0 && d.pinyinMatch(term.Text, nil, marks(&unit, len(d.syl))) == 0 {
			return false
		}
	}
	return true
}

// checkAlternatives returns q's alternatives after checking their bounds:
// at most MaxAlternatives, each with an indexed term.
func checkAlternatives(t *testing.T, text string, q Query) []Query {
	t.Helper()
	alts := q.Alternatives()
	if len(alts) > MaxAlternatives {
		t.Errorf("%s: %d alternatives", text, len(alts))
	}
	for _, a := range alts {
		if !slices.ContainsFunc(a.Terms, Term.Indexed) {
			t.Errorf("%s: alternative %v has no indexed term", text, a.Terms)
		}
	}
	return alts
}

// TestSimplifiedExpansion: a Chinese term in traditional characters is
// folded to simplified ones (Fold), and expanded as the simplified text
// is: the names holding the simplified form match it in the order the
// simplified text ranks them. A simplified text stays (乾县 is not 干县).
func TestSimplifiedExpansion(t *testing.T) {
	q, err := Parse("中國科技館")
	if err != nil {
		t.Fatal(err)
	}
	qs, err := Parse("中国科技馆")
	if err != nil {
		t.Fatal(err)
	}
	tm := q.Terms[0]
	if tm.Text != "中国科技馆" || !slices.EqualFunc(tm.Expansions, qs.Terms[0].Expansions, slices.Equal) ||
		!slices.ContainsFunc(tm.Expansions, func(e []string) bool { return slices.Equal(e, []string{"中国", "科学技术馆"}) }) {
		t.Fatalf("中國科技館: term %q, expansions %v", tm.Text, tm.Expansions)
	}
	docs := []*Doc{
		NewDoc("m1", "China Science and Technology Museum", "中国科学技术馆"),
		NewDoc("m2", "Guangdong Science Center", "广东科学中心"),
		NewDoc("c1", "Qian County", "乾县"),
		NewDoc("c2", "Gan County", "干县"),
	}
	for _, tc := range []struct{ traditional, simplified string }{
		{"廣東科學中心", "广东科学中心"}, {"中國科學技術館", "中国科学技术馆"}, {"中國科技館", "中国科技馆"},
	} {
		qt, err1 := Parse(tc.traditional)
		qs, err2 := Parse(tc.simplified)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		ids := func(hits []Hit) (out []string) {
			for _, h := range hits {
				out = append(out, h.ID)
			}
			return out
		}
		got, want := Rank(qt, docs), Rank(qs, docs)
		if len(want) == 0 || !slices.Equal(ids(got), ids(want)) {
			t.Errorf("%s ranks %v, %s ranks %v: want the same hits in the same order", tc.traditional, got, tc.simplified, want)
		}
	}
	for text, want := range map[string]string{"乾县": "c1", "乾縣": "c1", "干县": "c2"} {
		q, _ = Parse(text)
		if hits := Rank(q, docs); len(hits) != 1 || hits[0].ID != want {
			t.Errorf("%s ranks %v: want %s alone", text, hits, want)
		}
	}
}
