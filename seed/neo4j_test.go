package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// neo4jEnv is the environment that points the seed command at the Neo4j
// test server.
func neo4jEnv() map[string]string {
	env := map[string]string{}
	for _, k := range []string{"NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"} {
		env[k] = os.Getenv(k)
	}
	return env
}

// loadsTwiceNeo4j loads the reference dataset into an empty Neo4j, then
// again: the second run changes nothing (the canonical dumps of the graph
// are equal), and the graph holds what the report counted.
func loadsTwiceNeo4j(t *testing.T) {
	neo4jtest.Fresh(t)
	ctx := context.Background()
	var first neo4jtest.Dump
	var firstCounts string
	for i := 0; i < 2; i++ {
		out, _, err := run(t, []string{"--quiet"}, neo4jEnv())
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if !strings.Contains(out, "loaded into Neo4j at "+os.Getenv("NEO4J_URI")) || !strings.Contains(out, "records/s") {
			t.Fatalf("report:\n%s", out)
		}
		counts := out[:strings.Index(out, "generated in")]
		d, err := neo4jtest.ReadDump(ctx, neo4jstore.ConfigFromEnv())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(counts, "nodes: "+strconv.Itoa(d.Nodes)+"\n") || !strings.Contains(counts, "edges: "+strconv.Itoa(d.Edges)+"\n") {
			t.Fatalf("the graph has %d nodes and %d edges; the report says\n%s", d.Nodes, d.Edges, counts)
		}
		t.Logf("run %d: %d nodes, %d edges, dump %s; %s", i+1, d.Nodes, d.Edges, d.Sum(), strings.TrimSpace(out[strings.Index(out, "generated in"):]))
		if i == 1 {
			if counts != firstCounts {
				t.Errorf("second run reported\n%s\nfirst\n%s", counts, firstCounts)
			}
			if d.Sum() != first.Sum() {
				t.Errorf("the second load changed the graph:\n%s", first.Diff(d, 10))
			}
		}
		first, firstCounts = d, counts
	}
}
