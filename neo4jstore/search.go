package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"time"
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
// instead of name and nameZh, and the keys without stop marks (until
// 2026-12-04); 6: the pinyin and initials keys of nameZh read by words
// (textsearch/reading: 重庆 chongqing, not zhongqing; until 2026-12-04,
// trad17); 7: the Han bigrams, pinyin and initials keys of nameZh in
// simplified characters (textsearch.Fold: 重慶 keyed 重庆, read
// chongqing, not zhongqing). A database
// without the node (written before, or by
// another program) counts as an older format. Bump it whenever
// textsearch.NewPrefixKeys or searchKeys changes its output: EnsureSchema
// then rewrites every node's keys (TestSearchKeysFormat fails until the
// new output is written down there).
const SearchKeysFormat = 7

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

	// cypherSearchIndexState returns the state of the search index
	// (ONLINE, POPULATING, FAILED) and how much of it is populated (no
	// row when there is none).
	cypherSearchIndexState = "SHOW FULLTEXT INDEXES YIELD name, state, populationPercent WHERE name = '" + SearchIndex +
		"' RETURN state, populationPercent"

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
// the pinyin and initials keys (a piece of a Latin term's expansion,
// Term.PinyinOnly, as its PinyinKeyQuery only: the embedded store's query
// on the same keys). Every term is escaped (luceneEscape).
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
		if t.PinyinOnly {
			must = append(must, keysLucene(textsearch.PinyinKeyQuery(t.Text), PropSearchPinyin))
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

// searchCandidates returns the candidates of q: every node kg_search
// matches (of the labels), or textsearch.ErrTooBroad when there are more
// than limit (it asks for limit+1 and analyzes none of them then).
func (s *Store) searchCandidates(ctx context.Context, q textsearch.Query, labels []kepu.Label, limit int) ([]*textsearch.Doc, error) {
	if err := s.SearchReady(ctx); err != nil {
		return nil, err
	}
	ls := make([]string, len(labels))
	for i, l := range labels {
		ls[i] = string(l)
	}
	recs, err := s.read(ctx, stmt{cypherSearch, map[string]any{
		"query": luceneQuery(q), "labels": ls, "limit": int64(limit) + 1}})
	if err != nil {
		return nil, err
	}
	if len(recs) > limit {
		return nil, textsearch.ErrTooBroad
	}
	out := make([]*textsearch.Doc, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		name, _ := r.Values[1].(string)
		zh, _ := r.Values[2].(string)
		if kepu.LabelOf(id) == "" {
			continue
		}
		out = append(out, searchDocs.Doc(id, name, zh))
	}
	return out, nil
}

// searchDocs caches the analyzed names of the candidates of searches
// (about 0.5 KB each), for every store of the process: an entry is
// checked against the names the index returned (textsearch.DocCache), so
// a write needs no invalidation. A broad search needs up to
// textsearch.MaxCandidates (100,000) of them; analyzing a name took about
// a third of the client's CPU of such a search (docs/benchmarks.md,
// "Search beyond the candidate cap").
var searchDocs = textsearch.NewDocCache(1 << 17)

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

// NewerFormatError is the error of EnsureSchema on a database whose search
// keys a newer kepugraph wrote (a recorded format above SearchKeysFormat):
// it changes nothing there (an older build rewrote the keys back to its
// format and dropped kg_search, and two versions on one database undid
// each other at every start), as the embedded store refuses a data file
// of a newer format. Its code is SERVICE_UNAVAILABLE (kepu.ErrorCode), as
// the embedded store's; the server does not start.
type NewerFormatError struct {
	Format int // recorded in the database
	Want   int // SearchKeysFormat of this build
}

func (e *NewerFormatError) Error() string {
	return fmt.Sprintf("neo4j: the database's search keys are of format %d, written by a newer kepugraph; this kepugraph writes format %d "+
		"and does not change a newer one: use a kepugraph of format %d or later", e.Format, e.Want, e.Format)
}

// Unwrap gives the error its code: SERVICE_UNAVAILABLE.
func (e *NewerFormatError) Unwrap() error {
	return &kepu.Error{Code: kepu.Unavailable, Message: e.Error()}
}

// upgradeSearchKeys brings the stored search keys to SearchKeysFormat
// (part of EnsureSchema); a newer format recorded is NewerFormatError. When the database records another format (or
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
	if format > SearchKeysFormat {
		return 0, &NewerFormatError{Format: format, Want: SearchKeysFormat}
	}
	all := format != SearchKeysFormat
	after, n := "", 0
	for {
		recs, err := s.read(ctx, stmt{cypherSearchMissing, map[string]any{"after": after, "all": all, "limit": int64(5000)}})
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

// checkSearchFormat returns NewerFormatError (logged) when the database
// records a search keys format newer than SearchKeysFormat.
func (s *Store) checkSearchFormat(ctx context.Context) error {
	format, err := s.searchFormat(ctx)
	if err != nil || format <= SearchKeysFormat {
		return err
	}
	s.log.Error("neo4j: the search keys were written by a newer kepugraph: not changing them", "format", format, "want", SearchKeysFormat)
	return &NewerFormatError{Format: format, Want: SearchKeysFormat}
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

// SearchReady reports whether search can answer: nil once the search index
// (kg_search) is online, else SERVICE_UNAVAILABLE with a message for
// clients (kepu.Error.Public) that says why: the index is being built
// (with how much of it is done) after EnsureSchema created it on a
// database with data (a first start on a loaded database, a rewrite of
// the search keys), it does not exist (EnsureSchema has not run, or was
// cut off), or it failed. Neo4j answers a full-text query on a populating
// index only once it is online: without this, a search waited until its
// deadline (TIMEOUT after 10 s, minutes of them at 1M nodes). Every other
// query works meanwhile. Once the index was seen online the answer is
// kept (no round trip); a search that finds it gone asks again.
func (s *Store) SearchReady(ctx context.Context) error {
	if s.searchOnline.Load() {
		return nil
	}
	state, pct, err := s.searchIndexState(ctx)
	if err != nil {
		return err
	}
	if state == "ONLINE" {
		if s.searchOnline.CompareAndSwap(false, true) && s.searchWaited.Load() {
			s.log.Info("neo4j: search index online; search answers", "index", SearchIndex)
		}
		return nil
	}
	s.searchWaited.Store(true)
	return searchNotReady(state, pct)
}

// searchNotReady is the error of SearchReady for an index in state (""
// when there is none) populated pct percent.
func searchNotReady(state string, pct float64) error {
	var msg string
	switch state {
	case "":
		msg = "search is unavailable: the search index does not exist yet (kepugraph creates it when it starts on the database); the rest of the API answers"
	case "POPULATING":
		msg = fmt.Sprintf("search is unavailable: the search index is being built (%.0f %%); the rest of the API answers meanwhile", pct)
	default:
		msg = fmt.Sprintf("search is unavailable: the search index is %s (see the Neo4j log); the rest of the API answers", state)
	}
	return &kepu.Error{Code: kepu.Unavailable, Message: msg, Public: true}
}

// searchIndexState returns the state of kg_search ("" when there is none)
// and how much of it is populated, in percent.
func (s *Store) searchIndexState(ctx context.Context) (string, float64, error) {
	recs, err := s.read(ctx, stmt{cypherSearchIndexState, nil})
	if err != nil || len(recs) == 0 {
		return "", 0, err
	}
	state, _ := recs[0].Values[0].(string)
	pct, _ := recs[0].Values[1].(float64)
	return state, pct, nil
}

// watchSearchIndex follows the search index after EnsureSchema while it is
// not online: it logs how far its population is (every searchLogEvery)
// and when it is online, then stops; Close stops it too. SearchReady
// answers from the server meanwhile.
func (s *Store) watchSearchIndex(ctx context.Context) {
	state, pct, err := s.searchIndexState(ctx)
	if err != nil || state == "ONLINE" {
		if err == nil {
			s.searchOnline.Store(true)
		}
		return
	}
	s.searchWaited.Store(true)
	s.log.Warn("neo4j: the search index is being built: search answers SERVICE_UNAVAILABLE and /readyz 503 until it is online; the rest of the API answers",
		"index", SearchIndex, "state", state, "percent", fmt.Sprintf("%.0f", pct))
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.watchStop != nil || s.closed {
		return
	}
	wctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.watchStop, s.watchDone = cancel, done
	go func() {
		defer close(done)
		start, logged := time.Now(), time.Now()
		tick := time.NewTicker(searchPollEvery)
		defer tick.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case <-tick.C:
			}
			state, pct, err := s.searchIndexState(wctx)
			switch {
			case err != nil:
				continue
			case state == "ONLINE":
				if s.searchOnline.CompareAndSwap(false, true) {
					s.log.Info("neo4j: search index online; search answers", "index", SearchIndex,
						"took", time.Since(start).Round(time.Millisecond).String())
				}
				return
			case state != "POPULATING":
				s.log.Error("neo4j: the search index is not online", "index", SearchIndex, "state", state)
				return
			case time.Since(logged) >= searchLogEvery:
				logged = time.Now()
				s.log.Info("neo4j: search index being built", "index", SearchIndex, "percent", fmt.Sprintf("%.0f", pct))
			}
		}
	}()
}

// How often watchSearchIndex asks for the index's state, and logs it.
const (
	searchPollEvery = time.Second
	searchLogEvery  = 10 * time.Second
)
