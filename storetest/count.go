package storetest

// Conformance tests of CountNodes, which must agree with FindNodes.

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func testCountNodes(t *testing.T, st kepu.Store) {
	cases := []struct {
		l    kepu.Label
		f    *kepu.Filter
		want int
	}{
		{kepu.Museum, nil, 4},
		{kepu.School, nil, 3},
		{kepu.Person, nil, 0},
		{kepu.Museum, kepu.C("freeEntry", kepu.Eq, true), 2},
		{kepu.Museum, kepu.C("openedYear", kepu.Eq, nil), 1},
		{kepu.School, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.In, Quant: kepu.None}}, 1},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}}, 2},
	}
	for i, tc := range cases {
		n, err := st.CountNodes(ctx, tc.l, tc.f)
		if err != nil || n != tc.want {
			t.Errorf("case %d: CountNodes = %d, %v; want %d", i, n, err, tc.want)
		}
		if ids := findIDs(t, st, tc.l, tc.f); len(ids) != n {
			t.Errorf("case %d: CountNodes %d but FindNodes lists %d", i, n, len(ids))
		}
	}
}
