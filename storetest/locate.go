package storetest

// Conformance tests of Locate: the province, prefecture and county above
// each node.

import (
	"maps"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func testLocate(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	L := func(p, f, c string) kepu.Location { return kepu.Location{Province: p, Prefecture: f, County: c} }
	want := map[string]kepu.Location{
		pAH:       L(pAH, "", ""),
		pBJ:       L(pBJ, "", ""),
		fHefei:    L(pAH, fHefei, ""),
		cYaohai:   L(pAH, fHefei, cYaohai),
		cLuyang:   L(pAH, fHefei, cLuyang),
		cChaoyang: L(pBJ, "", cChaoyang), // a county directly under a province
		mAH:       L(pAH, fHefei, cYaohai),
		mCSTM:     L(pBJ, "", cChaoyang),
		mCaravan:  L(pAH, "", ""),
		s1:        L(pAH, fHefei, cLuyang),
		s2:        L(pBJ, "", cChaoyang),
	}
	ids := append(slices.Collect(maps.Keys(want)), mMobile, s3, prog1, forum1, "Museum:ghost", "garbage")
	got, err := st.Locate(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("Locate = %v\nwant %v", got, want)
	}
	if loc := want[mAH]; loc.At(kepu.County) != cYaohai || loc.At(kepu.Museum) != "" {
		t.Fatal("Location.At")
	}
	// One place per node (see hierarchy.go): a second one is refused and
	// the Location stays; a node without one may get one.
	for _, e := range []kepu.Edge{E(kepu.LocatedIn, mCaravan, cLuyang), E(kepu.LocatedIn, s2, pBJ)} {
		_, err := st.Write(ctx, putEdges(e))
		wantCode(t, err, kepu.Conflict)
	}
	mustWrite(t, st, putEdges(E(kepu.LocatedIn, s3, fHefei))...)
	got, err = st.Locate(ctx, []string{mCaravan, s3, s2})
	if err != nil {
		t.Fatal(err)
	}
	if got[mCaravan] != L(pAH, "", "") || got[s3] != L(pAH, fHefei, "") || got[s2] != L(pBJ, "", cChaoyang) {
		t.Fatalf("Locate after a refused second place = %v", got)
	}
	// Moving a county moves everything in it.
	mustWrite(t, st,
		kepu.Change{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartOf, From: cChaoyang, To: pBJ}},
		kepu.Change{Kind: kepu.PutEdge, Edge: E(kepu.PartOf, cChaoyang, fHefei)})
	got, _ = st.Locate(ctx, []string{mCSTM})
	if got[mCSTM] != L(pAH, fHefei, cChaoyang) {
		t.Fatalf("after moving the county: %v", got[mCSTM])
	}
}
