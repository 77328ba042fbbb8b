package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestSeededStart checks that the first start on an empty directory loads
// the reference dataset and that the second start opens it without
// reloading.
func TestSeededStart(t *testing.T) {
	m := seededMain(t)
	t.Logf("first start with loading took %s", seeded.elapsed)
	if !strings.Contains(seeded.logs.String(), "reference dataset loaded") {
		t.Errorf("first start did not log the load:\n%s", seeded.logs)
	}
	if !strings.Contains(seeded.logs.String(), "loading reference dataset") {
		t.Errorf("first start did not log progress:\n%s", seeded.logs)
	}
	if strings.Contains(seeded.reopen, "loading reference dataset") || !strings.Contains(seeded.reopen, "not loading the reference dataset") {
		t.Errorf("second start reloaded the dataset:\n%s", seeded.reopen)
	}
	var data struct {
		Provinces struct{ TotalCount int }
		Museums   struct{ TotalCount int }
	}
	query(t, m, `{ provinces { totalCount } museums { totalCount } }`, nil, &data)
	if data.Provinces.TotalCount < 31 {
		t.Errorf("%d provinces, want at least the 31 mainland ones", data.Provinces.TotalCount)
	}
	if data.Museums.TotalCount < 446+657+1764+1124 {
		t.Errorf("%d museums, want at least the published totals", data.Museums.TotalCount)
	}
}

// TestRestart writes through the API, stops the program, starts it again
// on the same directory and finds everything there.
func TestRestart(t *testing.T) {
	dir := t.TempDir()
	m, _, err := runMain(t, "--data-dir", dir, "--no-seed")
	if err != nil {
		t.Fatal(err)
	}
	museum := kepu.GlobalID("Museum:restart-museum")
	school := kepu.GlobalID("School:restart-school")
	province := kepu.GlobalID("Province:CN-XX")
	var created struct {
		CreateProvince struct{ ID string }
		CreateMuseum   struct{ ID, Name string }
		CreateSchool   struct{ ID string }
	}
	query(t, m, `mutation {
		createProvince(input: {key: "CN-XX", name: "Testland", code: "CN-XX", provenance: REPORTED, source: "test"}) { id }
		createMuseum(input: {key: "restart-museum", name: "Restart Museum", kind: STANDARD, openedYear: 2020, provenance: REPORTED, source: "test"}) { id name }
		createSchool(input: {key: "restart-school", name: "Restart School", stage: PRIMARY, provenance: GENERATED, source: "test"}) { id }
	}`, nil, &created)
	if created.CreateMuseum.ID != museum || created.CreateSchool.ID != school || created.CreateProvince.ID != province {
		t.Fatalf("created %+v", created)
	}
	var linked struct {
		LinkPartnersWith struct {
			Since int
			From  struct{ Name string }
			To    struct{ Name string }
		}
	}
	query(t, m, `mutation($m: ID!, $s: ID!, $p: ID!) {
		linkPartnersWith(from: $m, to: $s, input: {since: 2021, activities: 4, provenance: REPORTED, source: "test"}) { since from { name } to { name } }
		linkLocatedIn(from: $m, to: $p, input: {provenance: REPORTED, source: "test"}) { from { id } }
	}`, map[string]any{"m": museum, "s": school, "p": province}, &linked)
	if linked.LinkPartnersWith.Since != 2021 || linked.LinkPartnersWith.To.Name != "Restart School" {
		t.Fatalf("linked %+v", linked)
	}
	// A second create of the same key is a conflict.
	mustFail(t, m, `mutation { createMuseum(input: {key: "restart-museum", name: "Again", kind: STANDARD, provenance: REPORTED, source: "test"}) { id } }`, nil, kepu.Conflict)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	m2, logs := mustRunMain(t, "--data-dir", dir)
	if strings.Contains(logs.String(), "loading reference dataset") {
		t.Errorf("restart loaded the reference dataset into a store with data:\n%s", logs)
	}
	var got struct {
		Node struct {
			Name       string
			OpenedYear int
			Province   struct{ Name string }
			Partners   struct {
				TotalCount int
				Edges      []struct {
					Since, Activities int
					Provenance        string
					Node              struct{ Name, Stage string }
				}
			} `json:"schoolPartners"`
		}
	}
	query(t, m2, `query($id: ID!) { node(id: $id) { ... on Museum {
		name openedYear province { name }
		schoolPartners { totalCount edges { since activities provenance node { name stage } } }
	} } }`, map[string]any{"id": museum}, &got)
	n := got.Node
	if n.Name != "Restart Museum" || n.OpenedYear != 2020 || n.Province.Name != "Testland" {
		t.Fatalf("after restart: %+v", n)
	}
	if n.Partners.TotalCount != 1 || len(n.Partners.Edges) != 1 {
		t.Fatalf("after restart: partners %+v", n.Partners)
	}
	if e := n.Partners.Edges[0]; e.Since != 2021 || e.Activities != 4 || e.Provenance != "REPORTED" || e.Node.Name != "Restart School" || e.Node.Stage != "PRIMARY" {
		t.Fatalf("after restart: edge %+v", e)
	}
}

// TestMaxPageSizeFlag checks that --max-page-size reaches the API: its
// bound, and the default of the lists whose first defaults to 10
// (centrality), which a maximum of 5 must not refuse when the request
// gives no first (graph's TestPageSizeDefaults checks every field).
func TestMaxPageSizeFlag(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--max-page-size", "5")
	var data struct{ Museums struct{ TotalCount int } }
	query(t, m, `{ museums(first: 5) { totalCount } }`, nil, &data)
	mustFail(t, m, `{ museums(first: 6) { totalCount } }`, nil, kepu.BadUserInput)
	var c struct{ Centrality []struct{ Rank int } }
	query(t, m, `{ centrality(algorithm: DEGREE) { rank } }`, nil, &c)
	mustFail(t, m, `{ centrality(algorithm: DEGREE, first: 6) { rank } }`, nil, kepu.BadUserInput)
}

var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// TestREADMEQueries runs every graphql block of README.md against the
// seeded server on the embedded store. A block whose first line is "# expect error: CODE" must
// fail with that code; every other block must succeed. On Neo4j,
// TestDifferential sends the same blocks, in the same order, to a seeded
// server on each store and requires the same answers (data and errors),
// so it checks them there too without seeding a third server.
func TestREADMEQueries(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := graphqlBlock.FindAllStringSubmatch(string(b), -1)
	if len(blocks) < 8 {
		t.Fatalf("found %d graphql blocks in README.md", len(blocks))
	}
	t.Run("embedded", func(t *testing.T) { runREADMEQueries(t, seededMain(t), blocks) })
}

func runREADMEQueries(t *testing.T, m *Main, blocks [][]string) {
	for i, blk := range blocks {
		q := blk[1]
		name := regexp.MustCompile(`(?m)^(?:query|mutation)\s+(\w+)`).FindStringSubmatch(q)
		title := "block"
		if name != nil {
			title = name[1]
		}
		t.Run(title, func(t *testing.T) {
			if code, ok := strings.CutPrefix(strings.SplitN(q, "\n", 2)[0], "# expect error: "); ok {
				mustFail(t, m, q, nil, strings.TrimSpace(code))
				return
			}
			res := post(t, m, q, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("README block %d failed: %+v\n%s", i+1, res.Errors, q)
			}
			if string(res.Data) == "null" || len(res.Data) == 0 {
				t.Fatalf("README block %d returned no data", i+1)
			}
			// An example shows what it asks for: no top-level field is
			// null or an empty list.
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(res.Data, &fields); err != nil {
				t.Fatal(err)
			}
			for k, v := range fields {
				if s := string(v); s == "null" || s == "[]" {
					t.Errorf("README block %d: %s is %s", i+1, k, s)
				}
			}
		})
	}
}

// TestExplorerDefaultQuery runs the query that the explorer opens with.
func TestExplorerDefaultQuery(t *testing.T) {
	b, err := os.ReadFile("web/src/index.jsx")
	if err != nil {
		t.Fatal(err)
	}
	mm := regexp.MustCompile("(?s)const defaultQuery = `(.*?)`;").FindSubmatch(b)
	if mm == nil {
		t.Fatal("no defaultQuery in web/src/index.jsx")
	}
	m := seededMain(t)
	var data struct {
		Museums struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Province *struct{ Name string } }
			}
		}
	}
	query(t, m, string(mm[1]), nil, &data)
	if data.Museums.TotalCount == 0 || len(data.Museums.Edges) == 0 {
		t.Fatalf("default query found no museums: %+v", data)
	}
}
