package storetest

// Conformance tests of Aggregate and AggregateEdges: counts, sums and
// groups of nodes and of edges.

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func testAggregate(t *testing.T, st kepu.Store) {
	agg := func(q kepu.AggregateQuery) []kepu.Group {
		t.Helper()
		gs, err := st.Aggregate(ctx, q)
		if err != nil {
			t.Fatalf("Aggregate(%+v): %v", q, err)
		}
		return gs
	}
	type G = kepu.Group
	S := func(kv ...any) map[string]float64 {
		m := map[string]float64{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(float64)
		}
		return m
	}
	check := func(what string, got []kepu.Group, want ...G) {
		t.Helper()
		ok := len(got) == len(want)
		for i := 0; ok && i < len(got); i++ {
			ok = got[i].Key == want[i].Key && got[i].Count == want[i].Count
			for k, v := range want[i].Sums {
				ok = ok && got[i].Sums[k] == v
			}
		}
		if !ok {
			t.Fatalf("%s = %+v\nwant %+v", what, got, want)
		}
	}
	check("all", agg(kepu.AggregateQuery{Label: kepu.Museum, Sum: []string{"openedYear", "distanceKm", "offlineVisits"}}),
		G{Key: "", Count: 4, Sums: S("openedYear", 6013.0, "distanceKm", 12002.0, "offlineVisits", 5e6)})
	check("filtered", agg(kepu.AggregateQuery{Label: kepu.Museum, Filter: kepu.C("freeEntry", kepu.Eq, true), Sum: []string{"distanceKm"}}),
		G{Key: "", Count: 2, Sums: S("distanceKm", 1.5)})
	check("none", agg(kepu.AggregateQuery{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, "DIGITAL"), Sum: []string{"distanceKm"}}),
		G{Key: "", Count: 0, Sums: S("distanceKm", 0.0)})
	check("by kind", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "kind", Sum: []string{"openedYear"}}),
		G{Key: "CARAVAN", Count: 1, Sums: S("openedYear", 0.0)}, G{Key: "MOBILE", Count: 1, Sums: S("openedYear", 2015.0)},
		G{Key: "STANDARD", Count: 2, Sums: S("openedYear", 3998.0)})
	check("by freeEntry", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "freeEntry"}), G{Key: "false", Count: 2}, G{Key: "true", Count: 2})
	check("by openedYear", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "openedYear"}),
		G{Key: "", Count: 1}, G{Key: "1988", Count: 1}, G{Key: "2010", Count: 1}, G{Key: "2015", Count: 1})
	check("by distanceKm", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "distanceKm"}),
		G{Key: "", Count: 2}, G{Key: "1.5", Count: 1}, G{Key: "12000.5", Count: 1})
	check("by level", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "level", Filter: kepu.C("kind", kepu.Ne, "MOBILE")}),
		G{Key: "NATIONAL", Count: 1}, G{Key: "PROVINCIAL", Count: 2})
	check("by province", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: string(kepu.Province), Sum: []string{"distanceKm"}}),
		G{Key: "", Count: 1}, G{Key: pAH, Count: 2, Sums: S("distanceKm", 12002.0)}, G{Key: pBJ, Count: 1, Sums: S("distanceKm", 0.0)})
	check("by prefecture", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: string(kepu.Prefecture)}),
		G{Key: "", Count: 3}, G{Key: fHefei, Count: 1})
	check("by county", agg(kepu.AggregateQuery{Label: kepu.Museum, GroupBy: string(kepu.County)}),
		G{Key: "", Count: 2}, G{Key: cChaoyang, Count: 1}, G{Key: cYaohai, Count: 1})
	check("counties by province", agg(kepu.AggregateQuery{Label: kepu.County, GroupBy: string(kepu.Province)}),
		G{Key: pAH, Count: 2}, G{Key: pBJ, Count: 1})
	check("forums by absent mode", agg(kepu.AggregateQuery{Label: kepu.Forum, GroupBy: "mode"}), G{Key: "", Count: 1})
	check("grouped, nothing matches", agg(kepu.AggregateQuery{Label: kepu.Person, GroupBy: "title"}))
	for i, q := range []kepu.AggregateQuery{
		{Label: "Planet"},
		{Label: kepu.Museum, GroupBy: "nope"},
		{Label: kepu.Museum, Sum: []string{"city"}},
		{Label: kepu.Museum, Sum: []string{"nope"}},
		{Label: kepu.Museum, Filter: kepu.C("nope", kepu.Eq, 1)},
	} {
		_, err := st.Aggregate(ctx, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("invalid aggregate %d: code %q (%v)", i, kepu.ErrorCode(err), err)
		}
	}
}

func testAggregateEdges(t *testing.T, st kepu.Store) {
	check := func(what string, q kepu.EdgeAggregateQuery, count, from, to int, sums map[string]float64) {
		t.Helper()
		got, err := st.AggregateEdges(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		ok := got.Count == count && got.DistinctFrom == from && got.DistinctTo == to
		for k, v := range sums {
			ok = ok && got.Sums[k] == v
		}
		if !ok {
			t.Fatalf("%s = %+v, want count %d from %d to %d sums %v", what, got, count, from, to, sums)
		}
	}
	pw := kepu.PartnersWith
	check("all", kepu.EdgeAggregateQuery{Rel: pw, Sum: []string{"since", "activities"}}, 4, 3, 2, map[string]float64{"since": 6052, "activities": 17})
	check("from filter", kepu.EdgeAggregateQuery{Rel: pw, FromFilter: kepu.C("kind", kepu.Eq, "STANDARD")}, 3, 2, 2, nil)
	check("to filter", kepu.EdgeAggregateQuery{Rel: pw, ToLabel: kepu.School, ToFilter: kepu.C("rural", kepu.Eq, true), Sum: []string{"activities"}},
		2, 2, 1, map[string]float64{"activities": 5})
	check("edge filter", kepu.EdgeAggregateQuery{Rel: pw, EdgeFilter: kepu.C("since", kepu.Gte, 2016)}, 2, 1, 2, nil)
	check("no match", kepu.EdgeAggregateQuery{Rel: pw, EdgeFilter: kepu.C("since", kepu.Gt, 3000), Sum: []string{"since"}}, 0, 0, 0, map[string]float64{"since": 0})
	check("to counties", kepu.EdgeAggregateQuery{Rel: kepu.Covers, ToLabel: kepu.County, Sum: []string{"tours", "visits"}},
		3, 2, 3, map[string]float64{"tours": 6, "visits": 1200})
	check("from programs", kepu.EdgeAggregateQuery{Rel: kepu.Covers, FromLabel: kepu.Program, Sum: []string{"tours"}}, 1, 1, 1, map[string]float64{"tours": 4})
	check("to Anhui", kepu.EdgeAggregateQuery{Rel: kepu.Covers, ToLabel: kepu.Province, ToFilter: kepu.C("code", kepu.Eq, "CN-AH"), Sum: []string{"visits"}},
		1, 1, 1, map[string]float64{"visits": 500})
	check("to places in Anhui", kepu.EdgeAggregateQuery{Rel: kepu.Covers,
		ToFilter: &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-AH")}}, Sum: []string{"tours"}},
		3, 2, 3, map[string]float64{"tours": 5})
	for i, q := range []kepu.EdgeAggregateQuery{
		{Rel: "LIKES"},
		{Rel: kepu.Covers, FromLabel: kepu.School},
		{Rel: kepu.Covers, ToLabel: kepu.Museum},
		{Rel: pw, Sum: []string{kepu.PropSource}},
		{Rel: pw, ToFilter: kepu.C("kind", kepu.Eq, "STANDARD")},
		{Rel: pw, EdgeFilter: kepu.C("tours", kepu.Gt, 1)},
	} {
		_, err := st.AggregateEdges(ctx, q)
		if kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("invalid edge aggregate %d: code %q (%v)", i, kepu.ErrorCode(err), err)
		}
	}
}
