package graph_test

import (
	"fmt"
	"math"
	"runtime/metrics"
	"testing"
)

// TestSystemStats reproduces the reference table from the reference dataset.
func TestSystemStats(t *testing.T) {
	type ratio struct{ Numerator, Denominator, Value float64 }
	var data struct {
		SystemStats struct {
			MuseumsByKind []struct {
				Kind  string
				Count int
			}
			ProvincialCoverage, PrefectureCoverage, ToursPerCounty ratio
			CountyLevelMuseums, FreeEntryMuseums, MobileTours      int
			CountiesVisitedByMobile, ProvincesVisitedByMobile      int
			MuseumsHelpedByMobile                                  int
			CaravanDistanceKm                                      float64
			CaravanEarthLaps                                       int
			RuralMuseumProvinces                                   struct {
				MainlandProvinces int
				IncludesXPCC      bool
			}
			RuralTeachersTrained                 int
			RuralPersonTime, OfflineVisits       float64
			ForumSessions                        int
			BeijingScienceCarnival               struct{ Organizations, Activities, Audience int }
			CommunicationWeek2023Representatives int
		}
	}
	r := query(t, ref(t).url, `{ systemStats {
		museumsByKind { kind count }
		provincialCoverage { numerator denominator value } prefectureCoverage { numerator denominator value }
		countyLevelMuseums freeEntryMuseums mobileTours countiesVisitedByMobile provincesVisitedByMobile
		toursPerCounty { numerator denominator value } museumsHelpedByMobile caravanDistanceKm caravanEarthLaps
		ruralMuseumProvinces { mainlandProvinces includesXPCC } ruralTeachersTrained ruralPersonTime offlineVisits
		forumSessions beijingScienceCarnival { organizations activities audience } communicationWeek2023Representatives } }`, nil, &data)
	t.Logf("systemStats: %d store calls", r.Extensions.StoreCalls)
	s := data.SystemStats
	kinds := map[string]int{}
	for _, k := range s.MuseumsByKind {
		kinds[k.Kind] = k.Count
	}
	check := func(name string, ok bool, got any) {
		t.Run(name, func(t *testing.T) {
			if !ok {
				t.Errorf("got %v", got)
			}
		})
	}
	for kind, want := range map[string]int{"STANDARD": 446, "MOBILE": 657, "CARAVAN": 1764, "RURAL_SCHOOL": 1124, "DIGITAL": 1} {
		check("museumsByKind/"+kind, kinds[kind] == want, kinds[kind])
	}
	check("provincialCoverage", s.ProvincialCoverage == ratio{31, 31, 1}, s.ProvincialCoverage)
	pc := s.PrefectureCoverage
	check("prefectureCoverage", pc.Denominator == 333 && (pc.Numerator == 219 || pc.Numerator == 220) && math.Abs(pc.Value-pc.Numerator/333) < 1e-9, pc)
	check("countyLevelMuseums", s.CountyLevelMuseums > 220, s.CountyLevelMuseums)
	check("freeEntryMuseums", s.FreeEntryMuseums == 377, s.FreeEntryMuseums)
	check("mobileTours", s.MobileTours == 5909, s.MobileTours)
	check("countiesVisitedByMobile", s.CountiesVisitedByMobile == 1888, s.CountiesVisitedByMobile)
	check("provincesVisitedByMobile", s.ProvincesVisitedByMobile == 29, s.ProvincesVisitedByMobile)
	check("toursPerCounty", s.ToursPerCounty.Numerator == 5909 && s.ToursPerCounty.Denominator == 1888 && math.Round(s.ToursPerCounty.Value) == 3, s.ToursPerCounty)
	check("museumsHelpedByMobile", s.MuseumsHelpedByMobile > 20, s.MuseumsHelpedByMobile)
	check("caravanDistanceKm", s.CaravanDistanceKm == 54_653_000, fmt.Sprintf("%f", s.CaravanDistanceKm))
	check("caravanEarthLaps", s.CaravanEarthLaps == 1366, s.CaravanEarthLaps)
	check("ruralMuseumProvinces", s.RuralMuseumProvinces.MainlandProvinces == 29 && s.RuralMuseumProvinces.IncludesXPCC, s.RuralMuseumProvinces)
	check("ruralTeachersTrained", s.RuralTeachersTrained == 7384, s.RuralTeachersTrained)
	check("ruralPersonTime", s.RuralPersonTime == 13_440_000, s.RuralPersonTime)
	check("offlineVisits", s.OfflineVisits > 1e9, s.OfflineVisits)
	check("forumSessions", s.ForumSessions == 14, s.ForumSessions)
	bsc := s.BeijingScienceCarnival
	check("beijingScienceCarnival", bsc.Organizations >= 1200 && bsc.Activities >= 2000 && bsc.Audience == 22_600_000, bsc)
	check("communicationWeek2023Representatives", s.CommunicationWeek2023Representatives >= 600, s.CommunicationWeek2023Representatives)
}

// TestSharedAggregates groups the reference museums.
func TestSharedAggregates(t *testing.T) {
	var data struct {
		MuseumCounts []struct {
			Key   string
			Count int
		}
	}
	query(t, ref(t).url, `{ museumCounts(where: {kind: {eq: STANDARD}}, groupBy: FREE_ENTRY) { key count } }`, nil, &data)
	got := map[string]int{}
	for _, g := range data.MuseumCounts {
		got[g.Key] = g.Count
	}
	if got["true"] != 377 {
		t.Errorf("free-entry standard museums: %+v", data.MuseumCounts)
	}
}

const nestedQuery = `query($n: Int!) { museums(first: $n, orderBy: [{field: SCHOOL_PARTNERS_COUNT, direction: DESC}]) {
	nodes { name schoolPartners(first: 20) { nodes { name county { name } } } } } }`

// nestedCountQuery is nestedQuery with totalCount at each level.
const nestedCountQuery = `query($n: Int!) { museums(first: $n, orderBy: [{field: SCHOOL_PARTNERS_COUNT, direction: DESC}]) {
	totalCount nodes { name schoolPartners(first: 20) { totalCount nodes { name county { name } } } } } }`

const byIDQuery = `query($id: ID!) { node(id: $id) { ... on Museum { name province { name } } } }`

// TestStoreCalls checks that nested fields are loaded per nesting level, not
// per parent: the nested query makes exactly the same small number of store
// calls for 5 and for 50 parents, with the default handler options (the
// lookahead prefetch does not depend on timing; run with -count=20 to see
// that it is stable).
func TestStoreCalls(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		want        int
	}{
		// FindNodes, Neighbors, Locate, Nodes.
		{"nested", nestedQuery, 4},
		// The same plus CountNeighbors, and CountNodes unless the page is
		// counted.
		{"nested with totalCount", nestedCountQuery, 5 + countCall()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{5, 50} {
				var data struct {
					Museums struct {
						Nodes []struct {
							SchoolPartners struct {
								Nodes []struct{ County *struct{ Name string } }
							}
						}
					}
				}
				r := query(t, ref(t).url, tc.query, map[string]any{"n": n}, &data)
				schools, counties := 0, 0
				for _, m := range data.Museums.Nodes {
					schools += len(m.SchoolPartners.Nodes)
					for _, s := range m.SchoolPartners.Nodes {
						if s.County != nil && s.County.Name != "" {
							counties++
						}
					}
				}
				if n == 50 && (len(data.Museums.Nodes) != 50 || schools < 500 || counties < 500) {
					t.Fatalf("%d museums, %d schools, %d with a county: the query is not meaningful", len(data.Museums.Nodes), schools, counties)
				}
				t.Logf("%d museums, %d schools: %d store calls", len(data.Museums.Nodes), schools, r.Extensions.StoreCalls)
				if r.Extensions.StoreCalls != tc.want {
					t.Errorf("%d parents: %d store calls, want %d", n, r.Extensions.StoreCalls, tc.want)
				}
			}
		})
	}
	t.Run("museum by ID", func(t *testing.T) {
		var data struct {
			Node struct {
				Name     string
				Province *struct{ Name string }
			}
		}
		r := query(t, ref(t).url, byIDQuery, map[string]any{"id": "TXVzZXVtOmNzdG0"}, &data)
		if data.Node.Province == nil || data.Node.Province.Name == "" {
			t.Fatalf("no province: %+v", data.Node)
		}
		// Nodes, Locate, Nodes.
		if r.Extensions.StoreCalls > 3 {
			t.Errorf("%d store calls, want at most 3", r.Extensions.StoreCalls)
		}
	})
}

// benchQuery posts query with vars to url b.N times, fails on any error,
// and reports the store calls per request.
func benchQuery(b *testing.B, url, query string, vars map[string]any) {
	var calls int
	created := goroutinesCreated()
	for b.Loop() {
		r := post(b, url, query, vars)
		if len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
		calls += r.Extensions.StoreCalls
	}
	b.ReportMetric(float64(calls)/float64(b.N), "storecalls/op")
	// Goroutines started per request, in the server and the client (the
	// HTTP client's few are the same for every query).
	b.ReportMetric(float64(goroutinesCreated()-created)/float64(b.N), "goroutines/op")
}

// goroutinesCreated is the number of goroutines the process has started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func BenchmarkMuseumByID(b *testing.B) {
	vars := map[string]any{"id": "TXVzZXVtOmNzdG0"} // Museum:cstm
	benchQuery(b, ref(b).url, byIDQuery, vars)
}

func BenchmarkNestedPartners(b *testing.B) {
	benchQuery(b, ref(b).url, nestedQuery, map[string]any{"n": 50})
}
