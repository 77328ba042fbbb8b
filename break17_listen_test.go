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
// temporary directory when nil), and the channel of Run's result.
func startingMain(t *testing.T) (m *Main, finish func(error), runErr <-chan error) {
	t.Helper()
	m = NewMain()
	logs := new(syncBuffer)
	m.Stderr = logs
	m.Getenv = func(k string) string { return testEnv[k] }
	dir := filepath.Join(t.TempDir(), "data")
	if err := m.ParseFlags(context.Background(), []string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--no-seed"}); err != nil {
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
