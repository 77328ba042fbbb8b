package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/kepugraph/kepugraph/metrics"
)

// TestOTel checks that tracing is off by default and that, with a tracer
// provider recording in memory (what --otel sets up with the OTLP exporter),
// an operation gets a span and its store calls get spans of their own.
func TestOTel(t *testing.T) {
	off, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	if off.Config.OTel || off.Tracing != nil {
		t.Fatalf("tracing is on by default: OTel %v, Tracing %v", off.Config.OTel, off.Tracing)
	}

	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	m, _, err := runMainWith(t, func(m *Main) { m.Tracing = metrics.NewTracing(tp) }, "--data-dir", t.TempDir(), "--no-seed")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res := do(t, m, request{method: http.MethodPost, body: gqlBody(`query Traced { museums(first: 2) { totalCount nodes { name } } }`, nil)})
	if res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("query: %d %s", res.status, res.body)
	}
	var op, store bool
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
		switch {
		case s.Name() == "graphql.query Traced":
			op = true
		case strings.HasPrefix(s.Name(), "store."):
			store = true
		}
	}
	if !op || !store {
		t.Fatalf("spans %v: want an operation span and store-call spans", names)
	}
}

// TestOTel_OTLP starts the server with --otel against a fake OTLP/HTTP
// collector (OTEL_EXPORTER_OTLP_ENDPOINT) and checks that the spans are
// exported there by the time the server has stopped.
func TestOTel_OTLP(t *testing.T) {
	var posts atomic.Int64
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/traces" {
			io.Copy(io.Discard, r.Body)
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)

	m, _, err := runMain(t, "--data-dir", t.TempDir(), "--no-seed", "--otel")
	if err != nil {
		t.Fatal(err)
	}
	if m.Tracing == nil {
		m.Close()
		t.Fatal("--otel did not set up tracing")
	}
	stillServes(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if posts.Load() == 0 {
		t.Fatal("no spans reached the OTLP collector")
	}
}
