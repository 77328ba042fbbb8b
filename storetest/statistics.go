package storetest

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testLargeWholeNumbers stores annual national statistics: whole numbers
// above 2^31 − 1 held as Int (int64) come back exactly, and filter, sort and sum as numbers.
func testLargeWholeNumbers(t *testing.T, st kepu.Store) {
	const (
		s2021 = "NationalStatistics:most-2021"
		s2022 = "NationalStatistics:most-2022"
	)
	big := int64(1)<<40 + 7 // beyond 32 bits, exact in a float64
	mustWrite(t, st,
		kepu.Change{Kind: kepu.CreateNode, Node: N(s2021, "year", 2021, "fundingYuan", int64(18_000_000_000), "bookCopies", big, "participants", int64(2_500_000_000))},
		kepu.Change{Kind: kepu.CreateNode, Node: N(s2022, "year", 2022, "fundingYuan", int64(19_100_000_000), "scienceMuseums", 1683,
			"scienceCommunicators", 1_996_700, "bookCopies", 104_000_000, "participants", int64(2_800_000_000))},
	)
	m, err := st.Nodes(ctx, []string{s2021, s2022})
	if err != nil {
		t.Fatal(err)
	}
	p := m[s2022].Props
	if n, _ := p.Int("fundingYuan"); n != 19_100_000_000 {
		t.Errorf("fundingYuan = %v", p["fundingYuan"])
	}
	if n, _ := p.Int("participants"); n != 2_800_000_000 {
		t.Errorf("participants = %v", p["participants"])
	}
	if n, _ := p.Int("scienceMuseums"); n != 1683 || p["year"] != int64(2022) {
		t.Errorf("scienceMuseums, year = %v, %v", p["scienceMuseums"], p["year"])
	}
	if n, _ := m[s2021].Props.Int("bookCopies"); n != big {
		t.Errorf("bookCopies = %v, want %d", m[s2021].Props["bookCopies"], big)
	}
	l := kepu.NationalStatistics
	if got := findIDs(t, st, l, kepu.C("fundingYuan", kepu.Gt, int64(18_500_000_000))); len(got) != 1 || got[0] != s2022 {
		t.Errorf("fundingYuan > 18.5e9: %v", got)
	}
	if got := findIDs(t, st, l, kepu.C("bookCopies", kepu.Gt, int64(1)<<35)); len(got) != 1 || got[0] != s2021 {
		t.Errorf("bookCopies > 2^35: %v", got)
	}
	if got := findIDs(t, st, l, nil, kepu.OrderKey{Prop: "participants", Desc: true}); len(got) != 2 || got[0] != s2022 {
		t.Errorf("by participants, descending: %v", got)
	}
	gs, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: l, Sum: []string{"fundingYuan", "participants"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].Count != 2 || gs[0].Sums["fundingYuan"] != 37_100_000_000 || gs[0].Sums["participants"] != 5_300_000_000 {
		t.Errorf("sums = %+v", gs)
	}
}
