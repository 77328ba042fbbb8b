package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// textOrderNames are names whose order or case differs between naive
// comparisons: characters beyond the Basic Multilingual Plane (an emoji,
// a CJK Extension B ideograph) beside ones from U+E000 to U+FFFF (a
// private-use character, full-width Latin and the full-width parenthesis
// of Chinese names), which UTF-16 code units order the other way round;
// and letters whose lower case is not one letter for one letter (the
// dotted capital I, Greek final sigma).
var textOrderNames = []string{
	"\U0001F600 emoji",
	"\U00020000 ext-b",
	"\ue000 private",
	"\uff21 full-width A",
	"北京（东城）",
	"北京\U0002A6A5",
	"北京",
	"İSTANBUL Science Centre",
	"istanbul museum",
	"ΟΔΟΣ Museum",
	"οδος museum",
	"Zebra",
	"zebra",
	"Émile",
	"e\u0301mile",
}

// testTextOrder: text orders as kepu.CompareValues says (UTF-8 bytes,
// which is code point order) in lists, pages and comparisons alike, and
// containsInsensitive compares kepu.LowerText of both texts.
func testTextOrder(t *testing.T, st kepu.Store) {
	var nodes []kepu.Node
	for i, s := range textOrderNames {
		nodes = append(nodes, N(fmt.Sprintf("Museum:t%02d", i), "kind", "STANDARD", "name", s, "nameZh", s))
	}
	mustWrite(t, st, putNodes(nodes...)...)
	// Each check without a filter (a store may read the order's index
	// from the cursor on) and with one that every node passes (a store
	// may read the filter's index, then compare each node with the
	// cursor or the value).
	for _, tc := range []struct {
		name string
		f    *kepu.Filter
	}{
		{"no filter", nil},
		{"source eq", kepu.C(kepu.PropSource, kepu.Eq, "storetest")},
		{"NOT name eq", &kepu.Filter{Not: kepu.C(kepu.PropName, kepu.Eq, "none")}},
	} {
		checkTextOrder(t, st, tc.name, tc.f)
	}
	// A relationship list in the order of the other nodes' names, paged
	// both ways.
	var schools []kepu.Node
	var edges []kepu.Edge
	for i, s := range textOrderNames {
		id := fmt.Sprintf("School:t%02d", i)
		schools = append(schools, N(id, "name", s))
		edges = append(edges, E(kepu.PartnersWith, "Museum:t00", id))
	}
	mustWrite(t, st, putNodes(schools...)...)
	mustWrite(t, st, putEdges(edges...)...)
	for _, desc := range []bool{false, true} {
		q := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: []kepu.OrderKey{{Prop: kepu.PropName, Desc: desc}}}
		m, err := st.Neighbors(ctx, []string{"Museum:t00"}, q)
		if err != nil {
			t.Fatal(err)
		}
		var all []kepu.Node
		for _, it := range m["Museum:t00"].Items {
			all = append(all, it.Node)
		}
		checkSorted(t, all, q.Order)
		want := nodeIDs(all)
		var got []string
		q.Page = kepu.Page{First: ptr(2)}
		for range len(want) + 1 {
			m, err := st.Neighbors(ctx, []string{"Museum:t00"}, q)
			if err != nil {
				t.Fatal(err)
			}
			p := m["Museum:t00"]
			got = append(got, neighborIDs(p)...)
			if !p.HasNext {
				break
			}
			q.Page.After = p.Items[len(p.Items)-1].Cursor
		}
		wantIDs(t, fmt.Sprintf("partners by name, desc %v: pages", desc), got, want...)
		got = nil
		q.Page = kepu.Page{Last: ptr(2)}
		for range len(want) + 1 {
			m, err := st.Neighbors(ctx, []string{"Museum:t00"}, q)
			if err != nil {
				t.Fatal(err)
			}
			p := m["Museum:t00"]
			got = append(neighborIDs(p), got...)
			if !p.HasPrev {
				break
			}
			q.Page.Before = p.Items[0].Cursor
		}
		wantIDs(t, fmt.Sprintf("partners by name, desc %v: pages backward", desc), got, want...)
	}
	// containsInsensitive: Contains of kepu.LowerText of both texts.
	for _, needle := range []string{"istanbul", "İstanbul", "İSTANBUL", "i\u0307stanbul", "οδοσ", "οδος", "ΟΔΟΣ", "ZEBRA", "émile", "ｂ", "Ａ", "\U0001F600"} {
		var want []string
		for i, s := range textOrderNames {
			if strings.Contains(kepu.LowerText(s), kepu.LowerText(needle)) {
				want = append(want, fmt.Sprintf("Museum:t%02d", i))
			}
		}
		got := findIDs(t, st, kepu.Museum, kepu.C(kepu.PropName, kepu.ContainsInsensitive, needle))
		wantIDs(t, fmt.Sprintf("containsInsensitive %q", needle), got, sortedIDs(want)...)
	}
}

// checkTextOrder checks the order of the fixture's names, pages of them
// and comparisons with them, among the nodes that match f.
func checkTextOrder(t *testing.T, st kepu.Store, what string, f *kepu.Filter) {
	t.Helper()
	for _, desc := range []bool{false, true} {
		order := []kepu.OrderKey{{Prop: kepu.PropNameZh, Desc: desc}}
		all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Nodes) != len(textOrderNames) {
			t.Fatalf("%s: %d nodes, want %d", what, len(all.Nodes), len(textOrderNames))
		}
		checkSorted(t, all.Nodes, order)
		want := nodeIDs(all.Nodes)
		// Pages of 2, forward and backward: the keyset conditions order
		// text as the list does.
		q := kepu.NodeQuery{Label: kepu.Museum, Filter: f, Order: order}
		got := walkIDs(t, st, q, 2, false, len(want)+1)
		wantIDs(t, fmt.Sprintf("%s, desc %v: forward pages", what, desc), got, want...)
		got = walkIDs(t, st, q, 2, true, len(want)+1)
		wantIDs(t, fmt.Sprintf("%s, desc %v: backward pages", what, desc), got, want...)
	}
	// Comparisons agree with the order.
	// (The pivots that hold characters ordered apart by UTF-16 and by code
	// point, and one that does not: each check is a store call.)
	for _, pivot := range []string{"\U0001F600 emoji", "\uff21 full-width A", "北京（东城）", "Zebra"} {
		for _, op := range []kepu.Op{kepu.Gt, kepu.Gte, kepu.Lt, kepu.Lte} {
			var want []string
			for i, s := range textOrderNames {
				c := kepu.CompareValues(s, pivot)
				if op == kepu.Gt && c > 0 || op == kepu.Gte && c >= 0 || op == kepu.Lt && c < 0 || op == kepu.Lte && c <= 0 {
					want = append(want, fmt.Sprintf("Museum:t%02d", i))
				}
			}
			got := findIDs(t, st, kepu.Museum, kepu.And(f, kepu.C(kepu.PropNameZh, op, pivot)))
			wantIDs(t, fmt.Sprintf("%s: nameZh %s %q", what, op, pivot), got, sortedIDs(want)...)
		}
	}
}
