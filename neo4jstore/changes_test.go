package neo4jstore_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestEdgeLogTwoProcesses: an analyzer on one store (one API process)
// sees the writes made through another store on the same database (a
// second process) by its edge log, without walking the store; a write
// that left no entry (a process of an older kepugraph: the version bumped
// without the log) makes the log refuse (ok false) and the analyzer read
// the whole adjacency again, after which it is right again.
func TestEdgeLogTwoProcesses(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	ctx := context.Background()
	a := neo4jtest.Fresh(t)
	b, err := neo4jstore.Open(ctx, neo4jtest.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	write := func(st kepu.Store, cs ...kepu.Change) {
		t.Helper()
		if _, err := st.Write(ctx, cs); err != nil {
			t.Fatal(err)
		}
	}
	museum := func(id string) kepu.Change {
		return kepu.Change{Kind: kepu.PutNode, Node: storetest.N(id, "kind", "STANDARD")}
	}
	put := func(typ kepu.RelType, from, to string) kepu.Change {
		return kepu.Change{Kind: kepu.PutEdge, Edge: storetest.E(typ, from, to)}
	}
	write(a, museum("Museum:m1"), museum("Museum:m2"), museum("Museum:m3"), museum("Museum:m4"),
		put(kepu.HelpedEstablish, "Museum:m1", "Museum:m2"), put(kepu.HelpedEstablish, "Museum:m2", "Museum:m3"),
		put(kepu.HelpedEstablish, "Museum:m3", "Museum:m4"))
	an := &analysis.Analyzer{Store: a}
	if err := an.WarmPaths(ctx); err != nil {
		t.Fatal(err)
	}
	q := analysis.PathQuery{From: "Museum:m1", To: "Museum:m4", MaxHops: 6, Limit: 5}
	check := func(what string, hops int) {
		t.Helper()
		want, _, err := analysis.ShortestPaths(ctx, a, q)
		if err != nil || len(want) == 0 || want[0].Length() != hops {
			t.Fatalf("%s: the store walk gives %v, %v; want a path of %d", what, want, err, hops)
		}
		got, _, err := an.ShortestPaths(ctx, storetest.NoWalk{Store: a}, q)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the adjacency gives %v, %v; the store walk %v", what, got, err, want)
		}
	}
	check("before", 3)
	v0, err := a.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	write(b, put(kepu.HelpedEstablish, "Museum:m1", "Museum:m4"))
	check("after a write of the other process", 1)
	write(b, kepu.Change{Kind: kepu.DeleteNode, ID: "Museum:m4"}, museum("Museum:m4"), put(kepu.HelpedEstablish, "Museum:m2", "Museum:m4"))
	check("after a node deleted by the other process", 2)
	if ch, ok, err := a.EdgeChangesSince(ctx, v0); err != nil || !ok || len(ch.Changes) != 3 {
		t.Fatalf("EdgeChangesSince(before the other process's writes) = %+v, %v, %v; want its 3 relationship changes", ch, ok, err)
	}

	// A write without the log, as an older kepugraph makes it.
	v1, err := a.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	drv, cfg := neo4jtest.Driver(t)
	old := "MATCH (a:KG {id: 'Museum:m2'})-[r:HELPED_ESTABLISH]->(b:KG {id: 'Museum:m4'}) DELETE r" +
		" WITH count(*) AS n MATCH (c:KG {id: 'Museum:m3'}), (d:KG {id: 'Museum:m4'})" +
		" CREATE (c)-[:HELPED_ESTABLISH {provenance: 'REPORTED', source: 'old'}]->(d)" +
		" WITH count(*) AS m MERGE (v:" + neo4jstore.VersionLabel + " {id: 'graph'}) SET v." + neo4jstore.VersionProp + " = v." + neo4jstore.VersionProp + " + 1"
	if _, err := neo4j.ExecuteQuery(ctx, drv, old, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := a.EdgeChangesSince(ctx, v1); err != nil || ok {
		t.Fatalf("EdgeChangesSince over a write without the log: ok %v, %v; want not ok", ok, err)
	}
	// The analyzer reads the adjacency again in the background; until it
	// has, it walks the store (which NoWalk refuses).
	deadline := time.Now().Add(time.Minute)
	for {
		got, _, err := an.ShortestPaths(ctx, storetest.NoWalk{Store: a}, q)
		if err == nil {
			if len(got) != 1 || got[0].Length() != 3 {
				t.Fatalf("after the write without the log: %v; want the path of 3", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no adjacency after a minute: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	check("after the adjacency was read again", 3)
}
