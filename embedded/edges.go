package embedded

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// Edges returns one page of the edges of a type in (From, To) order (see
// kepu.Store). It walks the sorted ID lists of the type's From labels, in
// the order of their IDs, from the cursor's From node.
func (s *Store) Edges(ctx context.Context, q kepu.EdgeQuery) (kepu.EdgePage, error) {
	afterFrom, afterTo, err := q.Start()
	if err != nil {
		return kepu.EdgePage{}, err
	}
	d := kepu.LookupRel(q.Rel)
	if err := s.rlock(ctx); err != nil {
		return kepu.EdgePage{}, err
	}
	defer s.mu.RUnlock()
	labels := fromLabelsInIDOrder(d.From)
	var page kepu.EdgePage
	var out []*edgeRec
	scanned := 0
	for _, l := range labels {
		ids := s.st.byLabel[l]
		start := 0
		if afterFrom != "" {
			start = sort.SearchStrings(ids, afterFrom)
		}
		for _, id := range ids[start:] {
			if scanned++; scanned%scanCheck == 0 {
				if err := ctx.Err(); err != nil {
					return kepu.EdgePage{}, err
				}
			}
			out = outByTo(out, s.st.nodes[id], q.Rel)
			for _, e := range out {
				if id == afterFrom && e.to.id <= afterTo {
					continue
				}
				if len(page.Edges) == q.First {
					page.HasNext = true
					return s.endPage(page, kepu.EdgeCursorScope(q.Rel)), nil
				}
				page.Edges = append(page.Edges, e.edge())
			}
		}
	}
	return s.endPage(page, kepu.EdgeCursorScope(q.Rel)), nil
}

// fromLabelsInIDOrder returns the From labels of a relationship type in
// the order of their nodes' IDs: IDs are "<Label>:<key>", so the order of
// the labels followed by a colon is the order of their IDs.
func fromLabelsInIDOrder(from []kepu.Label) []kepu.Label {
	labels := slices.Clone(from)
	slices.SortFunc(labels, func(a, b kepu.Label) int { return strings.Compare(string(a)+":", string(b)+":") })
	return labels
}

// outByTo returns, in dst's storage, n's outgoing edges of rel sorted by
// their To IDs: the order of a From node's edges in Edges and WalkEdges.
func outByTo(dst []*edgeRec, n *nodeRec, rel kepu.RelType) []*edgeRec {
	dst = append(dst[:0], n.edges(rel, kepu.Out)...)
	slices.SortFunc(dst, func(a, b *edgeRec) int { return strings.Compare(a.to.id, b.to.id) })
	return dst
}

// endPage sets the page's EndCursor.
func (s *Store) endPage(p kepu.EdgePage, sig string) kepu.EdgePage {
	if n := len(p.Edges); n > 0 {
		last := p.Edges[n-1]
		p.EndCursor = kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{last.From}, ID: last.To})
	}
	return p
}
