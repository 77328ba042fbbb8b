package neo4jstore

import (
	"context"

	"github.com/kepugraph/kepugraph/kepu"
)

// walkPage is the number of nodes or edges a walk reads per query.
const walkPage = 1000

// WalkNodes calls fn with every node of l that matches f, in ID order, and
// its location (see kepu.Store): pages of FindNodes in ID order, each
// located with one Locate call. The nodes are the pages' own (decoded from
// the server's answer), so nothing is copied again.
func (s *Store) WalkNodes(ctx context.Context, l kepu.Label, f *kepu.Filter, fn func(n *kepu.Node, loc kepu.Location) error) error {
	first := walkPage
	after := ""
	for {
		page, err := s.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: f, Page: kepu.Page{First: &first, After: after}})
		if err != nil {
			return err
		}
		ids := make([]string, len(page.Nodes))
		for i, n := range page.Nodes {
			ids[i] = n.ID
		}
		locs, err := s.Locate(ctx, ids)
		if err != nil {
			return err
		}
		for i := range page.Nodes {
			if err := fn(&page.Nodes[i], locs[page.Nodes[i].ID]); err != nil {
				return err
			}
		}
		if !page.HasNext || len(page.Nodes) == 0 {
			return nil
		}
		after = page.Cursors[len(page.Cursors)-1]
	}
}

// WalkEdges calls fn with every edge of rel in (From, To) order (see
// kepu.Store): pages of Edges.
func (s *Store) WalkEdges(ctx context.Context, rel kepu.RelType, fn func(e *kepu.Edge) error) error {
	after := ""
	for {
		page, err := s.Edges(ctx, kepu.EdgeQuery{Rel: rel, First: walkPage, After: after})
		if err != nil {
			return err
		}
		for i := range page.Edges {
			if err := fn(&page.Edges[i]); err != nil {
				return err
			}
		}
		if !page.HasNext {
			return nil
		}
		after = page.EndCursor
	}
}
