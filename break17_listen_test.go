package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/server"
)

// startingMain runs a Main whose store open blocks until the test lets it
// go: it returns the Main once it listens (its store being opened), a
// function that lets the open finish with err (the embedded store of a
// temporary directory when nil), and the channel of Run's result. flags
// are added to the command line.
func startingMain(t *testing.T, flags ...string) (m *Main, finish func(error), runErr <-chan error) {
	t.Helper()
	m = NewMain()
	logs := new(syncBuffer)
	m.Stderr = logs
	m.Getenv = func(k string) string { return testEnv[k] }
	dir := filepath.Join(t.TempDir(), "data")
	if err := m.ParseFlags(context.Background(), append([]string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--no-seed"}, flags...)); err != nil {
		t.Fatal(err)
	}
	opening := make(chan struct{})
	release := make(chan error, 1)
	m.openStore = func(ctx context.Context, c server.Config, log *slog.Logger) (kepu.Store, error) {
		close(opening)
		if err := <-release; err != nil {
			return nil, err
		}
		return server.OpenStore(ctx, c, log)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background()) }()
	select {
	case <-opening:
	case err := <-done:
		t.Fatalf("Run returned before opening the store: %v\nlog:\n%s", err, logs)
	}
	return m, func(err error) { release <- err }, done
}

// getStarting sends GET path and returns the status, the body and the
// Retry-After header. The client's timeout only ends a test that would
// otherwise hang (the old code left the connection unanswered for as long
// as the store took to open); nothing is measured.
func getStarting(t *testing.T, url string) (int, []byte, string) {
	t.Helper()
	c := &http.Client{Timeout: time.Minute}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body, resp.Header.Get("Retry-After")
}

// TestAnswersWhileStoreOpens: the server listens before it opens the
// store (TestAddressInUseBeforeStore); a request that comes while the
// store opens (49 s on Neo4j when the reference dataset is loaded) is
// answered at once: /healthz 200 "starting", /readyz 503, the API 503
// SERVICE_UNAVAILABLE with Retry-After; then the API once the store is
// open. It waited unanswered in the listen queue (the client's own
// timeout ended it: this test fails on the old code by the minute's
// timeout of get).
func TestAnswersWhileStoreOpens(t *testing.T) {
	m, finish, runErr := startingMain(t)
	defer m.Close()
	base := m.URL()

	status, body, _ := getStarting(t, base+"/healthz")
	if status != http.StatusOK || !strings.Contains(string(body), `"starting"`) {
		t.Errorf("/healthz while the store opens: %d %s, want 200 starting", status, body)
	}
	status, body, retry := getStarting(t, base+"/readyz")
	if status != http.StatusServiceUnavailable || !strings.Contains(string(body), server.StartingMessage) || retry == "" {
		t.Errorf("/readyz while the store opens: %d %s (Retry-After %q), want 503 with the message and Retry-After", status, body, retry)
	}
	for _, path := range []string{"/query?query=%7B__typename%7D", "/export/graphml", "/metrics", "/"} {
		status, body, retry := getStarting(t, base+path)
		var resp struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(body, &resp); err != nil || status != http.StatusServiceUnavailable || retry == "" ||
			len(resp.Errors) != 1 || resp.Errors[0].Extensions.Code != kepu.Unavailable || resp.Errors[0].Message != server.StartingMessage {
			t.Errorf("%s while the store opens: %d %s (Retry-After %q), want 503 SERVICE_UNAVAILABLE", path, status, body, retry)
		}
	}

	finish(nil)
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
	if status, body, _ := getStarting(t, base+"/readyz"); status != http.StatusOK {
		t.Errorf("/readyz once open: %d %s", status, body)
	}
	if status, body, _ := getStarting(t, base+"/query?query=%7B__typename%7D"); status != http.StatusOK || !strings.Contains(string(body), `"Query"`) {
		t.Errorf("/query once open: %d %s", status, body)
	}
}

// TestStartingCORS: the answers while the store opens carry what every
// route's answers carry: a request ID, and with --cors-origins the CORS
// headers, so that a browser app on an allowed origin can read the 503
// and its Retry-After (on the old code the headers were missing and the
// browser reported a network error); a preflight is answered 204 and an
// origin not allowed gets no CORS header.
func TestStartingCORS(t *testing.T) {
	m, finish, runErr := startingMain(t, "--cors-origins", "https://app.example")
	defer m.Close()
	do := func(method, origin string, header http.Header) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, m.URL()+"/query?query=%7B__typename%7D", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = header
		req.Header.Set("Origin", origin)
		resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	resp := do(http.MethodGet, "https://app.example", http.Header{"X-Request-Id": {"starting-1"}})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Retry-After") || resp.Header.Get("X-Request-Id") != "starting-1" {
		t.Errorf("GET from an allowed origin while the store opens: %d %v, want 503 with the CORS headers and the request ID", resp.StatusCode, resp.Header)
	}
	resp = do(http.MethodOptions, "https://app.example", http.Header{"Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type"}})
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight while the store opens: %d %v, want 204 allowing the origin", resp.StatusCode, resp.Header)
	}
	resp = do(http.MethodGet, "https://other.example", http.Header{})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET from an origin not allowed: %d %v, want 503 without CORS headers", resp.StatusCode, resp.Header)
	}
	finish(nil)
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
}

// TestStoreFailsAfterListening: a store that fails to open after the
// server listened fails Run with the store's error, and Close closes the
// listener: the port is free again.
func TestStoreFailsAfterListening(t *testing.T) {
	m, finish, runErr := startingMain(t)
	addr := strings.TrimPrefix(m.URL(), "http://")
	failed := errors.New("the store cannot open")
	finish(failed)
	if err := <-runErr; !errors.Is(err, failed) {
		t.Fatalf("Run: %v, want the store's error", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// The port is free: a new listener takes it.
	m2 := NewMain()
	m2.Stderr = io.Discard
	m2.Getenv = func(k string) string { return testEnv[k] }
	if err := m2.ParseFlags(context.Background(), []string{"--addr", addr, "--data-dir", filepath.Join(t.TempDir(), "data"), "--no-seed"}); err != nil {
		t.Fatal(err)
	}
	if err := m2.Run(context.Background()); err != nil {
		t.Fatalf("listen again on %s after the failed start: %v", addr, err)
	}
	m2.Close()
}
