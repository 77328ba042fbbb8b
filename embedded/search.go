package embedded

import (
	"context"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/whitespace"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// searchIndex is the full-text index of node names: a bleve index in memory
// (scorch, no path)
// (fields name and nameZh with bleve's CJK analyzer, the pinyin and
// initials keys of textsearch with a whitespace analyzer, the label as a
// keyword), and the analyzed names textsearch ranks with. It is built when
// the store opens and updated by every write before Write returns.
type searchIndex struct {
	idx     bleve.Index
	batches int // update batches since the build (writers only)

	mu   sync.RWMutex
	docs map[string]*textsearch.Doc
}

// searchDoc is the bleve document of a node.
type searchDoc struct {
	Label    string `json:"label"`
	Name     string `json:"name"`
	NameZh   string `json:"nameZh"`
	Pinyin   string `json:"pinyin"`
	Initials string `json:"initials"`
}

const keysAnalyzer = "kepu_keys"

func searchMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(keysAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     whitespace.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, err
	}
	field := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = analyzer == cjk.AnalyzerName // phrase queries on nameZh need positions
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("label", field(keyword.Name))
	doc.AddFieldMappingsAt("name", field(cjk.AnalyzerName))
	doc.AddFieldMappingsAt("nameZh", field(cjk.AnalyzerName))
	doc.AddFieldMappingsAt("pinyin", field(keysAnalyzer))
	doc.AddFieldMappingsAt("initials", field(keysAnalyzer))
	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// analyze returns the bleve document and the analyzed names of a node.
func analyze(id string, label kepu.Label, p props) (searchDoc, *textsearch.Doc) {
	name, _ := p.get(kepu.PropName).(string)
	zh, _ := p.get(kepu.PropNameZh).(string)
	d := textsearch.NewDoc(id, name, zh)
	return searchDoc{Label: string(label), Name: name, NameZh: zh, Pinyin: d.PinyinKeys(), Initials: d.InitialsKeys()}, d
}

// buildSearchIndex indexes every node of st.
func buildSearchIndex(st *state) (*searchIndex, error) {
	m, err := searchMapping()
	if err != nil {
		return nil, err
	}
	// scorch with no path keeps its segments in memory (vellum FSTs make
	// prefix and fuzzy queries automaton walks, not term-list scans).
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	si := &searchIndex{idx: idx, docs: make(map[string]*textsearch.Doc, len(st.nodes))}
	b := idx.NewBatch()
	for id, n := range st.nodes {
		doc, d := analyze(id, n.label, n.props)
		if err := b.Index(id, doc); err != nil {
			return nil, err
		}
		si.docs[id] = d
		if b.Size() >= 4000 {
			if err := idx.Batch(b); err != nil {
				return nil, err
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, err
	}
	return si, nil
}

// update applies a committed batch: changed nodes are indexed again,
// deleted ones removed.
func (si *searchIndex) update(b *batch) error {
	ib := si.idx.NewBatch()
	docs := map[string]*textsearch.Doc{}
	for id, p := range b.nodes {
		if p.gone {
			ib.Delete(id)
			docs[id] = nil
			continue
		}
		doc, d := analyze(id, p.label, p.props)
		if err := ib.Index(id, doc); err != nil {
			return err
		}
		docs[id] = d
	}
	if err := si.idx.Batch(ib); err != nil {
		return err
	}
	si.mu.Lock()
	for id, d := range docs {
		if d == nil {
			delete(si.docs, id)
		} else {
			si.docs[id] = d
		}
	}
	si.mu.Unlock()
	return nil
}

// indexQuery is the bleve query of a parsed text: every indexed term must
// match (a Chinese term as every bigram of it on nameZh, or with phrase as a
// phrase of them; a Latin term as a prefix of a word of name, one edit from
// a word of name when it has four or more letters, or a prefix of a pinyin
// or initials key), and the label must be one of labels. Without phrase the
// query matches a superset of the phrase query's documents, found without
// reading term positions.
func indexQuery(q textsearch.Query, labels []kepu.Label, phrase bool) query.Query {
	var must []query.Query
	for _, t := range q.Terms {
		if !t.Indexed() {
			continue
		}
		if t.Han && phrase {
			p := query.NewMatchPhraseQuery(t.Text)
			p.SetField("nameZh")
			p.Analyzer = cjk.AnalyzerName
			must = append(must, p)
			continue
		}
		if t.Han {
			m := query.NewMatchQuery(t.Text)
			m.SetField("nameZh")
			m.Analyzer = cjk.AnalyzerName
			m.SetOperator(query.MatchQueryOperatorAnd)
			must = append(must, m)
			continue
		}
		var alts []query.Query
		for _, f := range []string{"name", "pinyin", "initials"} {
			p := query.NewPrefixQuery(t.Text)
			p.SetField(f)
			alts = append(alts, p)
		}
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

// candidates returns the documents of the nodes that may match q: the
// first textsearch.MaxCandidates that the index query with phrases
// matches. The bigram query finds them when it matches fewer (the phrase
// query's documents are among its own, and ranking drops the others);
// only a text it finds more for runs the phrase query.
func (si *searchIndex) candidates(ctx context.Context, q textsearch.Query, labels []kepu.Label) ([]*textsearch.Doc, error) {
	ids, err := si.collect(ctx, indexQuery(q, labels, false), textsearch.MaxCandidates+1)
	if err == nil && len(ids) > textsearch.MaxCandidates {
		if hasPhrase(q) {
			ids, err = si.collect(ctx, indexQuery(q, labels, true), textsearch.MaxCandidates)
		} else {
			ids = ids[:textsearch.MaxCandidates]
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, kepu.Errorf(kepu.Internal, "search index: %v", err)
	}
	out := make([]*textsearch.Doc, 0, len(ids))
	si.mu.RLock()
	for _, id := range ids {
		if d := si.docs[id]; d != nil {
			out = append(out, d)
		}
	}
	si.mu.RUnlock()
	return out, nil
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

// collect returns the IDs of the first max documents that qq matches, in
// the order in which bleve's searcher visits them: the documents a top-N
// search without scores keeps (its ties go to the earlier hit), without
// its collector (no heap of max hits, no final sort). It stops after max.
func (si *searchIndex) collect(ctx context.Context, qq query.Query, max int) (ids []string, err error) {
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
	for len(ids) < max {
		if len(ids)%256 == 255 {
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
		ids = append(ids, id)
		sctx.DocumentMatchPool.Put(d)
	}
	return ids, nil
}

// Search implements kepu.Store.
func (s *Store) Search(ctx context.Context, q kepu.SearchQuery) (kepu.SearchPage, error) {
	if err := ctx.Err(); err != nil {
		return kepu.SearchPage{}, err
	}
	return textsearch.Run(ctx, q, s.search.Load().candidates, s.Nodes)
}

// openSearch builds the search index of the loaded store, logging its size
// and build time.
func (s *Store) openSearch() error {
	start := time.Now()
	si, err := buildSearchIndex(s.st)
	if err != nil {
		return kepu.Errorf(kepu.Internal, "cannot build the search index: %v", err)
	}
	s.search.Store(si)
	s.log.Info("search index built", "nodes", len(si.docs), "duration", time.Since(start))
	return nil
}

// compactAfter is the number of write batches after which the search
// index is built again: in memory, scorch keeps one segment per batch and
// never merges them, so a search would slow down with every write.
const compactAfter = 256

// updateSearch is the write path's hook: after a commit, the index sees
// the batch before Write returns. Every compactAfter batches it builds the
// index again from the graph (the writer holds wmu, so the graph is the
// committed one) and swaps it in.
func (s *Store) updateSearch(b *batch) {
	si := s.search.Load()
	if si.batches++; si.batches >= compactAfter {
		if err := s.openSearch(); err == nil {
			// Searches still running on the old index have a request
			// deadline; close it (its goroutines) well after that.
			time.AfterFunc(time.Minute, func() { si.idx.Close() })
			return
		}
	}
	if err := si.update(b); err != nil {
		// The data is committed; a node the index missed is found again
		// after the next restart. Indexing plain text does not fail in
		// practice, so this is logged, not returned.
		s.log.Error("search index update failed", "err", fmt.Sprint(err))
	}
}

// closeSearch releases the search index (Close).
func (s *Store) closeSearch() {
	if si := s.search.Load(); si != nil {
		si.idx.Close()
	}
}
