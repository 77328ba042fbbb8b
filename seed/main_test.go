package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"strings"
	"testing"

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
// store, and into Neo4j when NEO4J_URI names a server.
func TestMainLoadsTwice(t *testing.T) {
	t.Run("embedded", loadsTwiceEmbedded)
	if neo4jtest.URI() != "" {
		t.Run("neo4j", func(t *testing.T) { loadsTwiceNeo4j(t) })
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
