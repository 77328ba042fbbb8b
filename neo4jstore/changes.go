package neo4jstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
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
	// cypherBumpLogged bumps the graph version as cypherBumpVersion does,
	// writes the entry of the write ($changes: JSON, or null when not
	// logged) and prunes the entries of ChangeLogWrites versions ago (a
	// seek of the uniqueness constraint's index).
	cypherBumpLogged = "MERGE (v:" + VersionLabel + " {id: 'graph'}) ON CREATE SET v." + VersionProp + " = timestamp() ON MATCH SET v." + VersionProp + " = v." + VersionProp + " + 1" +
		" CREATE (:" + ChangeLabel + " {version: v." + VersionProp + ", changes: $changes})" +
		" WITH v CALL (v) { MATCH (o:" + ChangeLabel + ") WHERE o.version <= v." + VersionProp + " - $keep DELETE o }" +
		" RETURN v." + VersionProp + " AS version"
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
	params := map[string]any{"keep": int64(ChangeLogWrites), "changes": nil}
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
	return stmt{cypherBumpLogged, params}
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

// walkEndsFetch is the number of records the driver asks for at a time
// while streaming the ends of a type.
const walkEndsFetch = 10000

// WalkEnds implements kepu.EndsWalker: one statement per type, streamed
// (cypherWalkEnds, no ORDER BY, the two ids only), in an auto-commit read
// transaction bounded by the context's deadline (10 minutes without one)
// instead of TxTimeout. It is not retried: an error of the stream is
// returned.
func (s *Store) WalkEnds(ctx context.Context, rel kepu.RelType, fn func(from, to string) error) error {
	if kepu.LookupRel(rel) == nil {
		return kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", trunc(string(rel)))
	}
	if err := s.gate(ctx); err != nil {
		return err
	}
	timeout := 10 * time.Minute
	if d, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(d), time.Second)
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{
		AccessMode:      neo4j.AccessModeRead,
		DatabaseName:    s.cfg.Database,
		BookmarkManager: s.bookmarks,
		FetchSize:       walkEndsFetch,
	})
	defer sess.Close(context.Background())
	st := walkEndsStmt(rel)
	s.trips.Add(1)
	if s.record != nil {
		s.record(st.Cypher, st.Params)
	}
	res, err := sess.Run(ctx, st.Cypher, st.Params, neo4j.WithTxTimeout(timeout))
	if err != nil {
		err = s.translate(ctx, "walk ends", err)
		s.observe(ctx, err)
		return err
	}
	for res.Next(ctx) {
		vals := res.Record().Values
		from, _ := vals[0].(string)
		to, _ := vals[1].(string)
		if from == "" || to == "" {
			return s.internalf("undecodable %s relationship ends %v", rel, vals)
		}
		if err := fn(from, to); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		err = s.translate(ctx, "walk ends", err)
		s.observe(ctx, err)
		return err
	}
	s.observe(ctx, nil)
	return nil
}

// walkEndsStmt is the statement of WalkEnds for rel: a scan of the
// relationship type index and the id of both ends, in no order.
func walkEndsStmt(rel kepu.RelType) stmt {
	return stmt{Cypher: "MATCH (a:KG)-[:" + quote(string(rel)) + "]->(b:KG) RETURN a." + IDKey + " AS from, b." + IDKey + " AS to"}
}
