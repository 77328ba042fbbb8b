package storetest

import (
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// searchReadingNames are names whose characters read otherwise in the
// word they are in (重庆 chongqing, not go-pinyin's zhongqing), with
// English names that do not spell the pinyin, so that only the pinyin of
// nameZh finds them; and two names whose pinyin is the characters'
// default readings of the first two (中青 zhongqing, 沙门 shamen).
var searchReadingNames = []struct{ id, name, zh string }{
	{"Museum:rcq", "Mountain City Science Museum", "重庆科技馆"},
	{"Museum:rxm", "Egret Island Science Museum", "厦门科技馆"},
	{"Museum:rcd", "Hibiscus City Science Museum", "成都市科学技术馆"},
	{"Museum:rcs", "Star City Science Museum", "长沙市科学技术馆"},
	{"Museum:rxz", "Plateau Science Museum", "西藏自治区科学技术馆"},
	{"Museum:rzq", "Youth Science Museum", "中青科技馆"},
	{"Museum:rsm", "Sand Gate Science Museum", "沙门科技馆"},
}

// testSearchReadings: a Chinese name is found by the pinyin of its words
// (textsearch's readings: chongqing finds 重庆, xiamen 厦门, chengdu 成都,
// changsha 长沙, xizang 西藏), with its initials and with a short form,
// and not by its characters' default readings (zhongqing finds 中青
// only, shamen 沙门 only), the same on every store.
func testSearchReadings(t *testing.T, st kepu.Store) {
	var nodes []kepu.Node
	for _, n := range searchReadingNames {
		nodes = append(nodes, N(n.id, "name", n.name, "nameZh", n.zh, "kind", "STANDARD"))
	}
	mustWrite(t, st, putNodes(nodes...)...)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"chongqing", []string{"Museum:rcq"}},
		{"Chóngqìng", []string{"Museum:rcq"}},
		{"chongqing kejiguan", []string{"Museum:rcq"}},
		{"cqkjg", []string{"Museum:rcq"}},
		{"xiamen", []string{"Museum:rxm"}},
		{"chengdu", []string{"Museum:rcd"}},
		{"chengdu kejiguan", []string{"Museum:rcd"}},
		{"changsha", []string{"Museum:rcs"}},
		{"xizang", []string{"Museum:rxz"}},
		{"xizangkexuejishuguan", []string{"Museum:rxz"}},
		{"zhongqing", []string{"Museum:rzq"}},
		{"shamen", []string{"Museum:rsm"}},
		{"chengdou", nil},
		{"zhangsha", nil},
		{"xicang", nil},
	} {
		p := search(t, st, kepu.SearchQuery{Text: tc.text})
		wantIDs(t, fmt.Sprintf("Search(%q)", tc.text), hitIDs(p), tc.want...)
		if p.Total != len(tc.want) {
			t.Errorf("Search(%q): total %d, want %d", tc.text, p.Total, len(tc.want))
		}
	}
}
