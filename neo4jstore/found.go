package neo4jstore

import (
	"context"
	"slices"
	"strconv"

	"github.com/kepugraph/kepugraph/kepu"
)

var _ kepu.FoundReader = (*Store)(nil)

// buildReadFound is the statement of ReadFound: the graph version first,
// then the nodes of ids (one seek of the ID constraint's index each), then
// per relationship type of ends (in registry order) the relationships
// between the ends' nodes, both found by the index and joined by an
// Expand(Into) of that type. One record: version, nodes, then r0, r1, ...
// ([from, to, properties] lists) for the types in types.
func buildReadFound(ids []string, ends []kepu.Edge) (st stmt, types []kepu.RelType) {
	byType := map[kepu.RelType][]any{}
	for _, e := range ends {
		if kepu.LookupRel(e.Type) == nil {
			continue
		}
		if _, ok := byType[e.Type]; !ok {
			types = append(types, e.Type)
		}
		byType[e.Type] = append(byType[e.Type], []any{e.From, e.To})
	}
	slices.Sort(types)
	p := map[string]any{"ids": ids}
	q := "OPTIONAL MATCH (v:" + VersionLabel + " {id: 'graph'}) WITH coalesce(v." + VersionProp + ", 0) AS version" +
		" CALL () { UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) RETURN collect(n) AS nodes }"
	ret := " RETURN version, nodes"
	for i, t := range types {
		k := "e" + strconv.Itoa(i)
		r := "r" + strconv.Itoa(i)
		p[k] = byType[t]
		q += " CALL () { UNWIND $" + k + " AS e MATCH (a:KG {id: e[0]}) USING INDEX SEEK a:KG(id)" +
			" MATCH (b:KG {id: e[1]}) USING INDEX SEEK b:KG(id) MATCH (a)-[r:" + quote(string(t)) + "]->(b)" +
			" RETURN collect([a.id, b.id, properties(r)]) AS " + r + " }"
		ret += ", " + r
	}
	return stmt{q + ret, p}, types
}

// ReadFound implements kepu.FoundReader: one statement, one round trip
// (buildReadFound).
func (s *Store) ReadFound(ctx context.Context, ids []string, ends []kepu.Edge) (map[string]kepu.Node, map[string]kepu.Edge, uint64, error) {
	st, types := buildReadFound(validIDs(ids), ends)
	recs, err := s.read(ctx, st)
	if err != nil {
		return nil, nil, 0, err
	}
	if len(recs) != 1 || len(recs[0].Values) != 2+len(types) {
		return nil, nil, 0, s.internalf("ReadFound: %d records", len(recs))
	}
	vals := recs[0].Values
	v, _ := vals[0].(int64)
	nodes := map[string]kepu.Node{}
	list, _ := vals[1].([]any)
	for _, x := range list {
		n, err := decodeNode(x, nil)
		if err != nil {
			return nil, nil, 0, s.internalf("ReadFound: %v", err)
		}
		nodes[n.ID] = n
	}
	edges := map[string]kepu.Edge{}
	for i, t := range types {
		list, _ := vals[2+i].([]any)
		for _, x := range list {
			r, _ := x.([]any)
			if len(r) != 3 {
				return nil, nil, 0, s.internalf("ReadFound: relationship %v", x)
			}
			from, _ := r[0].(string)
			to, _ := r[1].(string)
			props, err := decodeRel(r[2], t)
			if err != nil {
				return nil, nil, 0, s.internalf("ReadFound: %v", err)
			}
			e := kepu.Edge{Type: t, From: from, To: to, Props: props}
			edges[e.Key()] = e
		}
	}
	return nodes, edges, uint64(max(v, 0)), nil
}
