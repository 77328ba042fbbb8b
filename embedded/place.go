package embedded

import (
	"context"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// placeScan calls fn with every node of label l located in one of the
// places (want) and the place: a node in a county of a prefecture asked for
// together with that county is passed once for each. It walks down the
// hierarchy from each place (see walkDown), so its cost grows with the
// nodes in the places, not with the label; each node found is located to
// check that its place at the level is the one asked for.
func (s *Store) placeScan(ctx context.Context, l kepu.Label, want map[string]bool, fn func(n *nodeRec, place string)) error {
	ev := &evaluator{st: s.st}
	for pid := range want {
		p := s.st.nodes[pid]
		if p == nil {
			continue
		}
		level := kepu.LabelOf(pid)
		seen := map[*nodeRec]struct{}{}
		err := s.walkDown(ctx, p, l, func(n *nodeRec) bool {
			if _, dup := seen[n]; dup {
				return true
			}
			seen[n] = struct{}{}
			if loc, ok := ev.locate(n); ok && loc.At(level) == pid {
				fn(n, pid)
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// placeSet returns the distinct places.
func placeSet(places []string) map[string]bool {
	want := make(map[string]bool, len(places))
	for _, id := range places {
		want[id] = true
	}
	return want
}

// PlaceNodes answers q for every place (see kepu.Store) by walking down
// from each place (see placeScan): each node found that matches the filter
// is added to the place's list, and each list is sorted and windowed.
// Cursors are those of FindNodes. Every page is counted.
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
	want := placeSet(places)
	lists := make(map[string][]item, len(want))
	ev := &evaluator{st: s.st}
	var last *nodeRec
	var lastItem item
	var lastMatch bool
	err := s.placeScan(ctx, q.Label, want, func(n *nodeRec, pid string) {
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
		slices.SortFunc(items, func(a, b item) int { return compareItems(q.Order, a.keys, a.id, b.keys, b.id) })
		win, hasNext, hasPrev, err := window(items, q.Order, sig, q.Page)
		if err != nil {
			return nil, err
		}
		out[pid] = withTotal(nodePage(win, sig, hasNext, hasPrev), len(items))
	}
	return out, nil
}

// CountPlaceNodes counts the matching nodes of a label in every place (see
// kepu.Store), walking down from each place (see placeScan).
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
	want := placeSet(places)
	out := make(map[string]int, len(want))
	for pid := range want {
		out[pid] = 0
	}
	ev := &evaluator{st: s.st}
	var last *nodeRec
	var lastMatch bool
	err := s.placeScan(ctx, l, want, func(n *nodeRec, pid string) {
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
