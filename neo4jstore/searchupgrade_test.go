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

// TestSearchKeysUpgrade: a database written with the search keys of before
// 2026-12-01 evening (every suffix: searchPinyin, searchInitials, and a
// kg_search index over them) is found by EnsureSchema, which rewrites every
// node's keys in the current format, drops the old properties and builds
// kg_search over the new ones; search then finds names by pinyin and
// initials, and a second EnsureSchema changes nothing.
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

	names := map[string]string{"Museum:xd": "现代科技馆", "Museum:bsc": "北京科学中心", "School:bt": "不同学堂"}
	var puts []kepu.Change
	for id, zh := range names {
		n := storetest.N(id, "nameZh", zh)
		if n.Label == "Museum" {
			n.Props["kind"] = "STANDARD"
		}
		puts = append(puts, kepu.Change{Kind: kepu.PutNode, Node: n})
	}
	puts = append(puts, kepu.Change{Kind: kepu.PutNode, Node: storetest.N("Museum:en", "name", "English Only", "kind", "STANDARD")})
	if _, err := st.Write(ctx, puts); err != nil {
		t.Fatal(err)
	}
	// Turn the database into one of the old format.
	run("DROP INDEX "+neo4jstore.SearchIndex, nil)
	run("CREATE FULLTEXT INDEX "+neo4jstore.SearchIndex+" FOR (n:Museum|School) ON EACH [n.name, n.nameZh, n.searchPinyin, n.searchInitials] "+
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: false}}", nil)
	for id, zh := range names {
		run("MATCH (n:KG {id: $id}) SET n.searchPinyin = $p, n.searchInitials = $i "+
			"REMOVE n.searchPinyinStarts, n.searchPinyinGrams, n.searchInitialGrams",
			map[string]any{"id": id, "p": textsearch.PinyinKeys(zh), "i": textsearch.InitialsKeys(zh)})
	}
	run("CALL db.awaitIndexes(60)", nil)

	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.AwaitIndexes(ctx, 60e9); err != nil {
		t.Fatal(err)
	}
	props := run("SHOW FULLTEXT INDEXES YIELD name, properties WHERE name = $n RETURN properties", map[string]any{"n": neo4jstore.SearchIndex})
	if len(props) != 1 || !slices.Equal(props[0].Values[0].([]any), []any{"name", "nameZh", "searchPinyinStarts", "searchPinyinGrams", "searchInitialGrams"}) {
		t.Fatalf("kg_search after the upgrade covers %v", props)
	}
	if old := run("MATCH (n:KG) WHERE n.searchPinyin IS NOT NULL OR n.searchInitials IS NOT NULL RETURN n.id", nil); len(old) != 0 {
		t.Errorf("%d nodes keep keys of the old format", len(old))
	}
	for id, zh := range names {
		k := textsearch.NewGramKeys(zh)
		recs := run("MATCH (n:KG {id: $id}) RETURN n.searchPinyinStarts, n.searchPinyinGrams", map[string]any{"id": id})
		if len(recs) != 1 || recs[0].Values[0] != k.PinyinStarts {
			t.Errorf("%s: keys after the upgrade %v, want starts %q", id, recs, k.PinyinStarts)
		}
	}
	if recs := run("MATCH (n:KG {id: 'Museum:en'}) RETURN n.searchPinyinStarts", nil); recs[0].Values[0] != nil {
		t.Errorf("a node without nameZh got keys: %v", recs[0].Values)
	}
	for text, want := range map[string]string{"xiandai": "Museum:xd", "xdkj": "Museum:xd", "kexuezhong": "Museum:bsc", "butong": "School:bt", "xuetang": "School:bt", "btxt": "School:bt"} {
		page, err := st.Search(ctx, kepu.SearchQuery{Text: text, First: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", text, err)
		}
		if len(page.Hits) == 0 || page.Hits[0].Node.ID != want {
			t.Errorf("Search(%q) after the upgrade: %+v, want %s first", text, page.Hits, want)
		}
	}
	// Nothing left to upgrade: the index stays (same ID), no key changes.
	before := run("SHOW FULLTEXT INDEXES YIELD name, id WHERE name = $n RETURN id", map[string]any{"n": neo4jstore.SearchIndex})
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	after := run("SHOW FULLTEXT INDEXES YIELD name, id WHERE name = $n RETURN id", map[string]any{"n": neo4jstore.SearchIndex})
	if before[0].Values[0] != after[0].Values[0] {
		t.Errorf("a second EnsureSchema rebuilt the search index (id %v, then %v)", before[0].Values[0], after[0].Values[0])
	}
}
