package neo4jstore

import "testing"

// Corpus is the Cypher corpus of TestCypherLint for the external tests
// (TestCypherExplain runs it on a real server).
func Corpus(t *testing.T) []namedStmt { return corpus(t) }

// CypherBumpVersion is the statement that ends every write transaction.
const CypherBumpVersion = cypherBumpVersion
