package embedded

import (
	"context"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// placeScan walks the nodes of label l once and calls fn with every node
// located in one of the places and the place (a node in a county of a
// prefecture asked for together with that county is passed once for each).
// want holds the places asked for; levels the place levels among them.
func (s *Store) placeScan(ctx context.Context, l kepu.Label, want map[string]bool, levels []kepu.Label, fn func(n *nodeRec, place string)) error {
	if len(want) == 0 {
		return nil
	}
	ev := &evaluator{st: s.st}
	for i, id := range s.st.byLabel[l] {
		if i%scanCheck == scanCheck-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n := s.st.nodes[id]
		loc, ok := ev.locate(n)
		if !ok {
			continue
		}
		for _, lvl := range levels {
			if pid := loc.At(lvl); pid != "" && want[pid] {
				fn(n, pid)
			}
		}
	}
	return nil
}

// placeSet returns the distinct places and the levels among them.
func placeSet(places []string) (map[string]bool, []kepu.Label) {
	want := make(map[string]bool, len(places))
	var levels []kepu.Label
	for _, id := range places {
		want[id] = true
		if l := kepu.LabelOf(id); !slices.Contains(levels, l) {
			levels = append(levels, l)
		}
	}
	return want, levels
}

// PlaceNodes answers q for every place (see kepu.Store) with one scan of
// the label's nodes: each node is located once and, when it matches the
// filter, added to the list of each place asked for that contains it. The
// lists come out of the scan in ID order, so only a list of another order
// is sorted, and only its own items. Cursors are those of FindNodes.
func (s *Store) PlaceNodes(ctx context.Context, places []string, q kepu.NodeQuery) (map[string]kepu.NodePage, error) {
	if err := validateNodeQuery(q.Label, q.Filter); err != nil {
		return nil, err
	}
	if err := kepu.ValidateOrder(q.Label, "", q.Order); err != nil {
		return nil, err
	}
	if err := kepu.ValidatePage(q.Page, 0); err != nil {
		return nil, err
	}
	if err := kepu.ValidatePlaces(places); err != nil {
		return nil, err
	}
	sig := kepu.OrderSignature("nodes:"+string(q.Label), q.Order)
	// Check the cursors even when there is no place to page.
	if _, _, _, err := window(nil, q.Order, sig, q.Page); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	want, levels := placeSet(places)
	lists := make(map[string][]item, len(want))
	ev := &evaluator{st: s.st}
	var last *nodeRec
	var lastItem item
	var lastMatch bool
	err := s.placeScan(ctx, q.Label, want, levels, func(n *nodeRec, pid string) {
		if n != last {
			last, lastMatch = n, ev.match(n, q.Filter)
			if lastMatch {
				lastItem = item{keys: keyValues(q.Order, n, nil), id: n.id, n: n}
			}
		}
		if lastMatch {
			lists[pid] = append(lists[pid], lastItem)
		}
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]kepu.NodePage, len(want))
	for pid := range want {
		items := lists[pid]
		sortScanned(items, q.Order) // the scan follows the per-label list
		win, hasNext, hasPrev, err := window(items, q.Order, sig, q.Page)
		if err != nil {
			return nil, err
		}
		out[pid] = nodePage(win, sig, hasNext, hasPrev)
	}
	return out, nil
}

// CountPlaceNodes counts the matching nodes of a label in every place (see
// kepu.Store) with one scan of the label's nodes.
func (s *Store) CountPlaceNodes(ctx context.Context, places []string, l kepu.Label, f *kepu.Filter) (map[string]int, error) {
	if err := validateNodeQuery(l, f); err != nil {
		return nil, err
	}
	if err := kepu.ValidatePlaces(places); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	want, levels := placeSet(places)
	out := make(map[string]int, len(want))
	for pid := range want {
		out[pid] = 0
	}
	ev := &evaluator{st: s.st}
	var last *nodeRec
	var lastMatch bool
	err := s.placeScan(ctx, l, want, levels, func(n *nodeRec, pid string) {
		if n != last {
			last, lastMatch = n, ev.match(n, f)
		}
		if lastMatch {
			out[pid]++
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
