package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/internal/testenv"
)

// TestBrowserCORS calls the API from a page on another origin in a real
// browser (Playwright driving Debian's Chromium, tools/browser-cors): the
// preflight must allow Apollo Client's client-awareness headers and the
// Authorization header, and browser code must be able to read X-Request-ID
// and, on a 429, Retry-After. Without Node.js, the npm package or the
// browser it skips, unless CI is set (see internal/testenv): make
// test-tools and .ci/run install them.
func TestBrowserCORS(t *testing.T) {
	node := testenv.Node(t)
	testenv.NPMPackage(t, "tools/browser-cors", "playwright-core")
	chromium := testenv.Chromium(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>other origin</title><p>page"))
	}))
	defer page.Close()
	// The rate limit is low so that the fifth request gets a 429.
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--cors-origins", page.URL,
		"--rate-limit", "0.01", "--rate-burst", "3")

	// A hang guard: the script took 9 s in CI; Chromium's start and each
	// page load allow three minutes on a loaded machine (cors.mjs).
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "cors.mjs", page.URL+"/", m.URL()+"/query", testReaderToken)
	cmd.Dir = "tools/browser-cors"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium, "EXPLORER_URL="+m.URL()+"/")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("browser: %v\n%s\n%s", err, out, stderr)
	}
	var res struct {
		Responses []struct {
			Status     int
			RequestID  string
			RetryAfter *string
			Body       string
		}
		Error         string
		ConsoleErrors []string
		Explorer      struct {
			Failed  []string
			Favicon int
			Title   string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("browser output: %v\n%s", err, out)
	}
	t.Logf("browser: %s", out)
	if res.Error != "" || len(res.Responses) == 0 {
		t.Fatalf("the page could not call the API: %s (console: %v)", res.Error, res.ConsoleErrors)
	}
	first := res.Responses[0]
	if first.Status != 200 || !strings.Contains(first.Body, `"totalCount"`) {
		t.Errorf("first response: %d %s", first.Status, first.Body)
	}
	for i, r := range res.Responses {
		if r.RequestID == "" {
			t.Errorf("response %d: X-Request-ID not readable by the page", i)
		}
	}
	last := res.Responses[len(res.Responses)-1]
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("no 429 after %d requests: %+v", len(res.Responses), res.Responses)
	}
	if last.RetryAfter == nil || *last.RetryAfter == "" {
		t.Errorf("Retry-After not readable by the page on the 429")
	}
	// The explorer loads without a failed request; its favicon is there.
	if len(res.Explorer.Failed) > 0 || res.Explorer.Favicon != 200 {
		t.Errorf("explorer %q: failed requests %v, favicon %d", res.Explorer.Title, res.Explorer.Failed, res.Explorer.Favicon)
	}
}
