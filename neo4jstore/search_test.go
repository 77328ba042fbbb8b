package neo4jstore

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/textsearch"
)

// cjkTokens is what Neo4j's cjk analyzer keeps of stored search keys made
// of lower-case letters and digits: the space-separated tokens without the
// stop words (Lucene's standard tokenizer keeps a trailing underscore in a
// token).
func cjkTokens(keys string) []string {
	return slices.DeleteFunc(strings.Fields(keys), func(k string) bool { return textsearch.StopWords[k] })
}

// gramMatch evaluates gramLucene's query of g on the indexed tokens.
func gramMatch(g textsearch.GramQuery, first, grams []string) bool {
	if g.Prefix != "" {
		return slices.ContainsFunc(first, func(k string) bool { return strings.HasPrefix(k, g.Prefix) })
	}
	if !slices.Contains(first, indexKey(g.Term)) {
		return false
	}
	for _, k := range g.Grams {
		if !slices.Contains(grams, indexKey(k)) {
			return false
		}
	}
	return true
}

// TestSearchKeysSurviveStopWords: every run of a name's pinyin that starts
// at a syllable, and every run of its initials, of two or more letters, is
// found by the query luceneQuery sends for it in the keys as the cjk
// analyzer indexes them, including runs whose keys are stop words (xiandai:
// "and", butong: "but", initials ending in "t" or "s"). Unmarked keys
// (textsearch.GramKeys as the embedded store indexes them) lose some.
func TestSearchKeysSurviveStopWords(t *testing.T) {
	names := []string{"现代科技馆", "不同学堂", "苏昌科学所", "阿", "娃三", "北京科学中心", "王伟伟科技", "佛日", "华热", "科技3D馆"}
	lostUnmarked := 0
	for _, zh := range names {
		starts, grams, initials := searchKeys(zh)
		st, gr, in := cjkTokens(starts.(string)), cjkTokens(grams.(string)), cjkTokens(initials.(string))
		raw := textsearch.NewGramKeys(zh)
		rst, rgr, rin := cjkTokens(raw.PinyinStarts), cjkTokens(raw.PinyinGrams), cjkTokens(raw.Initials)
		syl := textsearch.Syllables(zh)
		var pinyinRuns, initialRuns []string
		for i := range syl {
			joined := strings.Join(syl[i:], "")
			for n := 2; n <= utf8.RuneCountInString(joined); n++ {
				pinyinRuns = append(pinyinRuns, string([]rune(joined)[:n]))
			}
		}
		ini := []rune(textsearch.Initials(zh))
		for i := range ini {
			for j := i + 2; j <= len(ini); j++ {
				initialRuns = append(initialRuns, string(ini[i:j]))
			}
		}
		for _, run := range pinyinRuns {
			if !gramMatch(textsearch.PinyinQuery(run), st, gr) {
				t.Errorf("%s: pinyin run %q not found in starts %q, grams %q", zh, run, starts, grams)
			}
			if !gramMatch(textsearch.PinyinQuery(run), rst, rgr) {
				lostUnmarked++
			}
		}
		for _, run := range initialRuns {
			if !gramMatch(textsearch.InitialsQuery(run), in, in) {
				t.Errorf("%s: initials run %q not found in %q", zh, run, initials)
			}
			if !gramMatch(textsearch.InitialsQuery(run), rin, rin) {
				lostUnmarked++
			}
		}
	}
	if lostUnmarked == 0 {
		t.Error("unmarked keys lost no run: the names do not exercise the stop words")
	}
	t.Logf("unmarked keys would lose %d runs", lostUnmarked)
}

func TestSearchKeysFormat(t *testing.T) {
	starts, grams, initials := searchKeys("现代学堂")
	if starts != "xian daix xuet tang" || grams != "xia ian and_ nda dai aix ixu xue uet eta tan ang" || initials != "xdx dxt xt t_" {
		t.Errorf("searchKeys(现代学堂) = %q, %q, %q", starts, grams, initials)
	}
	if s, g, i := searchKeys("!!"); s != nil || g != nil || i != nil {
		t.Errorf("searchKeys of a name without pinyin = %v, %v, %v, want nils", s, g, i)
	}
	props := map[string]any{"nameZh": "北京"}
	addSearchKeys(props)
	if props[PropSearchPinyinStarts] != "beij jing" || props[PropSearchInitialGrams] != "bj j" {
		t.Errorf("addSearchKeys = %v", props)
	}
	set := map[string]any{"nameZh": nil}
	updateSearchKeys(set)
	for _, p := range []string{PropSearchPinyinStarts, PropSearchPinyinGrams, PropSearchInitialGrams, PropOldSearchPinyin, PropOldSearchInitials} {
		if v, ok := set[p]; !ok || v != nil {
			t.Errorf("updateSearchKeys(remove nameZh): %s = %v, %v; want a null", p, v, ok)
		}
	}
	q, err := textsearch.Parse("xiandaixue bjkx")
	if err != nil {
		t.Fatal(err)
	}
	want := "(name:xiandaixue* OR (searchPinyinStarts:xian AND searchPinyinGrams:dai AND searchPinyinGrams:xue) OR (searchInitialGrams:xia AND searchInitialGrams:nda AND searchInitialGrams:ixu AND searchInitialGrams:xue) OR name:xiandaixue~1) AND " +
		"(name:bjkx* OR searchPinyinStarts:bjkx* OR (searchInitialGrams:bjk AND searchInitialGrams:jkx) OR name:bjkx~1)"
	if got := luceneQuery(q); got != want {
		t.Errorf("luceneQuery =\n  %s\nwant\n  %s", got, want)
	}
}
