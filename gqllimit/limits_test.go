package gqllimit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/httpx/httpxtest"
)

type response struct {
	Status int
	Header http.Header
	Body   struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Extensions map[string]any `json:"extensions"`
	}
}

func post(t *testing.T, h http.Handler, accept, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r response
	r.Status = rec.Code
	r.Header = rec.Header()
	if err := json.Unmarshal(rec.Body.Bytes(), &r.Body); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, rec.Body.String())
	}
	return r
}

func (r response) code() string {
	if len(r.Body.Errors) == 0 {
		return ""
	}
	c, _ := r.Body.Errors[0].Extensions["code"].(string)
	return c
}

func (r response) ext(name string) float64 {
	if len(r.Body.Errors) == 0 {
		return -1
	}
	f, _ := r.Body.Errors[0].Extensions[name].(float64)
	return f
}

const okQuery = `{ museums(first: 2) { nodes { name } } }`

func deepQuery(levels int) string {
	// museum { city { museums { nodes { city { ... } } } } }: each
	// city/museums/nodes round adds 3 levels.
	var b strings.Builder
	b.WriteString(`{ museum(id: "x") { city {`)
	closing := 2
	for d := 0; d < levels; d++ {
		b.WriteString(` museums(first: 1) { nodes { city {`)
		closing += 3
	}
	b.WriteString(` name`)
	b.WriteString(strings.Repeat(" }", closing+1))
	return b.String()
}

func TestLimits(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < 31; i++ {
		sb.WriteString(" a" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ": name")
	}
	sb.WriteString(" }")
	aliases := sb.String()

	tests := []struct {
		name     string
		query    string
		vars     map[string]any
		code     string
		limit    float64
		measured float64
	}{
		{"depth", deepQuery(4), nil, gqllimit.CodeDepth, 12, 15},
		{"aliases", aliases, nil, gqllimit.CodeAliases, 30, 31},
		{"tokens", "{ " + strings.Repeat("name ", 2100) + "}", nil, gqllimit.CodeTokens, 2000, 2102},
		{"size", "{ name " + strings.Repeat("#", 21<<10) + "\n}", nil, gqllimit.CodeSize, 20 << 10, float64(len("{ name \n}") + 21<<10)},
		{"cost literal", `{ museums(first: 100) { nodes { schoolPartners(first: 1000) { nodes { name } } } } }`, nil,
			gqllimit.CodeComplexity, 50000, 1 + 100*(1+1+1000*1)},
		{"cost variables", `query Q($n: Int) { museums(first: $n) { nodes { schoolPartners(last: $n) { nodes { name } } } } }`,
			map[string]any{"n": 300}, gqllimit.CodeComplexity, 50000, 1 + 300*(1+1+300)},
		{"cost default page size", `{ museums { nodes { city { museums { nodes { schoolPartners { nodes { name } } } } } } } }`, nil,
			gqllimit.CodeComplexity, 50000, 1 + 100*(1+1+(1+100*(1+(1+100*1))))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httpxtest.New(gqllimit.New(gqllimit.DefaultConfig()))
			r := post(t, srv, "", tc.query, tc.vars)
			if r.code() != tc.code {
				t.Fatalf("code = %q, want %q (%+v)", r.code(), tc.code, r.Body.Errors)
			}
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want 422", r.Status)
			}
			if got := r.ext("limit"); got != tc.limit {
				t.Errorf("limit = %v, want %v", got, tc.limit)
			}
			if got := r.ext("measured"); got != tc.measured {
				t.Errorf("measured = %v, want %v", got, tc.measured)
			}
			if n := srv.Executed.Load(); n != 0 {
				t.Errorf("executed %d operations, want 0", n)
			}
			// The handler still answers the next request.
			r = post(t, srv, "", okQuery, nil)
			if r.Status != 200 || len(r.Body.Errors) != 0 || srv.Executed.Load() != 1 {
				t.Fatalf("next request: status %d, errors %+v, executed %d", r.Status, r.Body.Errors, srv.Executed.Load())
			}
		})
	}
}

func TestCostExtension(t *testing.T) {
	srv := httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.MaxCost = 500 })))
	r := post(t, srv, "", `{ museums(first: 10) { nodes { name city { name } } } }`, nil)
	cost, _ := r.Body.Extensions["cost"].(map[string]any)
	// nodes (1) + city (1) per museum: 1 + 10*2.
	if cost["requested"] != float64(21) || cost["limit"] != float64(500) {
		t.Fatalf("extensions.cost = %v, want requested 21, limit 500", r.Body.Extensions)
	}
	r = post(t, srv, "", `{ museums(first: 1000) { nodes { name city { name } } } }`, nil)
	cost, _ = r.Body.Extensions["cost"].(map[string]any)
	if r.code() != gqllimit.CodeComplexity || cost["requested"] != float64(2001) {
		t.Fatalf("rejection: code %q, extensions %v", r.code(), r.Body.Extensions)
	}
}

func TestStatuses(t *testing.T) {
	q := deepQuery(5)
	srv := httpxtest.New(gqllimit.New(gqllimit.DefaultConfig()))
	if r := post(t, srv, httpx.MediaTypeGraphQLResponse, q, nil); r.Status != 400 || r.code() != gqllimit.CodeDepth {
		t.Errorf("graphql-response+json: status %d code %q, want 400", r.Status, r.code())
	}
	// RejectStatus sets 400 for application/json too, through httpx.Track.
	srv = httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.RejectStatus = 400 })))
	h := httpx.Track(srv)
	if r := post(t, h, "", q, nil); r.Status != 400 || r.code() != gqllimit.CodeDepth {
		t.Errorf("RejectStatus: status %d code %q, want 400", r.Status, r.code())
	}
	if r := post(t, h, "", okQuery, nil); r.Status != 200 {
		t.Errorf("next request: status %d", r.Status)
	}
}

func TestDisabledAndIntrospection(t *testing.T) {
	srv := httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.MaxDepth, c.MaxCost = 0, 0 })))
	if r := post(t, srv, "", deepQuery(6), nil); len(r.Body.Errors) != 0 {
		t.Fatalf("disabled depth limit: %+v", r.Body.Errors)
	}
	// The zero Config limits nothing: a limit of 0 is off.
	srv = httpxtest.New(gqllimit.New(gqllimit.Config{}))
	if r := post(t, srv, "", deepQuery(20), nil); len(r.Body.Errors) != 0 {
		t.Fatalf("zero Config: %+v", r.Body.Errors)
	}
	if r := post(t, srv, "", deepQuery(3), nil); r.Body.Extensions["cost"].(map[string]any)["limit"] != float64(0) {
		t.Fatalf("zero Config: cost extension %v, want limit 0 (off)", r.Body.Extensions["cost"])
	}
	// GraphiQL's introspection query is deeper than 12; it is not counted.
	srv = httpxtest.New(gqllimit.New(gqllimit.DefaultConfig()))
	intro := `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }`
	if r := post(t, srv, "", intro, nil); len(r.Body.Errors) != 0 {
		t.Fatalf("introspection: %+v", r.Body.Errors)
	}
	srv = httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.CountIntrospection = true })))
	if r := post(t, srv, "", intro, nil); r.code() != gqllimit.CodeDepth {
		t.Fatalf("counted introspection: code %q", r.code())
	}
}

func TestMeasure(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: httpxtest.SDL})
	tests := []struct {
		query string
		vars  map[string]any
		want  gqllimit.Measurement
	}{
		{`{ name }`, nil, gqllimit.Measurement{Depth: 1}},
		{`{ museum(id: "a") { name tags } }`, nil, gqllimit.Measurement{Depth: 2, Cost: 1}},
		{`{ m: museum(id: "a") { n: name } name }`, nil, gqllimit.Measurement{Depth: 2, Aliases: 2, Cost: 1}},
		{`{ museums(first: 5) { totalCount } }`, nil, gqllimit.Measurement{Depth: 2, Cost: 1}},
		{`{ museums(first: 5) { edges { node { city { name } } } pageInfo { hasNextPage } } }`, nil,
			gqllimit.Measurement{Depth: 5, Cost: 1 + 5*(1+1+1+1)}},
		// Both first and last: the larger counts.
		{`{ museums(first: 5, last: 7) { nodes { name } } }`, nil, gqllimit.Measurement{Depth: 3, Cost: 1 + 7}},
		// A fragment spread twice counts twice; its aliases too.
		{`{ a: museum(id: "a") { ...F } b: museum(id: "b") { ...F } } fragment F on Museum { c: city { name } }`, nil,
			gqllimit.Measurement{Depth: 3, Aliases: 4, Cost: 4}},
		// Inline fragments on an interface are summed (upper bound).
		{`{ node(id: "a") { ... on Museum { city { name } } ... on School { name } } }`, nil,
			gqllimit.Measurement{Depth: 3, Cost: 2}},
		{`query($n: Int) { museums(first: $n) { nodes { name } } }`, map[string]any{"n": int64(40)},
			gqllimit.Measurement{Depth: 3, Cost: 41}},
		{`query($n: Int) { museums(first: $n) { nodes { name } } }`, map[string]any{"n": json.Number("40")},
			gqllimit.Measurement{Depth: 3, Cost: 41}},
		// Null or absent variable: the default page size.
		{`query($n: Int) { museums(first: $n) { nodes { name } } }`, nil, gqllimit.Measurement{Depth: 3, Cost: 101}},
		{`{ museums(first: -3) { nodes { name } } }`, nil, gqllimit.Measurement{Depth: 3, Cost: 1}},
		// Introspection fields stay out of depth and cost, but their
		// aliases count.
		{`{ a: __typename b: __typename s: __schema { q: queryType { name } } }`, nil, gqllimit.Measurement{Aliases: 4}},
	}
	for _, tc := range tests {
		doc, errs := gqlparser.LoadQueryWithRules(schema, tc.query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", tc.query, errs)
		}
		got := gqllimit.Measure(schema, doc, doc.Operations[0], tc.vars, 100, false)
		if got != tc.want {
			t.Errorf("Measure(%s) = %+v, want %+v", tc.query, got, tc.want)
		}
	}
}

func TestMeasureSaturates(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: httpxtest.SDL})
	q := `{ museums(first: 2000000000) { nodes { city { museums(first: 2000000000) { nodes { city { museums(first: 2000000000) { nodes { city { museums(first: 2000000000) { totalCount nodes { city { name } } } } } } } } } } } } }`
	doc, errs := gqlparser.LoadQueryWithRules(schema, q, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if got := gqllimit.Measure(schema, doc, doc.Operations[0], nil, 100, false); got.Cost != gqllimit.MaxMeasuredCost {
		t.Fatalf("cost = %d, want saturated %d", got.Cost, gqllimit.MaxMeasuredCost)
	}
}

func TestCountTokens(t *testing.T) {
	for q, want := range map[string]int{
		``:                                0,
		`{ name }`:                        3,
		`query Q($a: Int = 3) { name }`:   13,
		"# comment\n{ name }":             4,
		`{ name(x: "unterminated }`:       5,
		`{ a: museum(id: "x") { name } }`: 13,
	} {
		if got := gqllimit.CountTokens(q, 0); got != want {
			t.Errorf("CountTokens(%q) = %d, want %d", q, got, want)
		}
	}
	if got := gqllimit.CountTokens(strings.Repeat("a ", 100), 10); got != 10 {
		t.Errorf("stopAfter: %d", got)
	}
}

func BenchmarkLimits(b *testing.B) {
	srv := httpxtest.New(gqllimit.New(gqllimit.DefaultConfig()))
	body := `{"query":"query Q($n: Int) { museums(first: $n) { edges { cursor node { name city { name museums(first: 3) { totalCount } } schoolPartners(first: 5) { nodes { name } } } } pageInfo { hasNextPage } } }","variables":{"n":20}}`
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

func BenchmarkCountTokens(b *testing.B) {
	q := strings.Repeat(`museum(id: "abc") { name city { name } } `, 40)
	b.SetBytes(int64(len(q)))
	for b.Loop() {
		gqllimit.CountTokens(q, 0)
	}
}

// A repeated query is measured from the cache; a cost that depends on
// variables is measured again for each request.
func TestRepeatedQueries(t *testing.T) {
	for _, tokens := range []int{gqllimit.DefaultMaxTokens, 0} { // the token limit on and off
		srv := httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.MaxCost, c.MaxTokens = 500, tokens })))
		// As in the server: the same text gives the same parsed document.
		srv.SetQueryCache(lru.New[*ast.QueryDocument](100))
		cost := func(q string, vars map[string]any) (float64, string) {
			t.Helper()
			r := post(t, srv, "", q, vars)
			c, _ := r.Body.Extensions["cost"].(map[string]any)
			f, _ := c["requested"].(float64)
			return f, r.code()
		}
		literal := `{ museums(first: 10) { nodes { name city { name } } } }`
		for i := 0; i < 3; i++ {
			if c, code := cost(literal, nil); c != 21 || code != "" {
				t.Fatalf("tokens %d, round %d: cost %v, code %q; want 21", tokens, i, c, code)
			}
		}
		withVars := `query Q($n: Int) { museums(first: $n) { nodes { name city { name } } } }`
		for _, tc := range []struct {
			n    int
			cost float64
			code string
		}{{10, 21, ""}, {1000, 2001, gqllimit.CodeComplexity}, {2, 5, ""}, {1000, 2001, gqllimit.CodeComplexity}} {
			if c, code := cost(withVars, map[string]any{"n": tc.n}); c != tc.cost || code != tc.code {
				t.Fatalf("tokens %d, n=%d: cost %v, code %q; want %v, %q", tokens, tc.n, c, code, tc.cost, tc.code)
			}
		}
	}
	// The token limit applies to a query seen before.
	srv := httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.MaxTokens = 10 })))
	for i := 0; i < 2; i++ {
		if r := post(t, srv, "", okQuery+" # a comment with more tokens", nil); r.code() != gqllimit.CodeTokens {
			t.Fatalf("round %d: code %q, want %s", i, r.code(), gqllimit.CodeTokens)
		}
	}
}

func TestCostAppendJSON(t *testing.T) {
	for _, c := range []gqllimit.Cost{{}, {Requested: 2, Limit: 50000}, {Requested: -1, Limit: 1 << 40}} {
		want, _ := json.Marshal(c)
		if got := string(c.AppendJSON([]byte("x"))); got != "x"+string(want) {
			t.Errorf("AppendJSON(%+v) = %s, want x%s", c, got, want)
		}
	}
}

// limits returns the default limits changed by set.
func limits(set func(c *gqllimit.Config)) gqllimit.Config {
	c := gqllimit.DefaultConfig()
	set(&c)
	return c
}

// TestArgumentMax: with Config.ArgumentMax, a page size above the largest
// the resolver accepts is counted at that maximum (the resolver refuses it
// before any work, with its own error), given literally or by a variable;
// one within it, and arguments without a maximum, count as they are.
func TestArgumentMax(t *testing.T) {
	max := func(typeName, field, arg string) (int, bool) {
		if typeName == "Query" && field == "museums" && (arg == "first" || arg == "last") {
			return 100, true
		}
		return 0, false
	}
	srv := httpxtest.New(gqllimit.New(limits(func(c *gqllimit.Config) { c.MaxCost = 500; c.ArgumentMax = max })))
	for _, tc := range []struct {
		query string
		vars  map[string]any
		cost  float64
	}{
		{`{ museums(first: 10) { nodes { name city { name } } } }`, nil, 1 + 10*2},
		{`{ museums(first: 100000) { nodes { name city { name } } } }`, nil, 1 + 100*2},
		{`{ museums(last: 101) { nodes { name city { name } } } }`, nil, 1 + 100*2},
		{`query($n: Int) { museums(first: $n) { nodes { name city { name } } } }`, map[string]any{"n": 1 << 30}, 1 + 100*2},
		{`{ museum(id: "a") { city { museums(first: 1000) { nodes { name } } } } }`, nil, 1 + 1 + 1 + 1000*1},
	} {
		r := post(t, srv, "", tc.query, tc.vars)
		cost, _ := r.Body.Extensions["cost"].(map[string]any)
		if cost["requested"] != tc.cost {
			t.Errorf("%s: cost %v (code %q), want %v", tc.query, cost["requested"], r.code(), tc.cost)
		}
	}
}
