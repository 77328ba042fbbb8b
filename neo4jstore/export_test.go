package neo4jstore

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// Corpus is the Cypher corpus of TestCypherLint for the external tests
// (TestCypherExplain runs it on a real server).
func Corpus(t *testing.T) []namedStmt { return corpus(t, false) }

// UnusedParams returns the parameters a statement carries and its text
// does not use (see TestStatementParams).
func UnusedParams(cypher string, params map[string]any) []string { return unusedParams(cypher, params) }

// SetRecorder makes the store call f with every statement it sends (set it
// before the store is used).
func SetRecorder(s *Store, f func(cypher string, params map[string]any)) { s.record = f }

// CypherBumpVersion is the statement that ends every write transaction
// (the version bump with the edge log's entry).
const CypherBumpVersion = cypherBumpLogged

// BulkStatements are the puts of a bulk load of label l and type r: the
// nodes by CREATE returning nothing (rows {id, props}) and returning their
// element IDs (rows of property maps), the edges with their ends sought by
// ID (rows {i, from, to, props}) and by element ID (rows {a, b, props}).
func BulkStatements(l kepu.Label, r kepu.RelType) (nodes, nodeIDs, edges, edgesByElementID string) {
	return cypherBulkNodes(l), cypherBulkNodeIDs(l), cypherBulkEdges(r), cypherBulkEdgesByElementID(r)
}

// NodeRow is the stored form of a node (its properties, ID and search keys).
func NodeRow(n kepu.Node) map[string]any { return nodeRow(n) }

// SetSplitCap sets the group size from which a two-key page reads a group
// from the last key's index (splitCap) until the test ends.
func SetSplitCap(t *testing.T, n int) {
	old := splitCap
	splitCap = n
	t.Cleanup(func() { splitCap = old })
}

// SetSplitWindow sets the window (in pages) that a two-key page reads
// first from the last key's index (splitWindow) until the test ends.
func SetSplitWindow(t *testing.T, n int) {
	old := splitWindow
	splitWindow = n
	t.Cleanup(func() { splitWindow = old })
}
