package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
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
// are equal), and the graph holds what the report counted. It returns the
// store the test emptied the database with, open on the loaded graph.
func loadsTwiceNeo4j(t *testing.T) *neo4jstore.Store {
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	// The mark a server killed in its first start's load leaves: the
	// seed run removes it (TestSeedMarksLoad).
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, "incomplete"); err != nil {
		t.Fatal(err)
	}
	var first neo4jtest.Dump
	var firstCounts string
	for i := 0; i < 2; i++ {
		out, _, err := run(t, []string{"--quiet"}, neo4jEnv())
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if v, err := st.Meta(ctx, kepu.MetaReferenceLoad); err != nil || v != "" {
			t.Fatalf("after run %d the load's mark is %q (%v), want none", i+1, v, err)
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
	return st
}

// killedMidLoadNeo4j loads the reference dataset into a new Neo4j server
// of the test's own and dumps it (clean), empties it and drops its schema
// (a new server's), then kills it (SIGKILL) when half of the nodes of a
// second load are in, starts it again and reruns the loader: the rerun
// finishes and the graph equals clean (canonical dumps compared; the dump
// holds no batch size and no server's own IDs).
func killedMidLoadNeo4j(t *testing.T) {
	srv := neo4jtest.StartServer(t)
	env := map[string]string{"NEO4J_URI": srv.URI, "NEO4J_USER": srv.User, "NEO4J_PASSWORD": srv.Password}
	cfg := neo4jstore.Config{URI: srv.URI, User: srv.User, Password: srv.Password}
	ctx := context.Background()
	args := []string{"--quiet", "--batch", "500"}

	if _, _, err := run(t, args, env); err != nil {
		t.Fatalf("clean load: %v", err)
	}
	clean, err := neo4jtest.ReadDump(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = st.DeleteAll(ctx)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// As on a new server: a bulk load creates even the ID constraints
	// after its data, so the kill comes while there are none.
	dropSchema(ctx, t, cfg)

	done := make(chan error, 1)
	go func() {
		_, _, err := run(t, args, env)
		done <- err
	}()
	// Kill it once about half of the nodes are in.
	start := time.Now()
	for {
		n, err := neo4jtest.CountNodes(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if n >= clean.Nodes/2 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the load finished (%v) before half of the nodes were counted", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	srv.Kill()
	if err := <-done; err == nil {
		t.Fatal("the load finished although the server was killed")
	} else {
		t.Logf("killed %s into the load: %v", time.Since(start).Round(time.Millisecond), err)
	}
	srv.Start()
	partial, err := neo4jtest.ReadDump(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after the crash: %d of %d nodes, %d of %d edges", partial.Nodes, clean.Nodes, partial.Edges, clean.Edges)
	// The cut-off load left its mark (a server started now would complete
	// the load; TestSeedMarksLoad); the rerun removes it.
	loadMark := func() string {
		st, err := neo4jstore.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		v, err := st.Meta(ctx, kepu.MetaReferenceLoad)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := loadMark(); v == "" {
		t.Error("the load cut off by the kill left no mark")
	}
	if _, _, err := run(t, args, env); err != nil {
		t.Fatalf("rerun after the crash: %v", err)
	}
	if v := loadMark(); v != "" {
		t.Errorf("after the rerun the load's mark is %q, want none", v)
	}
	again, err := neo4jtest.ReadDump(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Nodes != clean.Nodes || again.Edges != clean.Edges || again.Sum() != clean.Sum() {
		t.Errorf("after the rerun: %d nodes, %d edges, dump %s; a clean load: %d nodes, %d edges, dump %s\n%s",
			again.Nodes, again.Edges, again.Sum(), clean.Nodes, clean.Edges, clean.Sum(), clean.Diff(again, 10))
	}
}

// dropSchema drops every constraint and index of the database but the
// token lookup indexes that a new database has.
func dropSchema(ctx context.Context, t *testing.T, cfg neo4jstore.Config) {
	t.Helper()
	// The server of cfg (the test's own), not NEO4J_URI's.
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close(ctx)
	for _, q := range []struct{ show, drop string }{
		{"SHOW CONSTRAINTS YIELD name RETURN name", "DROP CONSTRAINT "},
		{"SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name", "DROP INDEX "},
	} {
		res, err := neo4j.ExecuteQuery(ctx, drv, q.show, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Records {
			name, _ := r.Values[0].(string)
			if _, err := neo4j.ExecuteQuery(ctx, drv, q.drop+"`"+name+"` IF EXISTS", nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestRetryAloneNeo4j: a load into Neo4j writes a batch again alone when it
// failed with SERVICE_UNAVAILABLE while the server answers (a deadlock
// between the load's writers after the driver's retries), and fails the
// load as before when the server does not answer, the load is cancelled or
// the error is another (dataset's TestLoadRetryAlone tests the rewrite).
func TestRetryAloneNeo4j(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI not set")
	}
	ctx := context.Background()
	open := func(cfg neo4jstore.Config, connect time.Duration) *neo4jstore.Store {
		cfg.ConnectTimeout, cfg.RetryTime = connect, time.Second
		st, err := neo4jstore.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	// The server that answers is given the loader's own time to be
	// reached (loadConnectTimeout): with 1 s, its Ready had 750 ms to
	// connect, which a loaded machine's Neo4j need not meet. The one that
	// does not answer refuses at once: 1 s only bounds its wait.
	up := open(neo4jstore.ConfigFromEnv(), loadConnectTimeout)
	down := open(neo4jstore.Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "x"}, time.Second)
	unavailable := kepu.Errorf(kepu.Unavailable, "the graph database is unavailable; try again later")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		st   *neo4jstore.Store
		ctx  context.Context
		err  error
		want bool
	}{
		{"unavailable, the server answers", up, ctx, unavailable, true},
		{"unavailable, no server", down, ctx, unavailable, false},
		{"unavailable, load cancelled", up, cancelled, unavailable, false},
		{"another error", up, ctx, kepu.Errorf(kepu.Internal, "internal error"), false},
	} {
		var errw strings.Builder
		m := NewMain()
		m.Stderr = &errw
		if got := m.retryAlone(tc.st)(tc.ctx, tc.err); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if tc.want != strings.Contains(errw.String(), "written again alone") {
			t.Errorf("%s: progress %q", tc.name, errw.String())
		}
	}
}
