package analysis

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// CoverageQuery asks which places of a level are covered.
type CoverageQuery struct {
	Level kepu.Label // Province, Prefecture or County
	// MuseumKinds are the values of Museum.kind whose museums cover a
	// place: nil for every kind, an empty (non-nil) list for none (the
	// coverage of Programs alone), as GraphQL's null and [].
	MuseumKinds []string
	Programs    []string // Program node IDs
	Within      string   // a place ID above Level; "" for the whole country
}

// Ranked is a node of a ranked list with what the ranking counts.
type Ranked struct {
	Node  kepu.Node
	Score float64
}

// CoverageResult lists the places of a level, covered and not.
type CoverageResult struct {
	Covered   []kepu.Node // by ID
	Uncovered []Ranked    // the most schools first (Score), then by ID
}

// Coverage computes which places of q.Level (within q.Within) are covered:
// a place is covered when a museum of one of q.MuseumKinds (nil: of any
// kind; empty: no museum) is located in it (Location at the level), or
// covers it or a place inside it (COVERS), or when one of q.Programs
// covers it or a place inside it or is held there (HELD_AT a place inside
// it or a museum located in it). With no kind and no program, no place is
// covered (every place of the level is in Uncovered). Every figure is
// computed from the graph through the store (FindNodes, CountPlaceNodes,
// Neighbors, Locate), reading only the places of the level within
// q.Within, the places inside them and their neighbours. Errors: BadUserInput for a level
// that is no place level, a Within that is no place above it, an unknown
// kind or a program ID of another label; NotFound when Within or a program
// names no node.
func Coverage(ctx context.Context, st kepu.Store, q CoverageQuery) (*CoverageResult, error) {
	if !q.Level.IsPlace() {
		return nil, kepu.Errorf(kepu.BadUserInput, "%q is not a place level", q.Level)
	}
	var within *kepu.Filter
	if q.Within != "" {
		wl := kepu.LabelOf(q.Within)
		if !wl.IsPlace() || slices.Index(kepu.PlaceLabels, wl) >= slices.Index(kepu.PlaceLabels, q.Level) {
			return nil, kepu.Errorf(kepu.BadUserInput, "within: ID %q is %s; within must be a place above the level %s", clientID(q.Within), labelsOwn(q.Within), q.Level)
		}
		within = kepu.InPlace(q.Within)
	}
	for _, k := range q.MuseumKinds {
		if !slices.Contains(kepu.MuseumKinds, k) {
			return nil, kepu.Errorf(kepu.BadUserInput, "unknown museum kind %q", k)
		}
	}
	for _, p := range q.Programs {
		if kepu.LabelOf(p) != kepu.Program {
			return nil, kepu.Errorf(kepu.BadUserInput, "programs: ID %q is %s, not a Program's", clientID(p), labelsOwn(p))
		}
	}
	if err := RequireNodes(ctx, st, "within", q.Within); err != nil {
		return nil, err
	}
	if err := RequireNodes(ctx, st, "programs", q.Programs...); err != nil {
		return nil, err
	}
	museums := q.MuseumKinds == nil || len(q.MuseumKinds) > 0 // some museum covers
	var kinds *kepu.Filter
	if len(q.MuseumKinds) > 0 {
		vals := make([]any, len(q.MuseumKinds))
		for i, k := range q.MuseumKinds {
			vals[i] = k
		}
		kinds = kepu.C("kind", kepu.OneOf, vals)
	}
	places, err := st.FindNodes(ctx, kepu.NodeQuery{Label: q.Level, Filter: within})
	if err != nil {
		return nil, err
	}
	// Every read below is of the places asked about (and the places inside
	// them), never of every museum of the graph: on Neo4j a read of a whole
	// label costs its size in db hits and rows over Bolt.
	ids := make([]string, len(places.Nodes))
	for i, p := range places.Nodes {
		ids[i] = p.ID
	}
	covered := map[string]bool{}
	var reached []string
	if museums {
		if reached, err = coverByMuseums(ctx, st, q, ids, within, kinds, covered); err != nil {
			return nil, err
		}
	}
	reach := func(ids []string, rel kepu.RelType) error {
		if len(ids) == 0 {
			return nil
		}
		res, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: rel, Dir: kepu.Out})
		if err != nil {
			return err
		}
		for _, p := range res {
			for _, it := range p.Items {
				reached = append(reached, it.Node.ID)
			}
		}
		return nil
	}
	if err := reach(q.Programs, kepu.Covers); err != nil {
		return nil, err
	}
	if err := reach(q.Programs, kepu.HeldAt); err != nil {
		return nil, err
	}
	if len(reached) > 0 {
		slices.Sort(reached)
		reached = slices.Compact(reached)
		locs, err := st.Locate(ctx, reached)
		if err != nil {
			return nil, err
		}
		for _, loc := range locs {
			if id := loc.At(q.Level); id != "" {
				covered[id] = true
			}
		}
	}
	out := &CoverageResult{}
	var unc []string
	for _, p := range places.Nodes {
		if covered[p.ID] {
			out.Covered = append(out.Covered, p)
		} else {
			unc = append(unc, p.ID)
			out.Uncovered = append(out.Uncovered, Ranked{Node: p})
		}
	}
	if len(unc) > 0 {
		schools, err := st.CountPlaceNodes(ctx, unc, kepu.School, nil)
		if err != nil {
			return nil, err
		}
		for i := range out.Uncovered {
			out.Uncovered[i].Score = float64(schools[out.Uncovered[i].Node.ID])
		}
	}
	slices.SortFunc(out.Covered, func(a, b kepu.Node) int { return cmp.Compare(a.ID, b.ID) })
	sortRanked(out.Uncovered)
	return out, nil
}

// coverByMuseums marks in covered the places of ids (of q.Level) where a
// museum of kinds (the filter of q.MuseumKinds; nil: any) is located, and
// returns the places of the level and of the levels below (within the
// filter within) that such a museum COVERS, for Coverage to locate.
func coverByMuseums(ctx context.Context, st kepu.Store, q CoverageQuery, ids []string, within, kinds *kepu.Filter, covered map[string]bool) ([]string, error) {
	if len(ids) > 0 {
		located, err := st.CountPlaceNodes(ctx, ids, kepu.Museum, kinds)
		if err != nil {
			return nil, err
		}
		for id, n := range located {
			if n > 0 {
				covered[id] = true
			}
		}
	}
	// A museum covers a place when it COVERS the place or one inside it:
	// the places of the level and of the levels below, within q.Within.
	scope := slices.Clone(ids)
	for _, l := range kepu.PlaceLabels[slices.Index(kepu.PlaceLabels, q.Level)+1:] {
		inside, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: within})
		if err != nil {
			return nil, err
		}
		for _, n := range inside.Nodes {
			scope = append(scope, n.ID)
		}
	}
	var reached []string
	if len(scope) > 0 {
		res, err := st.Neighbors(ctx, scope, kepu.NeighborQuery{Rel: kepu.Covers, Dir: kepu.In})
		if err != nil {
			return nil, err
		}
		for id, p := range res {
			for _, it := range p.Items {
				if museumOfKinds(it.Node, q.MuseumKinds) {
					reached = append(reached, id)
					break
				}
			}
		}
	}
	return reached, nil
}

// museumOfKinds reports whether n is a museum of one of kinds (of any kind
// when kinds is nil or empty: Coverage reads no museum for a non-nil empty
// kinds).
func museumOfKinds(n kepu.Node, kinds []string) bool {
	if kepu.LabelOf(n.ID) != kepu.Museum {
		return false
	}
	if len(kinds) == 0 {
		return true
	}
	k, _ := n.Props["kind"].(string)
	return slices.Contains(kinds, k)
}

func sortRanked(r []Ranked) {
	slices.SortFunc(r, func(a, b Ranked) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Node.ID, b.Node.ID)) })
}

// area is the prefecture of a location, or its province when it has none
// (municipalities).
func area(loc kepu.Location) string {
	if loc.Prefecture != "" {
		return loc.Prefecture
	}
	return loc.Province
}

// countByArea counts the nodes of l whose area (see area) is one of
// areas: per prefecture the nodes located in it, per province the nodes
// located in it without a prefecture. Two CountPlaceNodes calls, of the
// areas asked only (a whole-label Aggregate grouped by place costs the
// label's size on Neo4j).
func countByArea(ctx context.Context, st kepu.Store, l kepu.Label, areas []string) (map[string]int, error) {
	var prefs, provs []string
	for _, a := range areas {
		switch kepu.LabelOf(a) {
		case kepu.Prefecture:
			prefs = append(prefs, a)
		case kepu.Province:
			provs = append(provs, a)
		}
	}
	out := map[string]int{}
	if len(prefs) > 0 {
		slices.Sort(prefs)
		n, err := st.CountPlaceNodes(ctx, slices.Compact(prefs), l, nil)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, n)
	}
	if len(provs) > 0 {
		slices.Sort(provs)
		noPref := &kepu.Filter{Not: &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Prefecture}}}
		n, err := st.CountPlaceNodes(ctx, slices.Compact(provs), l, noPref)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, n)
	}
	return out, nil
}

func provinceFilter(ctx context.Context, st kepu.Store, province string) (*kepu.Filter, error) {
	if province == "" {
		return nil, nil
	}
	if kepu.LabelOf(province) != kepu.Province {
		return nil, kepu.Errorf(kepu.BadUserInput, "province: ID %q is %s, not a Province's", clientID(province), labelsOwn(province))
	}
	if err := RequireNodes(ctx, st, "province", province); err != nil {
		return nil, err
	}
	return kepu.InPlace(province), nil
}

// SchoolsWithoutLocalPartner lists the schools (of one province when
// province is set) that have no museum partner located in their own
// prefecture (their province, for schools without one), ranked by the
// number of museums located there (Score), most first, then by ID.
// Errors: BadUserInput when province is not a province's ID, NotFound when
// it names no node.
func SchoolsWithoutLocalPartner(ctx context.Context, st kepu.Store, province string) ([]Ranked, error) {
	pf, err := provinceFilter(ctx, st, province)
	if err != nil {
		return nil, err
	}
	schools, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.School, Filter: pf})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(schools.Nodes))
	for i, n := range schools.Nodes {
		ids[i] = n.ID
	}
	partners, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In})
	if err != nil {
		return nil, err
	}
	all := slices.Clone(ids)
	for _, p := range partners {
		for _, it := range p.Items {
			all = append(all, it.Node.ID)
		}
	}
	slices.Sort(all)
	locs, err := st.Locate(ctx, slices.Compact(all))
	if err != nil {
		return nil, err
	}
	areas := make([]string, len(schools.Nodes))
	for i, s := range schools.Nodes {
		areas[i] = area(locs[s.ID])
	}
	museums, err := countByArea(ctx, st, kepu.Museum, areas)
	if err != nil {
		return nil, err
	}
	var out []Ranked
	for _, s := range schools.Nodes {
		a := area(locs[s.ID])
		local := false
		for _, it := range partners[s.ID].Items {
			if a != "" && area(locs[it.Node.ID]) == a {
				local = true
				break
			}
		}
		if !local {
			out = append(out, Ranked{Node: s, Score: float64(museums[a])})
		}
	}
	sortRanked(out)
	return out, nil
}

// MuseumsWithoutSchoolPartner lists the museums of the given kinds (nil:
// every kind; an empty, non-nil list: none, so the list is empty, as
// GraphQL's null and []; of one province when province is set) that have
// no school partner, ranked by the number of schools located in their
// prefecture (or province, without one) (Score), most first, then by ID.
// Errors as SchoolsWithoutLocalPartner's (checked for an empty kinds
// too), and BadUserInput for an unknown kind.
func MuseumsWithoutSchoolPartner(ctx context.Context, st kepu.Store, province string, kinds []string) ([]Ranked, error) {
	pf, err := provinceFilter(ctx, st, province)
	if err != nil {
		return nil, err
	}
	if kinds != nil && len(kinds) == 0 {
		return nil, nil
	}
	var kf *kepu.Filter
	if len(kinds) > 0 {
		vals := make([]any, len(kinds))
		for i, k := range kinds {
			if !slices.Contains(kepu.MuseumKinds, k) {
				return nil, kepu.Errorf(kepu.BadUserInput, "unknown museum kind %q", k)
			}
			vals[i] = k
		}
		kf = kepu.C("kind", kepu.OneOf, vals)
	}
	none := &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.Out, Quant: kepu.None}}
	museums, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.And(pf, kf, none)})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(museums.Nodes))
	for i, n := range museums.Nodes {
		ids[i] = n.ID
	}
	locs, err := st.Locate(ctx, ids)
	if err != nil {
		return nil, err
	}
	areas := make([]string, len(ids))
	for i, id := range ids {
		areas[i] = area(locs[id])
	}
	schools, err := countByArea(ctx, st, kepu.School, areas)
	if err != nil {
		return nil, err
	}
	out := make([]Ranked, len(museums.Nodes))
	for i, m := range museums.Nodes {
		out[i] = Ranked{Node: m, Score: float64(schools[area(locs[m.ID])])}
	}
	sortRanked(out)
	return out, nil
}

// Coverage returns Coverage of the analyzer's store at the current graph
// version, cached as the network measures are (one computation per version
// and query, shared by concurrent callers; errors not cached). It does not
// wait for one of the Slots: it is store reads, not CPU.
func (a *Analyzer) Coverage(ctx context.Context, q CoverageQuery) (*CoverageResult, error) {
	key := "coverage|" + string(q.Level) + "|" + kindsKey(q.MuseumKinds) + "|" + setKey(q.Programs) + "|" + q.Within
	v, err := a.memoSlot(ctx, key, false, func(ctx context.Context) (any, error) { return Coverage(ctx, a.Store, q) })
	if err != nil {
		return nil, err
	}
	return v.(*CoverageResult), nil
}

// SchoolsWithoutLocalPartner returns SchoolsWithoutLocalPartner of the
// analyzer's store, cached as Coverage is.
func (a *Analyzer) SchoolsWithoutLocalPartner(ctx context.Context, province string) ([]Ranked, error) {
	v, err := a.memoSlot(ctx, "schoolsWithoutLocalPartner|"+province, false, func(ctx context.Context) (any, error) {
		return SchoolsWithoutLocalPartner(ctx, a.Store, province)
	})
	if err != nil {
		return nil, err
	}
	return v.([]Ranked), nil
}

// MuseumsWithoutSchoolPartner returns MuseumsWithoutSchoolPartner of the
// analyzer's store, cached as Coverage is.
func (a *Analyzer) MuseumsWithoutSchoolPartner(ctx context.Context, province string, kinds []string) ([]Ranked, error) {
	v, err := a.memoSlot(ctx, "museumsWithoutSchoolPartner|"+province+"|"+kindsKey(kinds), false, func(ctx context.Context) (any, error) {
		return MuseumsWithoutSchoolPartner(ctx, a.Store, province, kinds)
	})
	if err != nil {
		return nil, err
	}
	return v.([]Ranked), nil
}

// kindsKey is a list of museum kinds as a cache key: setKey's, but "none"
// for an empty, non-nil list (no kind), which setKey would make the key of
// nil (every kind).
func kindsKey(kinds []string) string {
	if kinds != nil && len(kinds) == 0 {
		return "none"
	}
	return setKey(kinds)
}

// setKey is a set of strings as a cache key: sorted, without repeats.
func setKey(xs []string) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}
