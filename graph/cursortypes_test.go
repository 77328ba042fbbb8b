package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestCursorKeyTypes: a cursor whose keys are not of the order's types (a
// number where the order is by a text, a text for a relationship count,
// an absent value for the ID) is refused with BAD_USER_INPUT before any
// store call, on root lists, place lists and relationship lists alike.
// Before, it was decoded and given to the store, and each backend misread
// it its own way (the embedded store compared a number with a text as
// equal, Neo4j as null): a page from somewhere, or none.
func TestCursorKeyTypes(t *testing.T) {
	url := ref(t).url
	node := func(order []kepu.OrderKey, keys ...any) string {
		return kepu.EncodeCursor(kepu.OrderSignature(kepu.NodeCursorScope(kepu.Museum), order), kepu.Cursor{Keys: keys, ID: "Museum:cstm"})
	}
	partner := func(order []kepu.OrderKey, keys ...any) string {
		return kepu.EncodeCursor(kepu.OrderSignature(kepu.NeighborCursorScope(kepu.PartnersWith, kepu.Out), order), kepu.Cursor{Keys: keys, ID: "School:x"})
	}
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	byYear := []kepu.OrderKey{{Prop: "openedYear", Desc: true}}
	byDistance := []kepu.OrderKey{{Prop: "distanceKm"}}
	byFree := []kepu.OrderKey{{Prop: "freeEntry"}}
	byID := []kepu.OrderKey{{Prop: kepu.PropID}}
	byPartners := []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}, Desc: true}}
	bySince := []kepu.OrderKey{{Prop: "since", Edge: true}}
	museums := func(order, cursor string) string {
		return fmt.Sprintf(`{ museums(orderBy: [%s], first: 2, after: %q) { nodes { id } } }`, order, cursor)
	}
	for _, tc := range []struct{ what, query string }{
		{"a number for a name", museums(`{field: NAME}`, node(byName, int64(5)))},
		{"a boolean for a name", museums(`{field: NAME}`, node(byName, true))},
		{"a text for a year", museums(`{field: OPENED_YEAR, direction: DESC}`, node(byYear, "1988"))},
		{"a float for a year", museums(`{field: OPENED_YEAR, direction: DESC}`, node(byYear, 1988.5))},
		{"a text for a distance", museums(`{field: DISTANCE_KM}`, node(byDistance, "1"))},
		{"an integer for a distance", museums(`{field: DISTANCE_KM}`, node(byDistance, int64(1)))},
		{"a number for a boolean", museums(`{field: FREE_ENTRY}`, node(byFree, int64(1)))},
		{"absent for the ID", museums(`{field: ID}`, node(byID, nil))},
		{"a text for a count", museums(`{field: SCHOOL_PARTNERS_COUNT, direction: DESC}`, node(byPartners, "3"))},
		{"absent for a count", museums(`{field: SCHOOL_PARTNERS_COUNT, direction: DESC}`, node(byPartners, nil))},
		{"before: a number for a name", fmt.Sprintf(`{ museums(orderBy: [{field: NAME}], last: 2, before: %q) { nodes { id } } }`, node(byName, 5.0))},
		{"a place's museums", fmt.Sprintf(`{ provinces(first: 1) { nodes { museums(orderBy: [{field: NAME}], after: %q) { nodes { id } } } } }`, node(byName, int64(5)))},
		{"a partner's name", fmt.Sprintf(`{ node(id: "TXVzZXVtOmNzdG0") { ... on Museum { schoolPartners(orderBy: [{field: NAME}], after: %q) { nodes { id } } } } }`, partner(byName, int64(5)))},
		{"an edge's year", fmt.Sprintf(`{ node(id: "TXVzZXVtOmNzdG0") { ... on Museum { schoolPartners(orderBy: [{field: EDGE_SINCE}], after: %q) { nodes { id } } } } }`, partner(bySince, "2018"))},
	} {
		r := wantError(t, url, tc.query, nil, kepu.BadUserInput)
		// A nested list's parent is read first (one call), the list never.
		parent := 0
		if strings.Contains(tc.query, "{ provinces") || strings.Contains(tc.query, "{ node(") {
			parent = 1
		}
		if r.Extensions.StoreCalls != parent {
			t.Errorf("%s: %d store calls, want %d (the refusal comes before the list's store call)", tc.what, r.Extensions.StoreCalls, parent)
		}
	}
	// The cursors of the right types that a list never made are positions
	// all the same: absent values, a float that is whole.
	query(t, url, museums(`{field: OPENED_YEAR, direction: DESC}`, node(byYear, nil)), nil, nil)
	query(t, url, museums(`{field: DISTANCE_KM}`, node(byDistance, 2.0)), nil, nil)
	query(t, url, museums(`{field: NAME}`, node(byName, "")), nil, nil)
}
