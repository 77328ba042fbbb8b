package neo4jstore

import "testing"

// Corpus is the Cypher corpus of TestCypherLint for the external tests
// (TestCypherExplain runs it on a real server).
func Corpus(t *testing.T) []namedStmt { return corpus(t) }

// SetRecorder makes the store call f with every statement it sends (set it
// before the store is used).
func SetRecorder(s *Store, f func(cypher string, params map[string]any)) { s.record = f }

// CypherBumpVersion is the statement that ends every write transaction
// (the version bump with the edge log's entry).
const CypherBumpVersion = cypherBumpLogged
