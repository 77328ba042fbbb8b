package graph_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
)

// searchDown is a store whose search fails with err (Neo4j while its
// search index is being built), the other calls answering.
type searchDown struct {
	kepu.Store
	err error
}

func (s searchDown) Search(context.Context, kepu.SearchQuery) (kepu.SearchPage, error) {
	return kepu.SearchPage{}, s.err
}

// TestUnavailableMessage: a SERVICE_UNAVAILABLE whose message the store
// meant for clients (kepu.Error.Public: the search index is being built,
// N %) reaches them as it is, at the field that failed, while the other
// queries answer; any other SERVICE_UNAVAILABLE reads the
// generic message (the store's words may name hosts or files).
func TestUnavailableMessage(t *testing.T) {
	building := &kepu.Error{Code: kepu.Unavailable, Public: true, Message: "search is unavailable: the search index is being built (42 %)"}
	private := kepu.Errorf(kepu.Unavailable, "cannot reach db.internal.example:7687")
	for _, tc := range []struct {
		err error
		msg string
	}{{building, building.Message}, {private, graph.UnavailableMessage}} {
		srv := httptest.NewServer(graph.New(searchDown{ref(t).store, tc.err}, graph.Options{}))
		r := post(t, srv.URL, `{ search(text: "kexue") { totalCount } }`, nil)
		var data struct{ Provinces struct{ TotalCount int } }
		query(t, srv.URL, `{ provinces(first: 1) { totalCount } }`, nil, &data)
		srv.Close()
		if len(r.Errors) != 1 || r.Errors[0].Message != tc.msg || r.Errors[0].Extensions.Code != kepu.Unavailable ||
			len(r.Errors[0].Path) != 1 || r.Errors[0].Path[0] != "search" {
			t.Errorf("search failing with %q: errors %+v, want one SERVICE_UNAVAILABLE at search reading %q", tc.err, r.Errors, tc.msg)
		}
		if data.Provinces.TotalCount == 0 {
			t.Errorf("the rest of the API: %+v", data)
		}
	}
}
