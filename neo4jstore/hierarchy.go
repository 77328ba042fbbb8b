package neo4jstore

import (
	"context"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The One rule of the registry (kepu.RelDef.One, kepu/hierarchy.go): a
// node has at most one PART_OF parent and at most one LOCATED_IN place.
//
// Neo4j reads committed data, so two transactions that each look for an
// existing parent of the same county, find none and create one would
// leave two. A write that adds an edge of a One type therefore first
// takes the write lock of its From node (setting and removing a property,
// Cypher's way to lock a node; held until the transaction ends), then
// looks: the second of two such writes waits for the first to commit and
// then sees its edge. The edge puts of a bulk load into an empty database
// (BulkCreate) are checked once at its end (CheckBulkLoad, checkOnesGraph).

// oneRel reports whether t is a One relationship type.
func oneRel(t kepu.RelType) bool {
	d := kepu.LookupRel(t)
	return d != nil && d.One
}

// cypherLockNodes takes the write locks of the nodes with the IDs $ids.
const cypherLockNodes = "UNWIND $ids AS id MATCH (a:KG {id: id}) SET a.kgLock = true REMOVE a.kgLock RETURN count(a) AS c"

// cypherOtherOne finds, for each row {i, from, to}, another edge of type
// t from the row's From node: the first such row's index, From and the
// other edge's To.
func cypherOtherOne(t kepu.RelType) string {
	return "UNWIND $rows AS row MATCH (a:KG {id: row.from})-[:" + quote(string(t)) + "]->(b:KG) WHERE b.id <> row.to " +
		"RETURN row.i AS i, a.id AS from, b.id AS other ORDER BY i LIMIT 1"
}

// lockFroms takes the write locks of the From nodes of the changes idx
// (edges of type t), in ID order (two writes lock in the same order).
func (s *Store) lockFroms(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, idx []int) error {
	ids := make([]string, 0, len(idx))
	for _, n := range idx {
		ids = append(ids, cs[n].Edge.From)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	_, err := s.collect(ctx, tx, stmt{cypherLockNodes, map[string]any{"ids": ids}})
	return err
}

// otherOne returns the error of the first change of idx (edges of the One
// type t, already written in tx) whose From node has another edge of the
// type: kepu.OneConflict naming it, as a *changeError.
func (s *Store) otherOne(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, t kepu.RelType, idx []int) error {
	rows := make([]any, len(idx))
	for i, n := range idx {
		e := cs[n].Edge
		rows[i] = map[string]any{"i": int64(n), "from": e.From, "to": e.To}
	}
	recs, err := s.collect(ctx, tx, stmt{cypherOtherOne(t), map[string]any{"rows": rows}})
	if err != nil || len(recs) == 0 {
		return err
	}
	v := recs[0].Values
	i, _ := v[0].(int64)
	from, _ := v[1].(string)
	other, _ := v[2].(string)
	if int(i) < 0 || int(i) >= len(cs) {
		return s.internalf("one-parent check returned change %d", i)
	}
	return &changeError{int(i), kepu.OneConflict(t, from, other)}
}

// putEdgesOne writes a step of PutEdge changes as putEdges does and, for
// a One type, under the From nodes' locks and followed by the check.
func (s *Store) putEdgesOne(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, st step, results []kepu.Result, q string) error {
	if !oneRel(st.rel) {
		return s.putEdges(ctx, tx, cs, st, results, q)
	}
	if err := s.lockFroms(ctx, tx, cs, st.idx); err != nil {
		return err
	}
	if err := s.putEdges(ctx, tx, cs, st, results, q); err != nil {
		return err
	}
	return s.otherOne(ctx, tx, cs, st.rel, st.idx)
}

// checkCreateOne checks a CreateEdge change (index n) of a One type
// before its edge is created: it locks the From node and refuses the edge
// when the node has one of the type already.
func (s *Store) checkCreateOne(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, n int) error {
	if !oneRel(cs[n].Edge.Type) {
		return nil
	}
	if err := s.lockFroms(ctx, tx, cs, []int{n}); err != nil {
		return err
	}
	err := s.otherOne(ctx, tx, cs, cs[n].Edge.Type, []int{n})
	if ce, ok := err.(*changeError); ok {
		return ce.err // apply's caller names the change
	}
	return err
}

// checkOnesGraph looks for a node with two edges of a One type in the
// whole database (the end of a bulk load): Conflict naming the first.
func (s *Store) checkOnesGraph(ctx context.Context) error {
	for _, d := range kepu.RelDefs() {
		if !d.One {
			continue
		}
		for _, l := range d.From {
			// The degree of each node of the label (no edge read), then
			// the ends of the first node found.
			rel := "[:" + quote(string(d.Type)) + "]"
			q := "MATCH (a:" + quote(string(l)) + ") WHERE COUNT { (a)-" + rel + "->() } > 1 WITH a ORDER BY a.id LIMIT 1 " +
				"MATCH (a)-" + rel + "->(b:KG) WITH a, b ORDER BY b.id WITH a, collect(b.id) AS bs RETURN a.id AS from, bs[0] AS one, bs[1] AS other"
			recs, err := s.read(ctx, stmt{q, nil})
			if err != nil {
				return err
			}
			if len(recs) > 0 {
				v := recs[0].Values
				from, _ := v[0].(string)
				one, _ := v[1].(string)
				other, _ := v[2].(string)
				return kepu.Errorf(kepu.Conflict, "bulk load: %s has two %s relationships (to %s and %s); a node has at most one", from, d.Type, one, other)
			}
		}
	}
	return nil
}
