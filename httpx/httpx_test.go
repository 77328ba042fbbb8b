package httpx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
)

type result struct {
	Status int
	Header http.Header
	Code   string
	Limit  any
	Raw    string
}

func do(t *testing.T, h http.Handler, req *http.Request) result {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := result{Status: rec.Code, Header: rec.Header(), Raw: rec.Body.String()}
	var body struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("body is not JSON: %v: %q", err, r.Raw)
		}
	}
	if len(body.Errors) > 0 {
		r.Code, _ = body.Errors[0].Extensions["code"].(string)
		r.Limit = body.Errors[0].Extensions["limit"]
	}
	return r
}

func postReq(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func getReq(params url.Values) *http.Request {
	return httptest.NewRequest(http.MethodGet, "/query?"+params.Encode(), nil)
}

const okBody = `{"query":"{ name }"}`

// stack returns the full chain (without rate limits) around a test server.
func stack(cfg httpx.Config) (http.Handler, *httpxtest.Server) {
	srv := httpxtest.New(httpx.Recorder{})
	return httpx.Stack(cfg, srv), srv
}

func checkNext(t *testing.T, h http.Handler) {
	t.Helper()
	if r := do(t, h, postReq(okBody)); r.Status != 200 || r.Code != "" {
		t.Fatalf("next request: %d %s", r.Status, r.Raw)
	}
}

func TestRejections(t *testing.T) {
	big := `{"query":"{ name }","variables":{"pad":"` + strings.Repeat("x", 2000) + `"}}`
	chunked := func() *http.Request {
		r := postReq(big)
		r.ContentLength = -1 // unknown length: read and counted
		return r
	}
	withHeader := func(r *http.Request, k, v string) *http.Request { r.Header.Set(k, v); return r }
	tests := []struct {
		name   string
		req    *http.Request
		status int
		code   string
		header [2]string
		limit  any
	}{
		{"body too large", postReq(big), 413, httpx.CodePayloadTooLarge, [2]string{}, float64(1000)},
		{"body too large without length", chunked(), 413, httpx.CodePayloadTooLarge, [2]string{}, float64(1000)},
		{"batching", postReq(` [` + okBody + `]`), 400, httpx.CodeBatchingNotSupported, [2]string{}, nil},
		{"mutation over GET", getReq(url.Values{"query": {`mutation { setName(name: "x") }`}}), 405, httpx.CodeMethodNotAllowed, [2]string{"Allow", "POST"}, nil},
		{"named mutation over GET", getReq(url.Values{"query": {`query A { name } mutation B { setName(name: "x") }`}, "operationName": {"B"}}), 405, httpx.CodeMethodNotAllowed, [2]string{"Allow", "POST"}, nil},
		{"PUT", httptest.NewRequest(http.MethodPut, "/query", strings.NewReader(okBody)), 405, httpx.CodeMethodNotAllowed, [2]string{"Allow", "GET, POST"}, nil},
		{"text/plain", withHeader(postReq(okBody), "Content-Type", "text/plain"), 415, httpx.CodeUnsupportedMediaType, [2]string{}, nil},
		{"no content type", withHeader(postReq(okBody), "Content-Type", ""), 415, httpx.CodeUnsupportedMediaType, [2]string{}, nil},
		{"accept xml", withHeader(postReq(okBody), "Accept", "application/xml"), 406, httpx.CodeNotAcceptable, [2]string{}, nil},
		{"accept json q=0", withHeader(postReq(okBody), "Accept", "application/json;q=0, text/html"), 406, httpx.CodeNotAcceptable, [2]string{}, nil},
		{"GET bad variables", getReq(url.Values{"query": {"{ name }"}, "variables": {"[1"}}), 400, httpx.CodeBadRequest, [2]string{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := httpx.DefaultConfig()
			cfg.RateLimit.Rate = 0
			cfg.Body.MaxBytes = 1000
			h, srv := stack(cfg)
			r := do(t, h, tc.req)
			if r.Status != tc.status || r.Code != tc.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.Status, r.Code, tc.status, tc.code, r.Raw)
			}
			if tc.header[0] != "" && r.Header.Get(tc.header[0]) != tc.header[1] {
				t.Errorf("%s = %q, want %q", tc.header[0], r.Header.Get(tc.header[0]), tc.header[1])
			}
			if tc.limit != nil && r.Limit != tc.limit {
				t.Errorf("limit = %v, want %v", r.Limit, tc.limit)
			}
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			if r.Header.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
			if srv.Executed.Load() != 0 {
				t.Error("the operation ran")
			}
			checkNext(t, h)
		})
	}
}

func TestRejectionContentType(t *testing.T) {
	cfg := httpx.DefaultConfig()
	h, _ := stack(cfg)
	req := postReq(`[` + okBody + `]`)
	req.Header.Set("Accept", "application/graphql-response+json")
	r := do(t, h, req)
	if r.Status != 400 || !strings.HasPrefix(r.Header.Get("Content-Type"), httpx.MediaTypeGraphQLResponse) {
		t.Fatalf("%d %q", r.Status, r.Header.Get("Content-Type"))
	}
}

func TestQueriesPass(t *testing.T) {
	cfg := httpx.DefaultConfig()
	h, srv := stack(cfg)
	for _, req := range []*http.Request{
		postReq(okBody),
		getReq(url.Values{"query": {"{ name }"}}),
		getReq(url.Values{"query": {`query A { name } mutation B { setName(name: "x") }`}, "operationName": {"A"}}),
		func() *http.Request {
			r := postReq(`{"query":"mutation { setName(name: \"x\") }"}`)
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
			r.Header.Set("Accept", "application/graphql-response+json, application/json;q=0.9")
			return r
		}(),
	} {
		if r := do(t, h, req); r.Status != 200 || r.Code != "" {
			t.Fatalf("%s %s: %d %s", req.Method, req.URL, r.Status, r.Raw)
		}
	}
	if srv.Executed.Load() != 4 {
		t.Fatalf("executed %d", srv.Executed.Load())
	}
}

func TestPreferredResponseType(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  httpx.MediaTypeJSON,
		"*/*":                               httpx.MediaTypeJSON,
		"application/*":                     httpx.MediaTypeJSON,
		"application/json":                  httpx.MediaTypeJSON,
		"application/graphql-response+json": httpx.MediaTypeGraphQLResponse,
		"application/graphql-response+json, application/json;q=0.9": httpx.MediaTypeGraphQLResponse,
		"application/graphql-response+json;q=0.5, application/json": httpx.MediaTypeJSON,
		"application/json, application/graphql-response+json":       httpx.MediaTypeGraphQLResponse,
		"text/html, */*;q=0.1":      httpx.MediaTypeJSON,
		"application/json;q=0, */*": httpx.MediaTypeGraphQLResponse,
		"text/html":                 "",
		"application/json;q=0":      "",
		"application/json;q=abc":    "",
		";;;,":                      "",
	} {
		if got := httpx.PreferredResponseType(accept); got != want {
			t.Errorf("PreferredResponseType(%q) = %q, want %q", accept, got, want)
		}
	}
}

func TestRequestID(t *testing.T) {
	var seen string
	h := httpx.Track(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = httpx.RequestID(r.Context())
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	r := do(t, h, req)
	if seen != "abc-123" || r.Header.Get("X-Request-ID") != "abc-123" {
		t.Fatalf("kept ID: ctx %q, header %q", seen, r.Header.Get("X-Request-ID"))
	}
	for _, bad := range []string{"", strings.Repeat("a", 200), "a b", "x\x01"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("X-Request-ID", bad)
		r := do(t, h, req)
		if seen == bad || len(seen) != 36 || r.Header.Get("X-Request-ID") != seen {
			t.Fatalf("for %q: ctx %q, header %q", bad, seen, r.Header.Get("X-Request-ID"))
		}
	}
	if httpx.RequestID(context.Background()) != "" {
		t.Fatal("RequestID outside Track")
	}
}

func TestSetStatus(t *testing.T) {
	h := httpx.Track(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetStatus(r.Context(), 403)
		httpx.SetStatus(r.Context(), 401) // the first call wins
		w.Write([]byte(`{}`))             // implicit 200 is replaced too
	}))
	if r := do(t, h, httptest.NewRequest("GET", "/", nil)); r.Status != 403 {
		t.Fatalf("status %d", r.Status)
	}
}

func TestTimeout(t *testing.T) {
	srv := httpxtest.New()
	var deadline atomic.Bool
	srv.Exec = func(ctx context.Context) {
		if _, ok := ctx.Deadline(); ok {
			deadline.Store(true)
		}
		<-ctx.Done()
	}
	cfg := httpx.DefaultConfig()
	cfg.Timeout = 30 * time.Millisecond
	h := httpx.Stack(cfg, srv)
	start := time.Now()
	r := do(t, h, postReq(okBody))
	if !deadline.Load() {
		t.Fatal("the operation saw no deadline")
	}
	// gqlgen answers "null" when the context ends during execution;
	// Timeout turns that into 503 TIMEOUT.
	if time.Since(start) > 30*time.Second /* a hang guard */ || r.Status != 503 || r.Code != httpx.CodeTimeout {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	// A handler that writes nothing gets 503 TIMEOUT.
	h = httpx.Timeout(10 * time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	if r := do(t, h, postReq(okBody)); r.Status != 503 || r.Code != httpx.CodeTimeout {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
}

// TestRateLimit: a token every 100 s (at 1 a second, a request more than
// a second after the burst found a new one on a loaded machine).
func TestRateLimit(t *testing.T) {
	cfg := httpx.DefaultConfig()
	cfg.RateLimit = httpx.RateLimitConfig{Rate: 0.01, Burst: 2}
	h, srv := stack(cfg)
	from := func(addr string) *http.Request { r := postReq(okBody); r.RemoteAddr = addr; return r }
	for i := 0; i < 2; i++ {
		if r := do(t, h, from("10.0.0.1:1234")); r.Status != 200 {
			t.Fatalf("request %d: %d", i, r.Status)
		}
	}
	r := do(t, h, from("10.0.0.1:999"))
	if ra, _ := strconv.Atoi(r.Header.Get("Retry-After")); r.Status != 429 || r.Code != httpx.CodeRateLimited || ra < 90 || ra > 100 || r.Limit != 0.01 {
		t.Fatalf("%d %q Retry-After %q: %s", r.Status, r.Code, r.Header.Get("Retry-After"), r.Raw)
	}
	if srv.Executed.Load() != 2 {
		t.Fatalf("executed %d", srv.Executed.Load())
	}
	// Another client is not affected.
	if r := do(t, h, from("10.0.0.2:1")); r.Status != 200 {
		t.Fatalf("other client: %d", r.Status)
	}
	// X-Forwarded-For is ignored unless proxies are trusted.
	req := from("10.0.0.1:1")
	req.Header.Set("X-Forwarded-For", "1.2.3.4")
	if r := do(t, h, req); r.Status != 429 {
		t.Fatalf("spoofed X-Forwarded-For: %d", r.Status)
	}
}

// TestRateLimiterEviction runs on a clock of its own: a second request
// more than a second after the first would find a new token, and a sleep
// only bounds the idle time from below.
func TestRateLimiterEviction(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l := httpx.NewRateLimiter(httpx.RateLimitConfig{Rate: 1, Burst: 1, IdleTTL: time.Minute, MaxClients: 3})
	l.SetClock(clock)
	for _, k := range []string{"a", "b", "c", "d"} {
		if ok, _ := l.Allow(k); !ok {
			t.Fatalf("first request of %s refused", k)
		}
	}
	if l.Len() != 3 {
		t.Fatalf("MaxClients: %d buckets", l.Len())
	}
	now = now.Add(300 * time.Millisecond)
	ok, wait := l.Allow("d")
	if ok || wait < 690*time.Millisecond || wait > 700*time.Millisecond {
		t.Fatalf("second request 300 ms after the first: %v %v, want refused for 700ms", ok, wait)
	}
	l2 := httpx.NewRateLimiter(httpx.RateLimitConfig{Rate: 1, Burst: 1, IdleTTL: 20 * time.Millisecond})
	l2.SetClock(clock)
	l2.Allow("a")
	now = now.Add(15 * time.Millisecond)
	l2.Allow("b") // "a" idle 15 ms: kept
	if l2.Len() != 2 {
		t.Fatalf("bucket idle less than IdleTTL dropped: %d buckets", l2.Len())
	}
	now = now.Add(50 * time.Millisecond)
	l2.Allow("b") // sweeps "a"
	if l2.Len() != 1 {
		t.Fatalf("idle bucket kept: %d", l2.Len())
	}
}

func TestClientIP(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.1:5000"
	req.Header.Add("X-Forwarded-For", "203.0.113.9, 198.51.100.7")
	req.Header.Add("X-Forwarded-For", "10.1.1.1")
	for hops, want := range map[int]string{0: "192.0.2.1", 1: "10.1.1.1", 2: "198.51.100.7", 3: "203.0.113.9", 4: "192.0.2.1"} {
		if got := httpx.ClientIP(req, hops); got != want {
			t.Errorf("hops %d: %q, want %q", hops, got, want)
		}
	}
	req.Header.Set("X-Forwarded-For", "not-an-ip")
	if got := httpx.ClientIP(req, 1); got != "192.0.2.1" {
		t.Errorf("malformed: %q", got)
	}
}

func TestCORS(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	off := httpx.CORS(httpx.CORSConfig{})(next)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Origin", "https://evil.example")
	rec := httptest.NewRecorder()
	off.ServeHTTP(rec, req)
	for k := range rec.Header() {
		if strings.HasPrefix(k, "Access-Control") || k == "Vary" {
			t.Errorf("CORS off but %s set", k)
		}
	}
	on := httpx.CORS(httpx.CORSConfig{AllowedOrigins: []string{"https://app.example"}})(next)
	pre := httptest.NewRequest("OPTIONS", "/", nil)
	pre.Header.Set("Origin", "https://app.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	rec = httptest.NewRecorder()
	on.ServeHTTP(rec, pre)
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://app.example" ||
		!strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
	}
	rec = httptest.NewRecorder()
	on.ServeHTTP(rec, req) // evil origin: no allow header
	if rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Code != 200 {
		t.Fatalf("other origin: %d %v", rec.Code, rec.Header())
	}
	pre.Header.Set("Origin", "https://evil.example")
	rec = httptest.NewRecorder()
	on.ServeHTTP(rec, pre)
	if rec.Code != 403 {
		t.Fatalf("preflight from other origin: %d", rec.Code)
	}
}

func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	cfg := httpx.DefaultConfig()
	cfg.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
	h, _ := stack(cfg)
	req := postReq(`{"query":"query Secretive($v: String) { museums(after: $v) { totalCount } }","operationName":"Secretive","variables":{"v":"hunter2-variable"}}`)
	req.Header.Set("Authorization", "Bearer sekrit-token-value")
	req.Header.Set("X-Request-ID", "req-42")
	do(t, h, req)
	do(t, h, postReq(`[1]`))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines: %s", len(lines), buf.String())
	}
	var first, second map[string]any
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[1]), &second)
	if first["request_id"] != "req-42" || first["operation"] != "Secretive" || first["operation_type"] != "query" ||
		first["status"] != float64(200) || first["outcome"] != "ok" || first["method"] != "POST" || first["path"] != "/query" {
		t.Errorf("first line: %v", first)
	}
	if _, ok := first["duration"]; !ok {
		t.Error("no duration")
	}
	if first["level"] != "INFO" || first["msg"] != "request" || first["time"] == nil {
		t.Errorf("first line: level, msg or time: %v", first)
	}
	if second["outcome"] != httpx.CodeBatchingNotSupported || second["status"] != float64(400) {
		t.Errorf("second line: %v", second)
	}
	for _, secret := range []string{"hunter2", "sekrit", "Authorization", "{ name }"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}

func TestTakeBody(t *testing.T) {
	var got []string
	h := httpx.LimitBody(httpx.BodyConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var first [3]byte
		if _, err := io.ReadFull(r.Body, first[:]); err != nil {
			t.Fatal(err)
		}
		rest, ok := httpx.TakeBody(r)
		if !ok {
			t.Fatal("TakeBody: not a buffered body")
		}
		got = append(got, string(first[:]), string(rest))
		if n, _ := r.Body.Read(first[:]); n != 0 {
			t.Errorf("read %d bytes after TakeBody", n)
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), postReq(`{"query":"{ a }"}`))
	if want := []string{`{"q`, `uery":"{ a }"}`}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, ok := httpx.TakeBody(httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x"))); ok {
		t.Error("TakeBody took a body that LimitBody has not read")
	}
}

func TestDecodeParams(t *testing.T) {
	p, rj := httpx.DecodeParams(postReq(`{"query":"{ name }","operationName":"A","variables":{"n":1}}`), 0)
	if rj != nil || p.Query != "{ name }" || p.OperationName != "A" || p.Variables["n"] != json.Number("1") {
		t.Fatalf("%+v %+v", p, rj)
	}
	for body, code := range map[string]string{
		``:                        httpx.CodeBadRequest,
		`{"query": 1}`:            httpx.CodeBadRequest,
		`{"query":"x"} {}`:        httpx.CodeBadRequest,
		`[{"query":"x"}]`:         httpx.CodeBatchingNotSupported,
		`"x"`:                     httpx.CodeBadRequest,
		`{"variables":[1]}`:       httpx.CodeBadRequest,
		strings.Repeat(" ", 2000): httpx.CodePayloadTooLarge,
	} {
		if _, rj := httpx.DecodeParams(postReq(body), 1000); rj == nil || rj.Code != code {
			t.Errorf("%.30q: %+v, want %s", body, rj, code)
		}
	}
	// The body can be read again after DecodeParams.
	req := postReq(okBody)
	httpx.DecodeParams(req, 0)
	if b, _ := io.ReadAll(req.Body); string(b) != okBody {
		t.Fatalf("body after DecodeParams: %q", b)
	}
}

func BenchmarkStack(b *testing.B) {
	cfg := httpx.DefaultConfig()
	cfg.RateLimit.Rate = 1e9
	cfg.RateLimit.Burst = 1 << 30
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httpxtest.New(httpx.Recorder{})
	h := httpx.Stack(cfg, srv)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, postReq(okBody))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkBare(b *testing.B) {
	srv := httpxtest.New()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, postReq(okBody))
	}
}

// TestTimeoutKeepsStatus: a handler that ends before its deadline keeps
// its status (an hour: the deadline must not pass on a loaded machine).
func TestTimeoutKeepsStatus(t *testing.T) {
	h := httpx.Timeout(time.Hour)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	if r := do(t, h, httptest.NewRequest("GET", "/", nil)); r.Status != 204 {
		t.Fatalf("status %d", r.Status)
	}
	h = httpx.Timeout(time.Hour)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("null"))
	}))
	if r := do(t, h, httptest.NewRequest("GET", "/", nil)); r.Status != 418 || r.Raw != "null" {
		t.Fatalf("status %d %q", r.Status, r.Raw)
	}
}

// TestRateLimitFailedAuth: the limiter runs before authentication, so
// requests with invalid credentials are limited per IP (credential
// guessing gets 429, not endless 401s), while a valid key has its own
// bucket, unaffected by the guesses from its IP and charged once per
// request.
func TestRateLimitFailedAuth(t *testing.T) {
	cfg := httpx.DefaultConfig()
	cfg.RateLimit = httpx.RateLimitConfig{Rate: 0.001, Burst: 3}
	valid := func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer good" }
	var authCalls atomic.Int32
	cfg.RateLimit.Principal = func(r *http.Request) string {
		if valid(r) {
			return "alice"
		}
		return ""
	}
	cfg.Auth = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			authCalls.Add(1)
			if r.Header.Get("Authorization") != "" && !valid(r) {
				httpx.Reject(w, r, http.StatusUnauthorized, "UNAUTHENTICATED", "invalid token", nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	h, srv := stack(cfg)
	with := func(token string) *http.Request {
		r := postReq(okBody)
		r.RemoteAddr = "10.0.0.1:1234"
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		return r
	}
	for i := range 3 {
		if r := do(t, h, with(fmt.Sprint("guess", i))); r.Status != 401 {
			t.Fatalf("guess %d within the burst: %d %s", i, r.Status, r.Raw)
		}
	}
	r := do(t, h, with("guess3"))
	if r.Status != 429 || r.Code != httpx.CodeRateLimited {
		t.Fatalf("guess over the burst: %d %s", r.Status, r.Raw)
	}
	if n := authCalls.Load(); n != 3 {
		t.Errorf("auth ran %d times, want 3 (not for the limited request)", n)
	}
	// Anonymous requests from that IP share its bucket.
	if r := do(t, h, with("")); r.Status != 429 {
		t.Errorf("anonymous request from the guessing IP: %d", r.Status)
	}
	// The valid key has its own bucket of 3, charged once per request.
	for i := range 3 {
		if r := do(t, h, with("good")); r.Status != 200 {
			t.Fatalf("valid key, request %d: %d %s", i, r.Status, r.Raw)
		}
	}
	if r := do(t, h, with("good")); r.Status != 429 {
		t.Errorf("valid key over its burst: %d", r.Status)
	}
	if n := srv.Executed.Load(); n != 3 {
		t.Errorf("executed %d, want the valid key's 3", n)
	}
}
