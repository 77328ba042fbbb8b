package graph

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// appender encodes itself, as gqllimit.Cost does.
type appender struct{ A, B int }

func (a appender) AppendJSON(b []byte) []byte {
	out, _ := json.Marshal(a)
	return append(b, out...)
}

// TestWriteResponseMatchesJSONMarshal: apart from request errors (no data
// entry) and HTML characters in data (which json.Marshal would escape as
// \u003c and so on, and which are sent as they are), the hand-written
// response is byte for byte what json.Marshal makes of it.
func TestWriteResponseMatchesJSONMarshal(t *testing.T) {
	yes := true
	for name, resp := range map[string]*graphql.Response{
		"data":              {Data: json.RawMessage(`{"a":1}`)},
		"data, extensions":  {Data: json.RawMessage(`{"a":"b"}`), Extensions: map[string]any{"storeCalls": 3, "cost": map[string]any{"requested": 2, "limit": 50000}}},
		"errors and data":   {Errors: gqlerror.List{{Message: "x <y> & z", Path: ast.Path{ast.PathName("a"), ast.PathIndex(0)}, Extensions: map[string]any{"code": "NOT_FOUND"}}}, Data: json.RawMessage(`{"a":null}`)},
		"errors, null data": {Errors: gqlerror.List{{Message: "boom"}}, Extensions: map[string]any{"storeCalls": 0}},
		"empty":             {},
		"extension values": {Data: json.RawMessage(`{}`), Extensions: map[string]any{
			"int": 1, "int64": int64(-7), "bool": true, "plain": "abc-123", "escaped": "a\"b<c>&\u00e9\n",
			"float": 1.5, "list": []any{1, "x"}, "nil": nil, "nested": map[string]any{"b": 2, "a": map[string]any{}},
			"appender": appender{3, 4}, "é": 0,
		}},
		"incremental": {Data: json.RawMessage(`{}`), Label: "l", HasNext: &yes},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			w := httptest.NewRecorder()
			writeResponse(w, resp, false)
			if got := w.Body.String(); got != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
	t.Run("data is sent as it is", func(t *testing.T) {
		w := httptest.NewRecorder()
		writeResponse(w, &graphql.Response{Data: json.RawMessage(`{"a":"<b>"}`)}, false)
		if got, want := w.Body.String(), `{"data":{"a":"<b>"}}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("request error has no data entry", func(t *testing.T) {
		w := httptest.NewRecorder()
		writeResponse(w, &graphql.Response{Errors: gqlerror.List{{Message: "bad"}}, Extensions: map[string]any{"storeCalls": 0}}, true)
		if got, want := w.Body.String(), `{"errors":[{"message":"bad"}],"extensions":{"storeCalls":0}}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("nil response is gqlgen's null", func(t *testing.T) {
		w := httptest.NewRecorder()
		writeResponse(w, nil, false)
		if got := w.Body.String(); got != "null" {
			t.Errorf("got %s", got)
		}
	})
}
