package graph

import (
	"context"

	"github.com/kepugraph/kepugraph/graph/internal/spec"
	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/kepu"
)

// search answers the search field: one Store.Search call. first defaults
// to the maximum page size and may not exceed it (BAD_USER_INPUT).
func search(ctx context.Context, r *Resolver, text string, labels []string, first *int, after *string) (*model.SearchConnection, error) {
	q := kepu.SearchQuery{Text: text, First: r.maxPageSize}
	if first != nil {
		if err := model.CheckPage(first, nil, r.maxPageSize); err != nil {
			return nil, err
		}
		q.First = *first
	}
	if err := notEmpty("labels", labels, "every label"); err != nil {
		return nil, err
	}
	for _, v := range labels {
		l, ok := spec.LabelOfEnum(v)
		if !ok {
			return nil, badInput("unknown label %q", v)
		}
		q.Labels = append(q.Labels, l)
	}
	if after != nil && *after == "" {
		return nil, kepu.EmptyCursor("after")
	}
	if after != nil {
		// Checked before the store call (the store checks it too).
		q.After = *after
		if _, _, err := kepu.DecodeSearchCursor(q); err != nil {
			return nil, err
		}
	}
	ld := r.loaders(ctx)
	page, err := ld.Store.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &model.SearchConnection{Edges: []*model.SearchEdge{}, Nodes: []model.Node{}, TotalCount: page.Total}
	cursors := make([]string, 0, len(page.Hits))
	hits := make([]kepu.Node, len(page.Hits))
	for i, h := range page.Hits {
		hits[i] = h.Node
	}
	r.prefetchField(ctx, ld, hits, "Search")
	for _, h := range page.Hits {
		n := model.NewNode(h.Node, ld)
		c.Nodes = append(c.Nodes, n)
		c.Edges = append(c.Edges, &model.SearchEdge{Cursor: h.Cursor, Score: h.Score, Node: n})
		cursors = append(cursors, h.Cursor)
	}
	c.PageInfo = pageInfo(cursors, page.HasNext, page.HasPrev)
	return c, nil
}
