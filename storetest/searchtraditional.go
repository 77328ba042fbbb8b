package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// searchTraditionalNames are names in traditional characters (重慶科技館,
// 香港科學館, 長沙科學館) and in simplified ones, with English names that
// do not spell the pinyin, so that only nameZh finds them.
var searchTraditionalNames = []searchName{
	{"Museum:tcq", "Mountain City Science Hall", "重慶科技館", ""},
	{"Museum:thk", "Harbour Science Hall", "香港科學館", ""},
	{"Museum:tcs", "Star City Science Hall", "長沙科學館", ""},
	{"School:tbn", "Normal University of the North", "北京师范大学", ""},
	{"Museum:tgd", "Southern Province Science Center", "广东省科学中心", ""},
	{"Museum:tzg", "National Science Hall", "中国科学技术馆", ""},
	{"Museum:tzq", "Youth Science Hall", "中青科技馆", ""},
}

// testSearchTraditional: search folds traditional characters to
// simplified ones (textsearch.Fold), in the text and in the stored keys,
// the same on every store: a text in simplified characters finds a name
// in traditional ones (重庆科技馆 finds 重慶科技館), a text in traditional
// characters a name in simplified ones (北京師範大學 finds 北京师范大学, and
// so do its short form 北師大 and 師範), a text mixing both either; a
// name in traditional characters is found by the pinyin of its simplified
// words (重慶 chongqing, 長沙 changsha, and the initials cqkjg), not by
// its characters' defaults (zhongqing finds 中青 only, zhangsha nothing);
// a text and its traditional form find the same page.
func testSearchTraditional(t *testing.T, st kepu.Store) {
	putSearchNames(t, st, searchTraditionalNames)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"重慶科技館", []string{"Museum:tcq"}},
		{"重庆科技馆", []string{"Museum:tcq"}},
		{"重庆科技館", []string{"Museum:tcq"}},
		{"重慶", []string{"Museum:tcq"}},
		{"chongqing", []string{"Museum:tcq"}},
		{"chongqing kejiguan", []string{"Museum:tcq"}},
		{"cqkjg", []string{"Museum:tcq"}},
		{"zhongqing", []string{"Museum:tzq"}},
		{"香港科学馆", []string{"Museum:thk"}},
		{"香港科學館", []string{"Museum:thk"}},
		{"xianggang kexueguan", []string{"Museum:thk"}},
		{"长沙科学馆", []string{"Museum:tcs"}},
		{"changsha", []string{"Museum:tcs"}},
		{"cskxg", []string{"Museum:tcs"}},
		{"zhangsha", nil},
		{"北京師範大學", []string{"School:tbn"}},
		{"師範", []string{"School:tbn"}},
		{"北師大", []string{"School:tbn"}},
		{"廣東省科學中心", []string{"Museum:tgd"}},
		{"中國科學技術館", []string{"Museum:tzg"}},
		{"中國科技館", []string{"Museum:tzg"}},
	} {
		wantSearchPage(t, st, tc.text, tc.want)
	}
	for _, p := range [][2]string{{"科学", "科學"}, {"科技馆", "科技館"}, {"科学馆", "科學館"}, {"science hall 科学", "science hall 科學"}} {
		a, b := search(t, st, kepu.SearchQuery{Text: p[0]}), search(t, st, kepu.SearchQuery{Text: p[1]})
		if a.Total < 2 || a.Total != b.Total || !slices.Equal(hitIDs(a), hitIDs(b)) {
			t.Errorf("Search(%q) = %v (%d), Search(%q) = %v (%d): want the same two or more", p[0], hitIDs(a), a.Total, p[1], hitIDs(b), b.Total)
		}
	}
}

// searchName is a node of a search fixture: its ID, name, nameZh and
// gbCode (each set only when not empty); a museum's kind is STANDARD.
type searchName struct{ id, name, zh, gbCode string }

// putSearchNames writes the nodes of names.
func putSearchNames(t *testing.T, st kepu.Store, names []searchName) {
	t.Helper()
	var nodes []kepu.Node
	for _, n := range names {
		node := N(n.id, "name", n.name)
		for k, v := range map[string]string{"nameZh": n.zh, "gbCode": n.gbCode} {
			if v != "" {
				node.Props[k] = v
			}
		}
		if node.Label == kepu.Museum {
			node.Props["kind"] = "STANDARD"
		}
		nodes = append(nodes, node)
	}
	mustWrite(t, st, putNodes(nodes...)...)
}

// wantSearchPage checks that a search of text is exactly want, best
// first, with want's length as its total.
func wantSearchPage(t *testing.T, st kepu.Store, text string, want []string) {
	t.Helper()
	p := search(t, st, kepu.SearchQuery{Text: text})
	wantIDs(t, fmt.Sprintf("Search(%q)", text), hitIDs(p), want...)
	if p.Total != len(want) {
		t.Errorf("Search(%q): total %d, want %d", text, p.Total, len(want))
	}
}
