package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func testOperators(t *testing.T, st kepu.Store) {
	C := kepu.C
	cases := []struct {
		l    kepu.Label
		f    *kepu.Filter
		want []string // sorted
	}{
		// String.
		{kepu.Museum, C("city", kepu.Eq, "Hefei"), []string{mAH}},
		{kepu.Museum, C("city", kepu.Ne, "Hefei"), []string{mCSTM}}, // absent never matches ne
		{kepu.Museum, C("city", kepu.Eq, nil), []string{mCaravan, mMobile}},
		{kepu.Museum, C("city", kepu.Ne, nil), []string{mAH, mCSTM}},
		{kepu.Museum, C("city", kepu.OneOf, []any{"Hefei", "Beijing", "Paris"}), []string{mAH, mCSTM}},
		{kepu.Museum, C(kepu.PropName, kepu.Contains, "Science and"), []string{mAH, mCSTM}},
		{kepu.Museum, C(kepu.PropName, kepu.StartsWith, "China"), []string{mCSTM}},
		{kepu.Museum, C(kepu.PropName, kepu.StartsWith, "Museum"), nil},
		{kepu.Museum, C(kepu.PropName, kepu.Gt, "Caravan One"), []string{mCSTM, mMobile}},
		{kepu.Museum, C(kepu.PropName, kepu.Gte, "Caravan One"), []string{mCaravan, mCSTM, mMobile}},
		{kepu.Museum, C(kepu.PropName, kepu.Lt, "Caravan One"), []string{mAH}},
		{kepu.Museum, C(kepu.PropName, kepu.Lte, "Caravan One"), []string{mAH, mCaravan}},
		{kepu.Museum, C(kepu.PropNameZh, kepu.Contains, "科学"), []string{mCSTM}},
		// containsInsensitive: contains after lowering both texts.
		{kepu.Museum, C(kepu.PropName, kepu.ContainsInsensitive, "science AND"), []string{mAH, mCSTM}},
		{kepu.Museum, C(kepu.PropName, kepu.ContainsInsensitive, "MOBILE museum"), []string{mMobile}},
		{kepu.Museum, C(kepu.PropName, kepu.Contains, "science and"), nil},
		{kepu.Museum, C(kepu.PropNameZh, kepu.ContainsInsensitive, "科学"), []string{mCSTM}},
		{kepu.Museum, C("city", kepu.ContainsInsensitive, "bEi"), []string{mCSTM}},
		{kepu.Museum, C("city", kepu.ContainsInsensitive, ""), []string{mAH, mCSTM}}, // absent never matches
		{kepu.Museum, &kepu.Filter{Not: C("city", kepu.ContainsInsensitive, "HEFEI")}, []string{mCSTM, mCaravan, mMobile}},
		{kepu.Museum, C("level", kepu.ContainsInsensitive, "prov"), []string{mAH, mCaravan}},
		{kepu.Forum, C("date", kepu.ContainsInsensitive, "-05-"), []string{forum1}},
		// Int (absent values never match comparisons).
		{kepu.Museum, C("openedYear", kepu.Eq, 2010), []string{mAH}},
		{kepu.Museum, C("openedYear", kepu.Eq, 2010.0), []string{mAH}},
		{kepu.Museum, C("openedYear", kepu.Ne, 2010), []string{mCSTM, mMobile}},
		{kepu.Museum, C("openedYear", kepu.Gt, 2010), []string{mMobile}},
		{kepu.Museum, C("openedYear", kepu.Gte, 2010), []string{mAH, mMobile}},
		{kepu.Museum, C("openedYear", kepu.Lt, 2010), []string{mCSTM}},
		{kepu.Museum, C("openedYear", kepu.Lte, 2010), []string{mAH, mCSTM}},
		{kepu.Museum, C("openedYear", kepu.OneOf, []any{1988, int64(2015), 3000}), []string{mCSTM, mMobile}},
		{kepu.Museum, C("openedYear", kepu.Eq, nil), []string{mCaravan}},
		{kepu.Museum, C("offlineVisits", kepu.Gte, 5000000), []string{mCSTM}},
		// Float.
		{kepu.Museum, C("distanceKm", kepu.Eq, 1.5), []string{mAH}},
		{kepu.Museum, C("distanceKm", kepu.Gt, 2), []string{mCaravan}},
		{kepu.Museum, C("distanceKm", kepu.Lte, 12000.5), []string{mAH, mCaravan}},
		{kepu.Museum, C("distanceKm", kepu.Lt, 1.5), nil},
		{kepu.Museum, C("distanceKm", kepu.Ne, 1.5), []string{mCaravan}},
		{kepu.Museum, C("distanceKm", kepu.Eq, nil), []string{mCSTM, mMobile}},
		// Bool.
		{kepu.Museum, C("freeEntry", kepu.Eq, true), []string{mAH, mCSTM}},
		{kepu.Museum, C("freeEntry", kepu.Eq, false), []string{mCaravan, mMobile}},
		{kepu.Museum, C("freeEntry", kepu.Ne, true), []string{mCaravan, mMobile}},
		{kepu.School, C("rural", kepu.Eq, false), []string{s2}},
		{kepu.School, C("rural", kepu.Ne, false), []string{s1}},
		{kepu.School, C("rural", kepu.Eq, nil), []string{s3}},
		// Enum.
		{kepu.Museum, C("kind", kepu.Eq, "STANDARD"), []string{mAH, mCSTM}},
		{kepu.Museum, C("kind", kepu.Ne, "STANDARD"), []string{mCaravan, mMobile}},
		{kepu.Museum, C("kind", kepu.OneOf, []any{"CARAVAN", "MOBILE"}), []string{mCaravan, mMobile}},
		{kepu.Museum, C("level", kepu.Eq, nil), []string{mMobile}},
		{kepu.Museum, C("level", kepu.StartsWith, "PROV"), []string{mAH, mCaravan}},
		{kepu.Museum, C("level", kepu.Contains, "TION"), []string{mCSTM}},
		{kepu.Museum, C("kind", kepu.Lt, "MOBILE"), []string{mCaravan}},
		// Date.
		{kepu.Forum, C("date", kepu.Eq, "2023-05-30"), []string{forum1}},
		{kepu.Forum, C("date", kepu.Gt, "2023-01-01"), []string{forum1}},
		{kepu.Forum, C("date", kepu.Lt, "2023-01-01"), nil},
		{kepu.Forum, C("date", kepu.StartsWith, "2023-05"), []string{forum1}},
		// String list.
		{kepu.Program, C("monthlyThemes", kepu.Contains, "ocean"), []string{prog1}},
		{kepu.Program, C("monthlyThemes", kepu.Contains, "oce"), nil},
		{kepu.Program, C("monthlyThemes", kepu.Contains, "robots"), []string{prog2}},
		{kepu.Program, C("monthlyThemes", kepu.Eq, nil), nil},
		{kepu.Program, C("monthlyThemes", kepu.Ne, nil), []string{prog1, prog2}},
		{kepu.Program, C("startYear", kepu.Eq, nil), []string{prog2}},
		// Places.
		{kepu.County, C("gbCode", kepu.StartsWith, "34"), []string{cYaohai, cLuyang}},
		{kepu.Province, C("mainland", kepu.Eq, true), []string{pBJ, pAH}},
	}
	for i, tc := range cases {
		got := sortedIDs(findIDs(t, st, tc.l, tc.f))
		want := sortedIDs(tc.want)
		if want == nil {
			want = []string{}
		}
		if !slices.Equal(got, want) {
			c := tc.f.Cond
			t.Errorf("case %d: %s %s %s %v = %v, want %v", i, tc.l, c.Prop, c.Op, c.Value, got, want)
		}
	}
}

func testIDAndLogic(t *testing.T, st kepu.Store) {
	C := kepu.C
	wantIDs(t, "id eq", findIDs(t, st, kepu.Museum, C(kepu.PropID, kepu.Eq, mCSTM)), mCSTM)
	wantIDs(t, "id eq other label", findIDs(t, st, kepu.Museum, C(kepu.PropID, kepu.Eq, s1)))
	wantIDs(t, "id in", findIDs(t, st, kepu.Museum, C(kepu.PropID, kepu.OneOf, []any{mMobile, mAH, "Museum:none"})), mAH, mMobile)
	wantIDs(t, "id ne", findIDs(t, st, kepu.Museum, C(kepu.PropID, kepu.Ne, mAH)), mCaravan, mCSTM, mMobile)
	wantIDs(t, "and", findIDs(t, st, kepu.Museum, kepu.And(C("kind", kepu.Eq, "STANDARD"), C("openedYear", kepu.Gt, 2000))), mAH)
	wantIDs(t, "or", findIDs(t, st, kepu.Museum, &kepu.Filter{Or: []*kepu.Filter{C("kind", kepu.Eq, "MOBILE"), C("openedYear", kepu.Lt, 2000)}}), mCSTM, mMobile)
	wantIDs(t, "not", findIDs(t, st, kepu.Museum, &kepu.Filter{Not: C("kind", kepu.Eq, "STANDARD")}), mCaravan, mMobile)
	// NOT of a condition on an absent property includes the nodes without it.
	wantIDs(t, "not absent", findIDs(t, st, kepu.Museum, &kepu.Filter{Not: C("openedYear", kepu.Gt, 2000)}), mCaravan, mCSTM)
	wantIDs(t, "nested", findIDs(t, st, kepu.Museum, kepu.And(
		&kepu.Filter{Or: []*kepu.Filter{C("freeEntry", kepu.Eq, true), C("distanceKm", kepu.Gt, 100)}},
		&kepu.Filter{Not: C(kepu.PropID, kepu.Eq, mCSTM)},
	)), mAH, mCaravan)
	wantIDs(t, "nil filter", findIDs(t, st, kepu.Museum, nil), mAH, mCaravan, mCSTM, mMobile)
	// An empty Or is the empty disjunction: it matches nothing.
	wantIDs(t, "empty or", findIDs(t, st, kepu.Museum, &kepu.Filter{Or: []*kepu.Filter{}}))
	wantIDs(t, "not empty or", findIDs(t, st, kepu.Museum, &kepu.Filter{Not: &kepu.Filter{Or: []*kepu.Filter{}}}), mAH, mCaravan, mCSTM, mMobile)
	// The empty disjunction wherever a filter sits (the API's NOT: {}):
	// in an And, a place filter, a relationship's node and edge filters,
	// and counted.
	none := func() *kepu.Filter { return &kepu.Filter{Or: []*kepu.Filter{}} }
	partners := func(q kepu.Quantifier, node, edge *kepu.Filter) *kepu.Filter {
		return &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: q, Node: node, Edge: edge}}
	}
	wantIDs(t, "and with empty or", findIDs(t, st, kepu.Museum, &kepu.Filter{And: []*kepu.Filter{none(), C("kind", kepu.Eq, "STANDARD")}}))
	wantIDs(t, "or with empty or", findIDs(t, st, kepu.Museum, &kepu.Filter{Or: []*kepu.Filter{none(), C("kind", kepu.Eq, "MOBILE")}}), mMobile)
	wantIDs(t, "place of empty or", findIDs(t, st, kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: none()}}))
	wantIDs(t, "not place of empty or", findIDs(t, st, kepu.Museum, &kepu.Filter{Not: &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: none()}}}), mAH, mCaravan, mCSTM, mMobile)
	wantIDs(t, "place of no filter", findIDs(t, st, kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province}}), mAH, mCaravan, mCSTM)
	wantIDs(t, "some rel, empty or node", findIDs(t, st, kepu.Museum, partners(kepu.Some, none(), nil)))
	wantIDs(t, "no rel, empty or node", findIDs(t, st, kepu.Museum, partners(kepu.None, none(), nil)), mAH, mCaravan, mCSTM, mMobile)
	wantIDs(t, "some rel, empty or edge", findIDs(t, st, kepu.Museum, partners(kepu.Some, nil, none())))
	wantIDs(t, "no rel, empty or edge", findIDs(t, st, kepu.Museum, partners(kepu.None, nil, none())), mAH, mCaravan, mCSTM, mMobile)
	for _, tc := range []struct {
		what string
		f    *kepu.Filter
		want int
	}{
		{"empty or", none(), 0},
		{"not empty or", &kepu.Filter{Not: none()}, 4},
		{"place of empty or", &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.County, Filter: none()}}, 0},
		{"some rel, empty or node", partners(kepu.Some, none(), nil), 0},
		{"no rel, empty or edge", partners(kepu.None, nil, none()), 4},
	} {
		if n, err := st.CountNodes(context.Background(), kepu.Museum, tc.f); err != nil || n != tc.want {
			t.Errorf("CountNodes(Museum, %s) = %d, %v; want %d", tc.what, n, err, tc.want)
		}
	}
	// Conditions on one label's properties (kepu.OfLabel, the typed
	// per-label conditions of a where on nodes of any label, as
	// centrality's): a node of another label does not match them, even
	// when that label has no such property.
	wantIDs(t, "of own label", findIDs(t, st, kepu.Museum, kepu.OfLabel(kepu.Museum, C("kind", kepu.Eq, "STANDARD"))), mAH, mCSTM)
	wantIDs(t, "of other label", findIDs(t, st, kepu.Museum, kepu.OfLabel(kepu.School, C("stage", kepu.Eq, "PRIMARY"))))
	wantIDs(t, "not of other label", findIDs(t, st, kepu.Museum, &kepu.Filter{Not: kepu.OfLabel(kepu.School, C("rural", kepu.Eq, true))}), mAH, mCaravan, mCSTM, mMobile)
	perLabel := &kepu.Filter{Or: []*kepu.Filter{
		kepu.OfLabel(kepu.Museum, C("kind", kepu.Eq, "MOBILE")),
		kepu.OfLabel(kepu.School, C("stage", kepu.Eq, "PRIMARY")),
	}}
	wantIDs(t, "per label, museums", findIDs(t, st, kepu.Museum, perLabel.Clone()), mMobile)
	wantIDs(t, "per label, schools", findIDs(t, st, kepu.School, perLabel.Clone()), s1)
	if n, err := st.CountNodes(ctx, kepu.School, perLabel.Clone()); err != nil || n != 1 {
		t.Errorf("CountNodes(School, per label) = %d, %v; want 1", n, err)
	}
}

func testRelFilter(t *testing.T, st kepu.Store) {
	C := kepu.C
	rel := func(r kepu.RelType, dir kepu.Direction, q kepu.Quantifier, node, edge *kepu.Filter) *kepu.Filter {
		return &kepu.Filter{Rel: &kepu.RelCond{Rel: r, Dir: dir, Quant: q, Node: node, Edge: edge}}
	}
	wantIDs(t, "some partner", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, nil, nil)), mAH, mCaravan, mCSTM)
	wantIDs(t, "no partner", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.None, nil, nil)), mMobile)
	wantIDs(t, "partner rural", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, C("rural", kepu.Eq, true), nil)), mAH, mCaravan)
	wantIDs(t, "no rural partner", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.None, C("rural", kepu.Eq, true), nil)), mCSTM, mMobile)
	wantIDs(t, "edge since", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, nil, C("since", kepu.Gte, 2016))), mAH)
	wantIDs(t, "edge and node", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, C(kepu.PropID, kepu.Eq, s2), C("since", kepu.Lt, 2016))), mCSTM)
	// Both conditions must hold on the same relationship.
	wantIDs(t, "same edge", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, C(kepu.PropID, kepu.Eq, s1), C("since", kepu.Eq, 2019))))
	wantIDs(t, "edge absent eq nil", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, nil, C("since", kepu.Eq, nil))), mCaravan)
	wantIDs(t, "edge or/not", findIDs(t, st, kepu.Museum, rel(kepu.PartnersWith, kepu.Out, kepu.Some, nil,
		&kepu.Filter{Or: []*kepu.Filter{C("activities", kepu.Gt, 10), &kepu.Filter{Not: C("since", kepu.Ne, nil)}}})), mCaravan, mCSTM)
	// Incoming direction.
	wantIDs(t, "school with standard partner", findIDs(t, st, kepu.School, rel(kepu.PartnersWith, kepu.In, kepu.Some, C("kind", kepu.Eq, "STANDARD"), nil)), s1, s2)
	wantIDs(t, "school with national partner", findIDs(t, st, kepu.School, rel(kepu.PartnersWith, kepu.In, kepu.Some, C("level", kepu.Eq, "NATIONAL"), nil)), s2)
	wantIDs(t, "school without partner", findIDs(t, st, kepu.School, rel(kepu.PartnersWith, kepu.In, kepu.None, nil, nil)), s3)
	wantIDs(t, "county covered", findIDs(t, st, kepu.County, rel(kepu.Covers, kepu.In, kepu.Some, nil, C("visits", kepu.Gte, 200))), cChaoyang, cYaohai)
	// Nested: schools partnered with a museum located in Yaohai.
	wantIDs(t, "nested rel", findIDs(t, st, kepu.School, rel(kepu.PartnersWith, kepu.In, kepu.Some,
		rel(kepu.LocatedIn, kepu.Out, kepu.Some, C(kepu.PropID, kepu.Eq, cYaohai), nil), nil)), s1, s2)
	// Places under a province (IN PART_OF) and the far end with several labels.
	wantIDs(t, "children", findIDs(t, st, kepu.Province, rel(kepu.PartOf, kepu.In, kepu.Some, nil, nil)), pAH, pBJ)
	wantIDs(t, "prefecture child", findIDs(t, st, kepu.Province, rel(kepu.PartOf, kepu.In, kepu.Some, C("gbCode", kepu.Eq, "340100"), nil)), pAH)
	// A condition on one label of the far end (kepu.OfLabel: the ID starts
	// with "Label:"), alone or with that label's properties.
	wantIDs(t, "a prefecture child", findIDs(t, st, kepu.Province, rel(kepu.PartOf, kepu.In, kepu.Some, kepu.OfLabel(kepu.Prefecture, nil), nil)), pAH)
	wantIDs(t, "a county child", findIDs(t, st, kepu.Province, rel(kepu.PartOf, kepu.In, kepu.Some, kepu.OfLabel(kepu.County, nil), nil)), pBJ)
	wantIDs(t, "no county child", findIDs(t, st, kepu.Province, rel(kepu.PartOf, kepu.In, kepu.None, kepu.OfLabel(kepu.County, nil), nil)), pAH)
	wantIDs(t, "a county child by code", findIDs(t, st, kepu.Prefecture, rel(kepu.PartOf, kepu.In, kepu.Some,
		kepu.OfLabel(kepu.County, C(kepu.PropName, kepu.StartsWith, "Yao")), nil)), fHefei)
}

func testPlaceFilter(t *testing.T, st kepu.Store) {
	C := kepu.C
	place := func(l kepu.Label, f *kepu.Filter) *kepu.Filter {
		return &kepu.Filter{Place: &kepu.PlaceCond{Level: l, Filter: f}}
	}
	wantIDs(t, "museums in Anhui", findIDs(t, st, kepu.Museum, place(kepu.Province, C("code", kepu.Eq, "CN-AH"))), mAH, mCaravan)
	wantIDs(t, "museums in Beijing", findIDs(t, st, kepu.Museum, place(kepu.Province, C("code", kepu.Eq, "CN-BJ"))), mCSTM)
	wantIDs(t, "museums in Hefei", findIDs(t, st, kepu.Museum, place(kepu.Prefecture, C(kepu.PropID, kepu.Eq, fHefei))), mAH)
	wantIDs(t, "museums with any prefecture", findIDs(t, st, kepu.Museum, place(kepu.Prefecture, nil)), mAH)
	wantIDs(t, "museums in Yaohai", findIDs(t, st, kepu.Museum, place(kepu.County, C("gbCode", kepu.Eq, "340102"))), mAH)
	wantIDs(t, "museums with a county", findIDs(t, st, kepu.Museum, place(kepu.County, nil)), mAH, mCSTM)
	wantIDs(t, "museums with a province", findIDs(t, st, kepu.Museum, place(kepu.Province, nil)), mAH, mCaravan, mCSTM)
	wantIDs(t, "not in Anhui", findIDs(t, st, kepu.Museum, &kepu.Filter{Not: place(kepu.Province, C("code", kepu.Eq, "CN-AH"))}), mCSTM, mMobile)
	wantIDs(t, "schools in Anhui", findIDs(t, st, kepu.School, place(kepu.Province, C(kepu.PropName, kepu.Eq, "Anhui"))), s1)
	// Places themselves: a county is in its own county, prefecture and province.
	wantIDs(t, "counties in Anhui", findIDs(t, st, kepu.County, place(kepu.Province, C("code", kepu.Eq, "CN-AH"))), cYaohai, cLuyang)
	wantIDs(t, "counties in Hefei", findIDs(t, st, kepu.County, place(kepu.Prefecture, nil)), cYaohai, cLuyang)
	wantIDs(t, "county itself", findIDs(t, st, kepu.County, place(kepu.County, C(kepu.PropID, kepu.Eq, cChaoyang))), cChaoyang)
	wantIDs(t, "province itself", findIDs(t, st, kepu.Province, place(kepu.Province, C("code", kepu.Eq, "CN-BJ"))), pBJ)
	wantIDs(t, "prefectures in Anhui", findIDs(t, st, kepu.Prefecture, place(kepu.Province, C("code", kepu.Eq, "CN-AH"))), fHefei)
}

func testInvalidFilter(t *testing.T, st kepu.Store) {
	C := kepu.C
	bad := []struct {
		l kepu.Label
		f *kepu.Filter
	}{
		{kepu.Museum, C("nope", kepu.Eq, "x")},
		{kepu.Museum, C("stage", kepu.Eq, "PRIMARY")},
		{kepu.Museum, C("openedYear", kepu.Eq, "2010")},
		{kepu.Museum, C("openedYear", kepu.Contains, "20")},
		{kepu.Museum, C("kind", kepu.Eq, "HUGE")},
		{kepu.Museum, C("kind", "like", "x")},
		{kepu.Museum, C("openedYear", kepu.OneOf, 2010)},
		{kepu.Museum, C("openedYear", kepu.Gt, nil)},
		{kepu.Museum, C(kepu.PropID, kepu.Gt, "a")},
		{kepu.Museum, C(kepu.PropID, kepu.Contains, "a")},
		{kepu.Program, C("monthlyThemes", kepu.Gt, "a")},
		{kepu.Program, C("monthlyThemes", kepu.StartsWith, "a")},
		{kepu.Program, C("monthlyThemes", kepu.ContainsInsensitive, "a")},
		{kepu.Museum, C("openedYear", kepu.ContainsInsensitive, "20")},
		{kepu.Museum, C(kepu.PropName, kepu.ContainsInsensitive, nil)},
		{kepu.Museum, C(kepu.PropID, kepu.ContainsInsensitive, "a")},
		{kepu.Forum, C("date", kepu.Eq, "yesterday")},
		{kepu.Museum, &kepu.Filter{Cond: &kepu.Cond{Prop: "kind", Op: kepu.Eq, Value: "STANDARD"}, Not: C("kind", kepu.Eq, "MOBILE")}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.In, Quant: kepu.Some}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: "LIKES", Dir: kepu.Out, Quant: kepu.Some}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: "all"}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.Some, Edge: C("tours", kepu.Eq, 1)}}},
		{kepu.Museum, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.Some, Node: C("kind", kepu.Eq, "STANDARD")}}},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.School}}},
		{kepu.Museum, &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: C("gbCode", kepu.Gt, 1)}}},
		{"Planet", nil},
	}
	for i, tc := range bad {
		_, err := st.FindNodes(ctx, kepu.NodeQuery{Label: tc.l, Filter: tc.f})
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("FindNodes case %d: code %q (%v), want BAD_USER_INPUT", i, kepu.ErrorCode(err), err)
		}
		_, err = st.CountNodes(ctx, tc.l, tc.f)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("CountNodes case %d: code %q (%v), want BAD_USER_INPUT", i, kepu.ErrorCode(err), err)
		}
	}
}

// sortedBy checks that nodes are in the contract's order for keys (property
// keys only), then by ID.
func checkSorted(t *testing.T, nodes []kepu.Node, order []kepu.OrderKey) {
	t.Helper()
	for i := 1; i < len(nodes); i++ {
		a, b := nodes[i-1], nodes[i]
		c := 0
		for _, k := range order {
			var va, vb any
			if k.Prop == kepu.PropID {
				va, vb = a.ID, b.ID
			} else {
				va, vb = a.Props[k.Prop], b.Props[k.Prop]
			}
			c = kepu.CompareValues(va, vb)
			if k.Desc {
				c = -c
			}
			if c != 0 {
				break
			}
		}
		if c == 0 && a.ID >= b.ID {
			c = 1
		}
		if c > 0 {
			t.Fatalf("order %+v: %s (%v) before %s (%v)", order, a.ID, a.Props, b.ID, b.Props)
		}
	}
}

func testOrder(t *testing.T, st kepu.Store) {
	k := func(p string, desc bool) kepu.OrderKey { return kepu.OrderKey{Prop: p, Desc: desc} }
	// Absent values sort after present ones ascending, before them descending.
	wantIDs(t, "openedYear asc", findIDs(t, st, kepu.Museum, nil, k("openedYear", false)), mCSTM, mAH, mMobile, mCaravan)
	wantIDs(t, "openedYear desc", findIDs(t, st, kepu.Museum, nil, k("openedYear", true)), mCaravan, mMobile, mAH, mCSTM)
	wantIDs(t, "name asc", findIDs(t, st, kepu.Museum, nil, k(kepu.PropName, false)), mAH, mCaravan, mCSTM, mMobile)
	wantIDs(t, "distanceKm desc", findIDs(t, st, kepu.Museum, nil, k("distanceKm", true)), mCSTM, mMobile, mCaravan, mAH)
	// Ties broken by ID ascending, in either direction.
	wantIDs(t, "kind asc", findIDs(t, st, kepu.Museum, nil, k("kind", false)), mCaravan, mMobile, mAH, mCSTM)
	wantIDs(t, "kind desc", findIDs(t, st, kepu.Museum, nil, k("kind", true)), mAH, mCSTM, mMobile, mCaravan)
	wantIDs(t, "freeEntry desc", findIDs(t, st, kepu.Museum, nil, k("freeEntry", true)), mAH, mCSTM, mCaravan, mMobile)
	// Several keys.
	wantIDs(t, "freeEntry, openedYear desc", findIDs(t, st, kepu.Museum, nil, k("freeEntry", false), k("openedYear", true)), mCaravan, mMobile, mAH, mCSTM)
	wantIDs(t, "level, name desc", findIDs(t, st, kepu.Museum, nil, k("level", false), k(kepu.PropName, true)), mCSTM, mCaravan, mAH, mMobile)
	// By ID.
	wantIDs(t, "id desc", findIDs(t, st, kepu.Museum, nil, k(kepu.PropID, true)), mMobile, mCSTM, mCaravan, mAH)
	wantIDs(t, "default", findIDs(t, st, kepu.Museum, nil), mAH, mCaravan, mCSTM, mMobile)
	// By relationship count.
	cnt := func(r kepu.RelType, d kepu.Direction, desc bool) kepu.OrderKey {
		return kepu.OrderKey{Count: &kepu.RelCount{Rel: r, Dir: d}, Desc: desc}
	}
	wantIDs(t, "partners desc", findIDs(t, st, kepu.Museum, nil, cnt(kepu.PartnersWith, kepu.Out, true)), mAH, mCaravan, mCSTM, mMobile)
	wantIDs(t, "partners asc", findIDs(t, st, kepu.Museum, nil, cnt(kepu.PartnersWith, kepu.Out, false)), mMobile, mCaravan, mCSTM, mAH)
	wantIDs(t, "schools by partners desc", findIDs(t, st, kepu.School, nil, cnt(kepu.PartnersWith, kepu.In, true), k(kepu.PropName, false)), s2, s1, s3)
	wantIDs(t, "covers desc, name", findIDs(t, st, kepu.Museum, nil, cnt(kepu.Covers, kepu.Out, true), k(kepu.PropName, true)), mCaravan, mMobile, mCSTM, mAH)
	// Order with a filter.
	wantIDs(t, "filtered", findIDs(t, st, kepu.Museum, kepu.C("freeEntry", kepu.Eq, true), k("openedYear", false)), mCSTM, mAH)
	// Invalid orders.
	for i, o := range [][]kepu.OrderKey{
		{k("nope", false)},
		{k("stage", false)},
		{k("monthlyThemes", false)},
		{cnt(kepu.PartnersWith, kepu.In, false)},
		{cnt("LIKES", kepu.Out, false)},
		{{Prop: "since", Edge: true}},
		{k("a", false), k("b", false), k("c", false), k("d", false), k("e", false), k("f", false)},
	} {
		l := kepu.Museum
		if i == 2 {
			l = kepu.Program
		}
		_, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Order: o})
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("order case %d: code %q (%v), want BAD_USER_INPUT", i, kepu.ErrorCode(err), err)
		}
	}
}

// pagingFixture writes n schools with varied, partly absent properties and
// some PARTNERS_WITH edges.
func pagingFixture(t *testing.T, st kepu.Store, n int) {
	t.Helper()
	var nodes []kepu.Node
	stages := []any{"PRIMARY", "JUNIOR_SECONDARY", nil}
	for i := range n {
		var rural any
		if i%4 != 3 {
			rural = i%2 == 0
		}
		nodes = append(nodes, N(fmt.Sprintf("School:p%02d", i), "name", fmt.Sprintf("School %d", i%7), "stage", stages[i%3], "rural", rural))
	}
	nodes = append(nodes, N(mAH, "kind", "STANDARD"), N(mCSTM, "kind", "STANDARD"))
	mustWrite(t, st, putNodes(nodes...)...)
	var edges []kepu.Edge
	for i := 0; i < n; i += 3 {
		edges = append(edges, E(kepu.PartnersWith, mAH, fmt.Sprintf("School:p%02d", i), "since", 2000+i%5))
		if i%2 == 0 {
			edges = append(edges, E(kepu.PartnersWith, mCSTM, fmt.Sprintf("School:p%02d", i)))
		}
	}
	mustWrite(t, st, putEdges(edges...)...)
}

var pagingOrders = [][]kepu.OrderKey{
	nil,
	{{Prop: kepu.PropName}},
	{{Prop: kepu.PropName, Desc: true}},
	{{Prop: "stage"}, {Prop: "rural", Desc: true}},
	{{Prop: "rural", Desc: true}, {Prop: kepu.PropID, Desc: true}},
	{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.In}, Desc: true}, {Prop: kepu.PropName}},
}

func testPaging(t *testing.T, st kepu.Store) {
	const n = 23
	pagingFixture(t, st, n)
	for oi, order := range pagingOrders {
		all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Nodes) != n || all.HasNext || all.HasPrev {
			t.Fatalf("order %d: full list has %d nodes, next %v prev %v", oi, len(all.Nodes), all.HasNext, all.HasPrev)
		}
		if order == nil || order[0].Count == nil {
			checkSorted(t, all.Nodes, order)
		}
		want := nodeIDs(all.Nodes)
		for _, size := range []int{1, 2, 5, 22, 23, 40} {
			// Forward.
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				if pages > n+1 {
					t.Fatalf("order %d size %d: forward paging does not end", oi, size)
				}
				p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order, Page: kepu.Page{First: ptr(size), After: after}})
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Nodes) > size || len(p.Cursors) != len(p.Nodes) {
					t.Fatalf("order %d size %d: page of %d nodes, %d cursors", oi, size, len(p.Nodes), len(p.Cursors))
				}
				if p.HasPrev != (after != "") {
					t.Fatalf("order %d size %d: HasPrev %v with after %q", oi, size, p.HasPrev, after)
				}
				got = append(got, nodeIDs(p.Nodes)...)
				if wantNext := len(got) < n; p.HasNext != wantNext {
					t.Fatalf("order %d size %d: HasNext %v after %d of %d", oi, size, p.HasNext, len(got), n)
				}
				if !p.HasNext {
					break
				}
				after = p.Cursors[len(p.Cursors)-1]
			}
			wantIDs(t, fmt.Sprintf("order %d size %d forward", oi, size), got, want...)
			// Backward.
			got = nil
			before := ""
			for pages := 0; ; pages++ {
				if pages > n+1 {
					t.Fatalf("order %d size %d: backward paging does not end", oi, size)
				}
				p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order, Page: kepu.Page{Last: ptr(size), Before: before}})
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Nodes) > size {
					t.Fatalf("order %d size %d: page of %d nodes", oi, size, len(p.Nodes))
				}
				if p.HasNext != (before != "") {
					t.Fatalf("order %d size %d: HasNext %v with before %q", oi, size, p.HasNext, before)
				}
				got = append(nodeIDs(p.Nodes), got...)
				if wantPrev := len(got) < n; p.HasPrev != wantPrev {
					t.Fatalf("order %d size %d: HasPrev %v with %d of %d", oi, size, p.HasPrev, len(got), n)
				}
				if !p.HasPrev {
					break
				}
				before = p.Cursors[0]
			}
			wantIDs(t, fmt.Sprintf("order %d size %d backward", oi, size), got, want...)
		}
		// A window between two cursors.
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order, Page: kepu.Page{After: all.Cursors[3], Before: all.Cursors[9]}})
		if err != nil {
			t.Fatal(err)
		}
		wantIDs(t, fmt.Sprintf("order %d between", oi), nodeIDs(p.Nodes), want[4:9]...)
		if !p.HasNext || !p.HasPrev {
			t.Fatalf("order %d between: HasNext %v HasPrev %v, want both", oi, p.HasNext, p.HasPrev)
		}
		p, err = st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order, Page: kepu.Page{First: ptr(2), After: all.Cursors[3], Before: all.Cursors[9]}})
		if err != nil {
			t.Fatal(err)
		}
		wantIDs(t, fmt.Sprintf("order %d between first 2", oi), nodeIDs(p.Nodes), want[4:6]...)
		if !p.HasNext {
			t.Fatalf("order %d between first 2: HasNext false", oi)
		}
		// The cursor of the last item gives an empty page with no next.
		p, err = st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order, Page: kepu.Page{First: ptr(5), After: all.Cursors[n-1]}})
		if err != nil || len(p.Nodes) != 0 || p.HasNext || !p.HasPrev {
			t.Fatalf("order %d after last: %d nodes, next %v prev %v, %v", oi, len(p.Nodes), p.HasNext, p.HasPrev, err)
		}
	}
	// first: 0 returns no nodes and says whether there are any.
	p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Page: kepu.Page{First: ptr(0)}})
	if err != nil || len(p.Nodes) != 0 || !p.HasNext {
		t.Fatalf("first 0: %d nodes, next %v, %v", len(p.Nodes), p.HasNext, err)
	}
	p, err = st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Forum, Page: kepu.Page{First: ptr(0)}})
	if err != nil || len(p.Nodes) != 0 || p.HasNext {
		t.Fatalf("first 0 on empty: %d nodes, next %v, %v", len(p.Nodes), p.HasNext, err)
	}
	p, err = st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Page: kepu.Page{Last: ptr(0)}})
	if err != nil || len(p.Nodes) != 0 || !p.HasPrev {
		t.Fatalf("last 0: %d nodes, prev %v, %v", len(p.Nodes), p.HasPrev, err)
	}
	// Paging a filtered list.
	f := kepu.C("rural", kepu.Eq, true)
	all := findIDs(t, st, kepu.School, f)
	p, err = st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Filter: f, Page: kepu.Page{First: ptr(2)}})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Filter: f, Page: kepu.Page{First: ptr(100), After: p.Cursors[1]}})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "filtered pages", append(nodeIDs(p.Nodes), nodeIDs(p2.Nodes)...), all...)
}

func testPagingErrors(t *testing.T, st kepu.Store) {
	pagingFixture(t, st, 6)
	byName := []kepu.OrderKey{{Prop: kepu.PropName}}
	p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(2)}})
	if err != nil {
		t.Fatal(err)
	}
	cur := p.Cursors[1]
	other, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: byName, Page: kepu.Page{First: ptr(1)}})
	if err != nil {
		t.Fatal(err)
	}
	nb, err := st.Neighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Page: kepu.Page{First: ptr(1)}})
	if err != nil || len(nb[mAH].Items) != 1 {
		t.Fatalf("neighbors = %v, %v", nb, err)
	}
	bad := []kepu.NodeQuery{
		{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(-1)}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{Last: ptr(-3)}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(1), Last: ptr(1)}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(2), After: "garbage"}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(2), After: "eyJvIjoieCJ9"}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{Last: ptr(2), Before: "%%%"}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(2), After: cur[:len(cur)-3]}},
		// A cursor of another order, label or list.
		{Label: kepu.School, Order: []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}}, Page: kepu.Page{First: ptr(2), After: cur}},
		{Label: kepu.School, Page: kepu.Page{First: ptr(2), After: cur}},
		{Label: kepu.School, Order: byName, Page: kepu.Page{First: ptr(2), After: other.Cursors[0]}},
		{Label: kepu.School, Page: kepu.Page{First: ptr(2), After: nb[mAH].Items[0].Cursor}},
	}
	for i, q := range bad {
		_, err := st.FindNodes(ctx, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("case %d: code %q (%v), want BAD_USER_INPUT", i, kepu.ErrorCode(err), err)
		}
	}
	// A node cursor in a neighbor query.
	_, err = st.Neighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Page: kepu.Page{First: ptr(1), After: p.Cursors[0]}})
	wantCode(t, err, kepu.BadUserInput)
	_, err = st.Neighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Page: kepu.Page{First: ptr(-1)}})
	wantCode(t, err, kepu.BadUserInput)
}

func testKeysetStability(t *testing.T, st kepu.Store) {
	const n = 20
	pagingFixture(t, st, n)
	for oi, order := range [][]kepu.OrderKey{nil, {{Prop: kepu.PropName}}, {{Prop: "rural", Desc: true}, {Prop: kepu.PropName, Desc: true}}} {
		for _, backward := range []bool{false, true} {
			all := findIDs(t, st, kepu.School, nil, order...)
			// Nodes that will be deleted during paging, and the ones present throughout.
			toDelete := map[string]bool{all[2]: true, all[9]: true, all[len(all)-3]: true}
			var stable []string
			for _, id := range all {
				if !toDelete[id] {
					stable = append(stable, id)
				}
			}
			seen := map[string]int{}
			var got []string
			cursor := ""
			done := false
			for step := 0; step < 3*n && !done; step++ {
				page := kepu.Page{First: ptr(3), After: cursor}
				if backward {
					page = kepu.Page{Last: ptr(3), Before: cursor}
				}
				p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Order: order, Page: page})
				if err != nil {
					t.Fatal(err)
				}
				ids := nodeIDs(p.Nodes)
				if backward {
					slices.Reverse(ids)
				}
				for _, id := range ids {
					seen[id]++
					got = append(got, id)
				}
				// Between pages, insert nodes on both sides of the cursor and
				// delete some nodes.
				changes := []kepu.Change{
					{Kind: kepu.PutNode, Node: N(fmt.Sprintf("School:a%02d", step), "name", "AAA", "rural", true)},
					{Kind: kepu.PutNode, Node: N(fmt.Sprintf("School:z%02d", step), "name", "zzz")},
					{Kind: kepu.PutNode, Node: N(fmt.Sprintf("School:m%02d", step), "name", fmt.Sprintf("School %d", step%7), "rural", step%2 == 0)},
				}
				for id := range toDelete {
					if step == 1 || (step == 3 && id == all[len(all)-3]) {
						changes = append(changes, kepu.Change{Kind: kepu.DeleteNode, ID: id, IfExists: true})
					}
				}
				mustWrite(t, st, changes...)
				hasMore := p.HasNext
				if backward {
					hasMore = p.HasPrev
				}
				if !hasMore || len(p.Cursors) == 0 {
					done = true
					break
				}
				if backward {
					cursor = p.Cursors[0]
				} else {
					cursor = p.Cursors[len(p.Cursors)-1]
				}
			}
			if !done {
				t.Fatalf("order %d backward %v: paging did not end", oi, backward)
			}
			for _, id := range stable {
				if seen[id] != 1 {
					t.Fatalf("order %d backward %v: %s seen %d times (pages %v)", oi, backward, id, seen[id], got)
				}
			}
			for id, c := range seen {
				if c != 1 {
					t.Fatalf("order %d backward %v: %s seen %d times", oi, backward, id, c)
				}
			}
			// Stable nodes come in their relative order.
			var order2 []string
			for _, id := range got {
				if slices.Contains(stable, id) {
					order2 = append(order2, id)
				}
			}
			if backward {
				slices.Reverse(order2)
			}
			wantIDs(t, fmt.Sprintf("order %d backward %v stable order", oi, backward), order2, stable...)
			// Reset for the next round: remove inserted nodes, restore the deleted.
			var reset []kepu.Change
			for _, id := range findIDs(t, st, kepu.School, nil) {
				if !slices.Contains(all, id) {
					reset = append(reset, kepu.Change{Kind: kepu.DeleteNode, ID: id})
				}
			}
			if len(reset) > 0 {
				mustWrite(t, st, reset...)
			}
			pagingFixture(t, st, n)
		}
	}
}
