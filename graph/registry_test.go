package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestRegistryFields walks the kepu registry and queries, on the reference
// dataset, every field it generates for a label: the root connection with
// every property, the place fields, the museums of a place and every
// relationship connection (with every relationship property), and the
// counts. It checks the totals and the places against the store, so a field
// wired to the wrong label, relationship type, direction or level fails. A
// property, label or relationship added to the registry is covered here
// without a new test.
func TestRegistryFields(t *testing.T) {
	ctx := context.Background()
	st := ref(t).store
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		t.Run(string(l), func(t *testing.T) {
			var sel []string
			for _, p := range d.Props {
				sel = append(sel, p.Name)
			}
			for _, pl := range spec.PlaceLevels(l) {
				sel = append(sel, spec.LowerFirst(string(pl))+" { id }")
			}
			if l.IsPlace() {
				sel = append(sel, "museums(first: 2) { totalCount nodes { id } }")
			}
			for _, f := range spec.RelFields(l) {
				var props []string
				for _, p := range f.Def.Props {
					props = append(props, p.Name)
				}
				sel = append(sel, fmt.Sprintf("%s(first: 2) { totalCount nodes { id } edges { cursor node { id } %s } }", f.Name, strings.Join(props, " ")))
			}
			groups, _ := spec.GroupByFields(l)
			counts := ""
			if len(groups) > 0 {
				counts = fmt.Sprintf("counts: %sCounts(groupBy: %s) { key count }", spec.LowerFirst(string(l)), groups[0])
			}
			q := fmt.Sprintf("{ list: %s(first: 3) { totalCount nodes { id %s } } %s }", spec.Plural(l), strings.Join(sel, " "), counts)
			r := query(t, ref(t).url, q, nil, nil)
			var data struct {
				List struct {
					TotalCount int
					Nodes      []map[string]json.RawMessage
				}
				Counts []struct{ Count int }
			}
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatal(err)
			}
			total, err := st.CountNodes(ctx, l, nil)
			if err != nil {
				t.Fatal(err)
			}
			if data.List.TotalCount != total || total == 0 {
				t.Fatalf("totalCount %d, the store counts %d", data.List.TotalCount, total)
			}
			if counts != "" {
				sum := 0
				for _, g := range data.Counts {
					sum += g.Count
				}
				if sum != total {
					t.Errorf("%s groups add up to %d, want %d", groups[0], sum, total)
				}
			}
			for _, n := range data.List.Nodes {
				var gid string
				_ = json.Unmarshal(n["id"], &gid)
				id, err := kepu.ParseGlobalID(gid)
				if err != nil {
					t.Fatal(err)
				}
				locs, err := st.Locate(ctx, []string{id})
				if err != nil {
					t.Fatal(err)
				}
				for _, pl := range spec.PlaceLevels(l) {
					var got *struct{ ID string }
					_ = json.Unmarshal(n[spec.LowerFirst(string(pl))], &got)
					want := locs[id].At(pl)
					if want == id {
						want = ""
					}
					if (got == nil) != (want == "") || (got != nil && got.ID != kepu.GlobalID(want)) {
						t.Errorf("%s %s: %s %+v, the store locates %q", l, gid, pl, got, want)
					}
				}
				for _, f := range spec.RelFields(l) {
					var conn struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
					if err := json.Unmarshal(n[f.Name], &conn); err != nil {
						t.Fatalf("%s: %v", f.Name, err)
					}
					want, err := st.CountNeighbors(ctx, []string{id}, kepu.NeighborQuery{Rel: f.Def.Type, Dir: f.Dir})
					if err != nil {
						t.Fatal(err)
					}
					if conn.TotalCount != want[id] || len(conn.Edges) != min(2, want[id]) {
						t.Errorf("%s %s: %s has totalCount %d and %d edges, the store counts %d", l, gid, f.Name, conn.TotalCount, len(conn.Edges), want[id])
					}
				}
			}
		})
	}
}

// TestRegistryMutations runs every mutation the registry generates on an
// empty store: create, update and delete for every label, link, update and
// unlink for every relationship type (between nodes of its first From and
// To labels), and checks each result and the store after it.
func TestRegistryMutations(t *testing.T) {
	ctx := context.Background()
	st, url := fresh(t)
	for _, d := range kepu.LabelDefs() {
		l := d.Label
		for _, key := range []string{"a", "b", "gone"} {
			var in []string
			for _, p := range d.Props {
				if p.Required {
					in = append(in, p.Name+": "+literal(p))
				}
			}
			var out map[string]struct{ ID, Name string }
			query(t, url, fmt.Sprintf(`mutation { r: create%s(input: {key: %q, %s}) { id name } }`, l, key, strings.Join(in, ", ")), nil, &out)
			if want := gid(l, key); out["r"].ID != want {
				t.Fatalf("create%s: id %q, want %q", l, out["r"].ID, want)
			}
		}
		var out map[string]struct{ Name string }
		query(t, url, fmt.Sprintf(`mutation { r: update%s(id: %q, input: {name: "renamed"}) { name } }`, l, gid(l, "a")), nil, &out)
		if out["r"].Name != "renamed" {
			t.Errorf("update%s: name %q", l, out["r"].Name)
		}
		var del map[string]string
		query(t, url, fmt.Sprintf(`mutation { r: delete%s(id: %q) }`, l, gid(l, "gone")), nil, &del)
		if found, err := st.Nodes(ctx, []string{kepu.MakeID(l, "gone")}); err != nil || len(found) != 0 || del["r"] != gid(l, "gone") {
			t.Errorf("delete%s: %v, %d left (%v)", l, del, len(found), err)
		}
	}
	for _, d := range kepu.RelDefs() {
		rn := spec.RelName(d.Type)
		from, to := kepu.MakeID(d.From[0], "a"), kepu.MakeID(d.To[0], "b")
		ends := fmt.Sprintf("from: %q, to: %q", kepu.GlobalID(from), kepu.GlobalID(to))
		q := kepu.NeighborQuery{Rel: d.Type, Dir: kepu.Out}
		var out map[string]struct{ Source string }
		query(t, url, fmt.Sprintf(`mutation { r: link%s(%s, input: {provenance: GENERATED, source: "test"}) { source } }`, rn, ends), nil, &out)
		if n, err := st.CountNeighbors(ctx, []string{from}, q); err != nil || n[from] != 1 || out["r"].Source != "test" {
			t.Errorf("link%s: %v, %d relationships (%v)", rn, out, n[from], err)
		}
		query(t, url, fmt.Sprintf(`mutation { r: update%s(%s, input: {source: "changed"}) { source } }`, rn, ends), nil, &out)
		if out["r"].Source != "changed" {
			t.Errorf("update%s: %v", rn, out)
		}
		var unlink map[string]bool
		query(t, url, fmt.Sprintf(`mutation { r: unlink%s(%s) }`, rn, ends), nil, &unlink)
		if n, err := st.CountNeighbors(ctx, []string{from}, q); err != nil || n[from] != 0 || !unlink["r"] {
			t.Errorf("unlink%s: %v, %d relationships left (%v)", rn, unlink, n[from], err)
		}
	}
}

// literal is a GraphQL literal of a valid value of the property.
func literal(p kepu.PropDef) string {
	switch p.Type {
	case kepu.Int:
		return "2020"
	case kepu.Float:
		return "1.5"
	case kepu.Bool:
		return "true"
	case kepu.Enum:
		return p.Values[0]
	case kepu.Date:
		return `"2020-01-01"`
	case kepu.StringList:
		return `["x"]`
	}
	return `"x"`
}
