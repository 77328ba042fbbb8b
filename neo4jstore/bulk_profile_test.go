package neo4jstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// TestProfileBulkLoad profiles the puts of a bulk load, old and new, on the
// benchmark graph already loaded into the Neo4j at NEO4J_URI
// (bench/neo4j-scale/load.py --keep; KEPUGRAPH_PROFILE_BULK_SCALE is its
// --scale, default 100000; 0 for the reference dataset): 1,000 bulk schools (with IDs the graph does
// not hold) created with and without returning their element IDs, and
// 1,000 PARTNERS_WITH edges between nodes of the graph created with their
// ends sought by ID and by element ID. Every statement runs in a
// transaction that is rolled back: the graph is not changed. For each it
// writes the plan with rows and db hits, and the median wall time of 5
// runs after one warm-up, to the file KEPUGRAPH_PROFILE_BULK names.
func TestProfileBulkLoad(t *testing.T) {
	out := os.Getenv("KEPUGRAPH_PROFILE_BULK")
	if out == "" || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PROFILE_BULK and NEO4J_URI are not set: no loaded graph to profile")
	}
	scale := 100000
	var err error
	if v := os.Getenv("KEPUGRAPH_PROFILE_BULK_SCALE"); v != "" {
		if scale, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	// Scale 0: the reference dataset (seed without --scale).
	var src dataset.Source
	bench := "gen-bench"
	if scale == 0 {
		bench = ""
		src, err = dataset.Generate(dataset.Options{})
	} else {
		src, err = dataset.Scaled(dataset.Options{}, scale)
	}
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	var schools []kepu.Node
	var edges []kepu.Edge
	stop := errors.New("enough")
	err = src.Each(func(nd kepu.Node) error {
		if nd.Label == kepu.School && strings.Contains(nd.ID, bench) && len(schools) < n {
			schools = append(schools, nd)
		}
		return nil
	}, func(e kepu.Edge) error {
		if e.Type == kepu.PartnersWith && strings.Contains(e.From, bench) {
			edges = append(edges, e)
		}
		if len(edges) == n {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || len(schools) < n {
		t.Fatalf("%d schools, %d edges: %v", len(schools), len(edges), err)
	}

	drv, cfg := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(ctx)

	// The element IDs of the edges' ends.
	var ids []string
	for _, e := range edges {
		ids = append(ids, e.From, e.To)
	}
	res, err := sess.Run(ctx, "UNWIND $ids AS id MATCH (n:KG {id: id}) RETURN id, elementId(n)", map[string]any{"ids": ids})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eid := map[string]string{}
	for _, r := range recs {
		eid[r.Values[0].(string)] = r.Values[1].(string)
	}

	var oldNodes, newNodes, oldEdges, newEdges []any
	for _, nd := range schools {
		nd.ID += "-profile"
		row := neo4jstore.NodeRow(nd)
		oldNodes = append(oldNodes, map[string]any{"id": nd.ID, "props": row})
		newNodes = append(newNodes, row)
	}
	for i, e := range edges {
		a, b := eid[e.From], eid[e.To]
		if a == "" || b == "" {
			t.Fatalf("edge %s -> %s: an end is not in the graph (is it the --scale %d graph?)", e.From, e.To, scale)
		}
		props := map[string]any(e.Props)
		oldEdges = append(oldEdges, map[string]any{"i": int64(i), "from": e.From, "to": e.To, "props": props})
		newEdges = append(newEdges, map[string]any{"a": a, "b": b, "props": props})
	}
	qn, qnIDs, qe, qeIDs := neo4jstore.BulkStatements(kepu.School, kepu.PartnersWith)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "1,000 rows each, on the --scale %d graph; wall: median of 5 runs (after one), each in a transaction rolled back.\n\n", scale)
	for _, s := range []struct {
		name   string
		cypher string
		rows   []any
	}{
		{"nodes, before", qn, oldNodes},
		{"nodes, after", qnIDs, newNodes},
		{"edges, before (ends by ID)", qe, oldEdges},
		{"edges, after (ends by element ID)", qeIDs, newEdges},
	} {
		params := map[string]any{"rows": s.rows}
		var walls []time.Duration
		for i := range 6 {
			start := time.Now()
			rolledBack(ctx, t, sess, s.cypher, params)
			if i > 0 {
				walls = append(walls, time.Since(start))
			}
		}
		slices.Sort(walls)
		fmt.Fprintf(&buf, "#### %s: %.1f ms\n\n", s.name, float64(walls[len(walls)/2].Microseconds())/1000)
		profileStatement(ctx, t, sess, sentStatement{s.cypher, params}, &buf)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rolledBack runs a statement in a transaction that is rolled back.
func rolledBack(ctx context.Context, t *testing.T, sess neo4j.SessionWithContext, cypher string, params map[string]any) {
	t.Helper()
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Consume(ctx); err != nil {
		t.Fatal(err)
	}
}
