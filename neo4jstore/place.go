package neo4jstore

import (
	"context"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// checkPlaceQuery validates the label, filter and places of a PlaceNodes or
// CountPlaceNodes call and returns the distinct places.
func checkPlaceQuery(places []string, l kepu.Label, f *kepu.Filter) ([]string, error) {
	if kepu.LookupLabel(l) == nil {
		return nil, kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(l)))
	}
	if err := kepu.ValidateFilter(l, f); err != nil {
		return nil, err
	}
	if err := kepu.ValidatePlaces(places); err != nil {
		return nil, err
	}
	return validIDs(places), nil
}

// PlaceNodes implements kepu.Store: one statement for all places. Its
// cursors are those of FindNodes (same scope and order signature).
func (s *Store) PlaceNodes(ctx context.Context, places []string, q kepu.NodeQuery) (map[string]kepu.NodePage, error) {
	distinct, err := checkPlaceQuery(places, q.Label, q.Filter)
	if err != nil {
		return nil, err
	}
	if err := kepu.ValidateOrder(q.Label, "", q.Order); err != nil {
		return nil, err
	}
	sig := kepu.OrderSignature(nodeScope(q.Label), q.Order)
	pl, err := makePlan(sig, q.Order, q.Page)
	if err != nil {
		return nil, err
	}
	out := make(map[string]kepu.NodePage, len(distinct))
	for _, id := range distinct {
		_, hasNext, hasPrev := trimPage(q.Page, 0)
		out[id] = kepu.NodePage{HasNext: hasNext, HasPrev: hasPrev}
	}
	if len(distinct) == 0 {
		return out, nil
	}
	st, err := buildPlaceNodes(distinct, q.Label, q.Filter, pl)
	if err != nil {
		return nil, err
	}
	labels := []kepu.Label{q.Label}
	proj := projectionOf(labels)
	recs, err := s.read(ctx, st)
	if err != nil {
		return nil, err
	}
	rows := byParent(recs)
	for pid, rs := range rows {
		if _, asked := out[pid]; !asked {
			continue
		}
		keep, hasNext, hasPrev := trimPage(q.Page, len(rs))
		page := kepu.NodePage{HasNext: hasNext, HasPrev: hasPrev}
		for _, r := range rs[:keep] {
			n, err := decodeNode(r.Values[1], proj)
			if err != nil {
				return nil, s.internalf("%v", err)
			}
			keys := cursorKeys(q.Order, r.Values[2:], labels, "")
			page.Nodes = append(page.Nodes, n)
			page.Cursors = append(page.Cursors, kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: n.ID}))
		}
		if pl.reverse {
			slices.Reverse(page.Nodes)
			slices.Reverse(page.Cursors)
		}
		out[pid] = page
	}
	return out, nil
}

// CountPlaceNodes implements kepu.Store: one statement for all places.
func (s *Store) CountPlaceNodes(ctx context.Context, places []string, l kepu.Label, f *kepu.Filter) (map[string]int, error) {
	distinct, err := checkPlaceQuery(places, l, f)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(distinct))
	for _, id := range distinct {
		out[id] = 0
	}
	if len(distinct) == 0 {
		return out, nil
	}
	st, err := buildCountPlaceNodes(distinct, l, f)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if pid, _ := r.Values[0].(string); pid != "" {
			if _, asked := out[pid]; asked {
				out[pid] = toInt(r.Values[1])
			}
		}
	}
	return out, nil
}
