package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/metrics"
)

func post(h http.Handler, body string) int {
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.0.2.1:1"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMiddleware(t *testing.T) {
	m := metrics.New(metrics.Config{NoRuntimeCollectors: true})
	srv := httpxtest.New(gqllimit.New(gqllimit.Config{MaxDepth: 2}), httpx.Recorder{})
	cfg := httpx.DefaultConfig()
	cfg.RateLimit = httpx.RateLimitConfig{Rate: 0.001, Burst: 3}
	h := httpx.Stack(cfg, srv, m.Middleware)

	post(h, `{"query":"query Museums { name }"}`)
	post(h, `{"query":"{ museum(id: \"a\") { city { name } } }"}`) // depth 3
	post(h, `[{"query":"{ name }"}]`)                              // batching, not rate limited: the body is read after
	if code := post(h, `{"query":"{ name }"}`); code != 429 {
		t.Fatalf("4th request: %d, want 429", code)
	}
	out := scrape(t, m)
	for _, want := range []string{
		`kepugraph_http_requests_total{operation="Museums",outcome="ok",status="200"} 1`,
		`kepugraph_http_requests_total{operation="anonymous",outcome="DEPTH_LIMIT_EXCEEDED",status="422"} 1`,
		`kepugraph_http_requests_total{operation="anonymous",outcome="BATCHING_NOT_SUPPORTED",status="400"} 1`,
		`kepugraph_http_requests_total{operation="anonymous",outcome="RATE_LIMITED",status="429"} 1`,
		`kepugraph_rejections_total{code="DEPTH_LIMIT_EXCEEDED"} 1`,
		`kepugraph_rejections_total{code="RATE_LIMITED"} 1`,
		`kepugraph_rate_limited_total 1`,
		`kepugraph_http_request_duration_seconds_count{operation="Museums"} 1`,
		`kepugraph_http_requests_in_flight 0`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestOperationLabel(t *testing.T) {
	m := metrics.New(metrics.Config{MaxOperationNames: 2, MaxOperationNameLen: 8, NoRuntimeCollectors: true})
	for name, want := range map[string]string{
		"":                  metrics.Anonymous,
		"a b":               metrics.Anonymous,
		"9lives":            metrics.Anonymous,
		`x"}`:               metrics.Anonymous,
		"Museums":           "Museums",
		"VeryLongOperation": "VeryLong",
	} {
		if got := m.OperationLabel(name); got != want {
			t.Errorf("OperationLabel(%q) = %q, want %q", name, got, want)
		}
	}
	if got := m.OperationLabel("Third"); got != metrics.Other {
		t.Errorf("third name: %q, want %q", got, metrics.Other)
	}
	if got := m.OperationLabel("Museums"); got != "Museums" {
		t.Errorf("known name: %q", got)
	}
}

// fakeStore answers every call with a fixed error or nothing.
type fakeStore struct{ err error }

func (f fakeStore) Nodes(context.Context, []string) (map[string]kepu.Node, error) {
	return map[string]kepu.Node{"Museum:a": {ID: "Museum:a"}}, f.err
}
func (f fakeStore) FindNodes(context.Context, kepu.NodeQuery) (kepu.NodePage, error) {
	return kepu.NodePage{}, f.err
}
func (f fakeStore) CountNodes(context.Context, kepu.Label, *kepu.Filter) (int, error) {
	return 7, f.err
}
func (f fakeStore) Neighbors(context.Context, []string, kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	return nil, f.err
}
func (f fakeStore) CountNeighbors(context.Context, []string, kepu.NeighborQuery) (map[string]int, error) {
	return nil, f.err
}
func (f fakeStore) PlaceNodes(context.Context, []string, kepu.NodeQuery) (map[string]kepu.NodePage, error) {
	return nil, f.err
}
func (f fakeStore) Search(context.Context, kepu.SearchQuery) (kepu.SearchPage, error) {
	return kepu.SearchPage{}, f.err
}
func (f fakeStore) CountPlaceNodes(context.Context, []string, kepu.Label, *kepu.Filter) (map[string]int, error) {
	return nil, f.err
}
func (f fakeStore) Locate(context.Context, []string) (map[string]kepu.Location, error) {
	return nil, f.err
}
func (f fakeStore) Aggregate(context.Context, kepu.AggregateQuery) ([]kepu.Group, error) {
	return nil, f.err
}
func (f fakeStore) Edges(context.Context, kepu.EdgeQuery) (kepu.EdgePage, error) {
	return kepu.EdgePage{}, f.err
}
func (f fakeStore) WalkNodes(context.Context, kepu.Label, *kepu.Filter, func(*kepu.Node, kepu.Location) error) error {
	return f.err
}
func (f fakeStore) WalkEdges(context.Context, kepu.RelType, func(*kepu.Edge) error) error {
	return f.err
}
func (f fakeStore) AggregateEdges(context.Context, kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error) {
	return kepu.EdgeAggregate{}, f.err
}
func (f fakeStore) Write(context.Context, []kepu.Change) ([]kepu.Result, error) { return nil, f.err }
func (f fakeStore) Version(context.Context) (uint64, error)                     { return 0, f.err }
func (f fakeStore) Meta(context.Context, string) (string, error)                { return "", f.err }
func (f fakeStore) SetMeta(context.Context, string, string) error               { return f.err }
func (f fakeStore) Close() error                                                { return nil }

func TestInstrumentStore(t *testing.T) {
	m := metrics.New(metrics.Config{NoRuntimeCollectors: true})
	ctx := context.Background()
	st := metrics.InstrumentStore(fakeStore{}, m)
	if n, err := st.CountNodes(ctx, kepu.Museum, nil); n != 7 || err != nil {
		t.Fatalf("CountNodes passed through %d %v", n, err)
	}
	if nodes, _ := st.Nodes(ctx, []string{"Museum:a"}); len(nodes) != 1 {
		t.Fatal("Nodes did not pass through")
	}
	st.FindNodes(ctx, kepu.NodeQuery{})
	st.Neighbors(ctx, nil, kepu.NeighborQuery{})
	st.CountNeighbors(ctx, nil, kepu.NeighborQuery{})
	st.Locate(ctx, nil)
	st.Aggregate(ctx, kepu.AggregateQuery{})
	st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{})
	st.Write(ctx, nil)

	bad := metrics.InstrumentStore(fakeStore{err: kepu.Errorf(kepu.NotFound, "gone")}, m)
	if _, err := bad.Write(ctx, nil); kepu.ErrorCode(err) != kepu.NotFound {
		t.Fatalf("error changed: %v", err)
	}
	raw := metrics.InstrumentStore(fakeStore{err: errors.New("driver: boom")}, m)
	raw.Write(ctx, nil)

	out := scrape(t, m)
	for _, method := range []string{"Nodes", "FindNodes", "CountNodes", "Neighbors", "CountNeighbors", "Locate", "Aggregate", "AggregateEdges"} {
		if !strings.Contains(out, `kepugraph_store_calls_total{code="ok",method="`+method+`"} 1`) {
			t.Errorf("no ok call of %s", method)
		}
		if !strings.Contains(out, `kepugraph_store_call_duration_seconds_count{method="`+method+`"} 1`) {
			t.Errorf("no latency of %s", method)
		}
	}
	for _, want := range []string{
		`kepugraph_store_calls_total{code="ok",method="Write"} 1`,
		`kepugraph_store_calls_total{code="NOT_FOUND",method="Write"} 1`,
		`kepugraph_store_calls_total{code="INTERNAL_SERVER_ERROR",method="Write"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if n := testutil.CollectAndCount(m.Registry(), "kepugraph_store_calls_total"); n != 11 {
		t.Errorf("%d store call series, want 11", n)
	}
}

func TestRuntimeCollectors(t *testing.T) {
	m := metrics.New(metrics.Config{})
	if out := scrape(t, m); !strings.Contains(out, "go_goroutines") {
		t.Fatal("no Go collector")
	}
}
