package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/server"
)

// cancelWriter cancels a context at its first write (the loader's first
// progress line, after its first batch).
type cancelWriter struct {
	once   sync.Once
	cancel context.CancelFunc
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.once.Do(w.cancel)
	return len(p), nil
}

// serverSeed runs server.Seed on the embedded store of dir as a server's
// start does, and returns its log.
func serverSeed(t *testing.T, dir string) string {
	t.Helper()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	var log bytes.Buffer
	if err := server.Seed(context.Background(), st, dir, false, slog.New(slog.NewTextHandler(&log, nil))); err != nil {
		t.Fatalf("server.Seed: %v\n%s", err, log.String())
	}
	return log.String()
}

// mark returns the kepu.MetaReferenceLoad entry of the embedded store of
// dir, and its numbers of nodes and edges.
func mark(t *testing.T, dir string) (value string, nodes, edges int) {
	t.Helper()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.Meta(context.Background(), kepu.MetaReferenceLoad)
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges = count(t, st)
	return v, nodes, edges
}

// TestSeedMarksLoad: the seed command marks its load as server.Seed does
// (kepu.MetaReferenceLoad set before the first write, removed after the
// last), on the embedded store (on Neo4j: TestMainLoadsTwice and
// TestKilledMidLoadNeo4j). A seed run over a store whose server was
// killed during its first load (the mark set) removes the mark, so the
// next server start serves the graph as it is; before, it logged that the
// reference dataset's load did not finish and loaded it again over the
// seed command's graph (another --seed's generated records beside the
// seed's own, a rerun's minutes at --scale). A seed run cut off keeps the
// mark, so the next server start completes the load; before, it served
// the part that was written ("store holds data").
func TestSeedMarksLoad(t *testing.T) {
	ctx := context.Background()
	t.Run("clears a server's mark", func(t *testing.T) {
		dir := t.TempDir()
		st, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		// What a server killed in its first start's load leaves.
		if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, "incomplete"); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if _, _, err := run(t, []string{"--no-sync", "--quiet", "--data-dir", dir}, nil); err != nil {
			t.Fatal(err)
		}
		if v, _, _ := mark(t, dir); v != "" {
			t.Errorf("after a seed run the mark is %q, want none", v)
		}
		if log := serverSeed(t, dir); strings.Contains(log, "did not finish") || !strings.Contains(log, "store holds data") {
			t.Errorf("a server started after the seed run:\n%s\nwant it to serve the graph as it is", log)
		}
	})
	t.Run("a cut-off load keeps its mark", func(t *testing.T) {
		dir := t.TempDir()
		// The whole graph's counts, for the completed load below.
		ds, err := dataset.Generate(dataset.Options{})
		if err != nil {
			t.Fatal(err)
		}
		wantNodes, wantEdges := len(ds.Nodes), len(ds.Edges)

		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		m := NewMain()
		m.Stdout, m.Stderr = &bytes.Buffer{}, &cancelWriter{cancel: cancel}
		if err := m.ParseFlags([]string{"--no-sync", "--batch", "500", "--workers", "1", "--data-dir", dir}, func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(cctx); err == nil {
			t.Fatal("the load ran to its end although its context was cancelled after its first batch")
		}
		v, nodes, edges := mark(t, dir)
		if v == "" || nodes == 0 || nodes+edges >= wantNodes+wantEdges {
			t.Fatalf("after a cut-off load: mark %q, %d nodes, %d edges (a whole load %d, %d); want the mark and part of the graph", v, nodes, edges, wantNodes, wantEdges)
		}
		log := serverSeed(t, dir)
		if !strings.Contains(log, "did not finish") || !strings.Contains(log, "reference dataset loaded") {
			t.Errorf("a server started after the cut-off load:\n%s\nwant it to complete the load", log)
		}
		if v, nodes, edges := mark(t, dir); v != "" || nodes != wantNodes || edges != wantEdges {
			t.Errorf("after the server's start: mark %q, %d nodes, %d edges; want none, %d, %d", v, nodes, edges, wantNodes, wantEdges)
		}
	})
}
