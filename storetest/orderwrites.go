package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testOrderAfterUpdates checks that pages in property orders, and filtered
// pages and counts, follow updates that move nodes within the order (a
// changed, unset or newly set value), deletions and creations made after
// the same queries were answered once (a backend that keeps sorted indexes
// must keep them current). The expected answers are computed here from the
// nodes as written.
func testOrderAfterUpdates(t *testing.T, st kepu.Store) {
	years := map[string]any{} // museum ID -> openedYear (nil: absent)
	names := map[string]string{}
	var changes []kepu.Change
	for i := range 24 {
		id := fmt.Sprintf("Museum:ow%02d", i)
		var year any
		if i%5 != 4 {
			year = int64(1990 + i%7)
		}
		years[id], names[id] = year, fmt.Sprintf("Museum %c", 'a'+rune(i*7%24))
		changes = append(changes, kepu.Change{Kind: kepu.CreateNode, Node: N(id, "name", names[id], "kind", "STANDARD", "openedYear", year)})
	}
	mustWrite(t, st, changes...)
	orders := [][]kepu.OrderKey{
		{{Prop: kepu.PropName}},
		{{Prop: "openedYear", Desc: true}},
		{{Prop: "openedYear"}, {Prop: kepu.PropName, Desc: true}},
	}
	filters := []*kepu.Filter{nil, kepu.C("openedYear", kepu.Eq, int64(1993)), kepu.C("openedYear", kepu.Gte, int64(1994))}
	check := func(stage string) {
		t.Helper()
		ids := make([]string, 0, len(years))
		for id := range years {
			ids = append(ids, id)
		}
		for fi, f := range filters {
			var match []string
			for _, id := range ids {
				y, ok := years[id].(int64)
				if f == nil || (fi == 1 && ok && y == 1993) || (fi == 2 && ok && y >= 1994) {
					match = append(match, id)
				}
			}
			n, err := st.CountNodes(ctx, kepu.Museum, f)
			if err != nil || n != len(match) {
				t.Fatalf("%s: CountNodes(filter %d) = %d, %v; want %d", stage, fi, n, err, len(match))
			}
			for oi, order := range orders {
				want := slices.Clone(match)
				slices.SortFunc(want, func(a, b string) int {
					for _, k := range order {
						var c int
						if k.Prop == kepu.PropName {
							c = strings.Compare(names[a], names[b])
						} else {
							c = kepu.CompareValues(years[a], years[b])
						}
						if k.Desc {
							c = -c
						}
						if c != 0 {
							return c
						}
					}
					return strings.Compare(a, b)
				})
				got := walkIDs(t, st, kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order}, 5, false, len(want)+2)
				if !slices.Equal(got, want) {
					t.Fatalf("%s: filter %d order %d: pages give %v, want %v", stage, fi, oi, got, want)
				}
			}
		}
	}
	check("after create")
	changes = changes[:0]
	for i := 0; i < 24; i += 3 {
		id := fmt.Sprintf("Museum:ow%02d", i)
		switch i % 4 {
		case 0: // move in both orders
			names[id], years[id] = "Museum "+strings.Repeat("z", i), int64(1993)
			changes = append(changes, kepu.Change{Kind: kepu.UpdateNode, ID: id, Set: kepu.Props{"name": names[id], "openedYear": int64(1993)}})
		case 1: // lose the year
			years[id] = nil
			changes = append(changes, kepu.Change{Kind: kepu.UpdateNode, ID: id, Unset: []string{"openedYear"}})
		case 2: // gone
			delete(years, id)
			delete(names, id)
			changes = append(changes, kepu.Change{Kind: kepu.DeleteNode, ID: id})
		case 3: // replaced whole
			names[id], years[id] = "Museum 0", int64(2000)
			changes = append(changes, kepu.Change{Kind: kepu.PutNode, Node: N(id, "name", names[id], "kind", "MOBILE", "openedYear", int64(2000))})
		}
	}
	id := "Museum:ow99"
	names[id], years[id] = "Museum m", int64(1994)
	changes = append(changes, kepu.Change{Kind: kepu.CreateNode, Node: N(id, "name", names[id], "kind", "STANDARD", "openedYear", int64(1994))})
	mustWrite(t, st, changes...)
	check("after updates")
}
