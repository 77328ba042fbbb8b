package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
)

// FuzzDecodeParams sends arbitrary bodies, content types, accept headers and
// GET queries through DecodeParams and the whole middleware stack: they must
// never panic, every rejection must be a 4xx with a code, and the handler
// must keep answering.
//
//	go test ./httpx -run '^$' -fuzz FuzzDecodeParams -fuzztime 60s
func FuzzDecodeParams(f *testing.F) {
	f.Add("POST", "application/json", "", `{"query":"{ name }"}`, "")
	f.Add("POST", "application/json; charset=utf-8", "application/graphql-response+json", `{"query":"mutation { setName(name: \"x\") }","variables":{"a":[1,2,{"b":null}]}}`, "")
	f.Add("POST", "application/json", "*/*", `[{"query":"{ name }"}]`, "")
	f.Add("POST", "text/plain", "", `query=1`, "")
	f.Add("POST", "application/json", "", `{"query":"{ name }"} trailing`, "")
	f.Add("POST", "application/json", "", `{"query":"{ name }","variables":1e999}`, "")
	f.Add("GET", "", "", "", "query=%7B+name+%7D")
	f.Add("GET", "", "", "", "query=mutation+%7B+setName(name%3A%22x%22)+%7D")
	f.Add("GET", "", "text/html", "", "query=%7B&variables=%5B")
	f.Add("GET", "", "", "", "query=%ZZ")
	f.Add("DELETE", "", "", "", "")
	cfg := httpx.DefaultConfig()
	cfg.RateLimit.Rate = 0
	cfg.Body.MaxBytes = 4096
	srv := httpxtest.New(httpx.Recorder{})
	h := httpx.Stack(cfg, srv)
	f.Fuzz(func(t *testing.T, method, contentType, accept, body, rawQuery string) {
		if method != "GET" && method != "POST" && method != "PUT" && method != "DELETE" {
			method = "POST"
		}
		req := httptest.NewRequest(http.MethodGet, "/query", nil)
		req.Method = method
		req.URL.RawQuery = rawQuery
		req.Body = httpBody(body)
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", accept)

		p, rj := httpx.DecodeParams(req, 4096)
		if rj != nil && (rj.Status < 400 || rj.Status > 499 || rj.Code == "") {
			t.Fatalf("rejection %+v", rj)
		}
		_ = p

		req2 := httptest.NewRequest(http.MethodGet, "/query", nil)
		req2.Method = method
		req2.URL.RawQuery = rawQuery
		req2.Body = httpBody(body)
		req2.ContentLength = int64(len(body))
		req2.Header.Set("Content-Type", contentType)
		req2.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); h.ServeHTTP(rec, req2) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("request took more than 5 s: method %q query %q body %q", method, rawQuery, body)
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		if _, err := url.ParseQuery(rawQuery); err == nil && rec.Code == 0 {
			t.Fatal("no status")
		}
	})
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func httpBody(s string) readCloser { return readCloser{strings.NewReader(s)} }
