package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestStringLengthLimit: a String input longer than --max-string-bytes
// (default 10 KB) is refused, in a variable or inline, and nothing is
// written (issue 9: a 900 KB name was stored).
func TestStringLengthLimit(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	const create = `mutation($in: CreateSchoolInput!) { createSchool(input: $in) { id } }`
	in := func(name string) map[string]any {
		return map[string]any{"in": map[string]any{"key": "long", "name": name, "provenance": "REPORTED", "source": "t"}}
	}
	e := mustFail(t, m, create, in(strings.Repeat("x", 900<<10)), "BAD_USER_INPUT")
	if !strings.Contains(e.Message, `at "in.name"; String value of 921600 bytes is longer than the limit of 10240 bytes`) {
		t.Errorf("message %q", e.Message)
	}
	mustFail(t, m, create, in(strings.Repeat("x", 10241)), "BAD_USER_INPUT")
	e = mustFail(t, m, `{ schools(where: {name: {eq: "`+strings.Repeat("y", 10241)+`"}}) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED")
	if !strings.Contains(e.Message, "longer than the limit of 10240 bytes") {
		t.Errorf("message %q", e.Message)
	}
	var n struct{ Schools struct{ TotalCount int } }
	query(t, m, `{ schools { totalCount } }`, nil, &n)
	if n.Schools.TotalCount != 0 {
		t.Fatalf("%d schools written", n.Schools.TotalCount)
	}
	// At the limit it is accepted: in a filter (a record's text holds at
	// most kepu.MaxTextBytes, 4,096 bytes, which the store refuses
	// after the String limit: a field error, nothing written).
	const count = `query($n: String) { schools(where: {name: {eq: $n}}) { totalCount } }`
	query(t, m, count, map[string]any{"n": strings.Repeat("x", 10240)}, &struct{}{})
	mustFail(t, m, create, in(strings.Repeat("x", 10240)), "BAD_USER_INPUT")
	query(t, m, create, in(strings.Repeat("x", kepu.MaxTextBytes)), &struct{}{})

	// Configurable.
	m2, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--max-string-bytes", "8")
	mustFail(t, m2, create, in("123456789"), "BAD_USER_INPUT")
	query(t, m2, create, in("12345678"), &struct{}{})
	// 0 turns it off.
	m3, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--max-string-bytes", "0")
	query(t, m3, count, map[string]any{"n": strings.Repeat("x", 20<<10)}, &struct{}{})
}

// TestPersistedQueries: Apollo's automatic persisted queries, as the
// persisted-query link sends them: the hash alone (miss:
// PERSISTED_QUERY_NOT_FOUND), then the hash with the text (run and
// cached), then the hash alone again (run from the cache); over POST and
// GET.
func TestPersistedQueries(t *testing.T) {
	m := seededMain(t)
	q := `query APQ { provinces(first: 2) { totalCount } }`
	sum := sha256.Sum256([]byte(q))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	body := func(withQuery bool) string {
		b := map[string]any{"extensions": ext, "operationName": "APQ"}
		if withQuery {
			b["query"] = q
		}
		out, _ := json.Marshal(b)
		return string(out)
	}
	res := do(t, m, request{method: http.MethodPost, body: body(false)})
	if len(res.gql.Errors) != 1 || res.gql.Errors[0].Message != "PersistedQueryNotFound" || res.gql.Errors[0].Code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("hash miss: %d %s", res.status, res.body)
	}
	if res.status != http.StatusOK {
		t.Errorf("hash miss: status %d, want 200 (Apollo's link retries on the error)", res.status)
	}
	for _, step := range []string{"hash and text", "hash only"} {
		res = do(t, m, request{method: http.MethodPost, body: body(step == "hash and text")})
		if res.status != 200 || len(res.gql.Errors) > 0 || !strings.Contains(string(res.gql.Data), `"totalCount":`) {
			t.Fatalf("%s: %d %s", step, res.status, res.body)
		}
	}
	e, _ := json.Marshal(ext)
	res = do(t, m, request{method: http.MethodGet, path: "/query?operationName=APQ&extensions=" + url.QueryEscape(string(e))})
	if res.status != 200 || len(res.gql.Errors) > 0 || !strings.Contains(string(res.gql.Data), `"totalCount":`) {
		t.Fatalf("GET hash only: %d %s", res.status, res.body)
	}
	// A hash that does not match the text is refused, as Apollo Server
	// and Router do: 400, "provided sha does not match query".
	bad := map[string]any{"query": q, "extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}}
	b, _ := json.Marshal(bad)
	res = do(t, m, request{method: http.MethodPost, body: string(b)})
	if res.status != http.StatusBadRequest || len(res.gql.Errors) != 1 || res.gql.Errors[0].Message != "provided sha does not match query" || res.gql.Errors[0].Code() != "PERSISTED_QUERY_HASH_MISMATCH" {
		t.Errorf("mismatched hash: %d %s", res.status, res.body)
	}
}

// TestCORSHeaders: with --cors-origins the preflight allows the headers
// common clients send (Apollo Client's client awareness among them) and
// responses expose Retry-After and X-Request-ID; --cors-headers replaces
// the list. The browser test (tools/browser-cors) checks the same in
// Chromium.
func TestCORSHeaders(t *testing.T) {
	preflight := func(m *Main, headers string) response {
		return do(t, m, request{method: http.MethodOptions, header: map[string]string{
			"Origin": "http://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers}})
	}
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--cors-origins", "http://app.example")
	res := preflight(m, "content-type,apollographql-client-name,apollographql-client-version")
	allow := strings.ToLower(res.header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"content-type", "authorization", "x-request-id", "apollographql-client-name", "apollographql-client-version", "apollo-require-preflight", "traceparent"} {
		if !strings.Contains(allow, h) {
			t.Errorf("preflight allows %q, missing %s", allow, h)
		}
	}
	res = do(t, m, request{method: http.MethodPost, body: gqlBody(`{ __typename }`, nil), header: map[string]string{"Origin": "http://app.example"}})
	expose := res.header.Get("Access-Control-Expose-Headers")
	if !strings.Contains(expose, "Retry-After") || !strings.Contains(expose, "X-Request-ID") {
		t.Errorf("Access-Control-Expose-Headers %q", expose)
	}
	m2, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--cors-origins", "http://app.example", "--cors-headers", "Content-Type,X-Custom")
	if got := preflight(m2, "x-custom").header.Get("Access-Control-Allow-Headers"); got != "Content-Type, X-Custom" {
		t.Errorf("configured: Access-Control-Allow-Headers %q", got)
	}
}

// TestFavicon: the explorer's icon is served, not a 404 on every load.
func TestFavicon(t *testing.T) {
	m := seededMain(t)
	res := do(t, m, request{method: http.MethodGet, path: "/favicon.ico"})
	if res.status != 200 || res.header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("/favicon.ico: %d %q", res.status, res.header.Get("Content-Type"))
	}
	// An ICO file with one 16x16 32-bit image whose data fills the file.
	b := []byte(res.body)
	if len(b) < 22 || string(b[:4]) != "\x00\x00\x01\x00" || b[4] != 1 || b[6] != 16 || b[7] != 16 {
		t.Fatalf("not a 16x16 ICO: % x", b[:min(len(b), 22)])
	}
	size := int(b[14]) | int(b[15])<<8 | int(b[16])<<16 | int(b[17])<<24
	offset := int(b[18]) | int(b[19])<<8
	if offset+size != len(b) {
		t.Errorf("image of %d bytes at %d in a file of %d", size, offset, len(b))
	}
}
