package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// The tests of this file send hostile or malformed requests to the real
// server (Main.Run on 127.0.0.1:0, over HTTP) and check the status, the
// error code and the limit, that no resolver ran (the store saw no call),
// and that the server still answers the next request.

// countCalls returns a WrapStore hook that counts the calls reaching the
// store, and the counter.
func countCalls() (func(kepu.Store) kepu.Store, *atomic.Int64) {
	calls := new(atomic.Int64)
	return func(st kepu.Store) kepu.Store {
		return kepu.Observe(st, kepu.Observer{Start: func(ctx context.Context, _ kepu.Call) context.Context {
			calls.Add(1)
			return ctx
		}})
	}, calls
}

// request is one raw HTTP request to the server.
type request struct {
	method, path string
	body         string
	header       map[string]string
}

type response struct {
	status int
	header http.Header
	body   string
	gql    gqlResponse
}

// do sends r to m and decodes the body as a GraphQL response when it is
// JSON.
func do(t *testing.T, m *Main, r request) response {
	t.Helper()
	if r.path == "" {
		r.path = "/query"
	}
	req, err := http.NewRequest(r.method, m.URL()+r.path, strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := response{status: res.StatusCode, header: res.Header, body: string(b)}
	if strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(b, &out.gql); err != nil {
			t.Fatalf("%s %s: status %d, body not JSON: %v\n%s", r.method, r.path, res.StatusCode, err, b)
		}
	}
	return out
}

func gqlBody(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

// stillServes checks that the server answers an ordinary query.
func stillServes(t *testing.T, m *Main) {
	t.Helper()
	res := do(t, m, request{method: http.MethodPost, body: gqlBody(`{ provinces(first: 1) { totalCount } }`, nil)})
	if res.status != http.StatusOK || len(res.gql.Errors) > 0 {
		t.Fatalf("the server no longer answers: %d %s", res.status, res.body)
	}
}

// nested returns a query nesting province -> museums -> nodes levels times.
func nested(levels int) string {
	q := "name"
	for i := 0; i < levels; i++ {
		q = "museums(first: 1) { nodes { province { " + q + " } } }"
	}
	return "{ provinces(first: 1) { nodes { " + q + " } } }"
}

func TestHardening_Rejections(t *testing.T) {
	wrap, calls := countCalls()
	m, _, err := runMainWith(t, func(m *Main) {
		m.WrapStore = wrap
	}, "--data-dir", t.TempDir(), "--no-seed")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	aliases := make([]string, 31)
	for i := range aliases {
		aliases[i] = fmt.Sprintf("a%d: __typename", i)
	}
	tokens := "{ " + strings.Repeat("a ", 2001) + "}"
	mutation := gqlBody(`mutation { createProvince(input: {key: "CN-ZZ", name: "Z", code: "CN-ZZ", provenance: REPORTED, source: "t"}) { id } }`, nil)

	for _, tc := range []struct {
		name   string
		req    request
		status int
		code   string
		limit  any // extensions.limit when set
		header [2]string
	}{
		{"body too large", request{method: "POST", body: `{"query":"{ __typename }","pad":"` + strings.Repeat("x", 1<<20) + `"}`},
			413, "PAYLOAD_TOO_LARGE", float64(1 << 20), [2]string{}},
		{"URL too long", request{method: "GET", path: "/query?query=%7B__typename%7D&operationName=" + strings.Repeat("x", 1<<20)},
			414, "URI_TOO_LONG", float64(1 << 20), [2]string{}},
		{"persisted query hash mismatch", request{method: "POST", body: `{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + strings.Repeat("0", 64) + `"}}}`},
			400, "PERSISTED_QUERY_HASH_MISMATCH", nil, [2]string{}},
		{"batching", request{method: "POST", body: `[{"query":"{ __typename }"},{"query":"{ __typename }"}]`},
			400, "BATCHING_NOT_SUPPORTED", nil, [2]string{}},
		{"PUT", request{method: "PUT", body: `{"query":"{ __typename }"}`},
			405, "METHOD_NOT_ALLOWED", nil, [2]string{"Allow", "GET, POST"}},
		{"mutation over GET", request{method: "GET", path: "/query?query=" + url.QueryEscape(`mutation { deleteMuseum(id: "x") { id } }`)},
			405, "METHOD_NOT_ALLOWED", nil, [2]string{"Allow", "POST"}},
		{"unsupported media type", request{method: "POST", body: `{ __typename }`, header: map[string]string{"Content-Type": "text/plain"}},
			415, "UNSUPPORTED_MEDIA_TYPE", nil, [2]string{}},
		{"not acceptable", request{method: "POST", body: `{"query":"{ __typename }"}`, header: map[string]string{"Accept": "text/html"}},
			406, "NOT_ACCEPTABLE", nil, [2]string{}},
		{"malformed GET variables", request{method: "GET", path: "/query?query=%7B__typename%7D&variables=%7Bnope"},
			400, "BAD_REQUEST", nil, [2]string{}},
		{"query too large", request{method: "POST", body: gqlBody("{ __typename }"+strings.Repeat(" ", 20<<10), nil)},
			422, "QUERY_TOO_LARGE", float64(20 << 10), [2]string{}},
		{"too many tokens", request{method: "POST", body: gqlBody(tokens, nil)},
			422, "TOKEN_LIMIT_EXCEEDED", float64(2000), [2]string{}},
		{"too deep", request{method: "POST", body: gqlBody(nested(4), nil)},
			422, "DEPTH_LIMIT_EXCEEDED", float64(12), [2]string{}},
		{"too many aliases", request{method: "POST", body: gqlBody("{ "+strings.Join(aliases, " ")+" }", nil)},
			422, "ALIAS_LIMIT_EXCEEDED", float64(30), [2]string{}},
		{"too costly", request{method: "POST", body: gqlBody(`{ provinces(first: 100) { nodes { museums(first: 100) { nodes { province { museums(first: 100) { nodes { name } } } } } } } }`, nil)},
			422, "COMPLEXITY_LIMIT_EXCEEDED", float64(50000), [2]string{}},
		{"too costly (graphql-response+json)", request{method: "POST", header: map[string]string{"Accept": "application/graphql-response+json"},
			body: gqlBody(`{ provinces(first: 100) { nodes { museums(first: 100) { nodes { province { museums(first: 100) { nodes { name } } } } } } } }`, nil)},
			400, "COMPLEXITY_LIMIT_EXCEEDED", float64(50000), [2]string{}},
		{"mutation without a token", request{method: "POST", body: mutation},
			401, "UNAUTHENTICATED", nil, [2]string{}},
		{"mutation with a reader token", request{method: "POST", body: mutation, header: map[string]string{"Authorization": "Bearer " + testReaderToken}},
			403, "FORBIDDEN", nil, [2]string{}},
		{"unknown token", request{method: "POST", body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Authorization": "Bearer not-a-key"}},
			401, "UNAUTHENTICATED", nil, [2]string{"Www-Authenticate", `Bearer realm="kepugraph", error="invalid_token"`}},
		{"malformed Authorization", request{method: "POST", body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}},
			401, "UNAUTHENTICATED", nil, [2]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := calls.Load()
			res := do(t, m, tc.req)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", res.status, tc.status, res.body)
			}
			if len(res.gql.Errors) == 0 || res.gql.Errors[0].Code() != tc.code {
				t.Fatalf("errors %+v, want code %s\n%s", res.gql.Errors, tc.code, res.body)
			}
			if tc.limit != nil && res.gql.Errors[0].Extensions["limit"] != tc.limit {
				t.Errorf("limit %v, want %v", res.gql.Errors[0].Extensions["limit"], tc.limit)
			}
			if tc.header[0] != "" && res.header.Get(tc.header[0]) != tc.header[1] {
				t.Errorf("header %s: %q, want %q", tc.header[0], res.header.Get(tc.header[0]), tc.header[1])
			}
			if res.header.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID")
			}
			if n := calls.Load() - before; n != 0 {
				t.Errorf("the store saw %d calls for a rejected request", n)
			}
			if strings.Contains(res.body, testReaderToken) || strings.Contains(res.body, "not-a-key") {
				t.Error("the response echoes the token")
			}
			stillServes(t, m)
		})
	}

	// Accepted requests: an editor's mutation, a query within every limit
	// (with its cost in extensions) and GET for a query.
	if res := do(t, m, request{method: "POST", body: mutation, header: map[string]string{"Authorization": "Bearer " + testEditorToken}}); res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("editor mutation: %d %s", res.status, res.body)
	}
	res := do(t, m, request{method: "POST", body: gqlBody(nested(3), nil)})
	if res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("depth-11 query: %d %s", res.status, res.body)
	}
	if cost, _ := res.gql.Extensions["cost"].(map[string]any); cost["limit"] != float64(50000) || cost["requested"].(float64) <= 0 {
		t.Errorf("extensions.cost %v", res.gql.Extensions["cost"])
	}
	if res := do(t, m, request{method: "GET", path: "/query?query=" + url.QueryEscape(`{ provinces { totalCount } }`)}); res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("GET query: %d %s", res.status, res.body)
	}
	// The response media type follows Accept.
	if res := do(t, m, request{method: "POST", body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Accept": "application/graphql-response+json"}}); !strings.HasPrefix(res.header.Get("Content-Type"), "application/graphql-response+json") {
		t.Errorf("Accept graphql-response+json: content type %q", res.header.Get("Content-Type"))
	}

	// The metrics saw the rejections and the store calls.
	_, metricsText := get(t, m.URL()+"/metrics")
	for _, want := range []string{
		`kepugraph_rejections_total{code="PAYLOAD_TOO_LARGE"} 1`,
		`kepugraph_rejections_total{code="DEPTH_LIMIT_EXCEEDED"} 1`,
		`kepugraph_rejections_total{code="FORBIDDEN"} 1`,
		`kepugraph_rejections_total{code="UNAUTHENTICATED"} 3`,
		`kepugraph_store_calls_total{code="ok",method="Write"} 1`,
		`kepugraph_http_request_duration_seconds_bucket`,
		`go_goroutines`,
	} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestHardening_RateLimit: a token every 100 s, so that the request over
// the burst finds none however long the burst's requests took (at 0.5 a
// second, 2 s on a loaded machine gave one back).
func TestHardening_RateLimit(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--rate-limit", "0.01", "--rate-burst", "3")
	q := request{method: "POST", body: gqlBody(`{ __typename }`, nil)}
	for i := 0; i < 3; i++ {
		if res := do(t, m, q); res.status != 200 {
			t.Fatalf("request %d within the burst: %d %s", i+1, res.status, res.body)
		}
	}
	res := do(t, m, q)
	if res.status != http.StatusTooManyRequests || len(res.gql.Errors) == 0 || res.gql.Errors[0].Code() != "RATE_LIMITED" {
		t.Fatalf("over the burst: %d %s", res.status, res.body)
	}
	if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	if res.gql.Errors[0].Extensions["limit"] != 0.01 || res.gql.Errors[0].Extensions["burst"] != float64(3) {
		t.Errorf("extensions %v", res.gql.Errors[0].Extensions)
	}
	// Other routes are not limited, and /metrics counts the hit.
	if r, _ := get(t, m.URL()+"/healthz"); r.StatusCode != 200 {
		t.Fatalf("healthz while limited: %d", r.StatusCode)
	}
	if _, text := get(t, m.URL()+"/metrics"); !strings.Contains(text, "kepugraph_rate_limited_total 1") {
		t.Error("/metrics does not count the rate-limit hit")
	}
	// An API key has its own bucket.
	q.header = map[string]string{"Authorization": "Bearer " + testReaderToken}
	if res := do(t, m, q); res.status != 200 {
		t.Fatalf("a key's first request: %d %s", res.status, res.body)
	}
}

// slowStore blocks every FindNodes and WalkNodes call for museums until
// its context ends.
type slowStore struct{ kepu.Store }

func (s slowStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	if q.Label != kepu.Museum {
		return s.Store.FindNodes(ctx, q)
	}
	<-ctx.Done()
	return kepu.NodePage{}, ctx.Err()
}

// WalkNodes is slow as FindNodes is (whole-graph exports read with it).
func (s slowStore) WalkNodes(ctx context.Context, l kepu.Label, f *kepu.Filter, fn func(*kepu.Node, kepu.Location) error) error {
	if l != kepu.Museum {
		return s.Store.WalkNodes(ctx, l, f, fn)
	}
	<-ctx.Done()
	return ctx.Err()
}

func TestHardening_Timeout(t *testing.T) {
	m, _, err := runMainWith(t, func(m *Main) {
		m.WrapStore = func(st kepu.Store) kepu.Store { return slowStore{st} }
	}, "--data-dir", t.TempDir(), "--no-seed", "--timeout", "300ms")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	start := time.Now()
	res := do(t, m, request{method: "POST", body: gqlBody(`{ museums(first: 1) { nodes { name } } }`, nil)})
	took := time.Since(start)
	if took > 30*time.Second { // a hang guard, not a speed check
		t.Fatalf("the deadline did not stop the store call (took %s)", took)
	}
	// The store call ends with the context's error: the field fails with
	// TIMEOUT (status 200: the GraphQL response is well formed); when
	// gqlgen has nothing but null to send, httpx.Timeout answers 503
	// TIMEOUT.
	if len(res.gql.Errors) == 0 {
		t.Fatalf("no error after the deadline: %d %s", res.status, res.body)
	}
	switch code := res.gql.Errors[0].Code(); {
	case res.status == 503 && code == "TIMEOUT":
	case res.status == 200 && code == "TIMEOUT":
	default:
		t.Fatalf("after the deadline: %d %s", res.status, res.body)
	}
	stillServes(t, m)
}

// panicStore panics in FindNodes for museums, as a bug in a resolver or a
// store would.
type panicStore struct{ kepu.Store }

func (s panicStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	if q.Label == kepu.Museum {
		panic("secret internal detail 42")
	}
	return s.Store.FindNodes(ctx, q)
}

func TestHardening_Panic(t *testing.T) {
	m, logs, err := runMainWith(t, func(m *Main) {
		m.WrapStore = func(st kepu.Store) kepu.Store { return panicStore{st} }
	}, "--data-dir", t.TempDir(), "--no-seed", "--log-format", "json")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res := do(t, m, request{method: "POST", body: gqlBody(`{ museums(first: 1) { nodes { name } } }`, nil),
		header: map[string]string{"X-Request-ID": "req-panic-1"}})
	if len(res.gql.Errors) == 0 {
		t.Fatalf("no error: %d %s", res.status, res.body)
	}
	e := res.gql.Errors[0]
	if e.Code() != kepu.Internal || e.Message != "internal error" || e.Extensions["requestId"] != "req-panic-1" {
		t.Fatalf("error %+v, want INTERNAL_SERVER_ERROR with requestId req-panic-1", e)
	}
	if strings.Contains(res.body, "secret internal detail") {
		t.Fatalf("the response leaks the panic: %s", res.body)
	}
	waitForLog(t, logs, func(rec map[string]any) bool {
		return rec["request_id"] == "req-panic-1" && strings.Contains(fmt.Sprint(rec["panic"]), "secret internal detail 42")
	})
	stillServes(t, m)
}

// waitForLog waits until a JSON log line satisfies ok (the lines are
// written after the response; a minute is a hang guard).
func waitForLog(t *testing.T, logs *syncBuffer, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil && ok(rec) {
				return rec
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no such log line:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHardening_AccessLog(t *testing.T) {
	m, logs := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--log-format", "json")
	body := gqlBody(`mutation Secret($name: String!) { createProvince(input: {key: "CN-QQ", name: $name, code: "CN-QQ", provenance: REPORTED, source: "t"}) { id } }`,
		map[string]any{"name": "personal-data-in-variables"})
	res := do(t, m, request{method: "POST", body: body, header: map[string]string{"Authorization": "Bearer " + testEditorToken, "X-Request-ID": "req-log-1"}})
	if res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("mutation: %d %s", res.status, res.body)
	}
	rec := waitForLog(t, logs, func(rec map[string]any) bool { return rec["msg"] == "request" && rec["request_id"] == "req-log-1" })
	if rec["operation"] != "Secret" || rec["operation_type"] != "mutation" || rec["outcome"] != "ok" ||
		rec["principal"] != "tester" || rec["status"] != float64(200) || rec["duration"] == nil || rec["cost"] == nil {
		t.Errorf("access log line %v", rec)
	}
	for _, secret := range []string{"personal-data-in-variables", testEditorToken, "Bearer"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log contains %q", secret)
		}
	}
}

func TestHardening_Introspection(t *testing.T) {
	introspect := gqlBody(`{ __schema { queryType { name } } }`, nil)
	typo := gqlBody(`{ provinces { totalCont } }`, nil)

	on, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	if res := do(t, on, request{method: "POST", body: introspect}); res.status != 200 || len(res.gql.Errors) > 0 {
		t.Fatalf("introspection on: %d %s", res.status, res.body)
	}
	if res := do(t, on, request{method: "POST", body: typo}); !strings.Contains(res.body, "Did you mean") {
		t.Errorf("suggestions on: %s", res.body)
	}

	off, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--introspection=false")
	res := do(t, off, request{method: "POST", body: introspect})
	if len(res.gql.Errors) == 0 || strings.Contains(res.body, `"Query"`) {
		t.Fatalf("introspection off: %d %s", res.status, res.body)
	}
	res = do(t, off, request{method: "POST", body: typo})
	if len(res.gql.Errors) == 0 || strings.Contains(res.body, "Did you mean") {
		t.Errorf("suggestions off: %s", res.body)
	}
	stillServes(t, off)
}

func TestHardening_CORS(t *testing.T) {
	preflight := request{method: "OPTIONS", header: map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}}
	off, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	res := do(t, off, request{method: "POST", body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Origin": "https://app.example"}})
	if res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS is off by default, got Access-Control-Allow-Origin %q", res.header.Get("Access-Control-Allow-Origin"))
	}
	if res := do(t, off, preflight); res.header.Get("Access-Control-Allow-Origin") != "" || res.status != 405 {
		t.Errorf("preflight with CORS off: %d %v", res.status, res.header)
	}

	on, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--cors-origins", "https://app.example, https://other.example")
	if res := do(t, on, preflight); res.status != 204 || res.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("preflight: %d %v", res.status, res.header)
	}
	res = do(t, on, request{method: "POST", body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Origin": "https://evil.example"}})
	if res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin got Access-Control-Allow-Origin %q", res.header.Get("Access-Control-Allow-Origin"))
	}
	stillServes(t, on)
}

func TestHardening_Readyz(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	res, body := get(t, m.URL()+"/readyz")
	if res.StatusCode != 200 || !strings.Contains(body, `"ready"`) {
		t.Fatalf("readyz: %d %s", res.StatusCode, body)
	}
}

// TestHardening_ExplorerIntrospection checks that the full introspection
// query of graphql-js (what GraphiQL sends, nested deeper than 12) passes
// the default limits.
func TestHardening_ExplorerIntrospection(t *testing.T) {
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	res := do(t, m, request{method: http.MethodPost, body: gqlBody(string(q), nil)})
	if res.status != 200 || len(res.gql.Errors) > 0 || !strings.Contains(res.body, `"queryType":{"name":"Query"`) {
		t.Fatalf("introspection: %d %.300s", res.status, res.body)
	}
}
