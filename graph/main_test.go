package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/graph/internal/lists"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// shared is the reference dataset, loaded once per test binary and only
// read by the tests that use it, through ref.
var shared struct {
	store kepu.Store
	url   string
	// stale: on Neo4j, fresh emptied the one database since the dataset
	// was loaded (ref loads it again); inFresh: a test of fresh runs.
	stale, inFresh bool
}

// ref returns the handler and store of the reference dataset. On Neo4j,
// after tests of fresh (which empty the one database) it first loads the
// dataset again, once for the run of fresh tests before it rather than
// after each of them.
func ref(tb testing.TB) struct {
	store kepu.Store
	url   string
} {
	tb.Helper()
	if shared.inFresh {
		tb.Fatal("a test of fresh reads the reference dataset: on Neo4j they share the one database")
	}
	if shared.stale {
		n4 := shared.store.(*neo4jstore.Store)
		ctx := context.Background()
		if err := wipe(ctx, n4); err != nil {
			tb.Fatal(err)
		}
		if _, err := dataset.Load(ctx, n4, reference, dataset.LoadOptions{}); err != nil {
			tb.Fatal(err)
		}
		shared.stale = false
	}
	return struct {
		store kepu.Store
		url   string
	}{shared.store, shared.url}
}

// backendEnv names the backend the tests run on: unset or "embedded" for
// the embedded store, "neo4j" for the Neo4j server at NEO4J_URI. When
// NEO4J_URI is set, TestMain runs the whole package a second time in a child
// process against Neo4j: the same end-to-end tests on both backends. The
// Neo4j run WIPES the database it is given.
const backendEnv = "KEPUGRAPH_TEST_BACKEND"

func backend() string { return os.Getenv(backendEnv) }

// countCall is the number of store calls a totalCount costs beside a page
// of nodes (FindNodes, PlaceNodes) that read every match: none on the
// embedded store, whose such pages carry their count (kepu.NodePage.Counted),
// one (CountNodes, CountPlaceNodes) on Neo4j, whose pages do not.
func countCall() int {
	if backend() == "neo4j" {
		return 1
	}
	return 0
}

func TestMain(m *testing.M) {
	// Every test checks that no resolver writes the arguments lists.Args
	// shares between the objects of a field; benchmarks measure without it.
	flag.Parse()
	if b := flag.Lookup("test.bench"); b == nil || b.Value.String() == "" {
		lists.VerifyArgs(true)
	}
	code := run(m)
	if code == 0 && backend() == "" && os.Getenv("NEO4J_URI") != "" {
		fmt.Fprintln(os.Stderr, "graph: NEO4J_URI is set: running the tests again against Neo4j")
		cmd := exec.Command(os.Args[0], os.Args[1:]...)
		cmd.Env = append(os.Environ(), backendEnv+"=neo4j")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "graph: the Neo4j run failed:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// reference is the reference dataset, generated once.
var reference *dataset.Dataset

func run(m *testing.M) int {
	st, closeStore, err := openStore()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer closeStore()
	if reference, err = dataset.Generate(dataset.Options{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := dataset.Load(context.Background(), st, reference, dataset.LoadOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := httptest.NewServer(graph.New(st, graph.Options{}))
	defer srv.Close()
	shared.store, shared.url = st, srv.URL
	return m.Run()
}

// openStore opens an empty store of the backend under test.
func openStore() (kepu.Store, func(), error) {
	switch backend() {
	case "", "embedded":
		dir, err := os.MkdirTemp("", "graph-test")
		if err != nil {
			return nil, nil, err
		}
		st, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return st, func() { st.Close(); os.RemoveAll(dir) }, nil
	case "neo4j":
		// Other test binaries may use the same server: wait for them.
		if err := neo4jtest.LockProcess(); err != nil {
			return nil, nil, err
		}
		ctx := context.Background()
		st, err := neo4jstore.Open(ctx, neo4jtest.Config())
		if err != nil {
			return nil, nil, err
		}
		if err := st.Ready(ctx); err != nil {
			st.Close()
			return nil, nil, err
		}
		if err := wipe(ctx, st); err != nil {
			st.Close()
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	return nil, nil, fmt.Errorf("%s=%q: want embedded or neo4j", backendEnv, backend())
}

func wipe(ctx context.Context, st *neo4jstore.Store) error {
	if err := st.DeleteAll(ctx); err != nil {
		return err
	}
	return st.EnsureSchema(ctx)
}

// gqlError is one error of a response.
type gqlError struct {
	Message    string
	Path       []any
	Extensions struct{ Code string }
}

// response is a decoded GraphQL response.
type response struct {
	Data       json.RawMessage
	Errors     []gqlError
	Extensions struct{ StoreCalls int }
}

func post(t testing.TB, url, query string, vars map[string]any) response {
	t.Helper()
	var r response
	postInto(t, url, query, vars, &r)
	return r
}

// postInto posts a query and decodes the response into out.
func postInto(t testing.TB, url, query string, vars map[string]any, out any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// query runs a query that must succeed and decodes its data into out.
func query(t testing.TB, url, q string, vars map[string]any, out any) response {
	t.Helper()
	r := post(t, url, q, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("query failed: %+v\n%s", r.Errors, q)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// wantError runs a query that must fail with the code.
func wantError(t testing.TB, url, q string, vars map[string]any, code string) response {
	t.Helper()
	r := post(t, url, q, vars)
	for _, e := range r.Errors {
		if e.Extensions.Code == code {
			return r
		}
	}
	t.Fatalf("want an error %s, got %+v (data %s)\n%s", code, r.Errors, r.Data, q)
	return r
}

// fresh returns a handler over a new, empty store. On Neo4j there is one
// database: fresh empties it, and the next test that reads the reference
// dataset (ref) loads it again (no test runs in parallel).
func fresh(t testing.TB) (kepu.Store, string) {
	t.Helper()
	var st kepu.Store
	if n4, ok := shared.store.(*neo4jstore.Store); ok {
		ctx := context.Background()
		shared.stale, shared.inFresh = true, true
		t.Cleanup(func() { shared.inFresh = false })
		if err := wipe(ctx, n4); err != nil {
			t.Fatal(err)
		}
		st = n4
	} else {
		es, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { es.Close() })
		st = es
	}
	srv := httptest.NewServer(graph.New(st, graph.Options{}))
	t.Cleanup(srv.Close)
	return st, srv.URL
}

func mustWrite(t testing.TB, st kepu.Store, changes ...kepu.Change) {
	t.Helper()
	if _, err := st.Write(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
}

func nodeChange(l kepu.Label, key string, props kepu.Props) kepu.Change {
	p := kepu.Props{"name": key, "provenance": kepu.Generated, "source": "test"}
	for k, v := range props {
		p[k] = v
	}
	return kepu.Change{Kind: kepu.CreateNode, Node: kepu.Node{ID: kepu.MakeID(l, key), Label: l, Props: p}}
}

func edgeChange(t kepu.RelType, from, to string, props kepu.Props) kepu.Change {
	p := kepu.Props{"provenance": kepu.Generated, "source": "test"}
	for k, v := range props {
		p[k] = v
	}
	return kepu.Change{Kind: kepu.CreateEdge, Edge: kepu.Edge{Type: t, From: from, To: to, Props: p}}
}

// fixture builds a small graph with known answers:
//
//	Province P (mainland, CN-PP) ← Prefecture F ← Counties C1, C2; Province Q (CN-QQ, not mainland)
//	Museums m1 (STANDARD, C1, 2001, free), m2 (MOBILE, C2, 2010), m3 (CARAVAN, Q, no year)
//	Schools s1..s4 (s1, s2 in C1; s3 in C2; s4 nowhere)
//	m1 partners s1 (since 2015), s2 (since 2018), s3 (since 2020); m2 partners s3 (since 2021)
//	m2 covers C1 (tours 3), C2 (tours 5)
//	Program p with monthlyThemes [Dream Space, Beautiful China]
func fixture(t testing.TB) (kepu.Store, string) {
	st, url := fresh(t)
	id := kepu.MakeID
	mustWrite(t, st,
		nodeChange(kepu.Province, "P", kepu.Props{"code": "CN-PP", "mainland": true, "kind": "PROVINCE"}),
		nodeChange(kepu.Province, "Q", kepu.Props{"code": "CN-QQ", "mainland": false, "kind": "SAR"}),
		nodeChange(kepu.Prefecture, "F", kepu.Props{"gbCode": "110100"}),
		nodeChange(kepu.County, "C1", kepu.Props{"gbCode": "110101"}),
		nodeChange(kepu.County, "C2", kepu.Props{"gbCode": "110102"}),
		edgeChange(kepu.PartOf, id(kepu.Prefecture, "F"), id(kepu.Province, "P"), nil),
		edgeChange(kepu.PartOf, id(kepu.County, "C1"), id(kepu.Prefecture, "F"), nil),
		edgeChange(kepu.PartOf, id(kepu.County, "C2"), id(kepu.Prefecture, "F"), nil),
		nodeChange(kepu.Museum, "m1", kepu.Props{"kind": "STANDARD", "openedYear": 2001, "freeEntry": true, "distanceKm": 1.5, "provenance": kepu.Reported}),
		nodeChange(kepu.Museum, "m2", kepu.Props{"kind": "MOBILE", "openedYear": 2010}),
		nodeChange(kepu.Museum, "m3", kepu.Props{"kind": "CARAVAN", "distanceKm": 1000.0}),
		edgeChange(kepu.LocatedIn, id(kepu.Museum, "m1"), id(kepu.County, "C1"), nil),
		edgeChange(kepu.LocatedIn, id(kepu.Museum, "m2"), id(kepu.County, "C2"), nil),
		edgeChange(kepu.LocatedIn, id(kepu.Museum, "m3"), id(kepu.Province, "Q"), nil),
		nodeChange(kepu.School, "s1", kepu.Props{"stage": "PRIMARY", "rural": true}),
		nodeChange(kepu.School, "s2", kepu.Props{"stage": "PRIMARY"}),
		nodeChange(kepu.School, "s3", kepu.Props{"stage": "JUNIOR_SECONDARY", "rural": true}),
		nodeChange(kepu.School, "s4", nil),
		edgeChange(kepu.LocatedIn, id(kepu.School, "s1"), id(kepu.County, "C1"), nil),
		edgeChange(kepu.LocatedIn, id(kepu.School, "s2"), id(kepu.County, "C1"), nil),
		edgeChange(kepu.LocatedIn, id(kepu.School, "s3"), id(kepu.County, "C2"), nil),
		edgeChange(kepu.PartnersWith, id(kepu.Museum, "m1"), id(kepu.School, "s1"), kepu.Props{"since": 2015}),
		edgeChange(kepu.PartnersWith, id(kepu.Museum, "m1"), id(kepu.School, "s2"), kepu.Props{"since": 2018}),
		edgeChange(kepu.PartnersWith, id(kepu.Museum, "m1"), id(kepu.School, "s3"), kepu.Props{"since": 2020}),
		edgeChange(kepu.PartnersWith, id(kepu.Museum, "m2"), id(kepu.School, "s3"), kepu.Props{"since": 2021}),
		edgeChange(kepu.Covers, id(kepu.Museum, "m2"), id(kepu.County, "C1"), kepu.Props{"tours": 3}),
		edgeChange(kepu.Covers, id(kepu.Museum, "m2"), id(kepu.County, "C2"), kepu.Props{"tours": 5}),
		nodeChange(kepu.Program, "p", kepu.Props{"monthlyThemes": []string{"Dream Space", "Beautiful China"}}),
	)
	return st, url
}

// gid is the global ID of a node.
func gid(l kepu.Label, key string) string { return kepu.GlobalID(kepu.MakeID(l, key)) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
