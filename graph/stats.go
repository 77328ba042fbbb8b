package graph

import (
	"context"
	"math"
	"slices"

	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// Names the published figures are read from.
const (
	forumSeries         = "Museum-School Cooperation and Science Education Forum"
	carnivalName        = "Beijing Science Carnival"
	communicationWeek23 = "2023 Beijing International Science Communication Week"
	earthCircumKm       = 40000
	xpccCode            = "XPCC"
)

func kind(k string) *kepu.Filter { return kepu.C("kind", kepu.Eq, k) }

// systemStats computes every published figure from the graph through the
// store. Nothing is a stored constant: each number is a count, a sum or a
// ratio of counts of the current graph.
func systemStats(ctx context.Context, r *Resolver) (*model.SystemStats, error) {
	st := r.loaders(ctx).Store
	s := &model.SystemStats{}

	byKind, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "kind"})
	if err != nil {
		return nil, err
	}
	for _, g := range byKind {
		if g.Key != "" {
			s.MuseumsByKind = append(s.MuseumsByKind, &model.KindCount{Kind: g.Key, Count: g.Count})
		}
	}
	slices.SortFunc(s.MuseumsByKind, func(a, b *model.KindCount) int {
		return slices.Index(kepu.MuseumKinds, a.Kind) - slices.Index(kepu.MuseumKinds, b.Kind)
	})

	// Provincial coverage: mainland provinces with a standard museum.
	stdByProvince, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, Filter: kind("STANDARD"), GroupBy: string(kepu.Province)})
	if err != nil {
		return nil, err
	}
	covered, _, err := provinceReach(ctx, st, stdByProvince)
	if err != nil {
		return nil, err
	}
	mainland, err := st.CountNodes(ctx, kepu.Province, kepu.C("mainland", kepu.Eq, true))
	if err != nil {
		return nil, err
	}
	s.ProvincialCoverage = model.NewRatio(float64(covered), float64(mainland))

	stdByPrefecture, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, Filter: kind("STANDARD"), GroupBy: string(kepu.Prefecture)})
	if err != nil {
		return nil, err
	}
	prefectures, err := st.CountNodes(ctx, kepu.Prefecture, nil)
	if err != nil {
		return nil, err
	}
	s.PrefectureCoverage = model.NewRatio(float64(nonEmpty(stdByPrefecture)), float64(prefectures))

	if s.CountyLevelMuseums, err = st.CountNodes(ctx, kepu.Museum, kepu.And(kind("STANDARD"), kepu.C("level", kepu.Eq, "COUNTY"))); err != nil {
		return nil, err
	}
	if s.FreeEntryMuseums, err = st.CountNodes(ctx, kepu.Museum, kepu.And(kind("STANDARD"), kepu.C("freeEntry", kepu.Eq, true))); err != nil {
		return nil, err
	}

	// Mobile museums' tours of counties.
	tours, err := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.Covers, FromLabel: kepu.Museum, FromFilter: kind("MOBILE"), ToLabel: kepu.County, Sum: []string{"tours"}})
	if err != nil {
		return nil, err
	}
	s.MobileTours = int(tours.Sums["tours"])
	s.CountiesVisitedByMobile = tours.DistinctTo
	s.ToursPerCounty = model.NewRatio(tours.Sums["tours"], float64(tours.DistinctTo))
	visited, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.County, GroupBy: string(kepu.Province),
		Filter: &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.Covers, Dir: kepu.In, Quant: kepu.Some, Node: kind("MOBILE")}}})
	if err != nil {
		return nil, err
	}
	s.ProvincesVisitedByMobile = nonEmpty(visited)

	helped, err := st.AggregateEdges(ctx, kepu.EdgeAggregateQuery{Rel: kepu.HelpedEstablish, FromLabel: kepu.Museum, FromFilter: kind("MOBILE")})
	if err != nil {
		return nil, err
	}
	s.MuseumsHelpedByMobile = helped.DistinctTo

	caravans, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, Filter: kind("CARAVAN"), Sum: []string{"distanceKm"}})
	if err != nil {
		return nil, err
	}
	s.CaravanDistanceKm = sum(caravans, "distanceKm")
	s.CaravanEarthLaps = int(math.Floor(s.CaravanDistanceKm / earthCircumKm))

	rural, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, Filter: kind("RURAL_SCHOOL"), GroupBy: string(kepu.Province),
		Sum: []string{"teachersTrained", "personTimeServed"}})
	if err != nil {
		return nil, err
	}
	ruralMainland, xpcc, err := provinceReach(ctx, st, rural)
	if err != nil {
		return nil, err
	}
	s.RuralMuseumProvinces = &model.RuralReach{MainlandProvinces: ruralMainland, IncludesXpcc: xpcc}
	s.RuralTeachersTrained = int(sum(rural, "teachersTrained"))
	s.RuralPersonTime = int(math.Round(sum(rural, "personTimeServed")))

	visits, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, Sum: []string{"offlineVisits"}})
	if err != nil {
		return nil, err
	}
	s.OfflineVisits = int(math.Round(sum(visits, "offlineVisits")))

	if s.ForumSessions, err = st.CountNodes(ctx, kepu.Forum, kepu.C("series", kepu.Eq, forumSeries)); err != nil {
		return nil, err
	}

	if p, ok, err := programByName(ctx, st, carnivalName); err != nil {
		return nil, err
	} else if ok {
		m := model.NewProgram(p, nil) // properties only: no place field
		s.BeijingScienceCarnival = &model.ProgramFigures{Name: m.Name, Organizations: m.Organizations, Activities: m.Activities, Audience: m.Audience}
	}
	if p, ok, err := programByName(ctx, st, communicationWeek23); err != nil {
		return nil, err
	} else if ok {
		s.CommunicationWeek2023Representatives = model.NewProgram(p, nil).Representatives
	}
	return s, nil
}

// provinceReach counts the mainland provinces among the non-empty province
// groups and says whether the XPCC is among them (one Nodes call).
func provinceReach(ctx context.Context, st kepu.Store, groups []kepu.Group) (mainland int, xpcc bool, err error) {
	var ids []string
	for _, g := range groups {
		if g.Key != "" {
			ids = append(ids, g.Key)
		}
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	provinces, err := st.Nodes(ctx, ids)
	if err != nil {
		return 0, false, err
	}
	for _, p := range provinces {
		if m, _ := p.Props.Bool("mainland"); m {
			mainland++
		}
		if p.Props.String("code") == xpccCode {
			xpcc = true
		}
	}
	return mainland, xpcc, nil
}

func nonEmpty(groups []kepu.Group) int {
	n := 0
	for _, g := range groups {
		if g.Key != "" && g.Count > 0 {
			n++
		}
	}
	return n
}

func sum(groups []kepu.Group, prop string) float64 {
	var t float64
	for _, g := range groups {
		t += g.Sums[prop]
	}
	return t
}

func programByName(ctx context.Context, st kepu.Store, name string) (kepu.Node, bool, error) {
	one := 1
	p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Program, Filter: kepu.C(kepu.PropName, kepu.Eq, name), Page: kepu.Page{First: &one}})
	if err != nil || len(p.Nodes) == 0 {
		return kepu.Node{}, false, err
	}
	return p.Nodes[0], true, nil
}

// WarmUp computes systemStats once through st and drops the result. A
// Neo4j server plans a statement on its first use and caches the plan; the
// 16 statements of a cold systemStats, planned one after the other, took
// past the 10 s request deadline under load. The server calls WarmUp in the
// background after it opens a Neo4j store, so that the first request finds
// the plans cached (docs/hardening.md, "systemStats on a cold Neo4j").
func WarmUp(ctx context.Context, st kepu.Store) error {
	_, err := systemStats(ctx, &Resolver{store: st})
	return err
}
