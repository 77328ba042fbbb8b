package graph_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// rawPost sends body to the shared server with the given Accept header and
// returns the status, the Content-Type and the decoded body.
func rawPost(t *testing.T, body, accept string) (int, string, map[string]json.RawMessage) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ref(t).url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(b)) {
		t.Errorf("Content-Length %q for a body of %d bytes", cl, len(b))
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%d: body is not a JSON object: %v\n%s", res.StatusCode, err, b)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), out
}

func TestPOSTTransport(t *testing.T) {
	const museums = `"query":"query($n: Int) { museums(first: $n) { nodes { id } } }"`
	tests := []struct {
		name, body, accept string
		status             int
		contentType        string
		data               bool // the response has a data entry
		errorText          string
	}{
		{"ok", `{` + museums + `,"variables":{"n":2}}`, "", 200, "application/json", true, ""},
		{"ok, graphql-response+json", `{` + museums + `,"variables":{"n":2}}`, "application/graphql-response+json", 200, "application/graphql-response+json", true, ""},
		{"q-values honoured", `{` + museums + `}`, "application/json;q=0.5, application/graphql-response+json;q=0.9", 200, "application/graphql-response+json", true, ""},
		{"not JSON", `{"query":`, "", 400, "application/json", false, "could not be decoded"},
		{"trailing data", `{"query":"{ systemStats { museums } }"} {}`, "", 400, "application/json", false, "could not be decoded"},
		{"duplicate names", `{"query":"{ __typename }","query":"{ __typename }"}`, "", 400, "application/json", false, "duplicate"},
		{"invalid UTF-8", "{\"query\":\"{ __typename \xff}\"}", "", 400, "application/json", false, "UTF-8"},
		{"variables not an object", `{"query":"{ __typename }","variables":[1]}`, "", 400, "application/json", false, "could not be decoded"},
		{"parse error, json", `{"query":"{"}`, "application/json", 422, "application/json", false, "Expected Name"},
		{"parse error, graphql-response+json", `{"query":"{"}`, "application/graphql-response+json", 400, "application/graphql-response+json", false, "Expected Name"},
		{"Int variable not an integer", `{` + museums + `,"variables":{"n":2.5}}`, "", 422, "application/json", false, "Int"},
		{"Int variable too large, not rounded", `{` + museums + `,"variables":{"n":1e400}}`, "", 422, "application/json", false, "Int"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ct, out := rawPost(t, tt.body, tt.accept)
			if status != tt.status || ct != tt.contentType {
				t.Errorf("status %d, Content-Type %q; want %d, %q (%s)", status, ct, tt.status, tt.contentType, out["errors"])
			}
			if _, ok := out["data"]; ok != tt.data {
				t.Errorf("data entry present: %v, want %v", ok, tt.data)
			}
			if tt.errorText == "" {
				if out["errors"] != nil {
					t.Errorf("errors: %s", out["errors"])
				}
				var d struct {
					Museums struct{ Nodes []struct{ ID string } }
				}
				if err := json.Unmarshal(out["data"], &d); err != nil || len(d.Museums.Nodes) != 2 && strings.Contains(tt.body, `"n":2`) {
					t.Errorf("data %s (%v)", out["data"], err)
				}
			} else if !strings.Contains(string(out["errors"]), tt.errorText) {
				t.Errorf("errors %s; want one mentioning %q", out["errors"], tt.errorText)
			}
			if out["extensions"] == nil {
				t.Error("no extensions entry (storeCalls)")
			}
		})
	}
}
