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
	// IDs are "<Label>:<key>": the order of the labels followed by a colon
	// is the order of their IDs.
	labels := slices.Clone(d.From)
	slices.SortFunc(labels, func(a, b kepu.Label) int { return strings.Compare(string(a)+":", string(b)+":") })
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
			es := s.st.nodes[id].edges(q.Rel, kepu.Out)
			if len(es) == 0 {
				continue
			}
			out = append(out[:0], es...)
			slices.SortFunc(out, func(a, b *edgeRec) int { return strings.Compare(a.to.id, b.to.id) })
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

// endPage sets the page's EndCursor.
func (s *Store) endPage(p kepu.EdgePage, sig string) kepu.EdgePage {
	if n := len(p.Edges); n > 0 {
		last := p.Edges[n-1]
		p.EndCursor = kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{last.From}, ID: last.To})
	}
	return p
}
