package neo4jstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// TestBulkLoadByElementID loads the reference dataset as the seed command
// does into an empty database (BulkCreate): the edges find their ends by
// the element IDs of the nodes' CREATE, not by ID; an edge batch with a
// missing end fails naming it and writes nothing; the counts match.
func TestBulkLoadByElementID(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
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
	drv, cfg := neo4jtest.Driver(t)
	run := func(q string) []*neo4j.Record {
		t.Helper()
		res, err := neo4j.ExecuteQuery(ctx, drv, q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res.Records
	}
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
