package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// Search fixture IDs.
const (
	srBSC    = "Museum:bsc"        // Beijing Science Center, 北京科学中心
	srAnnex  = "Museum:bscannex"   // English name only
	srBJSTM  = "Museum:bjstm"      // 北京科技馆
	srSHSTM  = "Museum:shstm"      // 上海科技馆
	srXJSC   = "Museum:xjsc"       // 新疆科学中心
	srSchool = "School:bj1"        // 北京市第一中学
	srCAST   = "Organization:cast" // 中国科学技术协会
	srPerson = "Person:zhang"      // 张伟
)

func loadSearchGraph(t *testing.T, st kepu.Store) {
	t.Helper()
	mustWrite(t, st, putNodes(
		N(pBJ, "name", "Beijing", "nameZh", "北京市", "code", "CN-BJ"),
		N(srBSC, "name", "Beijing Science Center", "nameZh", "北京科学中心", "kind", "STANDARD"),
		N(srAnnex, "name", "Beijing Science Center Annex", "kind", "STANDARD"),
		N(srBJSTM, "name", "Beijing Science and Technology Museum", "nameZh", "北京科技馆", "kind", "STANDARD"),
		N(srSHSTM, "name", "Shanghai Science and Technology Museum", "nameZh", "上海科技馆", "kind", "STANDARD"),
		N(srXJSC, "name", "Xinjiang Science Center", "nameZh", "新疆科学中心", "kind", "STANDARD"),
		N(srSchool, "name", "Beijing No. 1 Middle School", "nameZh", "北京市第一中学"),
		N(srCAST, "name", "China Association for Science and Technology", "nameZh", "中国科学技术协会"),
		N(srPerson, "name", "Zhang Wei", "nameZh", "张伟"),
	)...)
}

func search(t *testing.T, st kepu.Store, q kepu.SearchQuery) kepu.SearchPage {
	t.Helper()
	if q.First == 0 {
		q.First = 100
	}
	page, err := st.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%q): %v", q.Text, err)
	}
	for i, h := range page.Hits {
		if h.Score <= 0 || h.Score > 1.5 {
			t.Errorf("Search(%q): hit %s has score %v, outside (0, 1.5]", q.Text, h.Node.ID, h.Score)
		}
		if i > 0 {
			p := page.Hits[i-1]
			if p.Score < h.Score || (p.Score == h.Score && p.Node.ID >= h.Node.ID) {
				t.Errorf("Search(%q): %s (%v) before %s (%v): not by score, then ID", q.Text, p.Node.ID, p.Score, h.Node.ID, h.Score)
			}
		}
		if h.Cursor == "" || h.Node.Label != kepu.LabelOf(h.Node.ID) || h.Node.Props.String(kepu.PropName) == "" {
			t.Errorf("Search(%q): hit %+v is incomplete", q.Text, h)
		}
	}
	return page
}

func hitIDs(p kepu.SearchPage) []string {
	out := make([]string, len(p.Hits))
	for i, h := range p.Hits {
		out[i] = h.Node.ID
	}
	return out
}

// testSearch: every way a user types a name finds it first; the ranking
// is the same on every store (the expected lists below are exact).
func testSearch(t *testing.T, st kepu.Store) {
	first := []string{
		"北京科学中心", "北京科学", "科学中心", "京科学", "学中心", "学中",
		"beijing kexue zhongxin", "beijingkexuezhongxin", "Běijīng Kēxué Zhōngxīn", "beijing kexue",
		"bjkxzx", "BJKXZX", "beijing science center", "BEIJING Science CENTER", "Beijing Scince Center",
		"北京 kexue", "北京 science center", "ｂｅｉｊｉｎｇ ｋｅｘｕｅ",
	}
	for _, text := range first {
		p := search(t, st, kepu.SearchQuery{Text: text})
		if len(p.Hits) == 0 || p.Hits[0].Node.ID != srBSC {
			t.Errorf("Search(%q) = %v, want %s first", text, hitIDs(p), srBSC)
		}
	}
	exact := []struct {
		text string
		want []string
	}{
		// The exact English name first, then by the share of the name matched.
		{"beijing", []string{pBJ, srBJSTM, srBSC, srSchool, srAnnex}},
		{"北京", []string{pBJ, srBJSTM, srBSC, srSchool}},
		{"科学中心", []string{srBSC, srXJSC}},
		{"kejiguan", []string{srBJSTM, srSHSTM}},
		{"kjg", []string{srBJSTM, srSHSTM}},
		{"science center", []string{srBSC, srXJSC, srAnnex}},
		{"zhang wei", []string{srPerson}},
		{"zw", []string{srPerson}},
		{"上海 museum", []string{srSHSTM}},
		{"北京 科", []string{srBJSTM, srBSC}},
		{"beijing museum", []string{srBJSTM}},
		{"nowhere", nil},
		{"北京科学中心馆", nil},
		{"bjkxzz", nil},
	}
	for _, tc := range exact {
		p := search(t, st, kepu.SearchQuery{Text: tc.text})
		wantIDs(t, fmt.Sprintf("Search(%q)", tc.text), hitIDs(p), tc.want...)
		if p.Total != len(tc.want) || p.HasNext || p.HasPrev {
			t.Errorf("Search(%q): total %d, hasNext %v, hasPrev %v; want %d, false, false", tc.text, p.Total, p.HasNext, p.HasPrev, len(tc.want))
		}
	}
	// Labels.
	p := search(t, st, kepu.SearchQuery{Text: "beijing", Labels: []kepu.Label{kepu.Museum}})
	wantIDs(t, "museums", hitIDs(p), srBJSTM, srBSC, srAnnex)
	p = search(t, st, kepu.SearchQuery{Text: "beijing", Labels: []kepu.Label{kepu.School, kepu.Province}})
	wantIDs(t, "schools and provinces", hitIDs(p), pBJ, srSchool)
	p = search(t, st, kepu.SearchQuery{Text: "beijing", Labels: []kepu.Label{kepu.Forum}})
	wantIDs(t, "forums", hitIDs(p))
}

// testSearchPaging: pages of a search, joined, are the whole ranking.
func testSearchPaging(t *testing.T, st kepu.Store) {
	loadSearchGraph(t, st)
	all := search(t, st, kepu.SearchQuery{Text: "beijing"})
	var got []string
	after := ""
	for range 10 {
		p := search(t, st, kepu.SearchQuery{Text: "beijing", First: 2, After: after})
		got = append(got, hitIDs(p)...)
		if p.Total != all.Total || p.HasPrev != (after != "") {
			t.Fatalf("page after %q: total %d, hasPrev %v", after, p.Total, p.HasPrev)
		}
		if !p.HasNext {
			break
		}
		after = p.Hits[len(p.Hits)-1].Cursor
	}
	wantIDs(t, "pages", got, hitIDs(all)...)
	// A cursor stays a position: after the node it names is deleted, the
	// next page still starts after it.
	p := search(t, st, kepu.SearchQuery{Text: "beijing", First: 2})
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: p.Hits[1].Node.ID})
	next := search(t, st, kepu.SearchQuery{Text: "beijing", First: 10, After: p.Hits[1].Cursor})
	wantIDs(t, "after a deleted node", hitIDs(next), hitIDs(all)[2:]...)

	// A cursor belongs to its search: the text as given and the set of
	// labels (their order and repeats aside). Another search's scores rank
	// other hits, so its cursor is refused.
	museums := []kepu.Label{kepu.Museum, kepu.School}
	first := search(t, st, kepu.SearchQuery{Text: "beijing", Labels: museums, First: 1})
	if len(first.Hits) != 1 {
		t.Fatalf("labelled search: %v", hitIDs(first))
	}
	cur := first.Hits[0].Cursor
	same := search(t, st, kepu.SearchQuery{Text: "beijing", Labels: []kepu.Label{kepu.School, kepu.Museum, kepu.School}, First: 10, After: cur})
	whole := search(t, st, kepu.SearchQuery{Text: "beijing", Labels: museums})
	wantIDs(t, "labels in another order", hitIDs(same), hitIDs(whole)[1:]...)
	for _, q := range []kepu.SearchQuery{
		{Text: "beijing museum", Labels: museums, First: 5, After: cur},
		{Text: "beijing", First: 5, After: cur},
		{Text: "beijing", Labels: []kepu.Label{kepu.Museum}, First: 5, After: cur},
		{Text: "beijing", Labels: museums, First: 5, After: p.Hits[1].Cursor},
	} {
		if _, err := st.Search(ctx, q); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("Search(%q, %v) with a cursor of another search: error %v, want %s", q.Text, q.Labels, err, kepu.BadUserInput)
		}
	}
}

// testSearchWrites: a node created, renamed or deleted is seen by the next
// search.
func testSearchWrites(t *testing.T, st kepu.Store) {
	loadSearchGraph(t, st)
	const id = "Museum:hfsc"
	mustWrite(t, st, kepu.Change{Kind: kepu.CreateNode, Node: N(id, "name", "Hefei Science Center", "nameZh", "合肥科学中心", "kind", "STANDARD")})
	for _, text := range []string{"合肥", "hefei kexue", "hfkxzx", "hefei science"} {
		wantIDs(t, "after create: "+text, hitIDs(search(t, st, kepu.SearchQuery{Text: text})), id)
	}
	mustWrite(t, st, kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: kepu.Props{"name": "Hefei Sci-Tech Museum", "nameZh": "合肥科技馆"}})
	for _, text := range []string{"合肥科学", "hfkxzx", "hefei science"} {
		wantIDs(t, "after rename: "+text, hitIDs(search(t, st, kepu.SearchQuery{Text: text})))
	}
	for _, text := range []string{"合肥科技", "hefei kejiguan", "hfkjg", "hefei tech"} {
		wantIDs(t, "after rename: "+text, hitIDs(search(t, st, kepu.SearchQuery{Text: text})), id)
	}
	mustWrite(t, st, kepu.Change{Kind: kepu.UpdateNode, ID: id, Unset: []string{kepu.PropNameZh}})
	for _, text := range []string{"合肥科技", "hfkjg", "kejiguan"} {
		p := search(t, st, kepu.SearchQuery{Text: text})
		if slices.Contains(hitIDs(p), id) {
			t.Errorf("after removing nameZh, %q still finds %s", text, id)
		}
	}
	wantIDs(t, "English name", hitIDs(search(t, st, kepu.SearchQuery{Text: "hefei"})), id)
	mustWrite(t, st, putNodes(N(id, "name", "Hefei Planetarium", "nameZh", "合肥天文馆", "kind", "STANDARD"))...)
	wantIDs(t, "after put", hitIDs(search(t, st, kepu.SearchQuery{Text: "hefei tianwen"})), id)
	mustWrite(t, st, kepu.Change{Kind: kepu.DeleteNode, ID: id})
	wantIDs(t, "after delete", hitIDs(search(t, st, kepu.SearchQuery{Text: "hefei"})))
}

// testSearchErrors: bad search input is BAD_USER_INPUT.
func testSearchErrors(t *testing.T, st kepu.Store) {
	long := ""
	for range 201 {
		long += "x"
	}
	many := ""
	for i := range 17 {
		many += fmt.Sprintf("w%02d ", i)
	}
	good := search(t, st, kepu.SearchQuery{Text: "beijing", First: 1})
	bad := []kepu.SearchQuery{
		{Text: "", First: 5},
		{Text: "   ", First: 5},
		{Text: "a", First: 5},
		{Text: "科", First: 5},
		{Text: "the of and", First: 5},
		{Text: long, First: 5},
		{Text: many, First: 5},
		{Text: "beijing", First: -1},
		{Text: "beijing", First: 5, Labels: []kepu.Label{"Planet"}},
		{Text: "beijing", First: 5, After: "not a cursor"},
		{Text: "beijing", First: 5, After: kepu.EncodeCursor(kepu.OrderSignature("Museum", nil), kepu.Cursor{ID: srBSC})},
	}
	for _, q := range bad {
		_, err := st.Search(ctx, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("Search(%+v): error %v, want %s", q, err, kepu.BadUserInput)
		}
	}
	if len(good.Hits) != 1 || !good.HasNext {
		t.Fatalf("first: 1 gave %v", hitIDs(good))
	}
	none, err := st.Search(ctx, kepu.SearchQuery{Text: "beijing", First: 0})
	if err != nil || len(none.Hits) != 0 || !none.HasNext || none.Total != good.Total {
		t.Fatalf("first: 0 gave %+v, %v", none, err)
	}
}

// testSearchShortForms: a name is found by its standard short forms
// (textsearch.Abbreviations) and without its province's suffix, in Chinese
// and in pinyin: every store finds exactly the nodes the matching rule
// gives on the fixture graph (computed with textsearch.Rank over all its
// nodes, so the stores' indexes must return every one), in the same order,
// and the name meant first.
func testSearchShortForms(t *testing.T, st kepu.Store) {
	loadSearchGraph(t, st)
	const (
		cstm  = "Museum:cstm"           // 中国科学技术馆
		ahstm = "Museum:ahstm"          // 安徽省科学技术馆
		hfstm = "Museum:hfstm"          // 安徽省合肥市科技馆
		cdstm = "Museum:cdstm"          // 中国数字科技馆
		bnu   = "NormalUniversity:bnu"  // 北京师范大学
		nenu  = "NormalUniversity:nenu" // 东北师范大学
	)
	mustWrite(t, st, putNodes(
		N(cstm, "name", "China Science and Technology Museum", "nameZh", "中国科学技术馆", "kind", "STANDARD"),
		N(ahstm, "name", "Anhui Science and Technology Museum", "nameZh", "安徽省科学技术馆", "kind", "STANDARD"),
		N(hfstm, "name", "Hefei Science and Technology Museum", "nameZh", "安徽省合肥市科技馆", "kind", "STANDARD"),
		N(cdstm, "name", "China Digital Science and Technology Museum", "nameZh", "中国数字科技馆", "kind", "STANDARD"),
		N(bnu, "name", "Beijing Normal University", "nameZh", "北京师范大学"),
		N(nenu, "name", "Northeast Normal University", "nameZh", "东北师范大学"),
	)...)
	// The fixture's nodes as the ranking sees them.
	ids := []string{pBJ, srBSC, srAnnex, srBJSTM, srSHSTM, srXJSC, srSchool, srCAST, srPerson, cstm, ahstm, hfstm, cdstm, bnu, nenu}
	nodes, err := st.Nodes(ctx, ids)
	if err != nil || len(nodes) != len(ids) {
		t.Fatalf("Nodes: %d of %d, %v", len(nodes), len(ids), err)
	}
	var docs []*textsearch.Doc
	for _, n := range nodes {
		docs = append(docs, textsearch.NewDoc(n.ID, n.Props.String(kepu.PropName), n.Props.String(kepu.PropNameZh)))
	}
	for _, tc := range []struct {
		text   string
		labels []kepu.Label
		first  string
	}{
		{"中国科技馆", nil, cstm},
		{"中国 科技馆", nil, cstm},
		{"zhongguokejiguan", nil, cstm},
		{"zhongguo kejiguan", nil, cstm},
		{"安徽科技馆", nil, ahstm},
		{"安徽科学技术馆", nil, ahstm},
		{"anhuikejiguan", nil, ahstm},
		{"合肥科技馆", nil, hfstm},
		{"北师大", nil, bnu},
		{"beishida", nil, bnu},
		{"北京一中", nil, srSchool},
		{"beijingyizhong", nil, srSchool},
		{"中国科协", nil, srCAST},
		{"科技馆", nil, srBJSTM},
		{"中国科技馆", []kepu.Label{kepu.Museum}, cstm},
		{"北师大", []kepu.Label{kepu.Museum}, ""},
	} {
		q, err := textsearch.Parse(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, h := range textsearch.Rank(q, docs) {
			if len(tc.labels) == 0 || slices.Contains(tc.labels, kepu.LabelOf(h.ID)) {
				want = append(want, h.ID)
			}
		}
		what := fmt.Sprintf("Search(%q, %v)", tc.text, tc.labels)
		if (tc.first == "") != (len(want) == 0) || (len(want) > 0 && want[0] != tc.first) {
			t.Fatalf("%s: the rule gives %v, want %q first", what, want, tc.first)
		}
		p := search(t, st, kepu.SearchQuery{Text: tc.text, Labels: tc.labels})
		wantIDs(t, what, hitIDs(p), want...)
		if p.Total != len(want) {
			t.Errorf("%s: total %d, want %d", what, p.Total, len(want))
		}
	}
	// Pages of a search that unions the candidates of its expansions.
	all := search(t, st, kepu.SearchQuery{Text: "科技馆"})
	var got []string
	after := ""
	for range 10 {
		p := search(t, st, kepu.SearchQuery{Text: "科技馆", First: 2, After: after})
		got = append(got, hitIDs(p)...)
		if !p.HasNext {
			break
		}
		after = p.Hits[len(p.Hits)-1].Cursor
	}
	wantIDs(t, "pages of 科技馆", got, hitIDs(all)...)
}
