package neo4jstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
	"github.com/kepugraph/kepugraph/textsearch"
)

// upgradeNames are the nodes of the upgrade tests and a search text that
// finds each first by its pinyin or initials.
var upgradeNames = map[string]string{"Museum:xd": "现代科技馆", "Museum:bsc": "北京科学中心", "School:bt": "不同学堂", "Museum:cq": "重庆科技馆",
	"Museum:cs": "長沙科學館"}

var upgradeSearches = map[string]string{"xiandai": "Museum:xd", "xdkj": "Museum:xd", "kexuezhong": "Museum:bsc",
	"butong": "School:bt", "xuetang": "School:bt", "btxt": "School:bt", "jingke": "Museum:bsc",
	"brien": "Museum:en", "000": "Museum:en", "科学中心": "Museum:bsc", "chongqing": "Museum:cq", "cqkjg": "Museum:cq",
	"changsha": "Museum:cs", "cskxg": "Museum:cs", "长沙科学馆": "Museum:cs", "長沙科學館": "Museum:cs", "长沙科學館": "Museum:cs"}

// TestSearchKeysUpgrade: a database written with the search keys of an
// earlier format (format 2: textsearch's former GramKeys in
// searchPinyinStarts, searchPinyinGrams, searchInitialGrams, and a
// kg_search index over them; format 1: every suffix in searchPinyin,
// searchInitials), which records no format, is found by EnsureSchema, which
// rewrites every node's keys in the current format, drops the old
// properties, builds kg_search over the new ones and records the format;
// search then finds names by pinyin and initials, and a second
// EnsureSchema changes nothing. The same for a database that records an
// older format with keys in the current properties (textsearch.PrefixKeys'
// output changed): their values are rewritten (format 5's keys of 重庆,
// read by characters zhongqing: chongqing finds it after the rewrite,
// zhongqing nothing; format 6's keys of 長沙科學館, its own characters
// read by character, zhangsha: changsha and 长沙科学馆 find it after the
// rewrite, zhangsha nothing). And for a database of
// format 4 (kg_search over name and nameZh with the cjk analyzer, no word
// or Han keys, stop words marked): after EnsureSchema the words the cjk
// analyzer kept whole (O'Brien, 12,000) are found.
func TestSearchKeysUpgrade(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	drv, cfg := neo4jtest.Driver(t)
	run := func(cypher string, params map[string]any) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, drv, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", cypher, err)
		}
		return res.Records
	}
	indexID := func() any {
		t.Helper()
		recs := run("SHOW FULLTEXT INDEXES YIELD name, id WHERE name = $n RETURN id", map[string]any{"n": neo4jstore.SearchIndex})
		if len(recs) != 1 {
			t.Fatalf("%d indexes named %s", len(recs), neo4jstore.SearchIndex)
		}
		return recs[0].Values[0]
	}
	format := func() any {
		recs := run("MATCH (v:KepuGraphVersion {id: 'searchKeys'}) RETURN v.format", nil)
		if len(recs) != 1 {
			return nil
		}
		return recs[0].Values[0]
	}

	// An empty database: EnsureSchema records the format and keeps the index.
	if err := st.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	before := indexID()
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if f := format(); f != int64(neo4jstore.SearchKeysFormat) || indexID() != before {
		t.Fatalf("EnsureSchema on an empty database: format %v, index %v (was %v)", f, indexID(), before)
	}

	var puts []kepu.Change
	for id, zh := range upgradeNames {
		n := storetest.N(id, "nameZh", zh)
		if n.Label == "Museum" {
			n.Props["kind"] = "STANDARD"
		}
		puts = append(puts, kepu.Change{Kind: kepu.PutNode, Node: n})
	}
	puts = append(puts, kepu.Change{Kind: kepu.PutNode, Node: storetest.N("Museum:en", "name", "O'Brien Hall 12,000", "kind", "STANDARD")})
	if _, err := st.Write(ctx, puts); err != nil {
		t.Fatal(err)
	}

	check := func(stage string) {
		t.Helper()
		if err := st.AwaitIndexes(ctx, 60e9); err != nil {
			t.Fatal(err)
		}
		props := run("SHOW FULLTEXT INDEXES YIELD name, properties, options WHERE name = $n RETURN properties, options.indexConfig.`fulltext.analyzer`", map[string]any{"n": neo4jstore.SearchIndex})
		if len(props) != 1 || !slices.Equal(props[0].Values[0].([]any), []any{neo4jstore.PropSearchWords, neo4jstore.PropSearchHan, neo4jstore.PropSearchPinyin, neo4jstore.PropSearchInitials}) ||
			props[0].Values[1] != "unicode_whitespace" {
			t.Fatalf("%s: kg_search covers %v", stage, props)
		}
		if old := run("MATCH (n:KG) WHERE any(k IN $old WHERE n[k] IS NOT NULL) RETURN n.id",
			map[string]any{"old": []string{"searchPinyin", "searchInitials", "searchPinyinStarts", "searchPinyinGrams", "searchInitialGrams"}}); len(old) != 0 {
			t.Errorf("%s: %d nodes keep keys of an earlier format", stage, len(old))
		}
		for id, zh := range upgradeNames {
			k := textsearch.NewPrefixKeys(zh)
			recs := run("MATCH (n:KG {id: $id}) RETURN n[$p], n[$i], n[$h]", map[string]any{"id": id,
				"p": neo4jstore.PropSearchPinyin, "i": neo4jstore.PropSearchInitials, "h": neo4jstore.PropSearchHan})
			if len(recs) != 1 || recs[0].Values[0] != k.Pinyin || recs[0].Values[1] != k.Initials || recs[0].Values[2] != textsearch.HanKeys(zh) {
				t.Errorf("%s: %s keys %v, want %q, %q, %q", stage, id, recs[0].Values, k.Pinyin, k.Initials, textsearch.HanKeys(zh))
			}
		}
		if recs := run("MATCH (n:KG {id: 'Museum:en'}) RETURN n[$p], n[$w]", map[string]any{"p": neo4jstore.PropSearchPinyin, "w": neo4jstore.PropSearchWords}); recs[0].Values[0] != nil || recs[0].Values[1] != "o brien hall 12 000" {
			t.Errorf("%s: a node without nameZh has keys %v", stage, recs[0].Values)
		}
		if f := format(); f != int64(neo4jstore.SearchKeysFormat) {
			t.Errorf("%s: recorded format %v, want %d", stage, f, neo4jstore.SearchKeysFormat)
		}
		for text, want := range upgradeSearches {
			page, err := st.Search(ctx, kepu.SearchQuery{Text: text, First: 10})
			if err != nil {
				t.Fatalf("%s: Search(%q): %v", stage, text, err)
			}
			if len(page.Hits) == 0 || page.Hits[0].Node.ID != want {
				t.Errorf("%s: Search(%q): %+v, want %s first", stage, text, page.Hits, want)
			}
		}
		// Nothing left to upgrade: the index stays (same ID).
		before := indexID()
		if err := st.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if after := indexID(); before != after {
			t.Errorf("%s: a second EnsureSchema rebuilt the search index (id %v, then %v)", stage, before, after)
		}
	}

	// Format 2 (and a node with format 1's keys), no format recorded.
	run("MATCH (v:KepuGraphVersion {id: 'searchKeys'}) DELETE v", nil)
	run("DROP INDEX "+neo4jstore.SearchIndex, nil)
	run("CREATE FULLTEXT INDEX "+neo4jstore.SearchIndex+" FOR (n:Museum|School) ON EACH [n.name, n.nameZh, n.searchPinyinStarts, n.searchPinyinGrams, n.searchInitialGrams] "+
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}", nil)
	run("MATCH (n:KG) WHERE n.nameZh IS NOT NULL SET n.searchPinyinStarts = 'xian daix', n.searchPinyinGrams = 'xia ian and_', n.searchInitialGrams = 'xdk dkj' "+
		"REMOVE n."+neo4jstore.PropSearchPinyin+", n."+neo4jstore.PropSearchInitials, nil)
	run("MATCH (n:KG {id: 'School:bt'}) SET n.searchPinyin = 'butongxuetang tongxuetang', n.searchInitials = 'btxt txt'", nil)
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	check("format 2")

	// An older format recorded, the keys in the current properties but
	// stale (another PrefixKeys: format 5 read 重庆 by characters,
	// zhongqing), the index current.
	run("MATCH (v:KepuGraphVersion {id: 'searchKeys'}) SET v.format = $f", map[string]any{"f": int64(neo4jstore.SearchKeysFormat - 1)})
	run("MATCH (n:KG) WHERE n.nameZh IS NOT NULL SET n."+neo4jstore.PropSearchPinyin+" = 'stale', n."+neo4jstore.PropSearchInitials+" = 'stale'", nil)
	run("MATCH (n:KG {id: 'Museum:cq'}) SET n."+neo4jstore.PropSearchPinyin+" = 'zhongqingkejiguan qingkejiguan kejiguan jiguan guan', n."+neo4jstore.PropSearchInitials+" = 'zqkjg qkjg kjg jg g'", nil)
	run("MATCH (n:KG {id: 'Museum:cs'}) SET n."+neo4jstore.PropSearchHan+" = '長沙 沙科 科學 學館', n."+neo4jstore.PropSearchPinyin+" = 'zhangshakexueguan shakexueguan kexueguan xueguan guan', n."+
		neo4jstore.PropSearchInitials+" = 'zskxg skxg kxg xg g'", nil)
	before = indexID()
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if indexID() == before {
		t.Error("an upgrade of the keys' values kept the index it updated node by node (want it dropped and built once)")
	}
	check("stale values")
	// The format 5 keys of 重庆 (zhongqing) and format 6's of 長沙
	// (zhangsha) are gone with the rewrite.
	for _, text := range []string{"zhongqing", "zhangsha", "zskxg"} {
		if page, err := st.Search(ctx, kepu.SearchQuery{Text: text, First: 10}); err != nil || len(page.Hits) != 0 {
			t.Errorf("after the rewrite, %s finds %+v (%v), want nothing", text, page.Hits, err)
		}
	}

	// Format 4: kg_search over name and nameZh (cjk), no word or Han keys,
	// stop words marked.
	run("MATCH (v:KepuGraphVersion {id: 'searchKeys'}) SET v.format = 4", nil)
	run("DROP INDEX "+neo4jstore.SearchIndex, nil)
	run("CREATE FULLTEXT INDEX "+neo4jstore.SearchIndex+" FOR (n:Museum|School) ON EACH [n.name, n.nameZh, n."+neo4jstore.PropSearchPinyin+", n."+neo4jstore.PropSearchInitials+"] "+
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: true}}", nil)
	run("MATCH (n:KG) REMOVE n."+neo4jstore.PropSearchWords+", n."+neo4jstore.PropSearchHan, nil)
	run("MATCH (n:KG {id: 'School:bt'}) SET n."+neo4jstore.PropSearchInitials+" = 'btxt txt xt t_'", nil)
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	check("format 4")
}
