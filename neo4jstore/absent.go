package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/kepu"
)

// Absent values. Neo4j's indexes hold only the nodes that have their
// properties, so the nodes without an orderable property (a museum with no
// opening year) are in no index of it: a page among them, or the first
// page of a descending order (absent values sort first there), scanned the
// whole label (214,204 db hits for a page of museums at 1M). So every node
// stores, for each optional orderable property of its label that it lacks,
// a marker property AbsentKey(p) = true, and each label has a composite
// index (marker, id) per such property (SchemaStatements): the absent
// values of an order are an equality and an ID range read in order, like
// the ties of a value. Every write keeps the markers (nodeRow,
// updateParams, the bulk rows of bulkNodeList); reads never return them
// (decodeNode keeps the registry's properties). A node has one entry per
// orderable property either way: in the property's index or in its
// marker's. Required properties need none (every node has them).

// AbsentKey returns the marker property of an absent property p. The
// colon keeps it apart from every registry property (GraphQL names).
func AbsentKey(p string) string { return "absent:" + p }

// absentMarked returns the optional orderable properties of label l, the
// properties that have markers.
func absentMarked(l kepu.Label) []string { return markedProps()[l] }

var markedProps = sync.OnceValue(func() map[kepu.Label][]string {
	out := map[kepu.Label][]string{}
	for _, d := range kepu.LabelDefs() {
		for _, p := range d.Props {
			if p.Type.Ordered() && !p.Required {
				out[d.Label] = append(out[d.Label], p.Name)
			}
		}
	}
	return out
})

// addAbsentMarkers adds to the stored properties of a node of label l
// (a whole node: create, put) the markers of the properties it lacks.
func addAbsentMarkers(l kepu.Label, props map[string]any) {
	for _, p := range absentMarked(l) {
		if props[p] == nil {
			props[AbsentKey(p)] = true
		}
	}
}

// updateAbsentMarkers adds to the SET map of an update of a node of label
// l the markers that follow from it: set for a property it removes (null),
// removed for one it sets.
func updateAbsentMarkers(l kepu.Label, set map[string]any) {
	for _, p := range absentMarked(l) {
		v, ok := set[p]
		if !ok {
			continue
		}
		if v == nil {
			set[AbsentKey(p)] = true
		} else {
			set[AbsentKey(p)] = nil
		}
	}
}

// absentIndexName is the name of the index (marker, id) of property p of
// label l.
func absentIndexName(l kepu.Label, p string) string {
	return strings.ToLower(string(l)) + "_" + strings.ToLower(p) + "_absent_id"
}

// absentIndexStatements returns the statements that create the indexes
// (marker, id) of every label (idempotent).
func absentIndexStatements() []string {
	var out []string
	for _, d := range kepu.LabelDefs() {
		for _, p := range absentMarked(d.Label) {
			out = append(out, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s, n.id)",
				absentIndexName(d.Label, p), quote(string(d.Label)), quote(AbsentKey(p))))
		}
	}
	return out
}

// cypherFillAbsent sets the markers of the next $limit nodes of label l
// after $after in ID order (the label's ID constraint's index, in order)
// from their properties, removing a marker of a property a node has, and
// returns how many it visited and the last ID. Idempotent.
func cypherFillAbsent(l kepu.Label) string {
	var set []string
	for _, p := range absentMarked(l) {
		set = append(set, "n."+quote(AbsentKey(p))+" = CASE WHEN n."+quote(p)+" IS NULL THEN true END")
	}
	return "MATCH (n:" + quote(string(l)) + ") WHERE n.id > $after WITH n ORDER BY n.id LIMIT $limit SET " +
		strings.Join(set, ", ") + " RETURN count(n) AS c, max(n.id) AS last"
}

// cypherAbsentIndexes counts the marker indexes the database has.
const cypherAbsentIndexes = "SHOW INDEXES YIELD name WHERE name ENDS WITH '_absent_id' RETURN count(*) AS c"

// fillAbsentMarkers writes the markers of every node (cypherFillAbsent,
// label by label, a write transaction per 10,000 nodes) unless the
// database has every marker index: those are created after the markers
// are written (by EnsureSchema after this, or by BulkSchema after a bulk
// load, whose rows hold the markers), so a database that has them holds
// the markers (part of EnsureSchema; a database of before 2026-12-02 is
// filled once: one pass over every node). It returns how many nodes it
// visited (0: none needed).
func (s *Store) fillAbsentMarkers(ctx context.Context) (int, error) {
	recs, err := s.read(ctx, stmt{cypherAbsentIndexes, nil})
	if err != nil {
		return 0, err
	}
	if len(recs) > 0 && toInt(recs[0].Values[0]) >= len(absentIndexStatements()) {
		return 0, nil
	}
	n := 0
	for _, d := range kepu.LabelDefs() {
		if len(absentMarked(d.Label)) == 0 {
			continue
		}
		q := cypherFillAbsent(d.Label)
		for after := ""; ; {
			res, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				return s.collect(ctx, tx, stmt{q, map[string]any{"after": after, "limit": int64(10000)}})
			})
			if err != nil {
				return n, err
			}
			recs, _ := res.([]*neo4j.Record)
			if len(recs) == 0 || toInt(recs[0].Values[0]) == 0 {
				break
			}
			n += toInt(recs[0].Values[0])
			after, _ = recs[0].Values[1].(string)
		}
	}
	return n, nil
}
