package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The research fields: thin wrappers of package analysis.

var labelOfEnum = func() map[string]kepu.Label {
	m := map[string]kepu.Label{}
	for _, l := range kepu.Labels {
		m[spec.UpperSnake(string(l))] = l
	}
	return m
}()

func toLabels(in []string) ([]kepu.Label, error) {
	out := make([]kepu.Label, len(in))
	for i, s := range in {
		l, ok := labelOfEnum[s]
		if !ok {
			return nil, badInput("unknown label %q", s)
		}
		out[i] = l
	}
	return out, nil
}

func toRels(in []string) []kepu.RelType {
	out := make([]kepu.RelType, len(in))
	for i, s := range in {
		out[i] = kepu.RelType(s)
	}
	return out
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// relationships converts walked steps, with the nodes of their ends.
func relationships(steps []analysis.Step, nodes map[string]kepu.Node, places model.Places) []*model.Relationship {
	out := make([]*model.Relationship, len(steps))
	for i, s := range steps {
		out[i] = model.NewRelationship(s.Edge, s.Dir, nodes, places)
	}
	return out
}

func toPath(p analysis.Path, places model.Places) *model.Path {
	nodes := make(map[string]kepu.Node, len(p.Nodes))
	out := &model.Path{Length: p.Length(), Nodes: make([]model.Node, len(p.Nodes))}
	for i, n := range p.Nodes {
		nodes[n.ID] = n
		out.Nodes[i] = model.NewNode(n, places)
	}
	out.Relationships = relationships(p.Steps, nodes, places)
	return out
}

func pathQuery(field, from, to string, rels []string, maxHops *int) (analysis.PathQuery, error) {
	hops := intOr(maxHops, analysis.DefaultMaxHops)
	if err := checkArg(field, "maxHops", hops); err != nil {
		return analysis.PathQuery{}, err
	}
	f, err := kepu.ParseGlobalID(from)
	if err != nil {
		return analysis.PathQuery{}, err
	}
	t, err := kepu.ParseGlobalID(to)
	if err != nil {
		return analysis.PathQuery{}, err
	}
	return analysis.PathQuery{From: f, To: t, Rels: toRels(rels), MaxHops: hops}, nil
}

// shortestPaths answers shortestPaths (field) with first n, and
// shortestPath with n 1.
func shortestPaths(ctx context.Context, r *Resolver, field, from, to string, rels []string, maxHops *int, n int) ([]*model.Path, error) {
	if err := notEmpty("relationships", rels, "every type"); err != nil {
		return nil, err
	}
	q, err := pathQuery(field, from, to, rels, maxHops)
	if err != nil {
		return nil, err
	}
	// first: 0 searches as first: 1 does (the same errors for the same
	// arguments) and answers an empty list.
	q.Limit = max(n, 1)
	ld := r.loaders(ctx)
	ps, _, err := r.analyzer.ShortestPaths(ctx, ld.Store, q)
	if err != nil {
		return nil, err
	}
	ps = ps[:min(len(ps), n)]
	if len(ps) == 0 {
		// No path, or an end that does not exist: tell them apart.
		if err := analysis.RequireNodes(ctx, ld.Store, "from", q.From); err != nil {
			return nil, err
		}
		if err := analysis.RequireNodes(ctx, ld.Store, "to", q.To); err != nil {
			return nil, err
		}
	}
	out := make([]*model.Path, len(ps))
	for i, p := range ps {
		out[i] = toPath(p, ld)
	}
	return out, nil
}

func neighborhood(ctx context.Context, r *Resolver, id string, hops *int, rels, labels []string, limit *int) (*model.Subgraph, error) {
	h, lim := intOr(hops, 1), intOr(limit, analysis.DefaultHoodLimit)
	if err := checkArg("neighborhood", "hops", h); err != nil {
		return nil, err
	}
	if err := checkArg("neighborhood", "limit", lim); err != nil {
		return nil, err
	}
	if err := notEmpty("relationships", rels, "every type"); err != nil {
		return nil, err
	}
	if err := notEmpty("labels", labels, "every label"); err != nil {
		return nil, err
	}
	root, err := kepu.ParseGlobalID(id)
	if err != nil {
		return nil, err
	}
	ls, err := toLabels(labels)
	if err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	sg, err := r.analyzer.Neighborhood(ctx, ld.Store, analysis.HoodQuery{
		Root: root, Hops: h, Rels: toRels(rels), Labels: ls, Limit: lim})
	if err != nil {
		return nil, err
	}
	if len(sg.Nodes) == 0 {
		// The start node is always in its neighbourhood when it exists.
		return nil, kepu.Errorf(kepu.NotFound, "id: no node with ID %q", kepu.GlobalID(root))
	}
	out := &model.Subgraph{Truncated: sg.Truncated, Nodes: make([]model.Node, len(sg.Nodes))}
	nodes := make(map[string]kepu.Node, len(sg.Nodes))
	for i, n := range sg.Nodes {
		nodes[n.ID] = n
		out.Nodes[i] = model.NewNode(n, ld)
	}
	steps := make([]analysis.Step, len(sg.Edges))
	for i, e := range sg.Edges {
		steps[i] = analysis.Step{Edge: e, Dir: kepu.Out}
	}
	out.Relationships = relationships(steps, nodes, ld)
	return out, nil
}

func netSpec(labels, rels []string, projection, within *string) (analysis.NetSpec, error) {
	if err := notEmpty("labels", labels, "every label"); err != nil {
		return analysis.NetSpec{}, err
	}
	if err := notEmpty("relationships", rels, "every type"); err != nil {
		return analysis.NetSpec{}, err
	}
	ls, err := toLabels(labels)
	if err != nil {
		return analysis.NetSpec{}, err
	}
	s := analysis.NetSpec{Labels: ls, Rels: toRels(rels)}
	if within != nil {
		if s.Within, err = kepu.ParseGlobalID(*within); err != nil {
			return s, err
		}
	}
	if projection != nil {
		s.Projection = analysis.Projection(*projection)
	}
	return s, s.Validate()
}

func centrality(ctx context.Context, r *Resolver, algorithm string, labels, rels []string, projection, within *string, where map[string]any, first *int) ([]*model.ScoredNode, error) {
	n := listFirst(ctx, first, r.maxPageSize)
	if err := model.PageBound(r.maxPageSize).Check("first", n); err != nil {
		return nil, err
	}
	s, err := netSpec(labels, rels, projection, within)
	if err != nil {
		return nil, err
	}
	scores, err := r.analyzer.Centrality(ctx, s, algorithm)
	if err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	st := ld.Store
	var match map[string]bool
	if where != nil {
		if match, err = matching(ctx, st, scores, where); err != nil {
			return nil, err
		}
	}
	var ids []string
	var top []analysis.Scored
	for _, sc := range scores {
		if len(top) == n {
			break
		}
		if match != nil && !match[sc.ID] {
			continue
		}
		top = append(top, sc)
		ids = append(ids, sc.ID)
	}
	nodes, err := st.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ScoredNode, 0, len(top))
	for i, sc := range top {
		if nd, ok := nodes[sc.ID]; ok {
			out = append(out, &model.ScoredNode{Score: sc.Score, Rank: i + 1, Node: model.NewNode(nd, ld)})
		}
	}
	return out, nil
}

// matching returns the scored nodes that match a NodeWhere: one FindNodes
// per label (a label without a property the condition names matches none).
// maxOneOf is the most values an in condition takes (kepu.ValidateFilter).
const maxOneOf = 1000

func matching(ctx context.Context, st kepu.Store, scores []analysis.Scored, where map[string]any) (map[string]bool, error) {
	f, err := toFilter(mergedScope(kepu.Labels), where)
	if err != nil {
		return nil, err
	}
	byLabel := map[kepu.Label][]any{}
	for _, s := range scores {
		l := kepu.LabelOf(s.ID)
		byLabel[l] = append(byLabel[l], s.ID)
	}
	out := map[string]bool{}
	for _, l := range kepu.Labels {
		ids := byLabel[l]
		if len(ids) == 0 {
			continue
		}
		lf := f.Clone()
		if kepu.ValidateFilter(l, lf) != nil {
			continue // names a property the label does not have
		}
		// A filter's in takes at most maxOneOf values: the scored nodes
		// of a label are looked up in chunks.
		for chunk := range slices.Chunk(ids, maxOneOf) {
			page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: kepu.And(lf.Clone(), kepu.C(kepu.PropID, kepu.OneOf, chunk))})
			if err != nil {
				return nil, err
			}
			for _, n := range page.Nodes {
				out[n.ID] = true
			}
		}
	}
	return out, nil
}

// communityLists returns the identities of the list of communities and of
// the members of one for a partition's arguments (labels and relationship
// types as sets).
func communityLists(algorithm string, s analysis.NetSpec) (list, members model.RankList) {
	args := []string{algorithm, strings.Join(sortedSet(s.Labels), ","), strings.Join(sortedSet(s.Rels), ","), string(s.Projection), s.Within}
	list = model.NewRankList("communities", true, args...)
	members = model.NewRankList("members", false, args...)
	members.Anchored = true
	return list, members
}

// sortedSet returns the distinct values of a set argument as strings, in
// order.
func sortedSet[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func communities(ctx context.Context, r *Resolver, algorithm string, labels, rels []string, projection, within *string) (*model.CommunityPartition, error) {
	s, err := netSpec(labels, rels, projection, within)
	if err != nil {
		return nil, err
	}
	list, members := communityLists(algorithm, s)
	if err := checkRankPages(ctx, r.maxPageSize, map[string]model.RankList{"communities": list, "members": members}); err != nil {
		return nil, err
	}
	p, err := r.analyzer.Communities(ctx, s, algorithm)
	if err != nil {
		return nil, err
	}
	out := &model.CommunityPartition{Algorithm: algorithm, Modularity: p.Modularity, Count: len(p.Communities), NodeCount: p.Nodes,
		MaxPage: r.maxPageSize, CommunityList: list, MemberList: members}
	for i, c := range p.Communities {
		ml := members
		ml.Anchor = c[0]
		out.List = append(out.List, &model.Community{Index: i, Size: len(c), MemberIDs: c, MemberList: ml})
	}
	return out, nil
}

// communityMembers pages the members of a community, by ID. A cursor holds
// the community's first member when it was made (its anchor): a cursor
// whose anchor is not a member of c was made for another community
// (BAD_USER_INPUT).
func communityMembers(ctx context.Context, r *Resolver, c *model.Community, first *int, after *string) (*model.RankedNodeConnection, error) {
	l := c.MemberList
	p, err := model.CheckRankPage(l, first, after, r.maxPageSize)
	if err != nil {
		return nil, err
	}
	if p.After != nil {
		if _, ok := slices.BinarySearch(c.MemberIDs, p.After.Anchor); !ok {
			return nil, badInput("the cursor belongs to another community: it was made for the community of %s, which is not a member of this one", kepu.GlobalID(p.After.Anchor))
		}
	}
	start, end := p.Window(l, len(c.MemberIDs), func(i int) model.RankKey { return model.RankKey{ID: c.MemberIDs[i]} })
	ids := c.MemberIDs[start:end]
	ld := r.loaders(ctx)
	nodes, err := ld.Store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	items := make([]model.RankedItem, len(ids))
	for i, id := range ids {
		items[i] = model.RankedItem{Node: nodes[id]}
	}
	return model.RankedNodes(l, items, start, len(c.MemberIDs), ld), nil
}

func ranked(rs []analysis.Ranked) []model.RankedItem {
	out := make([]model.RankedItem, len(rs))
	for i, x := range rs {
		s := x.Score
		out[i] = model.RankedItem{Node: x.Node, Score: &s}
	}
	return out
}

// notEmpty refuses a list argument given empty where leaving it out means
// every value (labels, relationships: every label or type) and none
// answers nothing worth asking (a network, a walk or a path over no
// label or relationship type). An empty list read as a left-out one would
// answer for every value when the client asked for none (the kind of
// newcomer13's museumKinds: [] finding); museumKinds: [] reads as no kind
// instead, because coverage by programs alone is a question (kindsArg).
func notEmpty[S ~string](arg string, list []S, every string) error {
	if list != nil && len(list) == 0 {
		return &kepu.Error{Code: kepu.BadUserInput, Field: arg, Message: fmt.Sprintf("%s is empty: name at least one, or leave it out for %s", arg, every)}
	}
	return nil
}

// kindsArg is a museumKinds argument in a ranked list's identity (its
// cursors'): the kinds as a set, "" for null (every kind, as before), and
// "none" for an empty list (no kind), which a set would make null's.
func kindsArg(kinds []string) string {
	if kinds != nil && len(kinds) == 0 {
		return "none"
	}
	return strings.Join(sortedSet(kinds), ",")
}

func coverage(ctx context.Context, r *Resolver, level string, kinds, programs []string, within *string) (*model.Coverage, error) {
	l, ok := labelOfEnum[level]
	if !ok || !l.IsPlace() {
		return nil, badInput("unknown level %q", level)
	}
	// kinds: nil (left out or null) for every kind, empty for none (the
	// coverage of programs alone): analysis.CoverageQuery reads them so.
	q := analysis.CoverageQuery{Level: l, MuseumKinds: kinds}
	for _, p := range programs {
		id, err := kepu.ParseGlobalID(p)
		if err != nil {
			return nil, err
		}
		q.Programs = append(q.Programs, id)
	}
	if within != nil {
		id, err := kepu.ParseGlobalID(*within)
		if err != nil {
			return nil, err
		}
		q.Within = id
	}
	args := []string{string(l), kindsArg(kinds), strings.Join(sortedSet(q.Programs), ","), q.Within}
	covered, uncovered := model.NewRankList("coveredPlaces", false, args...), model.NewRankList("uncoveredPlaces", true, args...)
	if err := checkRankPages(ctx, r.maxPageSize, map[string]model.RankList{"coveredPlaces": covered, "uncoveredPlaces": uncovered}); err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	res, err := r.analyzer.Coverage(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &model.Coverage{Level: level, MaxPage: r.maxPageSize, Places: ld, Uncovered: ranked(res.Uncovered),
		Covered:     model.NewRatio(float64(len(res.Covered)), float64(len(res.Covered)+len(res.Uncovered))),
		CoveredList: covered, UncoveredList: uncovered}
	for _, n := range res.Covered {
		c.CoveredL = append(c.CoveredL, model.RankedItem{Node: n})
	}
	return c, nil
}

func optionalProvince(p *string) (string, error) {
	if p == nil {
		return "", nil
	}
	return kepu.ParseGlobalID(*p)
}

func schoolsWithoutLocalPartner(ctx context.Context, r *Resolver, province *string, first *int, after *string) (*model.RankedNodeConnection, error) {
	p, err := optionalProvince(province)
	if err != nil {
		return nil, err
	}
	// The page is checked before the store calls that rank the list.
	l := model.NewRankList("schoolsWithoutLocalPartner", true, p)
	pg, err := model.CheckRankPage(l, first, after, r.maxPageSize)
	if err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	rs, err := r.analyzer.SchoolsWithoutLocalPartner(ctx, p)
	if err != nil {
		return nil, err
	}
	return model.NewRankedNodeConnection(l, ranked(rs), pg, ld), nil
}

func museumsWithoutSchoolPartner(ctx context.Context, r *Resolver, province *string, kinds []string, first *int, after *string) (*model.RankedNodeConnection, error) {
	p, err := optionalProvince(province)
	if err != nil {
		return nil, err
	}
	// The page is checked before the store calls that rank the list.
	l := model.NewRankList("museumsWithoutSchoolPartner", true, p, kindsArg(kinds))
	pg, err := model.CheckRankPage(l, first, after, r.maxPageSize)
	if err != nil {
		return nil, err
	}
	ld := r.loaders(ctx)
	rs, err := r.analyzer.MuseumsWithoutSchoolPartner(ctx, p, kinds)
	if err != nil {
		return nil, err
	}
	return model.NewRankedNodeConnection(l, ranked(rs), pg, ld), nil
}

// checkRankPages checks the page arguments (first, after:
// model.CheckRankPage) of the ranked lists selected below the field being
// resolved, lists by field name: coverage's coveredPlaces and
// uncoveredPlaces, communities' communities and their members take their
// cursor on a field below the one whose store calls compute the list, and
// a bad cursor (or one of another list) is refused before those calls. The
// error is reported at the field that took the argument (its response
// path and location, the first item's below a list: …nodes.0.members), as
// that field's own resolver would; the fields between are non-null, so
// its null reaches the field being resolved either way.
func checkRankPages(ctx context.Context, max int, lists map[string]model.RankList) error {
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	var walk func(path ast.Path, fields []graphql.CollectedField) error
	walk = func(path ast.Path, fields []graphql.CollectedField) error {
		for _, f := range fields {
			if f.Definition == nil {
				continue
			}
			at := append(slices.Clip(path), ast.PathName(f.Alias))
			if t := f.Definition.Type.Name(); (t == "RankedNodeConnection" || t == "CommunityConnection") && f.Definition.Arguments.ForName("after") != nil {
				args := f.ArgumentMap(oc.Variables)
				var first *int
				if n, ok := wholeArg(args["first"]); ok {
					first = &n
				}
				var after *string
				if a, ok := args["after"].(string); ok {
					after = &a
				}
				l, ok := lists[f.Name]
				if !ok {
					return fmt.Errorf("checkRankPages: no list for field %s", f.Name)
				}
				if _, err := model.CheckRankPage(l, first, after, max); err != nil {
					e := &gqlerror.Error{Err: err, Message: err.Error(), Path: at}
					if f.Position != nil {
						e.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
					}
					return e
				}
			}
			if f.Definition.Type.Elem != nil {
				at = append(at, ast.PathIndex(0))
			}
			if err := walk(at, graphql.CollectFields(oc, f.Selections, nil)); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(graphql.GetPath(ctx), graphql.CollectFieldsCtx(ctx, nil))
}

// wholeArg reads an Int argument as ArgumentMap gives it (a literal or a
// variable's decoded value).
func wholeArg(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		return int(n), n == float64(int(n))
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
