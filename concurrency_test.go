package main

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestAPIConcurrency runs several writers and readers at once through the
// HTTP API on the embedded store (run it with -race: make check does).
// Writers create museums linked to one school in one operation, and delete
// or unlink some of them; readers list museums and partners. Afterwards
// every edge's endpoints exist, and every count (totalCount through the
// API, CountNodes and CountNeighbors on the store) agrees with a full scan.
// The store-level equivalent is embedded's TestConcurrent.
func TestAPIConcurrency(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	school := kepu.GlobalID("School:race-school")
	var created struct{ CreateSchool struct{ ID string } }
	query(t, m, `mutation { createSchool(input: {key: "race-school", name: "Race School", stage: PRIMARY, provenance: GENERATED, source: "race"}) { id } }`, nil, &created)
	if created.CreateSchool.ID != school {
		t.Fatalf("school %q, want %q", created.CreateSchool.ID, school)
	}

	const writers, readers, perWriter = 3, 3, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	want := map[string]int{} // museum ID -> partner edges it must have (0 or 1)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				key := fmt.Sprintf("race-%d-%03d", w, i)
				id := kepu.GlobalID("Museum:" + key)
				res := post(t, m, `mutation($key: String!, $id: ID!, $school: ID!) {
					createMuseum(input: {key: $key, name: $key, kind: STANDARD, provenance: GENERATED, source: "race"}) { id }
					linkPartnersWith(from: $id, to: $school, input: {since: 2020, provenance: GENERATED, source: "race"}) { since }
				}`, map[string]any{"key": key, "id": id, "school": school})
				if len(res.Errors) > 0 {
					fail("writer %d: %+v", w, res.Errors)
					return
				}
				edges := 1
				switch i % 5 {
				case 1:
					res = post(t, m, `mutation($id: ID!) { deleteMuseum(id: $id) }`, map[string]any{"id": id})
					edges = -1 // gone
				case 3:
					res = post(t, m, `mutation($id: ID!, $school: ID!) { unlinkPartnersWith(from: $id, to: $school) }`, map[string]any{"id": id, "school": school})
					edges = 0
				}
				if len(res.Errors) > 0 {
					fail("writer %d: %+v", w, res.Errors)
					return
				}
				mu.Lock()
				if edges >= 0 {
					want["Museum:"+key] = edges
				}
				mu.Unlock()
			}
		}()
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				res := post(t, m, `query($school: ID!) {
					museums(first: 20, orderBy: [{field: NAME, direction: DESC}]) { totalCount nodes { name schoolPartners { totalCount } } }
					node(id: $school) { ... on School { name } }
				}`, map[string]any{"school": school})
				if len(res.Errors) > 0 {
					fail("reader %d: %+v", r, res.Errors)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if t.Failed() {
		return
	}

	// Full scan of the museums on the store, page by page.
	ctx := context.Background()
	st := m.Store
	scanned := map[string]bool{}
	page := kepu.Page{First: new(int)}
	*page.First = 7
	for {
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: page})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range p.Nodes {
			if scanned[n.ID] {
				t.Fatalf("the scan returned %s twice", n.ID)
			}
			scanned[n.ID] = true
		}
		if !p.HasNext {
			break
		}
		page.After = p.Cursors[len(p.Cursors)-1]
	}
	if len(scanned) != len(want) {
		t.Errorf("scan found %d museums, want %d", len(scanned), len(want))
	}
	for id := range want {
		if !scanned[id] {
			t.Errorf("museum %s is missing", id)
		}
	}
	if n, err := st.CountNodes(ctx, kepu.Museum, nil); err != nil || n != len(scanned) {
		t.Errorf("CountNodes = %d (%v), full scan %d", n, err, len(scanned))
	}
	var api struct{ Museums struct{ TotalCount int } }
	query(t, m, `{ museums { totalCount } }`, nil, &api)
	if api.Museums.TotalCount != len(scanned) {
		t.Errorf("API totalCount = %d, full scan %d", api.Museums.TotalCount, len(scanned))
	}

	// Every partner edge of the school ends at an existing museum, and the
	// counts agree with the edges seen.
	// Without First or Last, Neighbors returns every edge.
	nb, err := st.Neighbors(ctx, []string{"School:race-school"}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In})
	if err != nil {
		t.Fatal(err)
	}
	items := nb["School:race-school"].Items
	wantEdges := 0
	for _, e := range want {
		wantEdges += e
	}
	if len(items) != wantEdges {
		t.Errorf("%d partner edges, want %d", len(items), wantEdges)
	}
	for _, it := range items {
		if !scanned[it.Edge.From] || it.Edge.To != "School:race-school" {
			t.Errorf("edge %s -> %s: an endpoint does not exist", it.Edge.From, it.Edge.To)
		}
		if want[it.Edge.From] != 1 {
			t.Errorf("edge from %s should not exist", it.Edge.From)
		}
	}
	counts, err := st.CountNeighbors(ctx, []string{"School:race-school"}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In})
	if err != nil || counts["School:race-school"] != len(items) {
		t.Errorf("CountNeighbors = %v (%v), edges listed %d", counts, err, len(items))
	}
	for id := range scanned {
		out, err := st.Neighbors(ctx, []string{id}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(out[id].Items); got != want[id] {
			t.Errorf("%s has %d partner edges, want %d", id, got, want[id])
		}
	}
	ea, err := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.PartnersWith})
	if err != nil || ea.Count != len(items) {
		t.Errorf("AggregateEdges count = %d (%v), edges listed %d", ea.Count, err, len(items))
	}
}
