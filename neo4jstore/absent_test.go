package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// markerPairs lists, for every label, its optional orderable properties
// and their markers: the properties whose absence a marker records.
func markerPairs() []any {
	var out []any
	for _, d := range kepu.LabelDefs() {
		for _, p := range d.Props {
			if p.Type.Ordered() && !p.Required {
				out = append(out, map[string]any{"label": string(d.Label), "p": p.Name, "k": neo4jstore.AbsentKey(p.Name)})
			}
		}
	}
	return out
}

// markerState returns how many (node, property) pairs break the markers'
// rule (a marker where the property is absent, none where it is present)
// and how many markers the database holds.
func markerState(t *testing.T) (wrong, markers int64) {
	t.Helper()
	ctx := context.Background()
	drv, cfg := neo4jtest.Driver(t)
	res, err := neo4j.ExecuteQuery(ctx, drv,
		"MATCH (n:KG) UNWIND $pairs AS m WITH n, m WHERE m.label IN labels(n) "+
			"RETURN sum(CASE WHEN (n[m.p] IS NULL) <> (n[m.k] IS NOT NULL) OR (n[m.k] IS NOT NULL AND n[m.k] <> true) THEN 1 ELSE 0 END) AS wrong, "+
			"sum(CASE WHEN n[m.k] IS NOT NULL THEN 1 ELSE 0 END) AS markers",
		map[string]any{"pairs": markerPairs()}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := res.Records[0].Values[0].(int64)
	m, _ := res.Records[0].Values[1].(int64)
	return w, m
}

// sample returns about n nodes of every label of ds (all of a label with
// fewer): every k-th in the dataset's order, so that the sample keeps the
// mix of present and absent values of the whole. The reference dataset's
// 13,459 nodes took most of TestAbsentMarkers' time; the statements that
// write them are per label, the same for 300 nodes as for 6,000.
func sample(ds *dataset.Dataset, n int) []kepu.Node {
	count := map[kepu.Label]int{}
	for _, nd := range ds.Nodes {
		count[nd.Label]++
	}
	seen := map[kepu.Label]int{}
	var out []kepu.Node
	for _, nd := range ds.Nodes {
		k := max(1, count[nd.Label]/n)
		if seen[nd.Label]%k == 0 {
			out = append(out, nd)
		}
		seen[nd.Label]++
	}
	return out
}

// subset returns the nodes of sample(ds, n) and the edges of ds between
// them: a graph of the reference dataset's shape (every label, the
// relationships between the sampled nodes, the places' hierarchy) at a
// fraction of its size (n 300: 1,383 nodes and 986 edges of 10 of the 11
// relationship types; the whole is 13,459 nodes and 25,603 edges), for the
// tests whose statements are per label and type, the same for a thousand
// nodes as for ten thousand.
func subset(ds *dataset.Dataset, n int) *dataset.Dataset {
	out := &dataset.Dataset{Nodes: sample(ds, n)}
	in := map[string]bool{}
	for _, nd := range out.Nodes {
		in[nd.ID] = true
	}
	for _, e := range ds.Edges {
		if in[e.From] && in[e.To] {
			out.Edges = append(out.Edges, e)
		}
	}
	return out
}

// TestAbsentMarkers checks that every way of writing a node keeps the
// absent-value markers (absent.go) that pages read the absent values of
// an order from: a bulk load, a put, a create, updates that set and
// unset properties; and that EnsureSchema writes them into a database
// that lacks them (one written before they existed).
func TestAbsentMarkers(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	ctx := context.Background()

	t.Run("bulk load", func(t *testing.T) {
		st := neo4jtest.Fresh(t)
		ds, err := dataset.Generate(dataset.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if bulk, err := st.BulkCreate(ctx); err != nil || !bulk {
			t.Fatalf("BulkCreate: %v, %v", bulk, err)
		}
		var cs []kepu.Change
		for _, n := range sample(ds, 300) {
			cs = append(cs, kepu.Change{Kind: kepu.PutNode, Node: n})
		}
		for len(cs) > 0 {
			n := min(len(cs), 1000)
			if _, err := st.Write(ctx, cs[:n]); err != nil {
				t.Fatal(err)
			}
			cs = cs[n:]
		}
		wrong, markers := markerState(t)
		if wrong != 0 || markers == 0 {
			t.Fatalf("after the bulk load: %d wrong, %d markers", wrong, markers)
		}
	})

	t.Run("writes", func(t *testing.T) {
		st := neo4jtest.Fresh(t)
		museum := func(key string, props kepu.Props) kepu.Node {
			p := kepu.Props{kepu.PropName: "Museum " + key, kepu.PropProvenance: kepu.Generated, kepu.PropSource: "test", "kind": "STANDARD"}
			for k, v := range props {
				p[k] = v
			}
			return kepu.Node{ID: kepu.MakeID(kepu.Museum, key), Label: kepu.Museum, Props: p}
		}
		steps := [][]kepu.Change{
			{{Kind: kepu.CreateNode, Node: museum("a", nil)}},
			{{Kind: kepu.CreateNode, Node: museum("b", kepu.Props{"openedYear": int64(2001), "city": "Hangzhou"})}},
			{{Kind: kepu.PutNode, Node: museum("c", kepu.Props{"level": "COUNTY"})}},
			// One update alone (writeAlone's statement), then in a batch.
			{{Kind: kepu.UpdateNode, ID: kepu.MakeID(kepu.Museum, "a"), Set: kepu.Props{"openedYear": int64(1999)}}},
			{{Kind: kepu.UpdateNode, ID: kepu.MakeID(kepu.Museum, "b"), Unset: []string{"openedYear"}},
				{Kind: kepu.UpdateNode, ID: kepu.MakeID(kepu.Museum, "c"), Set: kepu.Props{"city": "Ningbo"}, Unset: []string{"level"}}},
			// A put replaces the whole node: its markers too.
			{{Kind: kepu.PutNode, Node: museum("a", kepu.Props{"distanceKm": 12.5})}},
		}
		for i, cs := range steps {
			if _, err := st.Write(ctx, cs); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if wrong, markers := markerState(t); wrong != 0 || markers == 0 {
				t.Fatalf("after step %d: %d wrong, %d markers", i, wrong, markers)
			}
		}
	})

	t.Run("EnsureSchema fills a database without markers", func(t *testing.T) {
		st := neo4jtest.Fresh(t)
		ds, err := dataset.Generate(dataset.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var cs []kepu.Change
		noYear := 0
		// The sample's museums and every museum without an opening
		// year (12 of 3,994: the sample may hold none).
		inSample := map[string]bool{}
		for _, n := range sample(ds, 300) {
			inSample[n.ID] = true
		}
		for _, n := range ds.Nodes {
			if n.Label == kepu.Museum && (inSample[n.ID] || n.Props["openedYear"] == nil) {
				cs = append(cs, kepu.Change{Kind: kepu.PutNode, Node: n})
				if n.Props["openedYear"] == nil {
					noYear++
				}
			}
		}
		if noYear == 0 {
			t.Fatal("the reference dataset has no museum without openedYear")
		}
		if _, err := st.Write(ctx, cs); err != nil {
			t.Fatal(err)
		}
		// The database of an older build: no marker, no marker index.
		drv, cfg := neo4jtest.Driver(t)
		run := func(q string, params map[string]any) {
			t.Helper()
			if _, err := neo4j.ExecuteQuery(ctx, drv, q, params, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
				t.Fatal(err)
			}
		}
		run("MATCH (n:KG) UNWIND $pairs AS m WITH n, m WHERE m.label IN labels(n) CALL (n, m) { SET n[m.k] = null }", map[string]any{"pairs": markerPairs()})
		recs, err := neo4j.ExecuteQuery(ctx, drv, "SHOW INDEXES YIELD name WHERE name ENDS WITH '_absent_id' RETURN collect(name) AS names", nil,
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatal(err)
		}
		names, _ := recs.Records[0].Values[0].([]any)
		if len(names) == 0 {
			t.Fatal("no marker index after EnsureSchema")
		}
		for _, n := range names {
			run("DROP INDEX `"+n.(string)+"`", nil)
		}
		if _, markers := markerState(t); markers != 0 {
			t.Fatalf("%d markers left", markers)
		}
		if err := st.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if wrong, markers := markerState(t); wrong != 0 || markers == 0 {
			t.Fatalf("after EnsureSchema: %d wrong, %d markers", wrong, markers)
		}
		// And the pages read them: a museum without an opening year is on
		// the first page by openedYear descending.
		one := 1
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: "openedYear", Desc: true}}, Page: kepu.Page{First: &one}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Nodes) != 1 || p.Nodes[0].Props["openedYear"] != nil {
			t.Fatalf("first museum by openedYear desc: %v, want one without openedYear", p.Nodes)
		}
	})
}
