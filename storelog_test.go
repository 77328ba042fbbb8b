package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/server"
)

// TestStoreLogArgs: the "store open" log line names what is used: the data
// directory of the embedded store; for Neo4j its URI (without credentials)
// and database, and no data directory (which it does not use).
func TestStoreLogArgs(t *testing.T) {
	c := server.DefaultConfig()
	c.Store, c.DataDir = "embedded", "/srv/kepu"
	if got := fmt.Sprint(storeArgs(c)); got != "[store embedded dataDir /srv/kepu]" {
		t.Errorf("embedded: %s", got)
	}
	c.Store, c.Neo4jURI, c.Neo4jDatabase = "neo4j", "bolt://neo4j:s3cret@db.example:7687", "kepu"
	got := fmt.Sprint(storeArgs(c))
	if got != "[store neo4j uri bolt://db.example:7687 database kepu]" || strings.Contains(got, "s3cret") || strings.Contains(got, "dataDir") {
		t.Errorf("neo4j: %s", got)
	}
}
