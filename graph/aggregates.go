package graph

import (
	"context"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// counts answers <label>Counts: one Aggregate call, plus one Nodes call for
// the names of places when grouping by a place level.
func counts(ctx context.Context, r *Resolver, l kepu.Label, where map[string]any, groupBy string) ([]*model.CountGroup, error) {
	f, err := nodeFilter(l, where)
	if err != nil {
		return nil, err
	}
	_, table := spec.GroupByFields(l)
	by, ok := table[groupBy]
	if !ok {
		return nil, badInput("cannot group %s by %q", spec.Plural(l), groupBy)
	}
	st := r.loaders(ctx).Store
	groups, err := st.Aggregate(ctx, kepu.AggregateQuery{Label: l, Filter: f, GroupBy: by})
	if err != nil {
		return nil, err
	}
	out := make([]*model.CountGroup, len(groups))
	isPlace := kepu.Label(by).IsPlace()
	var ids []string
	for i, g := range groups {
		out[i] = &model.CountGroup{Key: g.Key, Label: g.Key, Count: g.Count}
		if isPlace && g.Key != "" {
			ids = append(ids, g.Key)
		}
	}
	if isPlace && len(ids) > 0 {
		places, err := st.Nodes(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, g := range out {
			if g.Key == "" {
				continue
			}
			if n, ok := places[g.Key]; ok {
				g.Label = n.Props.String(kepu.PropName)
			}
			g.Key = kepu.GlobalID(g.Key)
		}
	}
	return out, nil
}
