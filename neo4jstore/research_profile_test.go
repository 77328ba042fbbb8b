package neo4jstore_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// researchRequests are the researchers' requests of the README measured on
// Neo4j (docs/neo4j.md, "Research queries on Neo4j"): the coverage gaps of
// Yunnan's counties, Anhui's partnership gaps and the graphology export of
// a museum's 2-hop neighbourhood. A name starting with "/" is a GET of the
// export handler, the others are GraphQL queries.
var researchRequests = []struct{ name, body string }{
	{"YunnanGaps", `query { coverage(level: COUNTY, within: "UHJvdmluY2U6Q04tWU4") {
    covered { numerator denominator value }
    uncoveredPlaces(first: 10) { totalCount edges { rank score node { ... on County { name nameZh prefecture { name } } } } } } }`},
	{"AnhuiSchoolGaps", `query { schoolsWithoutLocalPartner(province: "UHJvdmluY2U6Q04tQUg", first: 5) {
    totalCount edges { rank score node { ... on School { name county { name } } } } } }`},
	{"AnhuiMuseumGaps", `query { museumsWithoutSchoolPartner(province: "UHJvdmluY2U6Q04tQUg", first: 5) {
    totalCount edges { rank score node { ... on Museum { name kind } } } } }`},
	{"/export/graphology?around=TXVzZXVtOmNzdG0&hops=2", ""},
}

// profileResearch sends researchRequests to st, which holds the reference
// dataset (TestProfileBenchQueries/Research: one load for both), twice (the
// second, warm run is the one recorded) and PROFILEs every statement the
// store sent: per request the statements, the rows they returned and their
// db hits. It checks nothing about speed (a plan is no timed assertion); it
// fails only when a request fails. With KEPUGRAPH_PROFILE_RESEARCH_OUT set
// it writes the plans there.
func profileResearch(t *testing.T, st *neo4jstore.Store, log *statementLog, sess neo4j.SessionWithContext) {
	ctx := context.Background()
	var err error
	gql := httptest.NewServer(neo4jstore.RequestScope(graph.New(st, graph.Options{})))
	defer gql.Close()
	mux := http.NewServeMux()
	mux.Handle("/export/{format}", &export.Handler{Exporter: &export.Exporter{Store: st}})
	exp := httptest.NewServer(neo4jstore.RequestScope(mux))
	defer exp.Close()

	var out, summary bytes.Buffer
	for _, rq := range researchRequests {
		var took time.Duration
		for i := 0; i < 2; i++ {
			log.reset()
			t0 := time.Now()
			var resp *http.Response
			if strings.HasPrefix(rq.name, "/") {
				resp, err = http.Get(exp.URL + rq.name)
			} else {
				b := fmt.Sprintf(`{"query": %q}`, rq.body)
				resp, err = http.Post(gql.URL, "application/json", strings.NewReader(b))
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			took = time.Since(t0)
			if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
				t.Fatalf("%s: status %d: %.300s", rq.name, resp.StatusCode, body)
			}
		}
		got := log.take()
		fmt.Fprintf(&out, "### %s: %d statements\n\n", rq.name, len(got))
		var hits int64
		for _, s := range got {
			hits += planHits(profileStatement(ctx, t, sess, s, &out))
		}
		fmt.Fprintf(&summary, "%-50s %4d statements %9d db hits  (warm wall %v)\n", rq.name, len(got), hits, took.Round(time.Millisecond))
	}
	t.Log("\n" + summary.String())
	if path := os.Getenv("KEPUGRAPH_PROFILE_RESEARCH_OUT"); path != "" {
		if err := os.WriteFile(path, append(summary.Bytes(), out.Bytes()...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// planHits is the db hits of a profiled plan and its children.
func planHits(p neo4j.ProfiledPlan) int64 {
	n := p.DbHits()
	for _, c := range p.Children() {
		n += planHits(c)
	}
	return n
}
