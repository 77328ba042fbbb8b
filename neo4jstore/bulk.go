package neo4jstore

import (
	"context"
	"fmt"
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

// lookup returns the numbers at the end of the element IDs of the ends of
// edges (the element ID is the prefix and the number), and false when an
// end is not remembered.
func (b *bulkEnds) lookup(from, to string) (int64, int64, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	f, ok1 := b.ids[from]
	t, ok2 := b.ids[to]
	return f, t, ok1 && ok2
}

// elementPrefix is the element IDs' common prefix ("" before the first
// node is remembered).
func (b *bulkEnds) elementPrefix() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.prefix
}

// reset forgets every node.
func (b *bulkEnds) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prefix, b.ids = "", nil
}

// Rows of a bulk load are lists, not maps: a node's row holds its
// properties in the order of bulkNodeColumns(label), an edge's its two
// ends and then its properties in the order of relProps(type); an absent
// property is null, which CREATE does not store (as SET n = map does not).
// A list costs the driver less to pack and Neo4j less to unpack than a
// map with its keys (the loader's CPU per record: docs/neo4j.md, "Load at
// 1M (2026-12-02)").

// bulkNodeColumns returns the property keys of label l's bulk rows, in
// order: the ID, the registry's properties of l, the search keys, the
// absent-value markers (absent.go).
func bulkNodeColumns(l kepu.Label) []string {
	out := []string{IDKey}
	if d := kepu.LookupLabel(l); d != nil {
		for _, p := range d.Props {
			out = append(out, p.Name)
		}
	}
	out = append(out, PropSearchWords, PropSearchHan, PropSearchPinyin, PropSearchInitials)
	for _, p := range absentMarked(l) {
		out = append(out, AbsentKey(p))
	}
	return out
}

// bulkCols is the layout of label l's bulk rows (bulkNodeColumns(l)).
type bulkCols struct {
	at                               map[string]int // key -> its position in the row
	id, words, han, pinyin, initials int            // positions of the ID and the search keys
	// markers: the position of each absent-marked property (absentMarked)
	// and of its marker (AbsentKey).
	markers [][2]int
}

// bulkColumns caches the layout of every label's bulk rows.
var bulkColumns = sync.OnceValue(func() map[kepu.Label]*bulkCols {
	out := map[kepu.Label]*bulkCols{}
	for _, d := range kepu.LabelDefs() {
		c := &bulkCols{at: map[string]int{}}
		for i, k := range bulkNodeColumns(d.Label) {
			c.at[k] = i
		}
		c.id, c.words, c.han = c.at[IDKey], c.at[PropSearchWords], c.at[PropSearchHan]
		c.pinyin, c.initials = c.at[PropSearchPinyin], c.at[PropSearchInitials]
		for _, p := range absentMarked(d.Label) {
			c.markers = append(c.markers, [2]int{c.at[p], c.at[AbsentKey(p)]})
		}
		out[d.Label] = c
	}
	return out
})

// bulkNodeList fills row, of len(cols.at), with the row of node n (its
// label's columns): its properties, its ID, its search keys and its
// absent-value markers (nodeRow's, as a list).
func bulkNodeList(n kepu.Node, cols *bulkCols, row []any) error {
	for k, v := range n.Props {
		i, ok := cols.at[k]
		if !ok {
			return fmt.Errorf("property %q of %s is not in the registry", k, n.ID)
		}
		row[i] = v
	}
	row[cols.id] = n.ID
	row[cols.words] = nameKeys(n.Props[kepu.PropName])
	row[cols.han], row[cols.pinyin], row[cols.initials] = zhKeys(n.Props[kepu.PropNameZh])
	for _, m := range cols.markers {
		if row[m[0]] == nil {
			row[m[1]] = true
		}
	}
	return nil
}

// cypherBulkNodeIDs creates the nodes of label l from $rows, lists of
// properties in the order of bulkNodeColumns(l), and returns
// [i, elementId] of every node created from $rows[i]. Reading a row's id
// after the CREATE (n.id), or naming the row in a WITH before it, plans an
// Eager (the planner cannot tell that the row is not a node the CREATE
// writes); the row's index is no property, so none here
// (TestCypherExplain).
func cypherBulkNodeIDs(l kepu.Label) string {
	cols := bulkNodeColumns(l)
	props := make([]string, len(cols))
	for i, k := range cols {
		props[i] = quote(k) + ": $rows[i][" + strconv.Itoa(i) + "]"
	}
	return "UNWIND range(0, size($rows) - 1) AS i CREATE (n:KG:" + quote(string(l)) +
		" {" + strings.Join(props, ", ") + "}) RETURN collect([i, elementId(n)]) AS ends"
}

// cypherBulkEdgesByElementID creates relationships of type t from $rows,
// lists [a, b, properties in the order of relProps(t)...], between the
// nodes whose element IDs are $prefix followed by a and b. It returns the
// number of rows written.
func cypherBulkEdgesByElementID(t kepu.RelType) string {
	var props []string
	for i, p := range relProps(t) {
		props = append(props, quote(p)+": row["+strconv.Itoa(i+2)+"]")
	}
	return "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = $prefix + row[0] MATCH (b) WHERE elementId(b) = $prefix + row[1]" +
		" CREATE (a)-[r:" + quote(string(t)) + " {" + strings.Join(props, ", ") + "}]->(b) RETURN count(*) AS c"
}

// applyBulk writes a step of PutNode or PutEdge changes of a bulk load,
// adding the created nodes' element IDs to *ends (remembered once the
// transaction has committed).
func (s *Store) applyBulk(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, st step, results []kepu.Result, ends *[]bulkEnd) error {
	if st.kind == kepu.PutNode {
		cols := bulkColumns()[st.label]
		if cols == nil {
			return s.internalf("bulk load: no bulk columns of label %q", st.label)
		}
		// The rows are slices of one allocation (a statement's rows are
		// packed and sent together).
		w := len(cols.at)
		flat := make([]any, len(st.idx)*w)
		rows := make([]any, len(st.idx))
		for i, n := range st.idx {
			node := cs[n].Node
			row := flat[i*w : (i+1)*w : (i+1)*w]
			if err := bulkNodeList(node, cols, row); err != nil {
				return &changeError{n, s.internalf("bulk load: %v", err)}
			}
			rows[i] = row
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
	props := relProps(st.rel)
	w := 2 + len(props)
	flat := make([]any, len(st.idx)*w) // the rows, one allocation
	rows := make([]any, len(st.idx))
	for i, n := range st.idx {
		e := cs[n].Edge
		a, b, ok := s.ends.lookup(e.From, e.To)
		if !ok {
			return s.putEdges(ctx, tx, cs, st, results, cypherBulkEdges(st.rel))
		}
		row := flat[i*w : (i+1)*w : (i+1)*w]
		row[0], row[1] = a, b
		found := 0
		for j, p := range props {
			if v, ok := e.Props[p]; ok {
				row[2+j] = v
				found++
			}
		}
		if found != len(e.Props) {
			return &changeError{n, s.internalf("bulk load: a property of the %s edge from %s to %s is not in the registry", e.Type, e.From, e.To)}
		}
		rows[i] = row
		results[n] = kepu.Result{Edge: e}
	}
	recs, err := s.collect(ctx, tx, stmt{cypherBulkEdgesByElementID(st.rel), map[string]any{"rows": rows, "prefix": s.ends.elementPrefix()}})
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

// BulkSchema creates the schema of a database that a bulk load has just
// filled (BulkCreate, then CheckBulkLoad): the ID constraints and every
// constraint and index of SchemaStatements, in one transaction, so that
// Neo4j populates them together (one job, one scan of the store, instead
// of one per statement, each uniqueness constraint waiting for its own).
// It returns once the transaction has committed; the indexes may still be
// populating (AwaitIndexes waits for them). A constraint that the data
// violates (a node ID put twice) fails it: INTERNAL_SERVER_ERROR with
// Neo4j's message, which names the nodes and their ID.
//
// Unlike EnsureSchema it does not look for nodes without search keys or
// for the indexes of older databases: the load wrote every node with its
// keys into an empty database. A database that was not filled by a bulk
// load takes EnsureSchema.
func (s *Store) BulkSchema(ctx context.Context) error {
	stmts := append(KeyConstraintStatements(), ChangeLogSchema()...)
	stmts = append(stmts, SchemaStatements()...)
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		for _, q := range stmts {
			s.trips.Add(1)
			res, err := tx.Run(ctx, q, nil)
			if err == nil {
				_, err = res.Consume(ctx)
			}
			if err != nil {
				return nil, err
			}
		}
		return nil, nil
	}, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	if n := neo4jError(err); n != nil && n.Code == "Neo.DatabaseError.Schema.ConstraintCreationFailed" {
		// The loader's data breaks a constraint: say which nodes (Neo4j's
		// message names the first two that share an ID).
		s.log.Error("neo4j: bulk load: constraint creation failed", "code", n.Code, "detail", n.Msg)
		return kepu.Errorf(kepu.Internal, "bulk load: %s", scrub(n.Msg, s.cfg.Password))
	}
	if err != nil {
		return s.translate(ctx, "ensure schema", err)
	}
	return nil
}
