package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// errorRow is a row of README.md's error table.
type errorRow struct {
	code   string
	status int
}

var errorTableRow = regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\|")

// readmeErrorTable returns the rows of the error table of README.md.
func readmeErrorTable(t *testing.T) []errorRow {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []errorRow
	for _, m := range errorTableRow.FindAllStringSubmatch(string(b), -1) {
		st, _ := strconv.Atoi(m[2])
		rows = append(rows, errorRow{m[1], st})
	}
	if len(rows) < 10 {
		t.Fatalf("found %d rows in README.md's error table", len(rows))
	}
	return rows
}

// TestErrorTable sends, for every row of README.md's error table, a request
// that must fail with the row's code and status: every documented code is
// the one sent (issue 9: a variable of the wrong type was documented as
// BAD_USER_INPUT and answered GRAPHQL_VALIDATION_FAILED). A row without a
// request here fails the test, and so does a request without a row.
func TestErrorTable(t *testing.T) {
	plain := func(t *testing.T, args ...string) *Main {
		m, _ := mustRunMain(t, append([]string{"--data-dir", t.TempDir(), "--no-seed"}, args...)...)
		return m
	}
	withStore := func(t *testing.T, wrap func(kepu.Store) kepu.Store, args ...string) *Main {
		m, logs, err := runMainWith(t, func(m *Main) { m.WrapStore = wrap }, append([]string{"--data-dir", t.TempDir(), "--no-seed"}, args...)...)
		if err != nil {
			t.Fatalf("%v\n%s", err, logs)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	editor := map[string]string{"Authorization": "Bearer " + testEditorToken}
	post := func(q string, vars map[string]any, header map[string]string) request {
		return request{method: http.MethodPost, body: gqlBody(q, vars), header: header}
	}
	createProvince := `mutation { createProvince(input: {key: "CN-ZZ", name: "Z", code: "CN-ZZ", provenance: REPORTED, source: "t"}) { id } }`
	sum := sha256.Sum256([]byte("{ __typename }"))
	apq, _ := json.Marshal(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}})

	cases := map[errorRow]func(t *testing.T) response{
		{"BAD_USER_INPUT", 200}: func(t *testing.T) response {
			return do(t, plain(t), post(`{ museums(first: 101) { totalCount } }`, nil, nil))
		},
		{"BAD_USER_INPUT", 422}: func(t *testing.T) response {
			return do(t, plain(t), post(`query($f: Int) { provinces(first: $f) { totalCount } }`, map[string]any{"f": "3"}, nil))
		},
		{"GRAPHQL_PARSE_FAILED", 422}: func(t *testing.T) response {
			return do(t, plain(t), post(`{ provinces(`, nil, nil))
		},
		{"GRAPHQL_VALIDATION_FAILED", 422}: func(t *testing.T) response {
			return do(t, plain(t), post(`{ provinces(first: 2147483648) { totalCount } }`, nil, nil))
		},
		{"PERSISTED_QUERY_NOT_FOUND", 200}: func(t *testing.T) response {
			return do(t, plain(t), request{method: http.MethodPost, body: string(apq)})
		},
		{"PERSISTED_QUERY_HASH_MISMATCH", 400}: func(t *testing.T) response {
			wrong, _ := json.Marshal(map[string]any{"query": "{ __typename }", "extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}}})
			return do(t, plain(t), request{method: http.MethodPost, body: string(wrong)})
		},
		{"URI_TOO_LONG", 414}: func(t *testing.T) response {
			return do(t, plain(t, "--max-body-bytes", "100"), request{method: http.MethodGet, path: "/query?query=" + strings.Repeat("%20", 100) + "%7B__typename%7D"})
		},
		{"NOT_FOUND", 200}: func(t *testing.T) response {
			return do(t, plain(t), post(`mutation { deleteMuseum(id: "`+kepu.GlobalID("Museum:none")+`") }`, nil, editor))
		},
		{"CONFLICT", 200}: func(t *testing.T) response {
			m := plain(t)
			do(t, m, post(createProvince, nil, editor))
			return do(t, m, post(createProvince, nil, editor))
		},
		{"UNAUTHENTICATED", 401}: func(t *testing.T) response {
			return do(t, plain(t), post(createProvince, nil, nil))
		},
		{"FORBIDDEN", 403}: func(t *testing.T) response {
			return do(t, plain(t), post(createProvince, nil, map[string]string{"Authorization": "Bearer " + testReaderToken}))
		},
		{"TIMEOUT", 200}: func(t *testing.T) response {
			m := withStore(t, func(st kepu.Store) kepu.Store { return slowStore{st} }, "--timeout", "200ms")
			return do(t, m, post(`{ museums(first: 1) { nodes { name } } }`, nil, nil))
		},
		{"TIMEOUT", 503}: func(t *testing.T) response {
			// An export sends nothing before its first element.
			m := withStore(t, func(st kepu.Store) kepu.Store { return slowStore{st} }, "--export-timeout", "200ms")
			return do(t, m, request{method: http.MethodGet, path: "/export/gexf?labels=Museum"})
		},
		{"SERVICE_UNAVAILABLE", 200}: func(t *testing.T) response {
			m := withStore(t, func(st kepu.Store) kepu.Store { return fullDisk{st} })
			return do(t, m, post(createProvince, nil, editor))
		},
		{"VALUE_OUT_OF_RANGE", 200}: func(t *testing.T) response {
			// Two valid records whose sum an Int cannot hold.
			m := plain(t)
			for _, k := range []string{"a", "b"} {
				do(t, m, post(`mutation { createMuseum(input: {key: "`+k+`", name: "`+k+`", kind: RURAL_SCHOOL, teachersTrained: 2147483647, provenance: REPORTED, source: "t"}) { id } }`, nil, editor))
			}
			return do(t, m, post(`{ systemStats { ruralTeachersTrained } }`, nil, nil))
		},
		{"INTERNAL_SERVER_ERROR", 200}: func(t *testing.T) response {
			m := withStore(t, func(st kepu.Store) kepu.Store { return panicStore{st} })
			return do(t, m, post(`{ museums(first: 1) { nodes { name } } }`, nil, nil))
		},
		{"PAYLOAD_TOO_LARGE", 413}: func(t *testing.T) response {
			return do(t, plain(t, "--max-body-bytes", "100"), post(`{ __typename }`+strings.Repeat(" ", 200), nil, nil))
		},
		{"QUERY_TOO_LARGE", 422}: func(t *testing.T) response {
			return do(t, plain(t, "--max-query-bytes", "100"), post(`{ __typename }`+strings.Repeat(" ", 200), nil, nil))
		},
		{"COMPLEXITY_LIMIT_EXCEEDED", 422}: func(t *testing.T) response {
			return do(t, plain(t, "--max-cost", "10"), post(`{ provinces(first: 20) { nodes { name } } }`, nil, nil))
		},
		{"RATE_LIMITED", 429}: func(t *testing.T) response {
			m := plain(t, "--rate-limit", "0.01", "--rate-burst", "1")
			do(t, m, post(`{ __typename }`, nil, nil))
			return do(t, m, post(`{ __typename }`, nil, nil))
		},
	}
	// Where the first error of a row must point (line, column): the field
	// that failed, or the variable's definition.
	wantLocation := map[errorRow][2]int{
		{"BAD_USER_INPUT", 422}:        {1, 7},  // query($f: Int) …
		{"VALUE_OUT_OF_RANGE", 200}:    {1, 17}, // { systemStats { ruralTeachersTrained } }
		{"INTERNAL_SERVER_ERROR", 200}: {1, 3},  // { museums(first: 1) … }
	}
	seen := map[errorRow]bool{}
	for _, row := range readmeErrorTable(t) {
		seen[row] = true
		t.Run(row.code+"_"+strconv.Itoa(row.status), func(t *testing.T) {
			send, ok := cases[row]
			if !ok {
				t.Fatalf("README documents %s with status %d, and no test sends it", row.code, row.status)
			}
			start := time.Now()
			res := send(t)
			if time.Since(start) > time.Minute { // a hang guard
				t.Fatalf("took %s", time.Since(start))
			}
			if res.status != row.status || len(res.gql.Errors) == 0 || res.gql.Errors[0].Code() != row.code {
				t.Fatalf("got %d %s, want %d %s", res.status, res.body, row.status, row.code)
			}
			// A field error names the field in the document too (the
			// GraphQL spec's "locations"): VALUE_OUT_OF_RANGE, raised while
			// the result was written, had a path and no locations.
			var raw struct {
				Errors []struct {
					Path      []any            `json:"path"`
					Locations []map[string]int `json:"locations"`
				} `json:"errors"`
			}
			if json.Unmarshal([]byte(res.body), &raw) == nil {
				for _, e := range raw.Errors {
					if len(e.Path) > 0 && len(e.Locations) == 0 {
						t.Errorf("an error at %v has no locations: %s", e.Path, res.body)
					}
					if len(e.Path) > 0 && e.Path[0] == "variable" {
						t.Errorf("a variable's error has the path %v, which names no field of the response: %s", e.Path, res.body)
					}
				}
			}
			if want, ok := wantLocation[row]; ok && (len(raw.Errors) == 0 || len(raw.Errors[0].Locations) != 1 || raw.Errors[0].Locations[0]["line"] != want[0] || raw.Errors[0].Locations[0]["column"] != want[1]) {
				t.Errorf("want the error at line %d, column %d: %s", want[0], want[1], res.body)
			}
		})
	}
	for row := range cases {
		if !seen[row] {
			t.Errorf("%s %d is tested but not in README's error table", row.code, row.status)
		}
	}
}

// TestREADMEErrorSample: the sample error response in README.md is the one
// the server sends for the TooBig query.
func TestREADMEErrorSample(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	sample := regexp.MustCompile("(?s)answers\n\n```json\n(.*?)```").FindSubmatch(b)
	if sample == nil {
		t.Fatal("no sample error response in README.md")
	}
	// The TooBig block as printed, its first line the comment.
	block := regexp.MustCompile("(?s)```graphql\n(# expect error: [A-Z_]+\nquery TooBig .*?)```").FindSubmatch(b)
	if block == nil {
		t.Fatal("no TooBig block in README.md")
	}
	m := seededMain(t)
	res := do(t, m, request{method: http.MethodPost, body: gqlBody(string(block[1]), nil)})
	var want, got any
	if err := json.Unmarshal(sample[1], &want); err != nil {
		t.Fatalf("README sample: %v", err)
	}
	if err := json.Unmarshal([]byte(res.body), &got); err != nil {
		t.Fatal(err)
	}
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(got)
	if string(wb) != string(gb) {
		t.Errorf("README sample\n%s\nserver\n%s", wb, gb)
	}
}
