package embedded

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// searchIndex is the full-text index of node names: a bleve index on disk
// (scorch, in the data directory, see searchdisk.go) with fields name (the
// words of textsearch.WordKeys), nameZh (the bigrams of textsearch.HanKeys),
// pinyin and initials (the keys of textsearch.PrefixKeys), each cut at
// spaces (keysAnalyzer), no term positions, and the label (a keyword),
// nothing stored and no _all field; and a bounded cache of the analyzed
// names textsearch ranks with, filled from the graph by the searches that
// need them. The index is updated by every
// write before Write returns.
type searchIndex struct {
	idx    bleve.Index // nil while stale in a bulk load
	bulk   bool        // Options.BulkLoad
	memory bool        // idx is kept in memory (the data directory could not hold it)
	// stamp is the commit stamp of the last write (see searchdisk.go);
	// writers only (under wmu).
	stamp uint64
	stale atomic.Bool // writes the index has not seen: built again before use
	searchUse

	mu   sync.Mutex
	docs map[string]*textsearch.Doc // at most maxCachedDocs
}

// maxCachedDocs bounds the cache of analyzed names (about 0.5 KB each):
// when full it is emptied. A broad search needs up to
// textsearch.MaxCandidates (100,000) of them.
const maxCachedDocs = 1 << 17

func newSearchIndex(bulk bool, stamp uint64) *searchIndex {
	return &searchIndex{bulk: bulk, stamp: stamp, docs: map[string]*textsearch.Doc{}}
}

func (si *searchIndex) isStale() bool { return si.stale.Load() }
func (si *searchIndex) setStale()     { si.stale.Store(true) }

// closeIdx closes the bleve index (the caller holds si.use).
func (si *searchIndex) closeIdx() {
	if si.idx != nil && !si.closed {
		si.idx.Close()
	}
	si.closed = true
}

// searchDoc is the bleve document of a node.
type searchDoc struct {
	Label    string `json:"label"`
	Name     string `json:"name"`     // textsearch.WordKeys
	NameZh   string `json:"nameZh"`   // textsearch.HanKeys
	Pinyin   string `json:"pinyin"`   // textsearch.PrefixKeys.Pinyin
	Initials string `json:"initials"` // textsearch.PrefixKeys.Initials
}

// keysAnalyzer is the analyzer of every text field but the label: the
// fields hold textsearch's keys, folded and cut already (WordKeys,
// HanKeys, PrefixKeys), which it cuts at spaces, so that the index's terms
// are the ranking's words (see textsearch.WordKeys).
const keysAnalyzer = "kepu_keys"

// keysFields are the fields of keysAnalyzer.
var keysFields = map[string]bool{"name": true, "nameZh": true, "pinyin": true, "initials": true}

func searchMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	// The keys are folded already (textsearch), as the terms of the
	// queries on them are.
	if err := m.AddCustomAnalyzer(keysAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": whitespace.Name,
	}); err != nil {
		return nil, err
	}
	field := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("label", field(keyword.Name))
	// No field keeps term positions (term vectors): a Chinese phrase is
	// checked against the graph's nameZh instead (phraseFilter).
	for f := range keysFields {
		doc.AddFieldMappingsAt(f, field(keysAnalyzer))
	}
	// No search reads the _all field (every query names its field); bleve
	// adds one to every document unless its mapping is disabled.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// indexDoc returns the bleve document of a node.
func indexDoc(label kepu.Label, p props) searchDoc {
	name, _ := p.get(kepu.PropName).(string)
	zh, _ := p.get(kepu.PropNameZh).(string)
	k := textsearch.NewPrefixKeys(zh)
	return searchDoc{Label: string(label), Name: textsearch.WordKeys(name), NameZh: textsearch.HanKeys(zh), Pinyin: k.Pinyin, Initials: k.Initials}
}

// rankDoc returns the analyzed names of a node.
func rankDoc(id string, p props) *textsearch.Doc {
	name, _ := p.get(kepu.PropName).(string)
	zh, _ := p.get(kepu.PropNameZh).(string)
	return textsearch.NewDoc(id, name, zh)
}

// update applies a committed batch: changed nodes are indexed again,
// deleted ones removed, and the batch's commit stamp recorded, in one bleve
// batch.
func (si *searchIndex) update(b *batch) error {
	ib := si.idx.NewBatch()
	for id, p := range b.nodes {
		if p.gone {
			ib.Delete(id)
			continue
		}
		if err := ib.Index(id, indexDoc(p.label, p.props)); err != nil {
			return err
		}
	}
	ib.SetInternal(internalKey, internalValue(b.stamp))
	return si.idx.Batch(ib)
}

// forget drops the cached analyzed names of the batch's nodes. It runs
// after the batch is applied to the graph: a search caches names it read
// from the graph while holding the store's read lock, so a name read
// before the batch was applied is cached before this runs and dropped.
func (si *searchIndex) forget(b *batch) {
	si.mu.Lock()
	for id := range b.nodes {
		delete(si.docs, id)
	}
	si.mu.Unlock()
}

// indexQuery is the bleve query of a parsed text: every indexed term must
// match (a Chinese term as every bigram of it (textsearch.HanGrams) on nameZh, one of one
// character as textsearch's HanKeyQuery on the pinyin keys; a Latin term as a
// prefix of a word of name, one edit from a word of name when it has four
// or more letters, or textsearch's PinyinKeyQuery (a conjunction of prefix
// or term queries, one for each segment of letters or digits) or
// InitialsKeyQuery (a prefix query) on the keys of textsearch.PrefixKeys;
// a piece of a Latin term's expansion (Term.PinyinOnly) as its
// PinyinKeyQuery only), and the label must be one of labels. For a
// Chinese term of three or more characters it matches a superset of the
// phrase's documents (phraseFilter keeps those).
func indexQuery(q textsearch.Query, labels []kepu.Label) query.Query {
	var must []query.Query
	for _, t := range q.Terms {
		if k, ok := textsearch.HanKeyQuery(t); ok {
			must = append(must, keyQuery(k, "pinyin"))
			continue
		}
		if !t.Indexed() {
			continue
		}
		if t.Han {
			grams := textsearch.HanGrams(t.Text)
			slices.Sort(grams)
			for _, g := range slices.Compact(grams) {
				tq := query.NewTermQuery(g)
				tq.SetField("nameZh")
				must = append(must, tq)
			}
			continue
		}
		if t.PinyinOnly {
			must = append(must, keysQuery(textsearch.PinyinKeyQuery(t.Text), "pinyin"))
			continue
		}
		name := query.NewPrefixQuery(t.Text)
		name.SetField("name")
		alts := []query.Query{name, keysQuery(textsearch.PinyinKeyQuery(t.Text), "pinyin"),
			keyQuery(textsearch.InitialsKeyQuery(t.Text), "initials")}
		if t.Fuzzy() {
			f := query.NewFuzzyQuery(t.Text)
			f.SetField("name")
			f.SetFuzziness(1)
			alts = append(alts, f)
		}
		must = append(must, query.NewDisjunctionQuery(alts))
	}
	if len(labels) > 0 {
		var alts []query.Query
		for _, l := range labels {
			tq := query.NewTermQuery(string(l))
			tq.SetField("label")
			alts = append(alts, tq)
		}
		must = append(must, query.NewDisjunctionQuery(alts))
	}
	return query.NewConjunctionQuery(must)
}

// phrase is a Chinese term as a phrase of its bigrams (textsearch.HanGrams,
// at consecutive positions of a nameZh's HanGrams).
type phrase struct {
	text string
	at   []string
}

// phrasesOf returns the phrases of q's Chinese terms of three or more
// characters (two or more bigrams).
func phrasesOf(q textsearch.Query) []phrase {
	var out []phrase
	for _, t := range q.Terms {
		if t.Han && utf8.RuneCountInString(t.Text) >= 3 {
			out = append(out, phrase{text: t.Text, at: textsearch.HanGrams(t.Text)})
		}
	}
	return out
}

// matchesPhrases reports whether a nameZh holds every phrase: its
// HanGrams hold the phrase's at consecutive positions. This is what
// bleve's phrase query (slop 0) asks of the term positions of an index
// that keeps them. A nameZh that contains the phrase's text holds it.
func matchesPhrases(zh string, ps []phrase) bool {
	var grams []string
	for _, p := range ps {
		if strings.Contains(zh, p.text) {
			continue
		}
		if grams == nil {
			grams = textsearch.HanGrams(zh)
		}
		found := false
		for i := 0; i+len(p.at) <= len(grams) && !found; i++ {
			found = slices.Equal(grams[i:i+len(p.at)], p.at)
		}
		if !found {
			return false
		}
	}
	return true
}

// keysQuery is the bleve query of ks on the field: the conjunction of
// their keyQuery (the query itself when there is one).
func keysQuery(ks []textsearch.KeyQuery, field string) query.Query {
	if len(ks) == 1 {
		return keyQuery(ks[0], field)
	}
	qs := make([]query.Query, len(ks))
	for i, k := range ks {
		qs[i] = keyQuery(k, field)
	}
	return query.NewConjunctionQuery(qs)
}

// keyQuery is the bleve query of k on the field.
func keyQuery(k textsearch.KeyQuery, field string) query.Query {
	if k.Prefix {
		p := query.NewPrefixQuery(k.Key)
		p.SetField(field)
		return p
	}
	t := query.NewTermQuery(k.Key)
	t.SetField(field)
	return t
}

// searchCandidates returns the documents of the nodes that may match q:
// every node the index query matches, or textsearch.ErrTooBroad when
// there are more than limit (none analyzed then); for a text with Chinese phrases,
// only those that hold them (phraseFilter: the documents of Neo4j's phrase
// query, a subset of the index query's, and ranking drops the others). A
// node the index returns but the graph no longer holds (deleted meanwhile)
// is left out.
func (s *Store) searchCandidates(ctx context.Context, q textsearch.Query, labels []kepu.Label, limit int) ([]*textsearch.Doc, error) {
	si, ids, err := s.candidateIDs(ctx, q, labels, limit+1)
	if err == nil && len(ids) > limit {
		return nil, textsearch.ErrTooBroad
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ke *kepu.Error
		if errors.As(err, &ke) {
			return nil, err
		}
		return nil, kepu.Errorf(kepu.Internal, "search index: %v", err)
	}
	return s.rankDocs(si, ids)
}

// candidateIDs returns the IDs of the candidates of q (at most limit) and
// the index that gave them, building the index first when it is stale.
func (s *Store) candidateIDs(ctx context.Context, q textsearch.Query, labels []kepu.Label, limit int) (*searchIndex, []string, error) {
	for range 3 {
		si := s.search.Load()
		if si.isStale() {
			if err := s.refreshSearch(); err != nil {
				return nil, nil, err
			}
			continue
		}
		if hasPhrase(q) {
			ids, err := s.phraseCandidates(ctx, si, q, labels, limit)
			if errors.Is(err, errReplaced) {
				continue
			}
			return si, ids, err
		}
		si.use.RLock()
		if si.closed {
			// Replaced meanwhile (or the store is closing): take the new one.
			si.use.RUnlock()
			continue
		}
		ids, err := si.collect(ctx, indexQuery(q, labels), limit, nil)
		si.use.RUnlock()
		return si, ids, err
	}
	return nil, nil, kepu.Errorf(kepu.Unavailable, "the search index is being rebuilt or the store is closed")
}

// errReplaced: the index was replaced (or closed) during a search.
var errReplaced = errors.New("the search index was replaced")

// phraseCandidates returns the first limit documents of the index query
// of q that hold q's Chinese phrases, checked against the graph's nameZh
// (phraseFilter): the documents a phrase query on term positions gives, in
// the same order. It holds the store's read lock while it reads the index
// (taken before the index's, as Close does).
func (s *Store) phraseCandidates(ctx context.Context, si *searchIndex, q textsearch.Query, labels []kepu.Label, limit int) ([]string, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	si.use.RLock()
	defer si.use.RUnlock()
	if si.closed || s.search.Load() != si {
		return nil, errReplaced
	}
	return si.collect(ctx, indexQuery(q, labels), limit, s.phraseFilter(q))
}

// phraseFilter returns the test of a candidate of q's index query against
// q's Chinese phrases: its nameZh, cut as the index holds it
// (textsearch.HanGrams, term positions included), holds them. A node the
// graph no longer holds is kept (ranking drops it). The caller holds s.mu.
func (s *Store) phraseFilter(q textsearch.Query) func(id string) bool {
	ps := phrasesOf(q)
	return func(id string) bool {
		n := s.st.nodes[id]
		if n == nil {
			return true
		}
		zh, _ := n.props.get(kepu.PropNameZh).(string)
		return matchesPhrases(zh, ps)
	}
}

// rankDocs returns the analyzed names of the nodes ids, in their order,
// from si's cache or else analyzed from the graph (and cached). IDs of
// nodes the graph does not hold are left out.
func (s *Store) rankDocs(si *searchIndex, ids []string) ([]*textsearch.Doc, error) {
	out := make([]*textsearch.Doc, len(ids))
	var missing []int
	si.mu.Lock()
	for i, id := range ids {
		if out[i] = si.docs[id]; out[i] == nil {
			missing = append(missing, i)
		}
	}
	si.mu.Unlock()
	if len(missing) > 0 {
		// Read the names and cache them under the read lock (see forget).
		s.mu.RLock()
		if s.closed {
			s.mu.RUnlock()
			return nil, kepu.Errorf(kepu.Unavailable, "store is closed")
		}
		for _, i := range missing {
			if n := s.st.nodes[ids[i]]; n != nil {
				out[i] = rankDoc(n.id, n.props)
			}
		}
		si.mu.Lock()
		if len(si.docs)+len(missing) > maxCachedDocs {
			clear(si.docs)
		}
		for _, i := range missing {
			if out[i] != nil {
				si.docs[ids[i]] = out[i]
			}
		}
		si.mu.Unlock()
		s.mu.RUnlock()
	}
	return slices.DeleteFunc(out, func(d *textsearch.Doc) bool { return d == nil }), nil
}

// hasPhrase reports whether q has a Chinese term of three or more
// characters (a phrase of two or more bigrams).
func hasPhrase(q textsearch.Query) bool {
	for _, t := range q.Terms {
		if t.Han && utf8.RuneCountInString(t.Text) >= 3 {
			return true
		}
	}
	return false
}

// collect returns the IDs of the first max documents that qq matches (and
// keep, when not nil, accepts), in the order in which bleve's searcher
// visits them: the documents a top-N search without scores keeps (its ties
// go to the earlier hit), without its collector (no heap of max hits, no
// final sort). It stops after max.
func (si *searchIndex) collect(ctx context.Context, qq query.Query, max int, keep func(id string) bool) (ids []string, err error) {
	ix, err := si.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := ix.Reader()
	if err != nil {
		return nil, err
	}
	if sn, ok := r.(*scorch.IndexSnapshot); ok && sn == nil {
		return nil, fmt.Errorf("the index is closed")
	}
	defer func() {
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}()
	s, err := qq.Searcher(ctx, r, si.idx.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	for seen := 0; len(ids) < max; seen++ {
		if seen%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, err := s.Next(sctx)
		if err != nil || d == nil {
			return ids, err
		}
		id, err := r.ExternalID(d.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(id) {
			ids = append(ids, id)
		}
		sctx.DocumentMatchPool.Put(d)
	}
	return ids, nil
}

// Search implements kepu.Store.
func (s *Store) Search(ctx context.Context, q kepu.SearchQuery) (kepu.SearchPage, error) {
	if err := ctx.Err(); err != nil {
		return kepu.SearchPage{}, err
	}
	if s.ro {
		return kepu.SearchPage{}, kepu.Errorf(kepu.Unavailable, "the store is opened read-only, without its full-text index")
	}
	return textsearch.Run(ctx, q, s.searchCandidates, s.Nodes)
}
