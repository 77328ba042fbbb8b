package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

type subgraphResult struct {
	Subgraph struct {
		Nodes []struct {
			ID, Label    string
			ProvinceCode *string
			Properties   map[string]any
		}
		Relationships []struct {
			ID, Type, From, To string
			Properties         map[string]any
		}
	}
}

// TestSubgraph: the subgraph field answers the selections of the exports
// with the store's nodes and relationships.
func TestSubgraph(t *testing.T) {
	ctx := context.Background()
	provinces, err := ref(t).store.CountNodes(ctx, kepu.Province, nil)
	if err != nil {
		t.Fatal(err)
	}
	prefectures, err := ref(t).store.CountNodes(ctx, kepu.Prefecture, nil)
	if err != nil {
		t.Fatal(err)
	}
	agg, err := ref(t).store.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.PartOf, FromLabel: kepu.Prefecture, ToLabel: kepu.Province})
	if err != nil {
		t.Fatal(err)
	}
	var res subgraphResult
	query(t, ref(t).url, `{ subgraph(labels: ["Province", "Prefecture"], relationships: ["PART_OF"]) {
		nodes { id label provinceCode properties }
		relationships { id type from to properties } } }`, nil, &res)
	if len(res.Subgraph.Nodes) != provinces+prefectures || len(res.Subgraph.Relationships) != agg.Count || agg.Count == 0 {
		t.Fatalf("%d nodes, %d relationships; want %d, %d", len(res.Subgraph.Nodes), len(res.Subgraph.Relationships), provinces+prefectures, agg.Count)
	}
	ids := map[string]bool{}
	for _, n := range res.Subgraph.Nodes {
		ids[n.ID] = true
		if n.ProvinceCode == nil || n.Properties["name"] == nil || n.Properties["provenance"] == nil {
			t.Fatalf("node %+v lacks its province code, name or provenance", n)
		}
	}
	for _, r := range res.Subgraph.Relationships {
		if r.Type != "PART_OF" || !ids[r.From] || !ids[r.To] || r.Properties["source"] == nil {
			t.Fatalf("relationship %+v", r)
		}
	}
	anhui := kepu.GlobalID("Province:CN-AH")
	if !ids[anhui] {
		t.Fatal("Anhui missing")
	}

	// A where input, and a neighborhood with variables.
	query(t, ref(t).url, `{ subgraph(labels: ["Prefecture"], where: {province: {code: {eq: "CN-AH"}}}) { nodes { provinceCode } } }`, nil, &res)
	want, err := ref(t).store.CountNodes(ctx, kepu.Prefecture, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Subgraph.Nodes) != want || want == 0 {
		t.Fatalf("where: %d prefectures, want %d", len(res.Subgraph.Nodes), want)
	}
	query(t, ref(t).url, `query($id: ID!) { subgraph(around: $id, relationships: ["PART_OF"]) { nodes { id } relationships { from to } } }`, map[string]any{"id": anhui}, &res)
	if len(res.Subgraph.Nodes) != want+1 || len(res.Subgraph.Relationships) < want {
		t.Fatalf("around Anhui: %d nodes, %d relationships; want %d nodes", len(res.Subgraph.Nodes), len(res.Subgraph.Relationships), want+1)
	}

	// Errors.
	wantError(t, ref(t).url, `{ subgraph { nodes { id } } }`, nil, kepu.BadUserInput) // the whole graph is too large
	wantError(t, ref(t).url, `{ subgraph(labels: ["Planet"]) { nodes { id } } }`, nil, kepu.BadUserInput)
	wantError(t, ref(t).url, `{ subgraph(labels: ["Museum"], where: {colour: {eq: "red"}}) { nodes { id } } }`, nil, kepu.BadUserInput)
	wantError(t, ref(t).url, `{ subgraph(around: "TXVzZXVtOm5vcGU", hops: 2) { nodes { id } } }`, nil, kepu.NotFound)
	wantError(t, ref(t).url, `{ subgraph(around: "TXVzZXVtOmNzdG0", hops: 4) { nodes { id } } }`, nil, kepu.BadUserInput)
}

// TestJSONScalarBytes: a JSON scalar (properties) is written as the rest of
// the response: no newline inside the response's JSON text, "&" as it is
// (gqlgen's own encoder wrote "S\u0026T" and a newline after every object).
func TestJSONScalarBytes(t *testing.T) {
	body, _ := json.Marshal(map[string]any{"query": `{ subgraph(labels: ["Museum"]) { nodes { id properties } } }`})
	status, _, out := rawPost(t, string(body), "")
	if status != http.StatusOK || len(out["errors"]) > 0 {
		t.Fatalf("%d %s", status, out["errors"])
	}
	data := string(out["data"])
	if strings.Contains(data, "\n") {
		t.Errorf("the data holds a newline: %.300s", data)
	}
	if strings.Contains(data, `\u0026`) || !strings.Contains(data, "S&T") {
		t.Errorf("want S&T written as it is (a museum's note has it): %.300s", data[max(0, strings.Index(data, "S\\u0026T")-100):])
	}
}
