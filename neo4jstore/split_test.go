package neo4jstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestTwoKeyPages pages through museums in orders of two keys whose last
// is the name (kind, name; level, name, level absent on some) and of three
// (level, kind, name: the reads of the two last keys behind the first's
// equality), forward and backward, at several page sizes, and checks
// every page against the order computed here (sortedIDs): the key before
// the last's groups are of uneven
// sizes (one museum, none, dozens), and the group size from which a
// group is read from the name's index (splitCap) is set to 1 and 2,000
// and the window of the name's index read first (splitWindow) to 1 and 5
// pages, so that every read, and several groups in one page, are used.
func TestTwoKeyPages(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	sizes := map[string]int{"CARAVAN": 1, "DIGITAL": 23, "MOBILE": 2, "RURAL_SCHOOL": 17, "STANDARD": 4} // OTHER: none
	levels := []any{"NATIONAL", nil, "COUNTY", "PROVINCIAL", nil, "NATIONAL"}
	var changes []kepu.Change
	var all []kepu.Node
	i := 0
	for _, kind := range kepu.MuseumKinds {
		for j := range sizes[kind] {
			// Names repeat (ties broken by the ID).
			n := storetest.N(fmt.Sprintf("Museum:t%03d", (i*37)%101), "name", fmt.Sprintf("M %d", (i*7)%13), "kind", kind, "level", levels[(i+j)%len(levels)])
			changes = append(changes, kepu.Change{Kind: kepu.PutNode, Node: n})
			all = append(all, n)
			i++
		}
	}
	if _, err := st.Write(ctx, changes); err != nil {
		t.Fatal(err)
	}
	// Two keys, the first ascending and descending; three keys, whose
	// first key's equality is a condition before the two last keys' reads
	// (level = $l AND kind = $k AND name > $v).
	var orders [][]kepu.OrderKey
	for _, first := range []string{"kind", "level"} {
		for _, desc := range []bool{false, true} {
			orders = append(orders, []kepu.OrderKey{{Prop: first, Desc: desc}, {Prop: kepu.PropName}})
		}
	}
	orders = append(orders, []kepu.OrderKey{{Prop: "level"}, {Prop: "kind"}, {Prop: kepu.PropName}},
		[]kepu.OrderKey{{Prop: "level", Desc: true}, {Prop: "kind", Desc: true}, {Prop: kepu.PropName}})
	for _, cw := range [][2]int{{1, 1}, {1, 5}, {2000, 1}, {2000, 5}} {
		cap, window := cw[0], cw[1]
		neo4jstore.SetSplitCap(t, cap)
		neo4jstore.SetSplitWindow(t, window)
		for _, order := range orders {
			exp := sortedIDs(all, order)
			for _, size := range []int{4, 50} {
				for _, backward := range []bool{false, true} {
					name := fmt.Sprintf("cap %d, window %d, order %v, pages of %d, backward %v", cap, window, order, size, backward)
					got := walkPages(t, st, kepu.NodeQuery{Label: kepu.Museum, Order: order}, size, backward, nil)
					if !slices.Equal(got, exp) {
						t.Errorf("%s:\n got %v\nwant %v", name, got, exp)
					}
				}
			}
		}
	}
}
