package neo4jstore

import (
	"context"
	"strings"
	"unicode"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// Search keys. Every node stores the text the full-text index kg_search
// holds for its names, as textsearch cuts them (the keys the embedded
// store indexes since its index format 6), in these properties, written
// with the node by every write that sets or removes name or nameZh: the
// words of its name (textsearch.WordKeys), the Han bigrams of its nameZh
// (HanKeys), and the keys of the pinyin and initials of its nameZh
// (NewPrefixKeys: from each pinyin unit and each change between letters
// and digits, the joined pinyin to the next digit, and the initials from
// each unit on; about 47 terms a benchmark node with name and nameZh).
// kg_search covers only these, with the unicode_whitespace analyzer (cut
// at white space, nothing else), so that its terms are the ranking's
// words (not the Unicode word rules and CJK bigrams of Lucene's cjk
// analyzer, which keep 12,000 and o'brien whole and bigram kana); a
// search asks a prefix (or term) query of each (textsearch.PinyinKeyQuery,
// InitialsKeyQuery), as the embedded store does. They are not registry
// properties: reads never return them.
const (
	PropSearchWords    = "searchNameWords"    // textsearch.WordKeys(name)
	PropSearchHan      = "searchNameZhGrams"  // textsearch.HanKeys(nameZh)
	PropSearchPinyin   = "searchPinyinKeys"   // PrefixKeys.Pinyin
	PropSearchInitials = "searchInitialsKeys" // PrefixKeys.Initials
)

// SearchKeysFormat is the format of the stored search keys: the property
// :KepuGraphVersion {id: 'searchKeys'}.format (searchFormatNode) holds the
// format the keys of the database's nodes were written in. 1: every suffix
// of the pinyin and initials (searchPinyin, searchInitials; before
// 2026-12-01 evening); 2: textsearch.GramKeys (searchPinyinStarts,
// searchPinyinGrams, searchInitialGrams; until 2026-12-02 early
// afternoon); 3: textsearch.PrefixKeys (PropSearchPinyin,
// PropSearchInitials; until 2026-12-02 late afternoon); 4: the same with
// pinyin keys also at each change between letters and digits inside a
// unit (绿色K12学校: lvsek sek k 12 xuexiao xiao), asked by every segment
// of a term with digits (until 2026-12-02 evening); 5: also the name's
// words and the nameZh's Han bigrams (PropSearchWords, PropSearchHan),
// which kg_search (now with the unicode_whitespace analyzer) covers
// instead of name and nameZh, and the keys without stop marks. A database without the node (written before, or by
// another program) counts as an older format. Bump it whenever
// textsearch.NewPrefixKeys or searchKeys changes its output: EnsureSchema
// then rewrites every node's keys (TestSearchKeysFormat fails until the
// new output is written down there).
const SearchKeysFormat = 5

// oldSearchProps are the properties of the earlier formats' keys, which a
// rewrite removes (named by parameters, not in statements' text: a database
// that never had them would warn of an unknown property).
var oldSearchProps = []string{"searchPinyin", "searchInitials", "searchPinyinStarts", "searchPinyinGrams", "searchInitialGrams"}

// clearOldSearch maps oldSearchProps to null (a SET += map removes them).
var clearOldSearch = func() map[string]any {
	m := map[string]any{}
	for _, p := range oldSearchProps {
		m[p] = nil
	}
	return m
}()

// SearchIndex is the name of the full-text index search queries.
const SearchIndex = "kg_search"

// searchIndexProps are the properties kg_search covers, in its order.
var searchIndexProps = []string{PropSearchWords, PropSearchHan, PropSearchPinyin, PropSearchInitials}

// searchAnalyzer is kg_search's analyzer: Lucene's UnicodeWhitespaceAnalyzer
// (the keys are folded and cut already).
const searchAnalyzer = "unicode_whitespace"

// cypherSearchIndex creates the search index over the labels given
// (quoted). It is eventually consistent (since 2026-12-02): a commit does
// not wait for Lucene to apply and refresh its updates (on the 1M graph a
// write that changed a name took 13 ms more Neo4j CPU with a synchronous
// index; docs/neo4j.md, "The 1M table on Neo4j: the three missed goals");
// cypherSearch waits for them instead. A database whose kg_search was
// created before keeps its synchronous index (EnsureSchema does not
// rebuild it unless the keys' format changes); DROP INDEX kg_search and
// EnsureSchema creates this one.
func cypherSearchIndex(labels []string) string {
	on := make([]string, len(searchIndexProps))
	for i, p := range searchIndexProps {
		on[i] = "n." + p
	}
	return "CREATE FULLTEXT INDEX " + SearchIndex + " IF NOT EXISTS FOR (n:" + strings.Join(labels, "|") +
		") ON EACH [" + strings.Join(on, ", ") +
		"] OPTIONS {indexConfig: {`fulltext.analyzer`: '" + searchAnalyzer + "', `fulltext.eventually_consistent`: true}}"
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

	// cypherSearchIndexProps returns the properties and the analyzer of
	// the search index (no row when there is none).
	cypherSearchIndexProps = "SHOW FULLTEXT INDEXES YIELD name, properties, options WHERE name = '" + SearchIndex + "' " +
		"RETURN properties, options.indexConfig.`fulltext.analyzer` AS analyzer"

	cypherDropSearchIndex = "DROP INDEX " + SearchIndex + " IF EXISTS"

	// cypherSearchFormat returns the format of the stored keys (no row, or
	// null, when the database does not say).
	cypherSearchFormat = "MATCH (v:" + VersionLabel + " {id: '" + searchFormatNode + "'}) RETURN v.format AS format"

	// cypherSetSearchFormat records $format as the stored keys' format.
	cypherSetSearchFormat = "MERGE (v:" + VersionLabel + " {id: '" + searchFormatNode + "'}) SET v.format = $format"

	// cypherSearchMissing finds, in ID order after $after, the nodes whose
	// search keys EnsureSchema writes: with $all, every node (the stored
	// format is not the current one); else those whose keys are missing
	// (written by another program): a name without words, or a nameZh
	// without pinyin keys. One pass over the nodes in the order of the
	// :KG(id) index.
	cypherSearchMissing = "MATCH (n:KG) WHERE n.id > $after AND ($all OR " +
		"(n.name IS NOT NULL AND n." + PropSearchWords + " IS NULL) OR " +
		"(n.nameZh IS NOT NULL AND n." + PropSearchPinyin + " IS NULL)" +
		") RETURN n.id AS id, n.name AS name, n.nameZh AS nameZh ORDER BY n.id LIMIT $limit"

	// cypherSearchFill writes the keys of $rows (null ones remove them)
	// and removes the keys of earlier formats ($clear: a map of them to
	// null).
	cypherSearchFill = "UNWIND $rows AS row MATCH (n:KG {id: row.id}) SET n." + PropSearchWords + " = row.words, n." +
		PropSearchHan + " = row.han, n." + PropSearchPinyin + " = row.pinyin, n." +
		PropSearchInitials + " = row.initials, n += $clear RETURN count(n) AS c"
)

// searchFormatNode is the id of the :KepuGraphVersion node that holds
// SearchKeysFormat.
const searchFormatNode = "searchKeys"

// nameKeys returns the stored words of a name (textsearch.WordKeys; ""
// for a name without words, so that EnsureSchema does not look for them
// again), nil for no name.
func nameKeys(name any) any {
	n, ok := name.(string)
	if !ok {
		return nil
	}
	return textsearch.WordKeys(n)
}

// zhKeys returns the stored keys of a nameZh (textsearch.HanKeys and
// PrefixKeys), nil values for no nameZh and for a nameZh without Han
// characters (han) or pinyin (pinyin, initials).
func zhKeys(zh any) (han, pinyin, initials any) {
	z, ok := zh.(string)
	if !ok {
		return nil, nil, nil
	}
	if h := textsearch.HanKeys(z); h != "" {
		han = h
	}
	k := textsearch.NewPrefixKeys(z)
	if k.Pinyin == "" {
		return han, nil, nil
	}
	return han, k.Pinyin, k.Initials
}

// addSearchKeys adds the search keys of a node's names to its stored
// properties.
func addSearchKeys(props map[string]any) {
	if w := nameKeys(props[kepu.PropName]); w != nil {
		props[PropSearchWords] = w
	}
	han, pinyin, initials := zhKeys(props[kepu.PropNameZh])
	for k, v := range map[string]any{PropSearchHan: han, PropSearchPinyin: pinyin, PropSearchInitials: initials} {
		if v != nil {
			props[k] = v
		}
	}
}

// updateSearchKeys adds to the SET map of an update the search keys that
// follow from it: new keys when name or nameZh is set, none when it is
// removed (and none of the earlier formats either).
func updateSearchKeys(set map[string]any) {
	if v, ok := set[kepu.PropName]; ok {
		set[PropSearchWords] = nameKeys(v)
	}
	v, ok := set[kepu.PropNameZh]
	if !ok {
		return
	}
	set[PropSearchHan], set[PropSearchPinyin], set[PropSearchInitials] = zhKeys(v)
	for _, p := range oldSearchProps {
		set[p] = nil
	}
}

// luceneQuery is the full-text query of a parsed text, in Lucene syntax:
// every indexed term must match, a Chinese term as the phrase of its
// bigrams (textsearch.HanGrams) on PropSearchHan (one of one character as
// textsearch's HanKeyQuery on the pinyin keys), a Latin term as a prefix
// of a word of PropSearchWords, one edit from one (four or more letters),
// or textsearch's PinyinKeyQuery (every key of it) or InitialsKeyQuery on
// the pinyin and initials keys (the embedded store's query on the same
// keys). Every term is escaped (luceneEscape).
func luceneQuery(q textsearch.Query) string {
	var must []string
	for _, t := range q.Terms {
		if k, ok := textsearch.HanKeyQuery(t); ok {
			must = append(must, keyLucene(k, PropSearchPinyin))
			continue
		}
		if !t.Indexed() {
			continue
		}
		if t.Han {
			grams := textsearch.HanGrams(t.Text)
			for i, g := range grams {
				grams[i] = luceneEscape(g)
			}
			must = append(must, PropSearchHan+`:"`+strings.Join(grams, " ")+`"`)
			continue
		}
		text := luceneEscape(t.Text)
		alts := []string{PropSearchWords + ":" + text + "*",
			keysLucene(textsearch.PinyinKeyQuery(t.Text), PropSearchPinyin),
			keyLucene(textsearch.InitialsKeyQuery(t.Text), PropSearchInitials)}
		if t.Fuzzy() {
			alts = append(alts, PropSearchWords+":"+text+"~1")
		}
		must = append(must, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(must, " AND ")
}

// keysLucene is the Lucene query of ks on the field: the conjunction of
// their keyLucene, in parentheses when there are several.
func keysLucene(ks []textsearch.KeyQuery, field string) string {
	if len(ks) == 1 {
		return keyLucene(ks[0], field)
	}
	qs := make([]string, len(ks))
	for i, k := range ks {
		qs[i] = keyLucene(k, field)
	}
	return "(" + strings.Join(qs, " AND ") + ")"
}

// keyLucene is the Lucene query of k on the field: a prefix query, or a
// term query of the key.
func keyLucene(k textsearch.KeyQuery, field string) string {
	if k.Prefix {
		return field + ":" + luceneEscape(k.Key) + "*"
	}
	return field + ":" + luceneEscape(k.Key)
}

// luceneSpecial are the characters of Lucene's query syntax (the classic
// query parser's, which db.index.fulltext.queryNodes uses).
const luceneSpecial = `\+-!():^[]"{}~*?|&/`

// luceneEscape escapes the characters of Lucene's query syntax and white
// space with a backslash. Parse's terms hold only letters and digits
// today; escaped, any term is one term of the query, never syntax.
func luceneEscape(s string) string {
	if !strings.ContainsFunc(s, needsEscape) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if needsEscape(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsEscape(r rune) bool { return strings.ContainsRune(luceneSpecial, r) || unicode.IsSpace(r) }

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

// searchFormat returns the format of the stored keys (0 when the
// database does not say: an older one, or an empty one).
func (s *Store) searchFormat(ctx context.Context) (int, error) {
	recs, err := s.read(ctx, stmt{cypherSearchFormat, nil})
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	f, _ := recs[0].Values[0].(int64)
	return int(f), nil
}

// setSearchFormat records SearchKeysFormat as the stored keys' format.
func (s *Store) setSearchFormat(ctx context.Context) error {
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return s.collect(ctx, tx, stmt{cypherSetSearchFormat, map[string]any{"format": int64(SearchKeysFormat)}})
	})
	return err
}

// upgradeSearchKeys brings the stored search keys to SearchKeysFormat
// (part of EnsureSchema). When the database records another format (or
// none), it rewrites the keys of every node that has a nameZh or keys,
// in batches of 5,000 in ID order, removing the keys of earlier formats,
// after dropping kg_search (logged) when there is any such node, so that
// Neo4j populates it once, over the new keys, when EnsureSchema creates
// it again; then it records the format. When the format is current, it
// writes the keys only of nodes that lack them (written by another
// program). An interrupted rewrite leaves the format unrecorded: the next
// EnsureSchema starts it again. It returns how many nodes it wrote.
func (s *Store) upgradeSearchKeys(ctx context.Context) (int, error) {
	format, err := s.searchFormat(ctx)
	if err != nil {
		return 0, err
	}
	all := format != SearchKeysFormat
	after, n := "", 0
	for {
		recs, err := s.read(ctx, stmt{cypherSearchMissing, map[string]any{"after": after, "all": all, "old": oldSearchProps, "limit": int64(5000)}})
		if err != nil {
			return n, err
		}
		if len(recs) == 0 {
			break
		}
		if all && n == 0 {
			s.log.Warn("neo4j: the search keys are of another format: rewriting every node's keys and building the search index again",
				"format", format, "want", SearchKeysFormat, "index", SearchIndex)
			if err := s.runSchema(ctx, []string{cypherDropSearchIndex}); err != nil {
				return n, err
			}
		}
		rows := make([]any, 0, len(recs))
		for _, r := range recs {
			id, _ := r.Values[0].(string)
			han, pinyin, initials := zhKeys(r.Values[2])
			rows = append(rows, map[string]any{"id": id, "words": nameKeys(r.Values[1]), "han": han, "pinyin": pinyin, "initials": initials})
			after = id
		}
		if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return s.collect(ctx, tx, stmt{cypherSearchFill, map[string]any{"rows": rows, "clear": clearOldSearch}})
		}); err != nil {
			return n, err
		}
		n += len(rows)
	}
	if all {
		return n, s.setSearchFormat(ctx)
	}
	return n, nil
}

// upgradeSearchIndex drops the search index when it covers other
// properties than searchIndexProps or has another analyzer than
// searchAnalyzer (a database of an older key format), so that EnsureSchema
// creates it again over the current keys. It reports whether it dropped
// it.
func (s *Store) upgradeSearchIndex(ctx context.Context) (bool, error) {
	recs, err := s.read(ctx, stmt{cypherSearchIndexProps, nil})
	if err != nil || len(recs) == 0 {
		return false, err
	}
	props, _ := recs[0].Values[0].([]any)
	analyzer, _ := recs[0].Values[1].(string)
	same := len(props) == len(searchIndexProps) && analyzer == searchAnalyzer
	for i := 0; same && i < len(props); i++ {
		same = props[i] == searchIndexProps[i]
	}
	if same {
		return false, nil
	}
	s.log.Warn("neo4j: the search index covers other properties or has another analyzer (an older key format): dropping it to build it again",
		"index", SearchIndex, "properties", props, "analyzer", analyzer)
	return true, s.runSchema(ctx, []string{cypherDropSearchIndex})
}
