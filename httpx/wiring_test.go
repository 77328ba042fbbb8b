package httpx_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
	"github.com/kepugraph/kepugraph/metrics"
)

// TestWiring assembles every piece the way docs/hardening.md tells the
// server to, and checks one request of each kind through the whole chain.
func TestWiring(t *testing.T) {
	keys, err := auth.ParseKeys("alice:editor:" + auth.HashToken("editor-token"))
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New(metrics.Config{NoRuntimeCollectors: true})

	// graph.New: srv.Use for each extension.
	srv := httpxtest.New(
		httpx.Recorder{},
		gqllimit.New(gqllimit.DefaultConfig()),
		auth.MutationGuard(auth.RoleEditor),
	)
	// server.go: the /query route.
	cfg := httpx.DefaultConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/query", httpx.Stack(cfg, srv, m.Middleware, auth.Middleware(keys)))
	mux.Handle("/metrics", m.Handler())

	send := func(body, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	if rec := send(`{"query":"{ museums(first: 5) { nodes { name } } }"}`, ""); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), `"cost":{"requested":6,"limit":50000}`) {
		t.Fatalf("query: %d %s", rec.Code, rec.Body.String())
	}
	if rec := send(`{"query":"mutation { setName(name: \"x\") }"}`, ""); rec.Code != 401 {
		t.Fatalf("anonymous mutation: %d %s", rec.Code, rec.Body.String())
	}
	if rec := send(`{"query":"mutation { setName(name: \"x\") }"}`, "editor-token"); rec.Code != 200 {
		t.Fatalf("editor mutation: %d %s", rec.Code, rec.Body.String())
	}
	if rec := send(`{"query":"{ museums(first: 1000) { nodes { city { museums(first: 1000) { nodes { name } } } } } }"}`, ""); rec.Code != 422 ||
		!strings.Contains(rec.Body.String(), gqllimit.CodeComplexity) {
		t.Fatalf("expensive query: %d %s", rec.Code, rec.Body.String())
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`kepugraph_rejections_total{code="UNAUTHENTICATED"} 1`,
		`kepugraph_rejections_total{code="COMPLEXITY_LIMIT_EXCEEDED"} 1`,
		`kepugraph_http_requests_total{operation="anonymous",outcome="ok",status="200"} 2`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
