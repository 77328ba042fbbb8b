package gqllimit_test

// A fuzz target for GraphQL query text against the limits: hostile input
// gives an error with a code, never a panic. (The cursor and filter targets
// are in package kepu, the where-input target in package graph.)
//
//	go test ./gqllimit -run '^$' -fuzz FuzzLimits -fuzztime 3m

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
)

func FuzzLimits(f *testing.F) {
	srv := httpxtest.New(gqllimit.New(gqllimit.DefaultConfig()))
	for _, q := range []string{
		okQuery, deepQuery(5), `{ a: name b: name }`, `query($n: Int) { museums(first: $n) { nodes { name } } }`,
		`{ node(id: "x") { ... on Museum { city { name } } ...F } } fragment F on Node { id }`,
		`fragment F on Museum { ...F } { museum(id: "a") { ...F } }`, `{ museums(first: 99999999999) { totalCount } }`,
		`{ __schema { types { name } } }`, `mutation { setName(name: "x") }`, `{`, `"""`, "\x00",
	} {
		f.Add(q, `{"n": 5}`)
	}
	f.Fuzz(func(t *testing.T, q, vars string) {
		body, _ := json.Marshal(map[string]any{"query": q, "variables": json.RawMessage(validJSON(vars))})
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	})
}

func validJSON(s string) string {
	if json.Valid([]byte(s)) {
		return s
	}
	return "null"
}
