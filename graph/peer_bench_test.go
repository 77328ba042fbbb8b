package graph_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/internal/procstat"
)

// peerQueries are the kepugraph queries of the peer harness
// (../shared/peers/postgraphile/queries/kepugraph), as request bodies.
var peerQueries = []struct{ name, body string }{
	{"museum", `{"query":"query Museum($id: ID!) { node(id: $id) { id ... on Museum { name nameZh kind province { id name code } } } }","variables":{"id":"TXVzZXVtOmNzdG0"}}`},
	{"nested", `{"query":"query Nested { museums(first: 50, where: { kind: { eq: STANDARD } }) { nodes { id name schoolPartners(first: 20) { nodes { id name county { id name } } } } } }"}`},
	{"province", `{"query":"query ProvinceMuseums { museums(where: { province: { code: { eq: \"CN-ZJ\" } } }, orderBy: [{ field: NAME }], first: 100) { totalCount nodes { name schoolPartners { totalCount } } } }"}`},
}

// BenchmarkPeerQueries serves the peer harness's three queries in process
// (the handler without the network), the GraphQL execution's CPU cost per
// request (cpu-ms/op: the process's CPU time per request, GC included):
// go test ./graph -run XXX -bench PeerQueries.
func BenchmarkPeerQueries(b *testing.B) {
	h := graph.New(ref(b).store, graph.Options{})
	for _, q := range peerQueries {
		b.Run(q.name, func(b *testing.B) {
			body := []byte(q.body)
			b.ReportAllocs()
			start := procstat.SelfCPU()
			for b.Loop() {
				serveQuery(b, h, body)
			}
			b.ReportMetric(float64(procstat.SelfCPU()-start)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// serveQuery posts body to h as a GraphQL request and fails b unless the
// answer is 200 without errors.
func serveQuery(b *testing.B, h http.Handler, body []byte) {
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) {
		b.Fatalf("%d %s", w.Code, w.Body)
	}
}
