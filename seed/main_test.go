package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
)

func run(t *testing.T, args []string, env map[string]string) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	m := NewMain()
	m.Stdout, m.Stderr = &out, &errw
	if err := m.ParseFlags(args, func(k string) string { return env[k] }); err != nil {
		return out.String(), errw.String(), err
	}
	err := m.Run(context.Background())
	return out.String(), errw.String(), err
}

// TestMainLoadsTwice loads the reference dataset twice into the embedded
// store, and into Neo4j when NEO4J_URI names a server, where a third run
// over a museum moved meanwhile is then refused whole (as in
// TestRerunOverMovedNode).
func TestMainLoadsTwice(t *testing.T) {
	t.Run("embedded", loadsTwiceEmbedded)
	if neo4jtest.URI() != "" {
		t.Run("neo4j", func(t *testing.T) {
			st := loadsTwiceNeo4j(t)
			// Then a rerun over a museum moved there (see
			// TestRerunOverMovedNode), on the database just loaded.
			rerunOverMovedNode(t, nil, neo4jEnv(), func() (kepu.Store, func()) { return st, func() {} })
		})
	}
}

// TestKilledMidLoadNeo4j kills a Neo4j server in the middle of a load and
// reruns the loader (killedMidLoadNeo4j), on servers of its own: it does
// not take the server of NEO4J_URI, so CI runs it beside the tests that do
// (CI_NEO4J_CPU in the Makefile). Runs when NEO4J_URI is set (the Neo4j
// runs of make test-neo4j and CI), which also means tools/neo4j is built.
func TestKilledMidLoadNeo4j(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: the Neo4j tests run with make test-neo4j and in CI")
	}
	killedMidLoadNeo4j(t)
}

func loadsTwiceEmbedded(t *testing.T) {
	dir := t.TempDir()
	var first string
	for i := 0; i < 2; i++ {
		out, _, err := run(t, []string{"--no-sync", "--quiet"}, map[string]string{"KEPUGRAPH_DATA_DIR": dir})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "loaded into "+dir) || !strings.Contains(out, "Museum") || !strings.Contains(out, "records/s") {
			t.Fatalf("report:\n%s", out)
		}
		// The counts part of the report is the same on both runs.
		counts := out[:strings.Index(out, "generated in")]
		if i == 1 && counts != first {
			t.Errorf("second run reported\n%s\nfirst\n%s", counts, first)
		}
		first = counts
	}
}

func TestMainProgressAndFlags(t *testing.T) {
	_, errOut, err := run(t, []string{"--data-dir", t.TempDir(), "--batch", "5000", "--no-sync"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "records (100.0 %)") {
		t.Errorf("no final progress line:\n%s", errOut)
	}
	if _, _, err := run(t, []string{"--help"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
	if _, _, err := run(t, []string{"--batch", "0"}, nil); err == nil {
		t.Error("--batch 0 accepted")
	}
	if _, _, err := run(t, nil, map[string]string{"KEPUGRAPH_SEED_SCALE": "x"}); err == nil {
		t.Error("bad KEPUGRAPH_SEED_SCALE accepted")
	}
	if _, _, err := run(t, []string{"--data-dir", t.TempDir(), "--scale", "10"}, nil); err == nil {
		t.Error("--scale 10 accepted")
	}
}

// Loading into a Neo4j that cannot be reached fails at once with a clear
// error, and the password never shows.
func TestMainNeo4jUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, errOut, err := run(t, nil, map[string]string{"NEO4J_URI": "bolt://" + addr, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": "pw-s3cret"})
	if err == nil {
		t.Fatal("load into an unreachable Neo4j succeeded")
	}
	if kepu.ErrorCode(err) != kepu.Unavailable {
		t.Errorf("error %v: code %q, want %s", err, kepu.ErrorCode(err), kepu.Unavailable)
	}
	if strings.Contains(err.Error()+errOut, "pw-s3cret") {
		t.Error("the password shows in the error or the output")
	}
	if _, _, err := run(t, []string{"--store", "neo4j"}, nil); err == nil {
		t.Error("--store neo4j without NEO4J_URI accepted")
	}
	if _, _, err := run(t, []string{"--store", "mongo"}, nil); err == nil {
		t.Error("--store mongo accepted")
	}
}

// TestRerunOverMovedNode: a seed over a store where the API moved a
// museum (another LOCATED_IN place) and edited it is refused with CONFLICT
// naming the museum and both places, before anything is written, on the
// embedded store (on Neo4j: TestMainLoadsTwice). Before, the load stopped at
// the edge batch holding the museum's place, after every node batch: the
// museum's edit was undone, its place kept, the edges after that batch not
// written, exit 1.
func TestRerunOverMovedNode(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		dir := t.TempDir()
		rerunOverMovedNode(t, []string{"--no-sync"}, map[string]string{"KEPUGRAPH_DATA_DIR": dir}, func() (kepu.Store, func()) {
			st, err := embedded.Open(dir, embedded.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			return st, func() {
				if err := st.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	})
	// On Neo4j: TestMainLoadsTwice, on the database it loaded.
}

// rerunOverMovedNode seeds (unless seeded), moves and edits a museum
// through the store open gives (the embedded one is closed between), seeds
// again and checks that the second seed wrote nothing.
func rerunOverMovedNode(t *testing.T, args []string, env map[string]string, open func() (kepu.Store, func())) {
	if args != nil {
		if _, _, err := run(t, append([]string{"--quiet"}, args...), env); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	st, done := open()
	res, err := st.Neighbors(ctx, []string{"Museum:cstm"}, kepu.NeighborQuery{Rel: kepu.LocatedIn, Dir: kepu.Out})
	if err != nil || len(res["Museum:cstm"].Items) != 1 {
		t.Fatalf("cstm's place: %v %v", res, err)
	}
	place := res["Museum:cstm"].Items[0].Node.ID
	src := kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "test"}
	if _, err := st.Write(ctx, []kepu.Change{
		{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:cstm", To: place}},
		{Kind: kepu.CreateEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:cstm", To: "Province:CN-AH", Props: src}},
		{Kind: kepu.UpdateNode, ID: "Museum:cstm", Set: kepu.Props{"city": "Edited"}},
	}); err != nil {
		t.Fatal(err)
	}
	nodes, edges := count(t, st)
	done()
	_, _, err = run(t, append([]string{"--quiet"}, args...), env)
	want := "nothing loaded: the LOCATED_IN edge from Museum:cstm to " + place + ": Museum:cstm already has a LOCATED_IN place (an institution has one): Province:CN-AH"
	if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(err.Error(), want) {
		t.Fatalf("seed over a moved museum: %v; want CONFLICT %q", err, want)
	}
	st, done = open()
	defer done()
	got, err := st.Nodes(ctx, []string{"Museum:cstm"})
	if err != nil || got["Museum:cstm"].Props["city"] != "Edited" {
		t.Errorf("after the refused seed cstm's city is %v (%v); want Edited: nothing written", got["Museum:cstm"].Props["city"], err)
	}
	if n, e := count(t, st); n != nodes || e != edges {
		t.Errorf("after the refused seed %d nodes, %d edges; want %d, %d", n, e, nodes, edges)
	}
}

// count returns the numbers of nodes and edges of st.
func count(t *testing.T, st kepu.Store) (nodes, edges int) {
	t.Helper()
	ctx := context.Background()
	for _, d := range kepu.LabelDefs() {
		n, err := st.CountNodes(ctx, d.Label, nil)
		if err != nil {
			t.Fatal(err)
		}
		nodes += n
	}
	for _, d := range kepu.RelDefs() {
		agg, err := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: d.Type})
		if err != nil {
			t.Fatal(err)
		}
		edges += agg.Count
	}
	return nodes, edges
}
