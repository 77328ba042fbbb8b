package main

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/server"
)

// A Neo4j that is down at start does not stop the server: /healthz answers,
// /readyz says not ready, and queries fail with SERVICE_UNAVAILABLE within
// the configured timeout instead of hanging.
func TestNeo4jDownAtStart(t *testing.T) {
	// A port with nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	m, logs := mustRunMain(t, "--neo4j-uri", "bolt://"+addr, "--neo4j-password", "s3cret-pw", "--neo4j-timeout", "1s")
	if m.Config.Store != "neo4j" {
		t.Fatalf("store = %q, want neo4j selected by the URI", m.Config.Store)
	}

	resp, body := get(t, m.URL()+"/healthz")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz = %d %s", resp.StatusCode, body)
	}
	for i := range 3 {
		// Not a speed check: a probe must read the 503 before its own
		// timeout (Kubernetes: 1 s by default), so /readyz answers within
		// the store's reach budget (3/4 of --neo4j-timeout, then at once
		// while the server is known down), never waiting out the driver's
		// retries up to server.ReadyTimeout (it took 2.0 s each time).
		start := time.Now()
		resp, body = get(t, m.URL()+"/readyz")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") {
			t.Errorf("/readyz = %d %s, want 503 unavailable", resp.StatusCode, body)
		}
		took := time.Since(start)
		if took >= server.ReadyTimeout {
			t.Errorf("/readyz %d answered after %s: the store's reach budget did not bound it", i, took)
		}
		t.Logf("/readyz %d: 503 after %s", i, took.Round(time.Millisecond))
	}

	start := time.Now()
	e := mustFail(t, m, `{ museums(first: 1) { totalCount } }`, nil, "SERVICE_UNAVAILABLE")
	// A hang guard, not a speed check: the configured timeout (1s here)
	// bounds the wait; 30s only catches a query that never returns.
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("query failed after %s: the timeout did not bound the wait", took)
	}
	if strings.Contains(e.Message, "s3cret-pw") || strings.Contains(logs.String(), "s3cret-pw") {
		t.Error("the Neo4j password appears in an error or a log line")
	}
}

func TestReadyzEmbedded(t *testing.T) {
	m := seededMain(t)
	resp, body := get(t, m.URL()+"/readyz")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "ready") {
		t.Errorf("/readyz = %d %s, want 200 ready", resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("/readyz Cache-Control = %q, want no-store (a cached answer would hide a change)", cc)
	}
}

// neo4jFlags are the flags that point the program at the Neo4j test server.
//
// The tests that use it compare answers, not availability (the fault tests
// set their own --neo4j-timeout): a long timeout keeps a busy machine (a
// shared CI runner at a load average of 30 made a write wait over 1.5 s for
// a connection) from turning into SERVICE_UNAVAILABLE answers.
func neo4jFlags() []string {
	c := neo4jstore.ConfigFromEnv()
	return []string{"--neo4j-uri", c.URI, "--neo4j-user", c.User, "--neo4j-password", c.Password, "--neo4j-database", c.Database,
		"--neo4j-timeout", neo4jtest.ConnectTimeout.String()}
}

// neo4jSeededMain wipes the Neo4j test server (holding it until the test
// ends) and starts the program on it, with args after the Neo4j flags: its
// first start loads the reference dataset, as on an empty data directory.
func neo4jSeededMain(t *testing.T, args ...string) *Main {
	t.Helper()
	neo4jtest.Fresh(t)
	m, logs := mustRunMain(t, append(neo4jFlags(), args...)...)
	if !strings.Contains(logs.String(), "reference dataset loaded") {
		t.Fatalf("the first start on an empty Neo4j did not load the reference dataset:\n%s", logs)
	}
	return m
}
