package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"testing"
)

// benchWriter is a minimal http.ResponseWriter that keeps the status and
// discards the body, so that the benchmark measures the server's handler
// and not a recorder.
type benchWriter struct {
	header http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header { return w.header }
func (w *benchWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *benchWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// BenchmarkHandlerMuseum runs bench/queries/museum.json through the whole
// server handler (hardening stack, metrics, access log at info level to a
// discarded writer, GraphQL) in process, as bench/load.sh sends it over
// HTTP (same headers as bench/post.lua). The data directory is KEPUGRAPH_BENCH_DATA_DIR when set (a copy of
// a seeded one: the store locks it), else a temporary one that the first
// start seeds (slow).
func BenchmarkHandlerMuseum(b *testing.B) {
	_, serve := benchHandler(b, "bench/queries/museum.json")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		serve()
	}
}

// BenchmarkHandlerQueries runs each of bench/queries (museum: query 1,
// nested: query 2, province: query 3 of the peer harness) through the
// whole handler as BenchmarkHandlerMuseum does; its CPU profile is the
// one to read for a query's cost without HTTP.
func BenchmarkHandlerQueries(b *testing.B) {
	for _, q := range []string{"museum", "nested", "province"} {
		b.Run(q, func(b *testing.B) {
			_, serve := benchHandler(b, "bench/queries/"+q+".json")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				serve()
			}
		})
	}
}

// benchHandler starts the server as BenchmarkHandlerMuseum describes and
// returns its handler and a function that serves the request of file (a
// JSON body) once through it.
func benchHandler(b *testing.B, file string) (http.Handler, func() *benchWriter) {
	b.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	dir := os.Getenv("KEPUGRAPH_BENCH_DATA_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	m := NewMain()
	m.Stderr = io.Discard
	m.Getenv = func(string) string { return "" }
	if err := m.ParseFlags(context.Background(), []string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--rate-limit", "0", "--log-level", benchLogLevel()}); err != nil {
		b.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	h := m.srv.Handler

	serve := func() *benchWriter {
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json") // as bench/post.lua
		req.RemoteAddr = "127.0.0.1:40000"
		w := &benchWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		return w
	}
	if w := serve(); w.status != http.StatusOK || w.n < 100 {
		b.Fatalf("status %d, %d bytes", w.status, w.n)
	}
	return h, serve
}

// BenchmarkHandlerMuseumParallel is BenchmarkHandlerMuseum from GOMAXPROCS
// goroutines at once: compared with it, it shows what contention between
// cores (shared locks and counters) costs.
func BenchmarkHandlerMuseumParallel(b *testing.B) {
	_, serve := benchHandler(b, "bench/queries/museum.json")
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve()
		}
	})
}

// benchLogLevel is the log level of the benchmarks: info (every request
// logged, as served), or KEPUGRAPH_BENCH_LOG_LEVEL to measure without the
// access log.
func benchLogLevel() string {
	if l := os.Getenv("KEPUGRAPH_BENCH_LOG_LEVEL"); l != "" {
		return l
	}
	return "info"
}
