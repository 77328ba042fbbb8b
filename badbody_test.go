package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadBodyMessages: a POST body that is not the GraphQL parameters gets
// 400 BAD_REQUEST with words a client understands: which parameter has the
// wrong type, or where the JSON breaks; never Go types or the decoder's
// name (newcomer report 2026-12-02, finding 11: "… into Go
// map[string]interface {} within "/variables"", "jsontext: unexpected EOF
// after offset 40").
func TestBadBodyMessages(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	for _, c := range []struct{ body, want string }{
		{`{"query": 42}`, `"query" must be a string`},
		{`{"query": "{ provinces { totalCount } }", "variables": [1]}`, `"variables" must be a JSON object`},
		{`{"query": "{ provinces { totalCount } }", "extensions": 3}`, `"extensions" must be a JSON object`},
		{`{"query": "{ provinces { totalCount } }", "operationName": {}}`, `"operationName" must be a string`},
		{`{"query": "{ provinces { totalCount } }"`, `the request body is not valid JSON: unexpected end at byte 40`},
		{`{"query": "a", "query": "b"}`, `the request body is not valid JSON: duplicate object member name at byte 15`},
		{`{"query": "{ __typename }"} x`, `the request body is not valid JSON: invalid character 'x' after top-level value at byte 28`},
	} {
		res := do(t, m, request{method: http.MethodPost, body: c.body})
		if res.status != http.StatusBadRequest || len(res.gql.Errors) != 1 || res.gql.Errors[0].Code() != "BAD_REQUEST" {
			t.Errorf("%s: %d %s, want 400 BAD_REQUEST", c.body, res.status, res.body)
			continue
		}
		msg := res.gql.Errors[0].Message
		if msg != c.want {
			t.Errorf("%s: message %q, want %q", c.body, msg, c.want)
		}
		for _, internal := range []string{"Go ", "jsontext", "map[", "interface {}", "unmarshal"} {
			if strings.Contains(msg, internal) {
				t.Errorf("%s: message %q shows Go internals (%s)", c.body, msg, internal)
			}
		}
	}
}

// TestJSONContentType: every JSON answer of /query has the same
// Content-Type, application/json without a charset parameter (JSON is
// UTF-8 and its media type defines none): GraphQL responses and the
// rejections made before GraphQL alike (newcomer report 2026-12-02: 400
// BAD_REQUEST said application/json, 400 BATCHING_NOT_SUPPORTED, 415, 405
// and 406 application/json; charset=utf-8).
func TestJSONContentType(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	for _, c := range []struct {
		name   string
		r      request
		status int
	}{
		{"ok", request{method: http.MethodPost, body: `{"query":"{ __typename }"}`}, 200},
		{"bad body", request{method: http.MethodPost, body: `{"query": 42}`}, 400},
		{"batch", request{method: http.MethodPost, body: `[{"query":"{ __typename }"}]`}, 400},
		{"validation", request{method: http.MethodPost, body: `{"query":"{ nope }"}`}, 422},
		{"media type", request{method: http.MethodPost, body: `{"query":"{ __typename }"}`, header: map[string]string{"Content-Type": "text/plain"}}, 415},
		{"method", request{method: http.MethodPut, body: `{"query":"{ __typename }"}`}, 405},
		{"accept", request{method: http.MethodPost, body: `{"query":"{ __typename }"}`, header: map[string]string{"Accept": "text/html"}}, 406},
	} {
		res := do(t, m, c.r)
		if res.status != c.status || res.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %q, want %d application/json", c.name, res.status, res.header.Get("Content-Type"), c.status)
		}
	}
}
