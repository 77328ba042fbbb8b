package neo4jstore_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// TestProfileBenchQueries loads the reference dataset into Neo4j, sends the
// benchmark queries (bench/queries/*.json) through the GraphQL layer,
// records the statements the store sends and PROFILEs each one: the lookups
// by ID must seek the constraint's index. With KEPUGRAPH_PROFILE_OUT set it
// writes the plans (operators, rows, db hits) there, for docs/neo4j.md;
// then its subtest Research profiles the researchers' requests
// (profileResearch) and SearchSameAsEmbedded compares the searches of
// Neo4j and the embedded store (searchSameAsEmbedded), on the same load.
func TestProfileBenchQueries(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to profile on")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	loaded, err := st.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	log := recordStatements(st)
	// As the server runs it (package server): each request in a scope.
	srv := httptest.NewServer(neo4jstore.RequestScope(graph.New(st, graph.Options{})))
	defer srv.Close()

	drv, cfg := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(ctx)

	files, err := filepath.Glob("../bench/queries/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no benchmark queries: %v", err)
	}
	// Query 3 of the @neo4j/graphql comparison (bench/peers/neo4j-graphql).
	files = append(files, "../bench/peers/neo4j-graphql/queries/kepugraph/province.json")
	var out bytes.Buffer
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Twice: the second run is the one profiled (warm caches).
		for i := 0; i < 2; i++ {
			log.reset()
			resp, err := http.Post(srv.URL, "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", f, resp.StatusCode)
			}
		}
		got := log.take()
		fmt.Fprintf(&out, "### %s: %d statements\n\n", filepath.Base(f), len(got))
		for _, s := range got {
			p := profileStatement(ctx, t, sess, s, &out)
			if byID.MatchString(s.cypher) {
				ops := operators(p)
				if !strings.Contains(ops, "IndexSeek") || strings.Contains(ops, "LabelScan") || strings.Contains(ops, "AllNodesScan") {
					t.Errorf("%s: planned as %s\n    %s", filepath.Base(f), ops, s.cypher)
				}
			}
		}
	}
	t.Log("\n" + out.String())
	if path := os.Getenv("KEPUGRAPH_PROFILE_OUT"); path != "" {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The researchers' requests and the searches on the same load (a
	// second load of the reference dataset cost CI half a minute); the
	// requests only read (the store's version is the load's).
	t.Run("Research", func(t *testing.T) { profileResearch(t, st, log, sess) })
	t.Run("SearchSameAsEmbedded", func(t *testing.T) {
		if v, err := st.Version(ctx); err != nil || v != loaded {
			t.Fatalf("the store's version = %d, %v; want the load's, %d: a request wrote", v, err, loaded)
		}
		searchSameAsEmbedded(t, st, ds)
	})
}

// printProfile writes a profiled plan as an indented tree (operator,
// details, rows, db hits) and returns its db hits in all.
func printProfile(w *strings.Builder, p neo4j.ProfiledPlan, depth int) int64 {
	details, _ := p.Arguments()["Details"].(string)
	fmt.Fprintf(w, "%s%-*s rows %6d  db hits %6d  %s\n", strings.Repeat("  ", depth), 34-2*depth,
		strings.TrimSuffix(p.Operator(), "@neo4j"), p.Records(), p.DbHits(), details)
	total := p.DbHits()
	for _, c := range p.Children() {
		total += printProfile(w, c, depth+1)
	}
	return total
}

// sentStatement is a statement the store sent, with its parameters.
type sentStatement struct {
	cypher string
	params map[string]any
}

// statementLog holds the statements a store sends (neo4jstore.SetRecorder).
type statementLog struct {
	mu    sync.Mutex
	stmts []sentStatement
}

// recordStatements starts recording st's statements.
func recordStatements(st *neo4jstore.Store) *statementLog {
	l := &statementLog{}
	neo4jstore.SetRecorder(st, func(c string, p map[string]any) {
		l.mu.Lock()
		l.stmts = append(l.stmts, sentStatement{c, p})
		l.mu.Unlock()
	})
	return l
}

// reset forgets the statements recorded so far.
func (l *statementLog) reset() {
	l.mu.Lock()
	l.stmts = nil
	l.mu.Unlock()
}

// take returns the statements recorded since the last reset.
func (l *statementLog) take() []sentStatement {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stmts
}

// profileStatement runs s with PROFILE in a transaction it rolls back (a
// recorded statement may write) and writes its text, rows, db hits and
// plan to w as markdown. It returns the plan. The plan is made afresh
// (replan=force) from the graph's statistics of now: the test server keeps
// plans (tools/neo4j, KEPUGRAPH_NEO4J_PLANS=keep), and a plan made by an
// earlier test on a small graph is not the one to report or check.
func profileStatement(ctx context.Context, t *testing.T, sess neo4j.SessionWithContext, s sentStatement, w io.Writer) neo4j.ProfiledPlan {
	t.Helper()
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, "CYPHER replan=force PROFILE "+s.cypher, s.params)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for res.Next(ctx) {
		n++
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := sum.Profile()
	var tree strings.Builder
	total := printProfile(&tree, p, 0)
	fmt.Fprintf(w, "```\n%s\n```\n\n%d rows, %d db hits in all:\n\n```\n%s```\n\n", s.cypher, n, total, tree.String())
	return p
}
