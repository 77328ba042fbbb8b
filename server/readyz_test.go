package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
)

// searchBuilding is a store that answers (Ready) but whose search does
// not yet (SearchReady), as Neo4j while its search index populates; the
// other kepu.Store methods are not called by /readyz.
type searchBuilding struct {
	kepu.Store
	search error
}

func (searchBuilding) Ready(context.Context) error         { return nil }
func (s searchBuilding) SearchReady(context.Context) error { return s.search }

// TestReadyzSearchIndex: /readyz is 503 while the store's search cannot
// answer, with the store's message when it is meant for clients (the
// search index is being built, N %) and the generic one otherwise (it
// may name hosts); 200 once search answers.
func TestReadyzSearchIndex(t *testing.T) {
	building := &kepu.Error{Code: kepu.Unavailable, Public: true, Message: "search is unavailable: the search index is being built (42 %)"}
	private := kepu.Errorf(kepu.Unavailable, "cannot reach db.internal.example:7687")
	for _, tc := range []struct {
		err    error
		status int
		msg    string
	}{
		{building, http.StatusServiceUnavailable, building.Message},
		{private, http.StatusServiceUnavailable, graph.UnavailableMessage},
		{nil, http.StatusOK, ""},
	} {
		r := Routes{Store: searchBuilding{search: tc.err}, Logger: DefaultConfig().NewLogger(io.Discard)}
		rec := httptest.NewRecorder()
		r.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if rec.Code != tc.status || body["error"] != tc.msg {
			t.Errorf("SearchReady %v: /readyz %d %v, want %d with error %q", tc.err, rec.Code, body, tc.status, tc.msg)
		}
	}
}
