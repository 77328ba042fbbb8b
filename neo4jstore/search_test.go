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

// keysMatch evaluates keysLucene's query of ks on the indexed tokens.
func keysMatch(ks []textsearch.KeyQuery, tokens []string) bool {
	for _, k := range ks {
		if !keyMatch(k, tokens) {
			return false
		}
	}
	return true
}

func keyMatch(k textsearch.KeyQuery, tokens []string) bool {
	if k.Prefix {
		return slices.ContainsFunc(tokens, func(t string) bool { return strings.HasPrefix(t, k.Key) })
	}
	return slices.Contains(tokens, indexKey(k.Key))
}

// TestSearchKeysSurviveStopWords: every run of a name's pinyin that starts
// at a unit (through digits too: every segment's key, 科AT3S馆: at 3
// sguan), and every run of its initials, of two or more letters, is
// found by the query luceneQuery sends for it in the keys as the cjk
// analyzer indexes them, including runs whose keys are stop words (the
// initials' last key "t" or "s", 阿热: "are", a Latin unit "a"). Unmarked
// keys (textsearch.PrefixKeys as the embedded store indexes them) lose
// some.
func TestSearchKeysSurviveStopWords(t *testing.T) {
	names := []string{"现代科技馆", "不同学堂", "苏昌科学所", "阿", "阿热", "娃三", "北京科学中心", "王伟伟科技", "佛日", "华热", "科技3D馆",
		"中心 A", "安德科技馆", "阿斯图书馆", "生成的基准测试科技馆 0000001（北京市东城区）", "A3馆", "科AT3S馆", "学 12 T"}
	lostUnmarked := 0
	for _, zh := range names {
		pinyin, initials := searchKeys(zh)
		py, in := cjkTokens(pinyin.(string)), cjkTokens(initials.(string))
		raw := textsearch.NewPrefixKeys(zh)
		rpy, rin := cjkTokens(raw.Pinyin), cjkTokens(raw.Initials)
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
			if !keysMatch(textsearch.PinyinKeyQuery(run), py) {
				t.Errorf("%s: pinyin run %q not found in %q", zh, run, pinyin)
			}
			if !keysMatch(textsearch.PinyinKeyQuery(run), rpy) {
				lostUnmarked++
			}
		}
		for _, run := range initialRuns {
			if !keyMatch(textsearch.InitialsKeyQuery(run), in) {
				t.Errorf("%s: initials run %q not found in %q", zh, run, initials)
			}
			if !keyMatch(textsearch.InitialsKeyQuery(run), rin) {
				lostUnmarked++
			}
		}
	}
	if lostUnmarked == 0 {
		t.Error("unmarked keys lost no run: the names do not exercise the stop words")
	}
	t.Logf("unmarked keys would lose %d runs", lostUnmarked)
}

// TestSearchKeysFormat writes down the stored keys of SearchKeysFormat.
// When it fails because textsearch.NewPrefixKeys changed its output, bump
// SearchKeysFormat (databases then rewrite their keys: EnsureSchema) and
// write the new keys here.
func TestSearchKeysFormat(t *testing.T) {
	pinyin, initials := searchKeys("现代学堂")
	if pinyin != "xiandaixuetang daixuetang xuetang tang" || initials != "xdxt dxt xt t_" {
		t.Errorf("searchKeys(现代学堂) = %q, %q: the stored keys' output changed; bump SearchKeysFormat (now %d)", pinyin, initials, SearchKeysFormat)
	}
	pinyin, initials = searchKeys("科技馆 0000123（东城区）")
	if pinyin != "kejiguan jiguan guan 0000 dongchengqu chengqu qu" || initials != "kjg0dcq jg0dcq g0dcq 0dcq dcq cq q" {
		t.Errorf("searchKeys(科技馆 0000123（东城区）) = %q, %q: the stored keys' output changed; bump SearchKeysFormat (now %d)", pinyin, initials, SearchKeysFormat)
	}
	pinyin, initials = searchKeys("绿色K12学校")
	if pinyin != "lvsek sek k 12 xuexiao xiao" || initials != "lskxx skxx kxx xx x" {
		t.Errorf("searchKeys(绿色K12学校) = %q, %q: the stored keys' output changed; bump SearchKeysFormat (now %d)", pinyin, initials, SearchKeysFormat)
	}
	if p, i := searchKeys("!!"); p != nil || i != nil {
		t.Errorf("searchKeys of a name without pinyin = %v, %v, want nils", p, i)
	}
	props := map[string]any{"nameZh": "北京"}
	addSearchKeys(props)
	if props[PropSearchPinyin] != "beijing jing" || props[PropSearchInitials] != "bj j" {
		t.Errorf("addSearchKeys = %v", props)
	}
	set := map[string]any{"nameZh": nil}
	updateSearchKeys(set)
	for _, p := range append([]string{PropSearchPinyin, PropSearchInitials}, oldSearchProps...) {
		if v, ok := set[p]; !ok || v != nil {
			t.Errorf("updateSearchKeys(remove nameZh): %s = %v, %v; want a null", p, v, ok)
		}
	}
	q, err := textsearch.Parse("xiandaixue bj 北京 at3")
	if err != nil {
		t.Fatal(err)
	}
	want := "(name:xiandaixue* OR searchPinyinKeys:xiandaixue* OR searchInitialsKeys:xiandaixue* OR name:xiandaixue~1) AND " +
		"(name:bj* OR searchPinyinKeys:bj* OR searchInitialsKeys:bj*) AND " +
		`nameZh:"北京" AND ` +
		"(name:at3* OR (searchPinyinKeys:at_ AND searchPinyinKeys:3*) OR searchInitialsKeys:at3*)"
	if got := luceneQuery(q); got != want {
		t.Errorf("luceneQuery =\n  %s\nwant\n  %s", got, want)
	}
}

// TestLuceneEscape: every character of Lucene's query syntax and white
// space is escaped, letters and digits of any script are not.
func TestLuceneEscape(t *testing.T) {
	for in, want := range map[string]string{
		"beijing":   "beijing",
		"北京3":       "北京3",
		`a+b-c!d`:   `a\+b\-c\!d`,
		`(x):y^z`:   `\(x\)\:y\^z`,
		`[a]{b}"c"`: `\[a\]\{b\}\"c\"`,
		`~*?|&/\`:   `\~\*\?\|\&\/\\`,
		"a b\tc":    "a\\ b\\\tc",
	} {
		if got := luceneEscape(in); got != want {
			t.Errorf("luceneEscape(%q) = %q, want %q", in, got, want)
		}
	}
}
