package storetest

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testCursorScopes: the cursors a store returns are those that the API
// checks before its first store call (kepu.ValidateNodePage for FindNodes
// and PlaceNodes, kepu.ValidateNeighborPage for Neighbors): the backends
// sign them with kepu's scopes, and a cursor of another list or order is
// refused.
func testCursorScopes(t *testing.T, st kepu.Store) {
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: ptr(1)}})
	if err != nil || len(page.Cursors) != 1 {
		t.Fatalf("FindNodes: %v, %d cursors", err, len(page.Cursors))
	}
	c := page.Cursors[0]
	if err := kepu.ValidateNodePage(kepu.Museum, byName, kepu.Page{After: c, Before: c}); err != nil {
		t.Fatalf("FindNodes' cursor: %v", err)
	}
	wantCode(t, kepu.ValidateNodePage(kepu.School, byName, kepu.Page{After: c}), kepu.BadUserInput)
	wantCode(t, kepu.ValidateNodePage(kepu.Museum, nil, kepu.Page{Before: c}), kepu.BadUserInput)
	wantCode(t, kepu.ValidateNodePage(kepu.Museum, byName, kepu.Page{After: "%%%"}), kepu.BadUserInput)

	places, err := st.PlaceNodes(ctx, []string{pAH}, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: ptr(1)}})
	if err != nil || len(places[pAH].Cursors) != 1 {
		t.Fatalf("PlaceNodes: %v, %+v", err, places[pAH])
	}
	if err := kepu.ValidateNodePage(kepu.Museum, byName, kepu.Page{After: places[pAH].Cursors[0]}); err != nil {
		t.Fatalf("PlaceNodes' cursor: %v", err)
	}

	nq := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: byName, Page: kepu.Page{First: ptr(1)}}
	nb, err := st.Neighbors(ctx, []string{mAH}, nq)
	if err != nil || len(nb[mAH].Items) != 1 {
		t.Fatalf("Neighbors: %v, %+v", err, nb[mAH])
	}
	nc := nb[mAH].Items[0].Cursor
	if err := kepu.ValidateNeighborPage(kepu.PartnersWith, kepu.Out, byName, kepu.Page{After: nc}); err != nil {
		t.Fatalf("Neighbors' cursor: %v", err)
	}
	wantCode(t, kepu.ValidateNeighborPage(kepu.PartnersWith, kepu.In, byName, kepu.Page{After: nc}), kepu.BadUserInput)
	wantCode(t, kepu.ValidateNodePage(kepu.School, byName, kepu.Page{After: nc}), kepu.BadUserInput)
}
