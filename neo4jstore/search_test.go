package neo4jstore

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kepugraph/kepugraph/textsearch"
)

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
	return slices.Contains(tokens, k.Key)
}

// TestSearchKeysFindRuns: every run of a name's pinyin that starts at a
// unit (through digits too: every segment's key, 科AT3S馆: at 3 sguan),
// and every run of its initials, of two or more letters, is found by the
// query luceneQuery sends for it in the stored keys as kg_search's
// unicode_whitespace analyzer indexes them (cut at spaces), stop words
// included (the initials' last key "t" or "s", 阿热: "are", a Latin unit
// "a").
func TestSearchKeysFindRuns(t *testing.T) {
	names := []string{"现代科技馆", "不同学堂", "苏昌科学所", "阿", "阿热", "娃三", "北京科学中心", "王伟伟科技", "佛日", "华热", "科技3D馆",
		"中心 A", "安德科技馆", "阿斯图书馆", "生成的基准测试科技馆 0000001（北京市东城区）", "A3馆", "科AT3S馆", "学 12 T"}
	for _, zh := range names {
		_, pinyin, initials := zhKeys(zh)
		py, in := strings.Fields(pinyin.(string)), strings.Fields(initials.(string))
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
		}
		for _, run := range initialRuns {
			if !keyMatch(textsearch.InitialsKeyQuery(run), in) {
				t.Errorf("%s: initials run %q not found in %q", zh, run, initials)
			}
		}
	}
}

// TestSearchKeysFormat writes down the stored keys of SearchKeysFormat.
// When it fails because textsearch.NewPrefixKeys changed its output, bump
// SearchKeysFormat (databases then rewrite their keys: EnsureSchema) and
// write the new keys here.
func TestSearchKeysFormat(t *testing.T) {
	for _, c := range []struct{ zh, han, pinyin, initials string }{
		{"现代学堂", "现代 代学 学堂", "xiandaixuetang daixuetang xuetang tang", "xdxt dxt xt t"},
		{"科技馆 0000123（东城区）", "科技 技馆 东城 城区", "kejiguan jiguan guan 0000 dongchengqu chengqu qu", "kjg0dcq jg0dcq g0dcq 0dcq dcq cq q"},
		{"绿色K12学校", "绿色 学校", "lvsek sek k 12 xuexiao xiao", "lskxx skxx kxx xx x"},
		{"馆·O'Brien", "馆", "guanobrien obrien brien", "gob ob b"},
		// Format 6: read by words (zhongqingshi … zqs … in format 5).
		{"重庆市", "重庆 庆市", "chongqingshi qingshi shi", "cqs qs s"},
		// Format 7: in simplified characters (重慶 重慶市 慶市 …, zhongqing
		// in format 6).
		{"重慶市", "重庆 庆市", "chongqingshi qingshi shi", "cqs qs s"},
		{"長沙科學館", "长沙 沙科 科学 学馆", "changshakexueguan shakexueguan kexueguan xueguan guan", "cskxg skxg kxg xg g"},
	} {
		han, pinyin, initials := zhKeys(c.zh)
		if han != c.han || pinyin != c.pinyin || initials != c.initials {
			t.Errorf("zhKeys(%s) = %q, %q, %q: the stored keys' output changed; bump SearchKeysFormat (now %d)", c.zh, han, pinyin, initials, SearchKeysFormat)
		}
	}
	if w := nameKeys("O'Brien Museum of 12,000 Stars"); w != "o brien museum 12 000 stars" {
		t.Errorf("nameKeys = %q: the stored keys' output changed; bump SearchKeysFormat (now %d)", w, SearchKeysFormat)
	}
	if h, p, i := zhKeys("!!"); h != nil || p != nil || i != nil {
		t.Errorf("zhKeys of a name without Han or pinyin = %v, %v, %v, want nils", h, p, i)
	}
	if w := nameKeys("!!"); w != "" {
		t.Errorf("nameKeys of a name without words = %v, want \"\"", w)
	}
	props := map[string]any{"name": "Beijing", "nameZh": "北京"}
	addSearchKeys(props)
	if props[PropSearchWords] != "beijing" || props[PropSearchHan] != "北京" || props[PropSearchPinyin] != "beijing jing" || props[PropSearchInitials] != "bj j" {
		t.Errorf("addSearchKeys = %v", props)
	}
	set := map[string]any{"nameZh": nil, "name": "X Y"}
	updateSearchKeys(set)
	for _, p := range append([]string{PropSearchHan, PropSearchPinyin, PropSearchInitials}, oldSearchProps...) {
		if v, ok := set[p]; !ok || v != nil {
			t.Errorf("updateSearchKeys(remove nameZh): %s = %v, %v; want a null", p, v, ok)
		}
	}
	if set[PropSearchWords] != "x y" {
		t.Errorf("updateSearchKeys(set name): %s = %v", PropSearchWords, set[PropSearchWords])
	}
	q, err := textsearch.Parse("xiandaixue bj 北京科学 at3")
	if err != nil {
		t.Fatal(err)
	}
	want := "(searchNameWords:xiandaixue* OR searchPinyinKeys:xiandaixue* OR searchInitialsKeys:xiandaixue* OR searchNameWords:xiandaixue~1) AND " +
		"(searchNameWords:bj* OR searchPinyinKeys:bj* OR searchInitialsKeys:bj*) AND " +
		`searchNameZhGrams:"北京 京科 科学" AND ` +
		"(searchNameWords:at3* OR (searchPinyinKeys:at AND searchPinyinKeys:3*) OR searchInitialsKeys:at3*)"
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
