package neo4jstore

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

// buildEdges is the statement of one page of Edges: the edges of a type in
// (From, To) order after the cursor's pair ("", "" for the first page), one
// row more than the page to tell whether another follows. The range on
// a.id lets the planner start from the unique :KG(id) index, in its order,
// and sort each From node's few edges (a partial sort under the limit)
// instead of all the edges of the type per page.
func buildEdges(t kepu.RelType, afterFrom, afterTo string, limit int) stmt {
	a, b := "a."+IDKey, "b."+IDKey
	return stmt{"MATCH (a:KG)-[r:" + quote(string(t)) + "]->(b:KG) WHERE " + a + " >= $afterFrom AND (" + a + " > $afterFrom OR " + b + " > $afterTo)" +
		" RETURN " + a + " AS from, " + b + " AS to, r ORDER BY from, to LIMIT $limit",
		map[string]any{"afterFrom": afterFrom, "afterTo": afterTo, "limit": limit}}
}

// Edges implements kepu.Store: one statement per page.
func (s *Store) Edges(ctx context.Context, q kepu.EdgeQuery) (kepu.EdgePage, error) {
	afterFrom, afterTo, err := q.Start()
	if err != nil {
		return kepu.EdgePage{}, err
	}
	recs, err := s.read(ctx, buildEdges(q.Rel, afterFrom, afterTo, q.First+1))
	if err != nil {
		return kepu.EdgePage{}, err
	}
	var page kepu.EdgePage
	for i, r := range recs {
		if i == q.First {
			page.HasNext = true
			break
		}
		from, _ := r.Values[0].(string)
		to, _ := r.Values[1].(string)
		props, err := decodeRel(r.Values[2], q.Rel)
		if err != nil || kepu.LabelOf(from) == "" || kepu.LabelOf(to) == "" {
			return kepu.EdgePage{}, s.internalf("undecodable %s edge %q -> %q: %v", q.Rel, from, to, err)
		}
		page.Edges = append(page.Edges, kepu.Edge{Type: q.Rel, From: from, To: to, Props: props})
	}
	if n := len(page.Edges); n > 0 {
		last := page.Edges[n-1]
		page.EndCursor = kepu.EncodeCursor(kepu.EdgeCursorScope(q.Rel), kepu.Cursor{Keys: []any{last.From}, ID: last.To})
	}
	return page, nil
}
