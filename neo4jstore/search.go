package neo4jstore

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// Search keys. Every node with a nameZh stores its pinyin keys and initials
// keys (textsearch.PinyinKeys, InitialsKeys) in these properties, written
// with the node by every write that sets or removes nameZh; the full-text
// index kg_search covers them with name and nameZh. They are not registry
// properties: reads never return them.
const (
	PropSearchPinyin   = "searchPinyin"
	PropSearchInitials = "searchInitials"
)

// SearchIndex is the name of the full-text index search queries.
const SearchIndex = "kg_search"

// cypherSearchIndex creates the search index over the labels given (quoted).
func cypherSearchIndex(labels []string) string {
	return "CREATE FULLTEXT INDEX " + SearchIndex + " IF NOT EXISTS FOR (n:" + strings.Join(labels, "|") +
		") ON EACH [n.name, n.nameZh, n." + PropSearchPinyin + ", n." + PropSearchInitials +
		"] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: false}}"
}

const (
	// cypherSearch returns the candidates of a search: the nodes the
	// index matches, of the labels asked for (all when $labels is empty).
	cypherSearch = "CALL db.index.fulltext.queryNodes('" + SearchIndex + "', $query) YIELD node " +
		"WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels) " +
		"RETURN node.id AS id, node.name AS name, node.nameZh AS nameZh LIMIT $limit"

	// cypherSearchMissing finds nodes written before the search keys
	// existed (or by another program), for EnsureSchema to fill in.
	cypherSearchMissing = "MATCH (n:KG) WHERE n.nameZh IS NOT NULL AND n." + PropSearchPinyin + " IS NULL " +
		"RETURN n.id AS id, n.nameZh AS nameZh LIMIT $limit"

	cypherSearchFill = "UNWIND $rows AS row MATCH (n:KG {id: row.id}) SET n." + PropSearchPinyin + " = row.pinyin, n." +
		PropSearchInitials + " = row.initials RETURN count(n) AS c"
)

// addSearchKeys adds the search keys of a node's nameZh to its stored
// properties.
func addSearchKeys(props map[string]any) {
	zh, ok := props[kepu.PropNameZh].(string)
	if !ok {
		return
	}
	props[PropSearchPinyin] = textsearch.PinyinKeys(zh)
	props[PropSearchInitials] = textsearch.InitialsKeys(zh)
}

// updateSearchKeys adds to the SET map of an update the search keys that
// follow from it: new keys when nameZh is set, none when it is removed.
func updateSearchKeys(set map[string]any) {
	v, ok := set[kepu.PropNameZh]
	if !ok {
		return
	}
	if zh, isStr := v.(string); isStr {
		set[PropSearchPinyin] = textsearch.PinyinKeys(zh)
		set[PropSearchInitials] = textsearch.InitialsKeys(zh)
		return
	}
	set[PropSearchPinyin] = nil
	set[PropSearchInitials] = nil
}

// luceneQuery is the full-text query of a parsed text, in Lucene syntax:
// every indexed term must match, a Chinese term as a phrase on nameZh (the
// cjk analyzer makes bigrams), a Latin term as a prefix of a word of name,
// one edit from one (four or more letters), or a prefix of a pinyin or
// initials key. Terms hold only letters and digits (textsearch), so they
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
		alts := []string{"name:" + t.Text + "*", PropSearchPinyin + ":" + t.Text + "*", PropSearchInitials + ":" + t.Text + "*"}
		if t.Fuzzy() {
			alts = append(alts, "name:"+t.Text+"~1")
		}
		must = append(must, "("+strings.Join(alts, " OR ")+")")
	}
	return strings.Join(must, " AND ")
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

// fillSearchKeys writes the search keys of nodes that lack them, in
// batches (part of EnsureSchema).
func (s *Store) fillSearchKeys(ctx context.Context) error {
	for {
		recs, err := s.read(ctx, stmt{cypherSearchMissing, map[string]any{"limit": int64(5000)}})
		if err != nil || len(recs) == 0 {
			return err
		}
		rows := make([]any, 0, len(recs))
		for _, r := range recs {
			id, _ := r.Values[0].(string)
			zh, _ := r.Values[1].(string)
			rows = append(rows, map[string]any{"id": id,
				"pinyin": textsearch.PinyinKeys(zh), "initials": textsearch.InitialsKeys(zh)})
		}
		if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return s.collect(ctx, tx, stmt{cypherSearchFill, map[string]any{"rows": rows}})
		}); err != nil {
			return err
		}
	}
}
