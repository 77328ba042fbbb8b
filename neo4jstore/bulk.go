package neo4jstore

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The puts of a bulk load into an empty database (BulkCreate).
//
// Nodes are CREATEd, and the statement returns the element ID Neo4j gave
// each node. Once the node's transaction has committed, the store
// remembers it (bulkEnds: the node's ID -> the number at the end of its
// element ID, 16 bytes a node in the loader). An edge whose two ends are
// remembered is then CREATEd between the nodes found by their element IDs
// (NodeByElementIdSeek: the node record at that position) instead of two
// seeks of the :KG(id) index, which JFR and the thread CPU showed to be a
// large part of an edge's cost (docs/neo4j.md, "Load at 1M (2026-12-01
// night)"). An edge with an end that is not remembered (a node put by an
// earlier, interrupted load, or by a batch that failed) is put as before,
// its ends sought by ID.
//
// Element IDs are only valid in this database and while the node exists;
// only the loader writes during a bulk load (BulkCreate's contract), so
// no remembered node is deleted or its ID reused before the load ends.
// The statements still count the rows they wrote: an end not found
// (whatever the reason) makes the batch fail naming it, as with IDs.

// bulkEnds maps node IDs to element IDs during a bulk load.
type bulkEnds struct {
	mu sync.RWMutex
	// prefix is the element IDs' common part ("4:<database uuid>:"); an
	// element ID of another form is not remembered.
	prefix string
	ids    map[string]int64
}

// bulkEnd is a node's ID and its element ID, as a node statement returns
// them.
type bulkEnd struct{ id, elementID string }

// remember stores the element IDs of committed nodes.
func (b *bulkEnds) remember(ends []bulkEnd) {
	if len(ends) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ids == nil {
		b.ids = make(map[string]int64)
	}
	for _, e := range ends {
		i := strings.LastIndexByte(e.elementID, ':')
		if i < 0 {
			continue
		}
		n, err := strconv.ParseInt(e.elementID[i+1:], 10, 64)
		if err != nil {
			continue
		}
		switch p := e.elementID[:i+1]; {
		case b.prefix == "":
			b.prefix = p
		case p != b.prefix:
			continue
		}
		b.ids[e.id] = n
	}
}

// lookup returns the element IDs of the ends of edges, and false when an
// end is not remembered.
func (b *bulkEnds) lookup(from, to string) (string, string, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, ok1 := b.ids[from]
	t, ok2 := b.ids[to]
	if !ok1 || !ok2 {
		return "", "", false
	}
	return b.prefix + strconv.FormatInt(f, 10), b.prefix + strconv.FormatInt(t, 10), true
}

// reset forgets every node.
func (b *bulkEnds) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prefix, b.ids = "", nil
}

// cypherBulkNodeIDs creates the nodes of label l from $rows, a list of
// property maps (each with its id), and returns [i, elementId] of every
// node created from $rows[i]. Reading a row's id after the SET (p.id or
// n.id) plans an Eager (the planner cannot tell that the row is not a
// node the SET writes); the row's index is no property, so none here
// (TestCypherExplain).
func cypherBulkNodeIDs(l kepu.Label) string {
	return "UNWIND range(0, size($rows) - 1) AS i CREATE (n:KG:" + quote(string(l)) + ") SET n = $rows[i] RETURN collect([i, elementId(n)]) AS ends"
}

// cypherBulkEdgesByElementID creates relationships of type t between the
// nodes of element IDs row.a and row.b, with the type's properties
// (relProps) from row.props. It returns the number of rows written.
func cypherBulkEdgesByElementID(t kepu.RelType) string {
	return "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a MATCH (b) WHERE elementId(b) = row.b " + createRowEdge(t)
}

// applyBulk writes a step of PutNode or PutEdge changes of a bulk load,
// adding the created nodes' element IDs to *ends (remembered once the
// transaction has committed).
func (s *Store) applyBulk(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, st step, results []kepu.Result, ends *[]bulkEnd) error {
	if st.kind == kepu.PutNode {
		rows := make([]any, len(st.idx))
		for i, n := range st.idx {
			node := cs[n].Node
			rows[i] = nodeRow(node)
			results[n] = kepu.Result{Node: node}
		}
		recs, err := s.collect(ctx, tx, stmt{cypherBulkNodeIDs(st.label), map[string]any{"rows": rows}})
		if err != nil {
			return err
		}
		if len(recs) != 1 {
			return s.internalf("bulk node statement returned %d records", len(recs))
		}
		got, _ := recs[0].Values[0].([]any)
		if len(got) != len(rows) {
			return s.internalf("bulk node statement created %d of %d nodes", len(got), len(rows))
		}
		for _, g := range got {
			pair, _ := g.([]any)
			if len(pair) != 2 {
				return s.internalf("bulk node statement returned %v", g)
			}
			i, ok := pair[0].(int64)
			eid, ok2 := pair[1].(string)
			if !ok || !ok2 || i < 0 || int(i) >= len(st.idx) {
				return s.internalf("bulk node statement returned %v", g)
			}
			*ends = append(*ends, bulkEnd{cs[st.idx[i]].Node.ID, eid})
		}
		return nil
	}
	// Edges: by element ID when every end is remembered, else by ID.
	rows := make([]any, len(st.idx))
	for i, n := range st.idx {
		e := cs[n].Edge
		a, b, ok := s.ends.lookup(e.From, e.To)
		if !ok {
			return s.putEdges(ctx, tx, cs, st, results, cypherBulkEdges(st.rel))
		}
		rows[i] = map[string]any{"a": a, "b": b, "props": map[string]any(e.Props)}
		results[n] = kepu.Result{Edge: e}
	}
	recs, err := s.collect(ctx, tx, stmt{cypherBulkEdgesByElementID(st.rel), map[string]any{"rows": rows}})
	if err != nil {
		return err
	}
	if len(recs) > 0 && toInt(recs[0].Values[0]) == len(rows) {
		return nil
	}
	// An end was not found (the transaction is rolled back): name it as a
	// put by ID does.
	n, found, err := s.firstMissingEnd(ctx, tx, edgeRows(cs, st))
	if err != nil {
		return err
	}
	if !found {
		return s.internalf("bulk load: an end of a %s edge is not at the element ID its node was created with (was the database written to during the load?)", st.rel)
	}
	return &changeError{n, s.missingEnd(ctx, tx, cs[n].Edge)}
}
