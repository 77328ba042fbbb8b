package neo4jstore

import (
	"context"
	"encoding/json"

	"github.com/kepugraph/kepugraph/kepu"
)

// The edge log (kepu.EdgeLog). Every write transaction ends with
// cypherBumpLogged instead of the bare version bump: it bumps the graph
// version and, in the same transaction, creates one node labelled
// ChangeLabel holding the new version and the write's relationship changes
// (kepu.EdgeChangesOf, as JSON), and deletes those older than
// ChangeLogWrites versions. The version node is locked by the MERGE until
// the commit, so every write of every process gets the next version and
// its entry commits with it: when the version read is V, the entries of
// every version up to V are committed. A reader asks for the entries
// after its version; if one is missing (pruned, or written by a process
// that keeps no log, such as an older kepugraph) or holds no changes (a
// write with more than ChangeLogMax of them: a bulk load's), it cannot
// catch up and reads the whole graph again.

// ChangeLabel labels the entries of the edge log (never KG: no query of
// the graph sees them).
const ChangeLabel = "KepuGraphChange"

const (
	// ChangeLogWrites is the number of versions whose entries are kept.
	ChangeLogWrites = 10000
	// ChangeLogMax is the most relationship changes one entry holds.
	ChangeLogMax = 256
)

const (
	// cypherBumpLogged ends every write transaction. It bumps the graph
	// version: one counter node (not :KG) that every write of every
	// process bumps; a new counter (an empty or wiped database) starts at
	// the clock in milliseconds, so that a version seen before the wipe
	// does not come back for another graph (a process caching results by
	// version). It writes the entry of the write ($changes: JSON, or null when not
	// logged) and prunes the entries of ChangeLogWrites versions ago (a
	// seek of the uniqueness constraint's index).
	cypherBumpLogged = "WITH 0 AS n " + bumpLoggedThen + " RETURN v." + VersionProp + " AS version"
	// bumpLoggedThen is cypherBumpLogged's write as a clause that keeps the
	// variable n of the clauses before it (one row): the single update
	// (cypherUpdateNodeAlone) ends with it.
	bumpLoggedThen = "MERGE (v:" + VersionLabel + " {id: 'graph'}) ON CREATE SET v." + VersionProp + " = timestamp() ON MATCH SET v." + VersionProp + " = v." + VersionProp + " + 1" +
		" CREATE (:" + ChangeLabel + " {version: v." + VersionProp + ", changes: $changes})" +
		" WITH n, v CALL (v) { MATCH (o:" + ChangeLabel + ") WHERE o.version <= v." + VersionProp + " - $keep DELETE o }"
	// cypherEdgeChanges reads the graph version, then the entries after
	// $since up to it, in version order (none when more than $keep
	// versions ago); one row of nulls when there are none.
	cypherEdgeChanges = "OPTIONAL MATCH (v:" + VersionLabel + " {id: 'graph'}) WITH coalesce(v." + VersionProp + ", 0) AS version" +
		" OPTIONAL MATCH (c:" + ChangeLabel + ") WHERE c.version > $since AND c.version <= version AND version - $since <= $keep" +
		" RETURN version, c.version AS entry, c.changes AS changes ORDER BY entry"
)

// ChangeLogSchema returns the statement that creates the uniqueness
// constraint on the entries' versions (the index that the reads and the
// pruning seek). Idempotent; EnsureSchema and EnsureKeyConstraints run it.
func ChangeLogSchema() []string {
	return []string{"CREATE CONSTRAINT kg_change_version IF NOT EXISTS FOR (c:" + ChangeLabel + ") REQUIRE c.version IS UNIQUE"}
}

// loggedChange is the JSON form of one kepu.EdgeChange: ["+", type, from,
// to], ["-", type, from, to] or ["x", id].
type loggedChange []string

// bumpLogged is the statement that ends a write of cs (see the top of this
// file).
func bumpLogged(cs []kepu.Change) stmt {
	return stmt{cypherBumpLogged, logParams(cs, map[string]any{})}
}

// logParams adds to params the parameters of bumpLoggedThen for a write
// of cs ($keep, $changes) and returns params.
func logParams(cs []kepu.Change, params map[string]any) map[string]any {
	params["keep"], params["changes"] = int64(ChangeLogWrites), nil
	ch := kepu.EdgeChangesOf(cs)
	if len(ch) <= ChangeLogMax {
		out := make([]loggedChange, 0, len(ch))
		for _, c := range ch {
			switch c.Kind {
			case kepu.EdgeAdded:
				out = append(out, loggedChange{"+", string(c.Edge.Type), c.Edge.From, c.Edge.To})
			case kepu.EdgeRemoved:
				out = append(out, loggedChange{"-", string(c.Edge.Type), c.Edge.From, c.Edge.To})
			case kepu.NodeRemoved:
				out = append(out, loggedChange{"x", c.ID})
			}
		}
		b, _ := json.Marshal(out) // strings only: cannot fail
		params["changes"] = string(b)
	}
	return params
}

var _ kepu.EdgeLog = (*Store)(nil)

// EdgeChangesSince implements kepu.EdgeLog: one statement reads the graph
// version and the log's entries after since (see the top of this file).
func (s *Store) EdgeChangesSince(ctx context.Context, since uint64) (kepu.EdgeChanges, bool, error) {
	recs, err := s.read(ctx, stmt{cypherEdgeChanges, map[string]any{"since": int64(since), "keep": int64(ChangeLogWrites)}})
	if err != nil {
		return kepu.EdgeChanges{}, false, err
	}
	if len(recs) == 0 {
		return kepu.EdgeChanges{}, false, s.internalf("edge log: no row")
	}
	v, _ := recs[0].Values[0].(int64)
	out := kepu.EdgeChanges{Since: since, Version: uint64(max(v, 0))}
	if since == out.Version {
		return out, true, nil
	}
	if since > out.Version {
		return out, false, nil
	}
	want := int64(since) + 1
	for _, r := range recs {
		entry, ok := r.Values[1].(int64)
		text, logged := r.Values[2].(string)
		if !ok || entry != want || !logged {
			return out, false, nil
		}
		var lcs []loggedChange
		if err := json.Unmarshal([]byte(text), &lcs); err != nil {
			return out, false, s.internalf("edge log entry %d: %v", entry, err)
		}
		for _, c := range lcs {
			switch {
			case len(c) == 4 && (c[0] == "+" || c[0] == "-"):
				k := kepu.EdgeAdded
				if c[0] == "-" {
					k = kepu.EdgeRemoved
				}
				out.Changes = append(out.Changes, kepu.EdgeChange{Kind: k, Edge: kepu.Edge{Type: kepu.RelType(c[1]), From: c[2], To: c[3]}})
			case len(c) == 2 && c[0] == "x":
				out.Changes = append(out.Changes, kepu.EdgeChange{Kind: kepu.NodeRemoved, ID: c[1]})
			default:
				return out, false, s.internalf("edge log entry %d: undecodable change %q", entry, c)
			}
		}
		want++
	}
	if want != v+1 {
		return out, false, nil
	}
	return out, true, nil
}

var _ kepu.EndsWalker = (*Store)(nil)

// walkEndsChunk is the number of nodes whose outgoing relationships one
// statement of WalkEnds reads.
const walkEndsChunk = 10000

// cypherWalkEnds reads the outgoing relationships (type and ends) of the
// next $limit nodes in ID order after $after, as three parallel lists in
// one record, and the last ID read: a seek of the :KG(id) index in its
// order. One record per chunk, not per relationship: the driver spends
// about 10 µs of CPU per record (a context and a goroutine per message
// read), which made a statement streaming one record per relationship
// cost 46 s of CPU for the 5M relationships of the 1M graph.
const cypherWalkEnds = "MATCH (a:KG) WHERE a." + IDKey + " > $after WITH a ORDER BY a." + IDKey + " LIMIT $limit" +
	" WITH collect(a) AS ns" +
	" CALL (ns) { UNWIND ns AS a MATCH (a)-[r]->(b:KG) RETURN collect(a." + IDKey + ") AS froms, collect(type(r)) AS types, collect(b." + IDKey + ") AS tos }" +
	" RETURN ns[-1]." + IDKey + " AS last, froms, types, tos"

// WalkEnds implements kepu.EndsWalker: the nodes in ID order, walkEndsChunk
// at a time (keyset: a relationship is read with its From node), each
// chunk's outgoing relationships in one statement (cypherWalkEnds).
func (s *Store) WalkEnds(ctx context.Context, fn func(rel kepu.RelType, from, to string) error) error {
	types := map[string]kepu.RelType{}
	for _, d := range kepu.RelDefs() {
		types[string(d.Type)] = d.Type
	}
	after := ""
	for {
		recs, err := s.read(ctx, walkEndsStmt(after, walkEndsChunk))
		if err != nil {
			return err
		}
		if len(recs) != 1 {
			return s.internalf("walk ends: %d records", len(recs))
		}
		vals := recs[0].Values
		last, _ := vals[0].(string)
		froms, _ := vals[1].([]any)
		rels, _ := vals[2].([]any)
		tos, _ := vals[3].([]any)
		if len(froms) != len(rels) || len(froms) != len(tos) {
			return s.internalf("walk ends: lists of %d, %d and %d ends", len(froms), len(rels), len(tos))
		}
		for i := range froms {
			from, _ := froms[i].(string)
			name, _ := rels[i].(string)
			to, _ := tos[i].(string)
			rel, ok := types[name]
			if !ok || from == "" || to == "" {
				return s.internalf("undecodable relationship %v -[%v]-> %v", froms[i], rels[i], tos[i])
			}
			if err := fn(rel, from, to); err != nil {
				return err
			}
		}
		if last == "" {
			return nil
		}
		after = last
	}
}

// walkEndsStmt is the statement of one chunk of WalkEnds.
func walkEndsStmt(after string, limit int) stmt {
	return stmt{cypherWalkEnds, map[string]any{"after": after, "limit": int64(limit)}}
}
