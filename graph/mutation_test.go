package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestMutations creates, updates, links and deletes through the API and
// checks every error code.
func TestMutations(t *testing.T) {
	_, url := fixture(t)
	var created struct {
		CreateMuseum struct {
			ID, Name, Kind string
			OpenedYear     *int
			City           *string
		}
	}
	query(t, url, `mutation { createMuseum(input: {key: "new", name: "New", kind: MOBILE, openedYear: 2020, city: "X", provenance: REPORTED, source: "seed:000"}) { id name kind openedYear city } }`, nil, &created)
	if created.CreateMuseum.ID != gid(kepu.Museum, "new") || created.CreateMuseum.Kind != "MOBILE" || *created.CreateMuseum.OpenedYear != 2020 {
		t.Errorf("created: %+v", created)
	}
	wantError(t, url, `mutation { createMuseum(input: {key: "new", name: "Again", kind: MOBILE, provenance: REPORTED, source: "s"}) { id } }`, nil, kepu.Conflict)
	wantError(t, url, `mutation { createMuseum(input: {key: "bad key!", name: "N", kind: MOBILE, provenance: REPORTED, source: "s"}) { id } }`, nil, kepu.BadUserInput)
	wantError(t, url, `mutation { createMuseum(input: {name: "N", kind: MOBILE, provenance: REPORTED, source: " "}) { id } }`, nil, kepu.BadUserInput)
	// Values the record cannot have (kepu.TestValueDomains checks every property).
	wantError(t, url, `mutation { createMuseum(input: {name: "N", kind: MOBILE, openedYear: -5, provenance: REPORTED, source: "s"}) { id } }`, nil, kepu.BadUserInput)
	wantError(t, url, `mutation { createProgram(input: {name: "P", startYear: 2030, endYear: 1900, provenance: REPORTED, source: "s"}) { id } }`, nil, kepu.BadUserInput)

	// A missing key gets a UUID.
	var auto struct{ CreateSchool struct{ ID string } }
	query(t, url, `mutation { createSchool(input: {name: "Auto", provenance: GENERATED, source: "test"}) { id } }`, nil, &auto)
	if id, err := kepu.ParseGlobalID(auto.CreateSchool.ID); err != nil || len(kepu.KeyOf(id)) != 36 {
		t.Errorf("auto key: %q %v", id, err)
	}

	// Update: absent stays, null unsets.
	var updated struct {
		UpdateMuseum struct {
			Name       string
			OpenedYear *int
			City       *string
		}
	}
	query(t, url, `mutation($id: ID!) { updateMuseum(id: $id, input: {city: null, name: "Renamed"}) { name openedYear city } }`,
		map[string]any{"id": gid(kepu.Museum, "new")}, &updated)
	if u := updated.UpdateMuseum; u.Name != "Renamed" || u.OpenedYear == nil || *u.OpenedYear != 2020 || u.City != nil {
		t.Errorf("updated: %+v", u)
	}
	wantError(t, url, `mutation($id: ID!) { updateMuseum(id: $id, input: {name: null}) { name } }`, map[string]any{"id": gid(kepu.Museum, "new")}, kepu.BadUserInput)
	wantError(t, url, `mutation($id: ID!) { updateMuseum(id: $id, input: {name: "x"}) { name } }`, map[string]any{"id": gid(kepu.Museum, "ghost")}, kepu.NotFound)
	wantError(t, url, `mutation($id: ID!) { updateMuseum(id: $id, input: {name: "x"}) { name } }`, map[string]any{"id": gid(kepu.School, "s1")}, kepu.BadUserInput)

	// Links.
	vars := map[string]any{"m": gid(kepu.Museum, "new"), "s": gid(kepu.School, "s4")}
	var linked struct {
		LinkPartnersWith struct {
			From       struct{ Name string }
			To         struct{ Name string }
			Since      *int
			Activities *int
		}
	}
	wantError(t, url, `mutation($m: ID!, $s: ID!) { linkPartnersWith(from: $m, to: $s, input: {since: 2030, until: 1900, provenance: REPORTED, source: "test"}) { since } }`, vars, kepu.BadUserInput)
	wantError(t, url, `mutation($m: ID!, $s: ID!) { linkPartnersWith(from: $m, to: $s, input: {activities: -3, provenance: REPORTED, source: "test"}) { since } }`, vars, kepu.BadUserInput)
	query(t, url, `mutation($m: ID!, $s: ID!) { linkPartnersWith(from: $m, to: $s, input: {since: 2022, activities: 4, provenance: REPORTED, source: "test"}) { from { name } to { name } since activities } }`, vars, &linked)
	if l := linked.LinkPartnersWith; l.From.Name != "Renamed" || l.To.Name != "s4" || *l.Since != 2022 || *l.Activities != 4 {
		t.Errorf("linked: %+v", l)
	}
	wantError(t, url, `mutation($m: ID!, $s: ID!) { linkPartnersWith(from: $m, to: $s, input: {provenance: REPORTED, source: "test"}) { since } }`, vars, kepu.Conflict)
	wantError(t, url, `mutation($m: ID!, $s: ID!) { linkPartnersWith(from: $s, to: $m, input: {provenance: REPORTED, source: "test"}) { since } }`, vars, kepu.BadUserInput)
	wantError(t, url, `mutation($m: ID!) { linkPartnersWith(from: $m, to: "`+gid(kepu.School, "ghost")+`", input: {provenance: REPORTED, source: "test"}) { since } }`, vars, kepu.NotFound)
	var upd struct {
		UpdatePartnersWith struct {
			Since      *int
			Activities *int
		}
	}
	query(t, url, `mutation($m: ID!, $s: ID!) { updatePartnersWith(from: $m, to: $s, input: {since: null, activities: 9}) { since activities } }`, vars, &upd)
	if u := upd.UpdatePartnersWith; u.Since != nil || *u.Activities != 9 {
		t.Errorf("updated link: %+v", u)
	}
	// Covers joins to any place: the link's to is the Place interface.
	var cov struct {
		LinkCovers struct {
			To struct {
				Typename string `json:"__typename"`
				Name     string
			}
		}
	}
	query(t, url, `mutation($m: ID!, $c: ID!) { linkCovers(from: $m, to: $c, input: {tours: 2, provenance: GENERATED, source: "test"}) { to { __typename name } } }`,
		map[string]any{"m": vars["m"], "c": gid(kepu.County, "C1")}, &cov)
	if cov.LinkCovers.To.Typename != "County" {
		t.Errorf("covers: %+v", cov)
	}
	var un struct{ UnlinkPartnersWith bool }
	query(t, url, `mutation($m: ID!, $s: ID!) { unlinkPartnersWith(from: $m, to: $s) }`, vars, &un)
	if !un.UnlinkPartnersWith {
		t.Error("unlink returned false")
	}
	wantError(t, url, `mutation($m: ID!, $s: ID!) { unlinkPartnersWith(from: $m, to: $s) }`, vars, kepu.NotFound)

	// Delete: the node and its relationships go; node(id) is null + NOT_FOUND.
	query(t, url, `mutation($id: ID!) { deleteMuseum(id: $id) }`, map[string]any{"id": gid(kepu.Museum, "new")}, nil)
	r := wantError(t, url, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": gid(kepu.Museum, "new")}, kepu.NotFound)
	if string(r.Data) != `{"node":null}` {
		t.Errorf("deleted node: %s", r.Data)
	}
	var c1 struct {
		Node struct{ CoveredBy struct{ TotalCount int } }
	}
	query(t, url, `query($id: ID!) { node(id: $id) { ... on County { coveredBy { totalCount } } } }`, map[string]any{"id": gid(kepu.County, "C1")}, &c1)
	if c1.Node.CoveredBy.TotalCount != 1 {
		t.Errorf("coveredBy after delete: %d, want 1", c1.Node.CoveredBy.TotalCount)
	}
	wantError(t, url, `mutation($id: ID!) { deleteMuseum(id: $id) }`, map[string]any{"id": gid(kepu.Museum, "new")}, kepu.NotFound)
	wantError(t, url, `mutation { deleteMuseum(id: "%%%") }`, nil, kepu.BadUserInput)
}

// TestPageErrors checks the page-argument limits.
func TestPageErrors(t *testing.T) {
	_, url := fixture(t)
	for _, args := range []string{`first: 101`, `last: 101`, `first: -1`, `last: -2`, `first: 1, last: 1`, `first: 1, after: "garbage"`, `last: 1, before: "eyJvIjoiMCJ9"`} {
		wantError(t, url, fmt.Sprintf(`{ schools(%s) { totalCount } }`, args), nil, kepu.BadUserInput)
		wantError(t, url, fmt.Sprintf(`{ museums { nodes { schoolPartners(%s) { totalCount } } } }`, args), nil, kepu.BadUserInput)
	}
	// A cursor of one order is rejected by another.
	var data struct {
		Schools struct{ PageInfo struct{ EndCursor string } }
	}
	query(t, url, `{ schools(first: 1, orderBy: [{field: NAME}]) { pageInfo { endCursor } } }`, nil, &data)
	wantError(t, url, `query($c: String) { schools(first: 1, after: $c) { totalCount } }`, map[string]any{"c": data.Schools.PageInfo.EndCursor}, kepu.BadUserInput)
	// 100 is allowed.
	query(t, url, `{ schools(first: 100) { totalCount } }`, nil, nil)
}

// TestPagingWithInserts pages forward and backward through a whole list
// while other requests insert nodes: every node present from start to end
// is seen exactly once.
func TestPagingWithInserts(t *testing.T) {
	st, url := fresh(t)
	var initial []string
	for i := range 40 {
		key := fmt.Sprintf("s%03d", i*2)
		initial = append(initial, key)
		mustWrite(t, st, nodeChange(kepu.School, key, nil))
	}
	for _, backward := range []bool{false, true} {
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("s%03d-%v-%d", i%80, backward, i)
				post(t, url, fmt.Sprintf(`mutation { createSchool(input: {key: %q, name: %q, provenance: GENERATED, source: "test"}) { id } }`, key, key), nil)
			}
		}()
		seen := map[string]int{}
		cursor := ""
		for page := 0; page < 100; page++ {
			var data struct {
				Schools struct {
					Nodes    []struct{ Name string }
					PageInfo struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       string
					}
				}
			}
			q := `query($c: String) { schools(first: 7, after: $c, orderBy: [{field: NAME}]) { nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
			if backward {
				q = `query($c: String) { schools(last: 7, before: $c, orderBy: [{field: NAME}]) { nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
			}
			var vars map[string]any
			if cursor != "" {
				vars = map[string]any{"c": cursor}
			}
			query(t, url, q, vars, &data)
			for _, n := range data.Schools.Nodes {
				seen[n.Name]++
			}
			pi := data.Schools.PageInfo
			more := pi.HasNextPage
			cursor = pi.EndCursor
			if backward {
				more, cursor = pi.HasPreviousPage, pi.StartCursor
			}
			if !more {
				break
			}
		}
		close(stop)
		wg.Wait()
		for _, k := range initial {
			if seen[k] != 1 {
				t.Errorf("backward=%v: %s seen %d times", backward, k, seen[k])
			}
		}
		for k, n := range seen {
			if n != 1 {
				t.Errorf("backward=%v: %s repeated %d times", backward, k, n)
			}
		}
		if len(seen) <= len(initial) && !strings.Contains(fmt.Sprint(seen), "-") {
			t.Logf("backward=%v: no concurrent insert landed in the listing", backward)
		}
	}
}
