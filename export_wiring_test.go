package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestExportRoute checks /export/{format} on the full server: files with
// their headers, JSON errors with codes, public reads, the metrics and the
// access log.
func TestExportRoute(t *testing.T) {
	m := seededMain(t)
	resp, body := get(t, m.URL()+"/export/graphml?labels=Province,Prefecture&relationships=PART_OF")
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "<?xml") || !strings.Contains(body, "<graphml") {
		t.Fatalf("graphml: %d %.200s", resp.StatusCode, body)
	}
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "application/graphml+xml; charset=utf-8" || cd != `attachment; filename="kepugraph-subgraph.graphml"` {
		t.Errorf("headers: %q, %q", ct, cd)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID")
	}
	if n := strings.Count(body, "<node "); n < 300 {
		t.Errorf("%d nodes: want every province and prefecture", n)
	}

	// A where input, as the GraphQL layer converts it.
	resp, body = get(t, m.URL()+`/export/jsonl?labels=Museum&where=%7B%22province%22%3A%7B%22code%22%3A%7B%22eq%22%3A%22CN-AH%22%7D%7D%7D`)
	if resp.StatusCode != 200 {
		t.Fatalf("where: %d %s", resp.StatusCode, body)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	for _, l := range lines {
		var el struct{ ProvinceCode string }
		if err := json.Unmarshal([]byte(l), &el); err != nil || el.ProvinceCode != "CN-AH" {
			t.Fatalf("where: line %q (%v)", l, err)
		}
	}
	var count struct {
		Museums struct{ TotalCount int }
	}
	query(t, m, `{ museums(where: {province: {code: {eq: "CN-AH"}}}) { totalCount } }`, nil, &count)
	if len(lines) != count.Museums.TotalCount {
		t.Errorf("where: %d museums, GraphQL counts %d", len(lines), count.Museums.TotalCount)
	}

	// Errors: JSON with a code, 400 before any output.
	for _, path := range []string{"/export/pdf", "/export/gexf?labels=Planet", "/export/gexf?hops=9&around=" + kepu.GlobalID("Museum:cstm")} {
		resp, body := get(t, m.URL()+path)
		var doc struct {
			Errors []struct{ Extensions struct{ Code string } }
		}
		if err := json.Unmarshal([]byte(body), &doc); resp.StatusCode != 400 || err != nil || len(doc.Errors) != 1 || doc.Errors[0].Extensions.Code != kepu.BadUserInput {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}

	// No format: 404 with a code, naming the formats.
	for _, path := range []string{"/export", "/export/"} {
		resp, body := get(t, m.URL()+path)
		var doc struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal([]byte(body), &doc); resp.StatusCode != 404 || err != nil || len(doc.Errors) != 1 ||
			doc.Errors[0].Extensions.Code != kepu.NotFound || !strings.Contains(doc.Errors[0].Message, "graphml") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}

	// Reads are public; a wrong token is refused as on /query.
	req, _ := http.NewRequest("GET", m.URL()+"/export/csv?labels=Province", nil)
	req.Header.Set("Authorization", "Bearer wrong")
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	qreq, _ := http.NewRequest("GET", m.URL()+"/query?query=%7B__typename%7D", nil)
	qreq.Header.Set("Authorization", "Bearer wrong")
	qr, err := http.DefaultClient.Do(qreq)
	if err != nil {
		t.Fatal(err)
	}
	qr.Body.Close()
	if r.StatusCode != qr.StatusCode {
		t.Errorf("a wrong token: /export %d, /query %d", r.StatusCode, qr.StatusCode)
	}

	_, text := get(t, m.URL()+"/metrics")
	for _, want := range []string{`operation="export_graphml",outcome="ok",status="200"`, `operation="export",outcome="BAD_USER_INPUT",status="400"`} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestExportLimits: the rate limit of /query applies to /export, and its
// own deadline cuts a slow export. A token comes back every 100 s, so the
// third export finds none however long the first two took.
func TestExportLimits(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--rate-limit", "0.01", "--rate-burst", "2")
	for i := 0; i < 2; i++ {
		if r, body := get(t, m.URL()+"/export/jsonl?labels=Province"); r.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i+1, r.StatusCode, body)
		}
	}
	r, body := get(t, m.URL()+"/export/jsonl?labels=Province")
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "RATE_LIMITED") {
		t.Fatalf("over the burst: %d %s", r.StatusCode, body)
	}

	m2, _, err := runMainWith(t, func(m *Main) {
		m.WrapStore = func(st kepu.Store) kepu.Store { return slowStore{st} }
	}, "--data-dir", t.TempDir(), "--no-seed", "--export-timeout", "300ms")
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	start := time.Now()
	r, body = get(t, m2.URL()+"/export/gexf?labels=Museum")
	if time.Since(start) > 30*time.Second { // a hang guard, not a speed check
		t.Fatal("the export deadline did not stop the store call")
	}
	if r.StatusCode != 503 || !strings.Contains(body, "TIMEOUT") {
		t.Fatalf("after the deadline: %d %s", r.StatusCode, body)
	}
}
