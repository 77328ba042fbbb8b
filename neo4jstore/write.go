package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// batchSize bounds the rows of one UNWIND statement. (Statements of 10,000
// rows in a bulk load cost Neo4j the same CPU per record at --scale 100000:
// docs/neo4j.md, "Load at 1M (2026-12-01 night)".)
const batchSize = 1000

// step is one unit of a write: a batch of puts of one label or type, or one
// other change.
type step struct {
	kind  kepu.ChangeKind
	label kepu.Label
	rel   kepu.RelType
	idx   []int // the changes of the step, in order
}

// planWrite validates and normalizes the changes (into a copy) and groups
// them into steps. A run of consecutive PutNode changes becomes one batch per
// label, a run of consecutive PutEdge changes one batch per type; puts of
// one ID or edge stay in their order, and everything else keeps its place.
func planWrite(in []kepu.Change) ([]kepu.Change, []step, error) {
	cs := make([]kepu.Change, len(in))
	for i, c := range in {
		if err := checkChange(&c); err != nil {
			return nil, nil, atChange(i, c.Kind, err)
		}
		cs[i] = c
	}
	return cs, planSteps(cs), nil
}

// checkChange validates and normalizes one change in place.
func checkChange(c *kepu.Change) error {
	c.Set = maps.Clone(c.Set)
	switch c.Kind {
	case kepu.CreateNode, kepu.PutNode:
		if err := kepu.ValidateNode(&c.Node); err != nil {
			return err
		}
	case kepu.UpdateNode:
		l := kepu.LabelOf(c.ID)
		if l == "" {
			return kepu.Errorf(kepu.BadUserInput, "malformed node ID %q", trunc(c.ID))
		}
		if err := kepu.ValidateNodeUpdate(l, c.Set, c.Unset); err != nil {
			return err
		}
	case kepu.DeleteNode:
		if kepu.LabelOf(c.ID) == "" {
			return kepu.Errorf(kepu.BadUserInput, "malformed node ID %q", trunc(c.ID))
		}
	case kepu.CreateEdge, kepu.PutEdge:
		if err := checkEnds(c.Edge); err != nil {
			return err
		}
		c.Edge.Props = maps.Clone(c.Edge.Props)
		if err := kepu.ValidateEdge(&c.Edge, kepu.LabelOf(c.Edge.From), kepu.LabelOf(c.Edge.To)); err != nil {
			return err
		}
	case kepu.UpdateEdge:
		if err := kepu.ValidateEdgeUpdate(c.Edge.Type, c.Set, c.Unset); err != nil {
			return err
		}
	case kepu.DeleteEdge:
		if kepu.LookupRel(c.Edge.Type) == nil {
			return kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", trunc(string(c.Edge.Type)))
		}
	default:
		return kepu.Errorf(kepu.BadUserInput, "unknown change kind %q", trunc(string(c.Kind)))
	}
	return nil
}

// planSteps groups checked changes into steps.
func planSteps(cs []kepu.Change) []step {
	var steps []step
	for i := 0; i < len(cs); {
		k := cs[i].Kind
		if k != kepu.PutNode && k != kepu.PutEdge {
			steps = append(steps, step{kind: k, idx: []int{i}})
			i++
			continue
		}
		j := i
		for j < len(cs) && cs[j].Kind == k {
			j++
		}
		groups := map[string]int{} // label or type -> index in steps
		for n := i; n < j; n++ {
			key := string(cs[n].Node.Label)
			if k == kepu.PutEdge {
				key = string(cs[n].Edge.Type)
			}
			g, ok := groups[key]
			if !ok || len(steps[g].idx) >= batchSize {
				steps = append(steps, step{kind: k, label: cs[n].Node.Label, rel: cs[n].Edge.Type})
				g = len(steps) - 1
				groups[key] = g
			}
			steps[g].idx = append(steps[g].idx, n)
		}
		i = j
	}
	return steps
}

// changeError is an error of the change at index i of a batched step.
type changeError struct {
	i   int
	err error
}

func (e *changeError) Error() string { return e.err.Error() }
func (e *changeError) Unwrap() error { return e.err }

// atChange says which change of a write an error is about (1-based), as
// the embedded store does: "change 2 (createEdge): node ... not found".
func atChange(i int, kind kepu.ChangeKind, err error) error {
	var ke *kepu.Error
	if !errors.As(err, &ke) {
		return err
	}
	return &kepu.Error{Code: ke.Code, Field: ke.Field, Message: fmt.Sprintf("change %d (%s): %s", i+1, kind, ke.Message)}
}

// checkEnds rejects edges whose end IDs cannot name a node.
func checkEnds(e kepu.Edge) error {
	for _, id := range []string{e.From, e.To} {
		if kepu.LabelOf(id) == "" {
			return kepu.Errorf(kepu.NotFound, "node %s not found", trunc(id))
		}
	}
	return nil
}

// nodeRow is the stored form of a node: its properties and its ID, its
// search keys and its absent-value markers (absent.go).
func nodeRow(n kepu.Node) map[string]any {
	props := make(map[string]any, len(n.Props)+3)
	maps.Copy(props, n.Props)
	props[IDKey] = n.ID
	addSearchKeys(props)
	addAbsentMarkers(kepu.LabelOf(n.ID), props)
	return props
}

// Write implements kepu.Store: all changes in one managed write transaction.
// The transaction function only reads and writes inside the transaction, so
// the driver may run it again after a transient error.
func (s *Store) Write(ctx context.Context, changes []kepu.Change) ([]kepu.Result, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	cs, steps, err := planWrite(changes)
	if err != nil {
		return nil, err
	}
	bulk := s.bulk.Load()
	// Reads of this request after the write must see it.
	defer scopeOf(ctx).forget()
	if len(cs) == 1 && cs[0].Kind == kepu.UpdateNode && !kepu.SetsSpanYear(cs[0].Set) {
		// One statement, one round trip (writeAlone). An update that sets
		// a year of a span takes the transaction below: its span is
		// checked on the node it leaves before the commit.
		c := cs[0]
		recs, err := s.writeAlone(ctx, stmt{cypherUpdateNodeAlone(kepu.LabelOf(c.ID)), logParams(cs, updateParams(c))})
		if err != nil {
			return nil, err
		}
		n, err := s.updatedNode(recs, c.ID)
		if err != nil {
			return nil, atChange(0, c.Kind, err)
		}
		return []kepu.Result{{Node: n}}, nil
	}
	results := make([]kepu.Result, len(cs))
	var ends []bulkEnd // of the bulk nodes created (BulkCreate)
	_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		clear(results)
		ends = ends[:0]
		for _, st := range steps {
			var err error
			if bulk && (st.kind == kepu.PutNode || st.kind == kepu.PutEdge) {
				err = s.applyBulk(ctx, tx, cs, st, results, &ends)
			} else {
				err = s.apply(ctx, tx, cs, st, results)
			}
			if err != nil {
				var ce *changeError
				if errors.As(err, &ce) {
					return nil, atChange(ce.i, cs[ce.i].Kind, ce.err)
				}
				if len(st.idx) == 1 {
					return nil, atChange(st.idx[0], st.kind, err)
				}
				return nil, err
			}
		}
		_, err := s.collect(ctx, tx, bumpLogged(cs)) // the version and the edge log (changes.go)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	s.ends.remember(ends)
	return results, nil
}

func (s *Store) apply(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, st step, results []kepu.Result) error {
	first := cs[st.idx[0]]
	switch st.kind {
	case kepu.PutNode:
		rows := make([]any, len(st.idx))
		for i, n := range st.idx {
			node := cs[n].Node
			rows[i] = map[string]any{"id": node.ID, "props": nodeRow(node)}
			results[n] = kepu.Result{Node: node}
		}
		_, err := s.collect(ctx, tx, stmt{cypherPutNodes(st.label), map[string]any{"rows": rows}})
		return err

	case kepu.PutEdge:
		return s.putEdgesOne(ctx, tx, cs, st, results, cypherPutEdges(st.rel)) // hierarchy.go

	case kepu.CreateNode:
		n := first.Node
		recs, err := s.collect(ctx, tx, stmt{cypherCreateNode(n.Label), map[string]any{"id": n.ID, "props": nodeRow(n)}})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return kepu.Errorf(kepu.Conflict, "node %s already exists", n.ID)
		}
		node, err := decodeNode(recs[0].Values[0], nil)
		if err != nil {
			return s.internalf("%v", err)
		}
		results[st.idx[0]] = kepu.Result{Node: node}
		return nil

	case kepu.UpdateNode:
		l := kepu.LabelOf(first.ID)
		recs, err := s.collect(ctx, tx, stmt{cypherUpdateNode(l), updateParams(first)})
		if err != nil {
			return err
		}
		node, err := s.updatedNode(recs, first.ID)
		if err != nil {
			return err
		}
		// The node as the SET left it, under the SET's write lock until
		// the commit: an error rolls the whole write back.
		if err := kepu.CheckSpans(node.Props, first.Set); err != nil {
			return err
		}
		results[st.idx[0]] = kepu.Result{Node: node}
		return nil

	case kepu.DeleteNode:
		recs, err := s.collect(ctx, tx, stmt{cypherDeleteNode, map[string]any{"id": first.ID}})
		if err != nil {
			return err
		}
		if (len(recs) == 0 || toInt(recs[0].Values[0]) == 0) && !first.IfExists {
			return kepu.Errorf(kepu.NotFound, "node %s not found", trunc(first.ID))
		}
		return nil

	case kepu.CreateEdge:
		e := first.Edge
		recs, err := s.collect(ctx, tx, stmt{cypherProbeEdge(e.Type), map[string]any{"from": e.From, "to": e.To}})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return s.internalf("edge probe returned no row")
		}
		v := recs[0].Values
		switch {
		case v[0] != true:
			return kepu.Errorf(kepu.NotFound, "node %s not found", e.From)
		case v[1] != true:
			return kepu.Errorf(kepu.NotFound, "node %s not found", e.To)
		case v[2] == true:
			return kepu.Errorf(kepu.Conflict, "%s edge from %s to %s already exists", e.Type, e.From, e.To)
		}
		if err := s.checkCreateOne(ctx, tx, cs, st.idx[0]); err != nil { // hierarchy.go
			return err
		}
		recs, err = s.collect(ctx, tx, stmt{cypherCreateEdge(e.Type), map[string]any{"from": e.From, "to": e.To, "props": map[string]any(e.Props)}})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return kepu.Errorf(kepu.NotFound, "node %s or %s not found", e.From, e.To)
		}
		props, err := decodeRel(recs[0].Values[0], e.Type)
		if err != nil {
			return s.internalf("%v", err)
		}
		e.Props = props
		results[st.idx[0]] = kepu.Result{Edge: e}
		return nil

	case kepu.UpdateEdge:
		e := first.Edge
		set := map[string]any{}
		maps.Copy(set, first.Set)
		for _, k := range first.Unset {
			set[k] = nil
		}
		recs, err := s.collect(ctx, tx, stmt{cypherUpdateEdge(e.Type), map[string]any{"from": e.From, "to": e.To, "set": set}})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return kepu.Errorf(kepu.NotFound, "%s edge from %s to %s not found", e.Type, trunc(e.From), trunc(e.To))
		}
		props, err := decodeRel(recs[0].Values[0], e.Type)
		if err != nil {
			return s.internalf("%v", err)
		}
		if err := kepu.CheckSpans(props, first.Set); err != nil {
			return err // rolled back, as for a node
		}
		results[st.idx[0]] = kepu.Result{Edge: kepu.Edge{Type: e.Type, From: e.From, To: e.To, Props: props}}
		return nil

	case kepu.DeleteEdge:
		e := first.Edge
		recs, err := s.collect(ctx, tx, stmt{cypherDeleteEdge(e.Type), map[string]any{"from": e.From, "to": e.To}})
		if err != nil {
			return err
		}
		if (len(recs) == 0 || toInt(recs[0].Values[0]) == 0) && !first.IfExists {
			return kepu.Errorf(kepu.NotFound, "%s edge from %s to %s not found", e.Type, trunc(e.From), trunc(e.To))
		}
		return nil
	}
	return kepu.Errorf(kepu.BadUserInput, "unknown change kind %q", trunc(string(st.kind)))
}

// updateParams returns the parameters of an update of a node: its ID and
// the map to SET (an unset property is null there), with the search keys
// and the absent-value markers that follow from it.
func updateParams(c kepu.Change) map[string]any {
	set := make(map[string]any, len(c.Set)+len(c.Unset)+5)
	maps.Copy(set, c.Set)
	for _, k := range c.Unset {
		set[k] = nil
	}
	updateSearchKeys(set)
	updateAbsentMarkers(kepu.LabelOf(c.ID), set)
	return map[string]any{"id": c.ID, "set": set}
}

// updatedNode decodes the node that an update returned (NOT_FOUND when
// it returned none).
func (s *Store) updatedNode(recs []*neo4j.Record, id string) (kepu.Node, error) {
	if len(recs) == 0 {
		return kepu.Node{}, kepu.Errorf(kepu.NotFound, "node %s not found", trunc(id))
	}
	node, err := decodeNode(recs[0].Values[0], projectionOf([]kepu.Label{kepu.LabelOf(id)}))
	if err != nil {
		return kepu.Node{}, s.internalf("%v", err)
	}
	return node, nil
}

// putEdges writes a step of PutEdge changes with statement q, which finds
// both ends of each row by ID and returns the number of rows written.
func (s *Store) putEdges(ctx context.Context, tx neo4j.ManagedTransaction, cs []kepu.Change, st step, results []kepu.Result, q string) error {
	rows := edgeRows(cs, st)
	for _, n := range st.idx {
		results[n] = kepu.Result{Edge: cs[n].Edge}
	}
	recs, err := s.collect(ctx, tx, stmt{q, map[string]any{"rows": rows}})
	if err != nil {
		return err
	}
	if len(recs) > 0 && toInt(recs[0].Values[0]) == len(rows) {
		return nil
	}
	// Fewer rows written than puts: an end is missing. Name the first such
	// put (the transaction is rolled back).
	n, found, err := s.firstMissingEnd(ctx, tx, rows)
	if err != nil {
		return err
	}
	if !found {
		n = st.idx[0]
	}
	return &changeError{n, s.missingEnd(ctx, tx, cs[n].Edge)}
}

// edgeRows are the rows of a step of PutEdge changes: the change's index
// i, the ends' IDs and the properties.
func edgeRows(cs []kepu.Change, st step) []any {
	rows := make([]any, len(st.idx))
	for i, n := range st.idx {
		e := cs[n].Edge
		rows[i] = map[string]any{"i": int64(n), "from": e.From, "to": e.To, "props": map[string]any(e.Props)}
	}
	return rows
}

// firstMissingEnd returns the index of the first change of edgeRows rows
// with an end that no node has as ID, and false when there is none.
func (s *Store) firstMissingEnd(ctx context.Context, tx neo4j.ManagedTransaction, rows []any) (int, bool, error) {
	recs, err := s.collect(ctx, tx, stmt{cypherMissingEnd, map[string]any{"rows": rows}})
	if err != nil || len(recs) == 0 {
		return 0, false, err
	}
	i, ok := recs[0].Values[0].(int64)
	return int(i), ok, nil
}

// missingEnd names the missing end of an edge whose put matched no nodes.
func (s *Store) missingEnd(ctx context.Context, tx neo4j.ManagedTransaction, e kepu.Edge) error {
	recs, err := s.collect(ctx, tx, stmt{cypherProbeEdge(e.Type), map[string]any{"from": e.From, "to": e.To}})
	if err != nil {
		return err
	}
	if len(recs) > 0 && recs[0].Values[0] == true {
		return kepu.Errorf(kepu.NotFound, "node %s not found", trunc(e.To))
	}
	return kepu.Errorf(kepu.NotFound, "node %s not found", trunc(e.From))
}

// BulkCreate prepares a bulk load: when the database holds no node, it
// switches the store's PutNode and PutEdge batches from MERGE to CREATE
// (no lookup of an existing node or relationship; edges find their ends by
// the element IDs of the nodes' CREATE, see bulk.go) and returns true; when
// it holds nodes, it leaves the store as it is (MERGE) and returns false.
// Only a loader that alone writes to the database, and puts every node and
// edge once, may call it; CheckBulkLoad then verifies the counts. A load
// that stops half-way leaves a database that is not empty: the rerun MERGEs
// and so completes the graph, as with MERGE from the start.
//
// It creates the constraints a load needs before its first write: into an
// empty database only those of the version node and the edge log (whose MERGE by concurrent
// writers would otherwise create two), the ID constraint after the data
// (CheckBulkLoad), in one pass instead of an index insert in every
// transaction; into a database with nodes both (EnsureKeyConstraints), which
// the MERGEs seek.
func (s *Store) BulkCreate(ctx context.Context) (bool, error) {
	recs, err := s.read(ctx, stmt{cypherAnyNode, nil})
	if err != nil {
		return false, err
	}
	empty := len(recs) == 0
	keys := KeyConstraintStatements()
	if empty {
		keys = slices.DeleteFunc(keys, func(q string) bool { return !strings.Contains(q, "(v:"+VersionLabel+")") })
	}
	// The edge log's constraint too: every transaction's version bump
	// seeks it to prune the log (ChangeLogSchema).
	if err := s.runSchema(ctx, append(keys, ChangeLogSchema()...)); err != nil {
		return false, err
	}
	if empty {
		// The load writes every node's search keys in this build's format.
		if err := s.setSearchFormat(ctx); err != nil {
			return false, err
		}
	}
	s.ends.reset()
	s.bulk.Store(empty)
	return empty, nil
}

// CheckBulkLoad ends a bulk load begun with BulkCreate (the store MERGEs
// again) and checks that the database holds exactly nodes nodes and edges
// relationships, the records the load wrote: a node or an edge put twice
// would be two (INTERNAL_SERVER_ERROR naming the counts when they
// differ), and that no node has two PART_OF parents or two LOCATED_IN
// places (the bulk puts skip the per-write check: CONFLICT naming the
// node; the load is written, load into an empty database again after
// fixing it). The ID constraints, which BulkCreate left for after the data,
// come next, with the other indexes (BulkSchema); until then a rerun
// (after a crash, say) creates them first (BulkCreate on a database with
// nodes).
func (s *Store) CheckBulkLoad(ctx context.Context, nodes, edges int) error {
	s.bulk.Store(false)
	s.ends.reset()
	recs, err := s.read(ctx, stmt{cypherCountGraph, nil})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return s.internalf("bulk load check: no counts")
	}
	gotN, gotE := toInt(recs[0].Values[0]), toInt(recs[0].Values[1])
	if gotN != nodes || gotE != edges {
		return kepu.Errorf(kepu.Internal, "bulk load: the database holds %d nodes and %d relationships, the load wrote %d and %d (a record put twice?)", gotN, gotE, nodes, edges)
	}
	return s.checkOnesGraph(ctx) // hierarchy.go
}
