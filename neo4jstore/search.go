package neo4jstore

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// Search keys. Every node with a nameZh stores the keys of its pinyin and
// initials (textsearch.NewGramKeys, the keys the embedded store indexes:
// short runs of characters, about 150 bytes for a name of ten characters)
// in these properties, written with the node by every write that sets or
// removes nameZh; the full-text index kg_search covers them with name and
// nameZh. They are not registry properties: reads never return them.
const (
	PropSearchPinyinStarts = "searchPinyinStarts" // GramKeys.PinyinStarts
	PropSearchPinyinGrams  = "searchPinyinGrams"  // GramKeys.PinyinGrams
	PropSearchInitialGrams = "searchInitialGrams" // GramKeys.Initials
)

// The search keys of databases written before 2026-12-01 evening: every
// suffix of the pinyin and of the initials (textsearch.PinyinKeys,
// InitialsKeys; about 1 KB a node). EnsureSchema finds nodes that hold them
// and rewrites their keys (upgradeSearchKeys), and recreates a kg_search
// index over them (upgradeSearchIndex).
const (
	PropOldSearchPinyin   = "searchPinyin"
	PropOldSearchInitials = "searchInitials"
)

// SearchIndex is the name of the full-text index search queries.
const SearchIndex = "kg_search"

// searchIndexProps are the properties kg_search covers, in its order.
var searchIndexProps = []string{kepu.PropName, kepu.PropNameZh, PropSearchPinyinStarts, PropSearchPinyinGrams, PropSearchInitialGrams}

// cypherSearchIndex creates the search index over the labels given
// (quoted). It is eventually consistent (since 2026-12-02): a commit does
// not wait for Lucene to apply and refresh its updates (on the 1M graph a
// write that changed a name took 13 ms more Neo4j CPU with a synchronous
// index; docs/neo4j.md, "The 1M table on Neo4j: the three missed goals");
// cypherSearch waits for them instead. A database whose kg_search was
// created before keeps its synchronous index (EnsureSchema does not
// rebuild it); DROP INDEX kg_search and EnsureSchema creates this one.
func cypherSearchIndex(labels []string) string {
	on := make([]string, len(searchIndexProps))
	for i, p := range searchIndexProps {
		on[i] = "n." + p
	}
	return "CREATE FULLTEXT INDEX " + SearchIndex + " IF NOT EXISTS FOR (n:" + strings.Join(labels, "|") +
		") ON EACH [" + strings.Join(on, ", ") +
		"] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: true}}"
}

const (
	// cypherSearch returns the candidates of a search: the nodes the
	// index matches, of the labels asked for (all when $labels is empty).
	// kg_search is eventually consistent (cypherSearchIndex): a commit
	// queues its index updates and Lucene applies them after it, so the
	// statement first waits until every update queued before it is
	// searchable (awaitEventuallyConsistentIndexRefresh; nothing to wait
	// for on an index of an older database, which is updated inside each
	// commit): a search sees every write committed before it.
	cypherSearch = "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh() " +
		"CALL db.index.fulltext.queryNodes('" + SearchIndex + "', $query) YIELD node " +
		"WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels) " +
		"RETURN node.id AS id, node.name AS name, node.nameZh AS nameZh LIMIT $limit"

	// cypherSearchIndexProps returns the properties of the search index
	// (no row when there is none).
	cypherSearchIndexProps = "SHOW FULLTEXT INDEXES YIELD name, properties WHERE name = '" + SearchIndex + "' RETURN properties"

	cypherDropSearchIndex = "DROP INDEX " + SearchIndex + " IF EXISTS"

	// cypherSearchMissing finds, in ID order after $after, nodes whose
	// search keys are missing (written by another program) or of the old
	// format, for EnsureSchema to rewrite. One pass over the nodes in the
	// order of the :KG(id) index. The old keys are named by parameters
	// ($old: PropOldSearchPinyin, PropOldSearchInitials), not in the text:
	// a database that never had them would warn of an unknown property.
	cypherSearchMissing = "MATCH (n:KG) WHERE n.id > $after AND ((n.nameZh IS NOT NULL AND n." + PropSearchPinyinStarts +
		" IS NULL) OR any(k IN $old WHERE n[k] IS NOT NULL)) RETURN n.id AS id, n.nameZh AS nameZh ORDER BY n.id LIMIT $limit"

	// cypherSearchFill writes the keys of $rows and removes the old ones
	// ($clear: a map of them to null).
	cypherSearchFill = "UNWIND $rows AS row MATCH (n:KG {id: row.id}) SET n." + PropSearchPinyinStarts + " = row.starts, n." +
		PropSearchPinyinGrams + " = row.grams, n." + PropSearchInitialGrams + " = row.initials, n += $clear RETURN count(n) AS c"
)

// oldSearchProps are the parameters $old and $clear of the statements
// above.
var (
	oldSearchProps = []string{PropOldSearchPinyin, PropOldSearchInitials}
	clearOldSearch = map[string]any{PropOldSearchPinyin: nil, PropOldSearchInitials: nil}
)

// searchKeys returns the stored search keys of a nameZh (textsearch.GramKeys
// with stop words marked, see indexKeys), nil values when it has no pinyin.
func searchKeys(zh string) (starts, grams, initials any) {
	k := textsearch.NewGramKeys(zh)
	if k.PinyinStarts == "" {
		return nil, nil, nil
	}
	return indexKeys(k.PinyinStarts), indexKeys(k.PinyinGrams), indexKeys(k.Initials)
}

// stopMark is appended to a key that is a stop word of the cjk analyzer
// (textsearch.StopWords: and, but, was, t, ...), which would otherwise drop
// it from the index: "but" is stored and asked as "but_" (Lucene's standard
// tokenizer keeps a trailing underscore in the token). Keys hold only
// letters and digits, so a marked key is never another key; a prefix query
// still finds it ("bu*" matches "but_").
const stopMark = "_"

// indexKeys marks the stop words among space-separated keys.
func indexKeys(keys string) string {
	if keys == "" {
		return ""
	}
	f := strings.Fields(keys)
	marked := false
	for i, k := range f {
		if textsearch.StopWords[k] {
			f[i] = k + stopMark
			marked = true
		}
	}
	if !marked {
		return keys
	}
	return strings.Join(f, " ")
}

// indexKey is one key as stored and asked (indexKeys).
func indexKey(k string) string {
	if textsearch.StopWords[k] {
		return k + stopMark
	}
	return k
}

// addSearchKeys adds the search keys of a node's nameZh to its stored
// properties.
func addSearchKeys(props map[string]any) {
	zh, ok := props[kepu.PropNameZh].(string)
	if !ok {
		return
	}
	starts, grams, initials := searchKeys(zh)
	if starts == nil {
		return
	}
	props[PropSearchPinyinStarts], props[PropSearchPinyinGrams], props[PropSearchInitialGrams] = starts, grams, initials
}

// updateSearchKeys adds to the SET map of an update the search keys that
// follow from it: new keys when nameZh is set, none when it is removed (and
// none of the old format either).
func updateSearchKeys(set map[string]any) {
	v, ok := set[kepu.PropNameZh]
	if !ok {
		return
	}
	zh, _ := v.(string)
	set[PropSearchPinyinStarts], set[PropSearchPinyinGrams], set[PropSearchInitialGrams] = searchKeys(zh)
	set[PropOldSearchPinyin], set[PropOldSearchInitials] = nil, nil
}

// luceneQuery is the full-text query of a parsed text, in Lucene syntax:
// every indexed term must match, a Chinese term as a phrase on nameZh (the
// cjk analyzer makes bigrams), a Latin term as a prefix of a word of name,
// one edit from one (four or more letters), or textsearch's PinyinQuery or
// InitialsQuery on the search keys (the same superset as the embedded
// store's index). Terms hold only letters and digits (textsearch), so they
// need no escaping.
func luceneQuery(q textsearch.Query) string {
	var must []string
	for _, t := range q.Terms {
		if !t.Indexed() {
			continue
		}
		if t.Han {
			must = append(must, `nameZh:"`+t.Text+`"`)
			continue
		}
		alts := []string{"name:" + t.Text + "*",
			gramLucene(textsearch.PinyinQuery(t.Text), PropSearchPinyinStarts, PropSearchPinyinGrams),
			gramLucene(textsearch.InitialsQuery(t.Text), PropSearchInitialGrams, PropSearchInitialGrams)}
		if t.Fuzzy() {
			alts = append(alts, "name:"+t.Text+"~1")
		}
		must = append(must, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(must, " AND ")
}

// gramLucene is the Lucene query of g on the search keys: Prefix or Term
// asked of the field first, Grams of grams.
func gramLucene(g textsearch.GramQuery, first, grams string) string {
	if g.Prefix != "" {
		return first + ":" + g.Prefix + "*"
	}
	must := []string{first + ":" + indexKey(g.Term)}
	for _, k := range g.Grams {
		must = append(must, grams+":"+indexKey(k))
	}
	return "(" + strings.Join(must, " AND ") + ")"
}

func (s *Store) searchCandidates(ctx context.Context, q textsearch.Query, labels []kepu.Label) ([]*textsearch.Doc, error) {
	ls := make([]string, len(labels))
	for i, l := range labels {
		ls[i] = string(l)
	}
	recs, err := s.read(ctx, stmt{cypherSearch, map[string]any{
		"query": luceneQuery(q), "labels": ls, "limit": int64(textsearch.MaxCandidates)}})
	if err != nil {
		return nil, err
	}
	out := make([]*textsearch.Doc, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		name, _ := r.Values[1].(string)
		zh, _ := r.Values[2].(string)
		if kepu.LabelOf(id) == "" {
			continue
		}
		out = append(out, textsearch.NewDoc(id, name, zh))
	}
	return out, nil
}

// Search implements kepu.Store: the candidates of the kg_search index,
// ranked in Go (two round trips: candidates, then the page's nodes).
func (s *Store) Search(ctx context.Context, q kepu.SearchQuery) (kepu.SearchPage, error) {
	return textsearch.Run(ctx, q, s.searchCandidates, s.Nodes)
}

// fillSearchKeys writes the search keys of nodes that lack them or hold
// the old format (PropOldSearchPinyin), in batches, in one pass in ID order
// (part of EnsureSchema). It returns how many nodes it rewrote.
func (s *Store) fillSearchKeys(ctx context.Context) (int, error) {
	after, n := "", 0
	for {
		recs, err := s.read(ctx, stmt{cypherSearchMissing, map[string]any{"after": after, "old": oldSearchProps, "limit": int64(5000)}})
		if err != nil || len(recs) == 0 {
			return n, err
		}
		rows := make([]any, 0, len(recs))
		for _, r := range recs {
			id, _ := r.Values[0].(string)
			zh, _ := r.Values[1].(string)
			starts, grams, initials := searchKeys(zh)
			rows = append(rows, map[string]any{"id": id, "starts": starts, "grams": grams, "initials": initials})
			after = id
		}
		if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return s.collect(ctx, tx, stmt{cypherSearchFill, map[string]any{"rows": rows, "clear": clearOldSearch}})
		}); err != nil {
			return n, err
		}
		n += len(rows)
	}
}

// upgradeSearchIndex drops the search index when it covers other
// properties than searchIndexProps (a database of the old key format), so
// that EnsureSchema creates it again over the new keys. It reports whether
// it dropped it.
func (s *Store) upgradeSearchIndex(ctx context.Context) (bool, error) {
	recs, err := s.read(ctx, stmt{cypherSearchIndexProps, nil})
	if err != nil || len(recs) == 0 {
		return false, err
	}
	props, _ := recs[0].Values[0].([]any)
	same := len(props) == len(searchIndexProps)
	for i := 0; same && i < len(props); i++ {
		same = props[i] == searchIndexProps[i]
	}
	if same {
		return false, nil
	}
	s.log.Warn("neo4j: the search index covers other properties (an older key format): dropping it to build it again",
		"index", SearchIndex, "properties", props)
	return true, s.runSchema(ctx, []string{cypherDropSearchIndex})
}
