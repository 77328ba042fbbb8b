package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// TestBulkLoadByElementID loads a subset of the reference dataset (every
// label, 10 relationship types) as the seed command does into an empty
// database (BulkCreate): the edges find their ends by the element IDs of
// the nodes' CREATE, not by ID; an edge batch with a missing end fails
// naming it and writes nothing; the counts match.
func TestBulkLoadByElementID(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	whole, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ds := subset(whole, 300)
	bulk, err := st.BulkCreate(ctx)
	if err != nil || !bulk {
		t.Fatalf("BulkCreate on an empty database: %v, %v", bulk, err)
	}
	log := recordStatements(st)
	put := func(cs []kepu.Change) error {
		for len(cs) > 0 {
			n := min(len(cs), 5000)
			if _, err := st.Write(ctx, cs[:n]); err != nil {
				return err
			}
			cs = cs[n:]
		}
		return nil
	}
	var nodes, edges []kepu.Change
	for _, n := range ds.Nodes {
		nodes = append(nodes, kepu.Change{Kind: kepu.PutNode, Node: n})
	}
	for _, e := range ds.Edges {
		edges = append(edges, kepu.Change{Kind: kepu.PutEdge, Edge: e})
	}
	if err := put(nodes); err != nil {
		t.Fatal(err)
	}

	// A batch whose third edge ends at a node that does not exist.
	bad := kepu.Edge{Type: edges[0].Edge.Type, From: edges[0].Edge.From, To: kepu.MakeID(kepu.LabelOf(edges[0].Edge.To), "no-such-node"), Props: edges[0].Edge.Props}
	batch := []kepu.Change{edges[1], edges[2], {Kind: kepu.PutEdge, Edge: bad}, edges[3]}
	_, err = st.Write(ctx, batch)
	if kepu.ErrorCode(err) != kepu.NotFound || !strings.Contains(err.Error(), "change 3") || !strings.Contains(err.Error(), bad.To) {
		t.Fatalf("edge batch with a missing end: %v, want NOT_FOUND naming change 3 and %s", err, bad.To)
	}

	log.reset()
	if err := put(edges); err != nil {
		t.Fatal(err)
	}
	byElementID := 0
	for _, s := range log.take() {
		if strings.Contains(s.cypher, "MATCH (a:KG {id: row.from})") {
			t.Errorf("a bulk edge batch sought its ends by ID:\n    %s", s.cypher)
		}
		if strings.Contains(s.cypher, "elementId(a) = $prefix + row[0]") {
			byElementID++
		}
	}
	if byElementID == 0 {
		t.Error("no edge batch found its ends by element ID")
	}
	// Nothing of the failed batch is left: the counts are the dataset's.
	if err := st.CheckBulkLoad(ctx, len(ds.Nodes), len(ds.Edges)); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d nodes, %d edges in %d edge statements by element ID", len(ds.Nodes), len(ds.Edges), byElementID)
}

// TestBulkSchemaNamesADuplicate puts a node twice in a bulk load (no ID
// constraint yet, BulkCreate): BulkSchema, which creates the ID
// constraints with the other indexes, fails naming the node's ID, and
// leaves no index of its transaction behind.
func TestBulkSchemaNamesADuplicate(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	drv, _ := neo4jtest.Driver(t)
	for _, q := range []string{"DROP CONSTRAINT kg_id IF EXISTS", "DROP CONSTRAINT museum_id IF EXISTS"} {
		if _, err := neo4j.ExecuteQuery(ctx, drv, q, nil, neo4j.EagerResultTransformer); err != nil {
			t.Fatal(err)
		}
	}
	if bulk, err := st.BulkCreate(ctx); err != nil || !bulk {
		t.Fatalf("BulkCreate on an empty database: %v, %v", bulk, err)
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ds.Nodes, func(n kepu.Node) bool { return n.Label == kepu.Museum })
	n := ds.Nodes[i]
	for range 2 {
		if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.PutNode, Node: n}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CheckBulkLoad(ctx, 1, 0); err == nil || !strings.Contains(err.Error(), "holds 2 nodes and 0 relationships") {
		t.Errorf("CheckBulkLoad of a node put twice: %v, want the counts", err)
	}
	err = st.BulkSchema(ctx)
	if err == nil || !strings.Contains(err.Error(), n.ID) {
		t.Fatalf("BulkSchema over a node put twice: %v, want an error naming %s", err, n.ID)
	}
	t.Log(err)
	res, err := neo4j.ExecuteQuery(ctx, drv, "SHOW INDEXES YIELD name WHERE name IN ['kg_id', 'museum_id'] RETURN count(*) AS c", nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Records[0].Values[0].(int64); c != 0 {
		t.Errorf("%d indexes of the failed BulkSchema are left, want 0", c)
	}
}

// TestCheckBulkLoadWithoutRelationships: a bulk load of nodes only checks
// out (the count of relationships is 0, not missing).
func TestCheckBulkLoadWithoutRelationships(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	if bulk, err := st.BulkCreate(ctx); err != nil || !bulk {
		t.Fatalf("BulkCreate on an empty database: %v, %v", bulk, err)
	}
	n := kepu.Node{ID: "School:only", Label: kepu.School, Props: kepu.Props{"name": "Only", kepu.PropProvenance: kepu.Generated, kepu.PropSource: "test"}}
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.PutNode, Node: n}}); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckBulkLoad(ctx, 1, 0); err != nil {
		t.Fatalf("CheckBulkLoad of one node and no relationship: %v", err)
	}
}

// TestEnsureSchemaDropsSupersededIndexes: the indexes of older databases
// that no statement uses (kg_names, a full-text index on name and nameZh;
// a range index on one property) are dropped by EnsureSchema, which
// leaves kg_search the one full-text index.
func TestEnsureSchemaDropsSupersededIndexes(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	run := cypherRunner(t)
	run("CREATE FULLTEXT INDEX kg_names IF NOT EXISTS FOR (n:Museum|School) ON EACH [n.name, n.nameZh] OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}")
	run("CREATE INDEX museum_name IF NOT EXISTS FOR (n:Museum) ON (n.name)")
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if left := run("SHOW INDEXES YIELD name WHERE name IN ['kg_names', 'museum_name'] RETURN name"); len(left) != 0 {
		t.Errorf("EnsureSchema left %d superseded indexes: %v", len(left), left[0].Values)
	}
	var ft []string
	for _, r := range run("SHOW FULLTEXT INDEXES YIELD name RETURN name ORDER BY name") {
		ft = append(ft, r.Values[0].(string))
	}
	if !slices.Equal(ft, []string{neo4jstore.SearchIndex}) {
		t.Errorf("full-text indexes after EnsureSchema: %v, want [%s]", ft, neo4jstore.SearchIndex)
	}
}

// TestEnsureSchemaInPlace: on a database that has the schema, EnsureSchema
// sends a handful of statements (it lists the constraints and indexes and
// leaves out the CREATE … IF NOT EXISTS of those it has and the DROP … IF
// EXISTS of those it has not: about 270 of them), and it still creates an
// index that is missing.
func TestEnsureSchemaInPlace(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	before := st.RoundTrips()
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	sent := st.RoundTrips() - before
	all := len(neo4jstore.KeyConstraintStatements()) + len(neo4jstore.ChangeLogSchema()) +
		len(neo4jstore.SchemaStatements()) + len(neo4jstore.SupersededIndexStatements())
	t.Logf("EnsureSchema on a database with the schema: %d statements (%d schema statements)", sent, all)
	if sent > 20 {
		t.Errorf("EnsureSchema on a database with the schema sent %d statements, want at most 20 (of %d schema statements)", sent, all)
	}
	run := cypherRunner(t)
	const index = "museum_name_id"
	run("DROP INDEX " + index)
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if got := run("SHOW INDEXES YIELD name, labelsOrTypes, properties WHERE name = '" + index + "' RETURN labelsOrTypes, properties"); len(got) != 1 ||
		fmt.Sprint(got[0].Values) != "[[Museum] [name id]]" {
		t.Errorf("EnsureSchema after %s was dropped: %v", index, got)
	}
}

// TestSchemaAfterAKilledBulkLoad: a bulk load (BulkCreate) that was killed
// after its data and before BulkSchema leaves a database without its ID
// constraints and indexes; EnsureSchema, which the API server runs when it
// starts (server.OpenStore) and a rerun of the loader runs first, gives it
// the whole schema, the same as a fresh database's. BulkSchema, the end of
// a bulk load that is not killed, gives the same schema too.
func TestSchemaAfterAKilledBulkLoad(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	run := cypherRunner(t)
	// schema describes every constraint and index but the token lookups,
	// sorted; offline lists the indexes that are not online.
	schema := func() (all []string, offline []string) {
		t.Helper()
		for _, r := range run("SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint, state WHERE type <> 'LOOKUP' RETURN name, type, entityType, labelsOrTypes, properties, owningConstraint, state") {
			all = append(all, fmt.Sprint("index ", r.Values[:6]))
			if r.Values[6] != "ONLINE" {
				offline = append(offline, fmt.Sprint(r.Values[0], " ", r.Values[6]))
			}
		}
		for _, r := range run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties") {
			all = append(all, fmt.Sprint("constraint ", r.Values))
		}
		slices.Sort(all)
		return all, offline
	}
	dropSchema := func() {
		t.Helper()
		for _, r := range run("SHOW CONSTRAINTS YIELD name RETURN name") {
			run("DROP CONSTRAINT `" + r.Values[0].(string) + "`")
		}
		for _, r := range run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name") {
			run("DROP INDEX `" + r.Values[0].(string) + "`")
		}
	}
	await := func() {
		t.Helper()
		if err := st.AwaitIndexes(ctx, 5*time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	await()
	want, _ := schema() // EnsureSchema on an empty database (Fresh)
	if len(want) < 100 {
		t.Fatalf("a fresh database's schema has %d constraints and indexes", len(want))
	}

	// A first load into a new database, killed once its data is in (a
	// subset of the reference dataset: every label, for the indexes that
	// EnsureSchema then populates).
	dropSchema()
	whole, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ds := subset(whole, 300)
	if bulk, err := st.BulkCreate(ctx); err != nil || !bulk {
		t.Fatalf("BulkCreate on an empty database: %v, %v", bulk, err)
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{Batch: 5000}); err != nil {
		t.Fatal(err)
	}
	if err := st.CheckBulkLoad(ctx, len(ds.Nodes), len(ds.Edges)); err != nil {
		t.Fatal(err)
	}
	if got, _ := schema(); len(got) >= len(want)/2 {
		t.Fatalf("after the bulk load's data, before its schema, %d of the %d constraints and indexes exist", len(got), len(want))
	}
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	await()
	got, offline := schema()
	if !slices.Equal(got, want) || len(offline) > 0 {
		t.Errorf("EnsureSchema after a killed bulk load: %d constraints and indexes, not online %v; a fresh database's: %d\n%s",
			len(got), offline, len(want), strings.Join(diffLines(want, got), "\n"))
	}

	// The same data with BulkSchema, as a load that is not killed ends.
	dropSchema()
	if err := st.BulkSchema(ctx); err != nil {
		t.Fatal(err)
	}
	await()
	got, offline = schema()
	if !slices.Equal(got, want) || len(offline) > 0 {
		t.Errorf("BulkSchema: %d constraints and indexes, not online %v; EnsureSchema's: %d\n%s",
			len(got), offline, len(want), strings.Join(diffLines(want, got), "\n"))
	}
}

// diffLines lists the lines of want missing from got (-) and the lines of
// got not in want (+), both sorted.
func diffLines(want, got []string) []string {
	var out []string
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok {
			out = append(out, "- "+w)
		}
	}
	for _, g := range got {
		if _, ok := slices.BinarySearch(want, g); !ok {
			out = append(out, "+ "+g)
		}
	}
	return out
}

// cypherRunner returns a function that runs a statement on the test
// server's database and returns its records, failing the test on an error.
func cypherRunner(t *testing.T) func(q string) []*neo4j.Record {
	drv, cfg := neo4jtest.Driver(t)
	return func(q string) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(context.Background(), drv, q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res.Records
	}
}
