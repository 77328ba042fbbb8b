package neo4jstore

import (
	"context"
	"maps"
	"slices"
	"sort"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Cursor scopes: a cursor of one list is rejected by another.
func nodeScope(l kepu.Label) string { return "nodes:" + string(l) }

func neighborScope(t kepu.RelType, dir kepu.Direction) string {
	return "neighbors:" + string(t) + ":" + dir.String()
}

// makePlan checks a page and decodes its cursors.
func makePlan(sig string, order []kepu.OrderKey, p kepu.Page) (listPlan, error) {
	if err := kepu.ValidatePage(p, 0); err != nil {
		return listPlan{}, err
	}
	pl := listPlan{order: order, limit: -1}
	if p.After != "" {
		c, err := kepu.DecodeCursor(sig, len(order), p.After)
		if err != nil {
			return listPlan{}, err
		}
		pl.after = &c
	}
	if p.Before != "" {
		c, err := kepu.DecodeCursor(sig, len(order), p.Before)
		if err != nil {
			return listPlan{}, err
		}
		pl.before = &c
	}
	switch {
	case p.First != nil:
		pl.limit = *p.First + 1
	case p.Last != nil:
		pl.limit = *p.Last + 1
		pl.reverse = true
	}
	return pl, nil
}

// cursorKeys converts the sort values of a row to cursor values.
func cursorKeys(order []kepu.OrderKey, vals []any, nodeLabels []kepu.Label, rel kepu.RelType) []any {
	out := make([]any, len(order))
	for i, k := range order {
		v := vals[i]
		switch {
		case k.Count != nil || v == nil:
		case k.Edge:
			if d, _ := edgeProps(rel)(k.Prop); d != nil {
				v, _ = decodeValue(d, v)
			}
		default:
			if d, _ := nodeProps(nodeLabels)(k.Prop); d != nil {
				v, _ = decodeValue(d, v)
			}
		}
		out[i] = v
	}
	return out
}

// trimPage cuts the extra row of a page read with limit n+1 and sets the
// page flags. n is the number of rows read; it returns how many to keep.
func trimPage(p kepu.Page, n int) (keep int, hasNext, hasPrev bool) {
	keep = n
	hasNext, hasPrev = p.Before != "", p.After != ""
	switch {
	case p.First != nil:
		hasNext = n > *p.First
		keep = min(n, *p.First)
	case p.Last != nil:
		hasPrev = n > *p.Last
		keep = min(n, *p.Last)
	}
	return keep, hasNext, hasPrev
}

// FindNodes implements kepu.Store.
func (s *Store) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	if kepu.LookupLabel(q.Label) == nil {
		return kepu.NodePage{}, kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(q.Label)))
	}
	if err := kepu.ValidateFilter(q.Label, q.Filter); err != nil {
		return kepu.NodePage{}, err
	}
	if err := kepu.ValidateOrder(q.Label, "", q.Order); err != nil {
		return kepu.NodePage{}, err
	}
	sig := kepu.OrderSignature(nodeScope(q.Label), q.Order)
	pl, err := makePlan(sig, q.Order, q.Page)
	if err != nil {
		return kepu.NodePage{}, err
	}
	rows, keyed, err := s.findNodes(ctx, q, pl)
	if err != nil {
		return kepu.NodePage{}, err
	}
	labels := []kepu.Label{q.Label}
	proj := projectionOf(labels)
	keep, hasNext, hasPrev := trimPage(q.Page, len(rows))
	page := kepu.NodePage{HasNext: hasNext, HasPrev: hasPrev, Nodes: make([]kepu.Node, 0, keep)}
	curs := make([]kepu.Cursor, 0, keep)
	for _, r := range rows[:keep] {
		row, _ := r.([]any)
		nv, keyVals := any(row), []any(nil)
		if keyed && len(row) > 0 {
			nv, keyVals = row[0], row[1:]
		}
		n, err := decodeNode(nv, proj)
		if err != nil {
			return kepu.NodePage{}, s.internalf("%v", err)
		}
		var keys []any
		if keyed {
			keys = cursorKeys(q.Order, keyVals, labels, "")
		} else {
			keys = nodeKeys(q.Order, n)
		}
		page.Nodes = append(page.Nodes, n)
		curs = append(curs, kepu.Cursor{Keys: keys, ID: n.ID})
	}
	// One encoding pass for the page's cursors (a few allocations for
	// the whole list, not a few per node).
	page.Cursors = kepu.EncodeCursors(sig, len(curs), func(i int) kepu.Cursor { return curs[i] })
	if pl.reverse {
		slices.Reverse(page.Nodes)
		slices.Reverse(page.Cursors)
	}
	return page, nil
}

// nodeKeys returns the cursor values of an order of node properties
// (no relationship count, no edge property) from the node itself.
func nodeKeys(order []kepu.OrderKey, n kepu.Node) []any {
	out := make([]any, len(order))
	for i, k := range order {
		if k.Prop == kepu.PropID {
			out[i] = n.ID
		} else {
			out[i] = n.Props[k.Prop]
		}
	}
	return out
}

// findNodes reads the rows of a node list, in order: the segments of its
// order (buildFindSegments; each row a node as nodeReturn returns it),
// statement after statement until the page is full (most pages: one
// statement), or one statement that sorts the matches (buildFindNodes;
// keyed: each row a list of the node and its sort values).
func (s *Store) findNodes(ctx context.Context, q kepu.NodeQuery, pl listPlan) (rows []any, keyed bool, err error) {
	segs, ok, err := buildFindSegments(q.Label, q.Filter, pl)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		st, err := buildFindNodes(q.Label, q.Filter, pl)
		if err != nil {
			return nil, false, err
		}
		rows, err := s.readRows(ctx, st)
		return rows, true, err
	}
	for _, st := range segs {
		if pl.limit >= 0 {
			if len(rows) >= pl.limit {
				break
			}
			params := maps.Clone(st.Params)
			params["limit"] = int64(pl.limit - len(rows))
			st.Params = params
		}
		got, err := s.readRows(ctx, st)
		if err != nil {
			return nil, false, err
		}
		rows = append(rows, got...)
	}
	if pl.limit >= 0 && len(rows) > pl.limit {
		rows = rows[:pl.limit]
	}
	return rows, false, nil
}

// readRows runs a statement that returns one record whose first value is
// a list of rows, and returns the rows.
func (s *Store) readRows(ctx context.Context, st stmt) ([]any, error) {
	recs, err := s.read(ctx, st)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	rows, _ := recs[0].Values[0].([]any)
	return rows, nil
}

// CountNodes implements kepu.Store.
func (s *Store) CountNodes(ctx context.Context, l kepu.Label, f *kepu.Filter) (int, error) {
	if kepu.LookupLabel(l) == nil {
		return 0, kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(l)))
	}
	if err := kepu.ValidateFilter(l, f); err != nil {
		return 0, err
	}
	st, err := buildCountNodes(l, f)
	if err != nil {
		return 0, err
	}
	recs, err := s.read(ctx, st)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	return toInt(recs[0].Values[0]), nil
}

// checkNeighborQuery validates the relationship, direction and filters of a
// neighbor query (normalizing filter values in place).
func checkNeighborQuery(q kepu.NeighborQuery) (*kepu.RelDef, error) {
	d := kepu.LookupRel(q.Rel)
	if d == nil {
		return nil, kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", trunc(string(q.Rel)))
	}
	if q.Dir != kepu.Out && q.Dir != kepu.In {
		return nil, kepu.Errorf(kepu.BadUserInput, "relationship direction must be OUT or IN")
	}
	near := d.From
	if q.Dir == kepu.In {
		near = d.To
	}
	// Validating a relationship condition from a near label checks the
	// edge filter against the type and the node filter against every label
	// at the far end, as the registry allows.
	probe := &kepu.Filter{Rel: &kepu.RelCond{Rel: q.Rel, Dir: q.Dir, Quant: kepu.Some, Node: q.NodeFilter, Edge: q.EdgeFilter}}
	if err := kepu.ValidateFilter(near[0], probe); err != nil {
		return nil, err
	}
	return d, nil
}

// validateOrderAny accepts an order that is valid for at least one of labels.
func validateOrderAny(labels []kepu.Label, rel kepu.RelType, order []kepu.OrderKey) error {
	var first error
	for _, l := range labels {
		err := kepu.ValidateOrder(l, rel, order)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// Neighbors implements kepu.Store: one statement for all ids.
func (s *Store) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	d, err := checkNeighborQuery(q)
	if err != nil {
		return nil, err
	}
	far := farLabels(d, q.Dir)
	if err := validateOrderAny(far, q.Rel, q.Order); err != nil {
		return nil, err
	}
	sig := kepu.OrderSignature(neighborScope(q.Rel, q.Dir), q.Order)
	pl, err := makePlan(sig, q.Order, q.Page)
	if err != nil {
		return nil, err
	}
	valid := validIDs(ids)
	proj := projectionOf(far)
	out := make(map[string]kepu.NeighborPage, len(ids))
	for _, id := range ids {
		_, hasNext, hasPrev := trimPage(q.Page, 0)
		out[id] = kepu.NeighborPage{HasNext: hasNext, HasPrev: hasPrev}
	}
	if len(valid) == 0 {
		return out, nil
	}
	st, err := buildNeighbors(valid, q, pl)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		pid, _ := r.Values[0].(string)
		items, _ := r.Values[1].([]any)
		if len(items) == 0 {
			continue
		}
		keep, hasNext, hasPrev := trimPage(q.Page, len(items))
		page := kepu.NeighborPage{HasNext: hasNext, HasPrev: hasPrev, Items: make([]kepu.Neighbor, 0, keep)}
		for _, it := range items[:keep] {
			v, _ := it.([]any)
			if len(v) < 2 {
				return nil, s.internalf("Neighbors: item %v", it)
			}
			n, err := decodeNode(v[1], proj)
			if err != nil {
				return nil, s.internalf("%v", err)
			}
			props, err := decodeRel(v[0], d.Type)
			if err != nil {
				return nil, s.internalf("%v", err)
			}
			e := kepu.Edge{Type: d.Type, From: pid, To: n.ID, Props: props}
			if q.Dir == kepu.In {
				e.From, e.To = n.ID, pid
			}
			keys := cursorKeys(q.Order, v[2:], far, d.Type)
			page.Items = append(page.Items, kepu.Neighbor{Edge: e, Node: n,
				Cursor: kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: n.ID})})
		}
		if pl.reverse {
			slices.Reverse(page.Items)
		}
		out[pid] = page
	}
	return out, nil
}

// CountNeighbors implements kepu.Store: one statement for all ids.
func (s *Store) CountNeighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]int, error) {
	if _, err := checkNeighborQuery(q); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(ids))
	for _, id := range ids {
		out[id] = 0
	}
	valid := validIDs(ids)
	if len(valid) == 0 {
		return out, nil
	}
	st, err := buildCountNeighbors(valid, q)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		pid, _ := r.Values[0].(string)
		out[pid] = toInt(r.Values[1])
	}
	return out, nil
}

// Aggregate implements kepu.Store.
func (s *Store) Aggregate(ctx context.Context, q kepu.AggregateQuery) ([]kepu.Group, error) {
	if kepu.LookupLabel(q.Label) == nil {
		return nil, kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(q.Label)))
	}
	if err := kepu.ValidateFilter(q.Label, q.Filter); err != nil {
		return nil, err
	}
	st, err := buildAggregate(q)
	if err != nil {
		return nil, err
	}
	recs, err := s.read(ctx, st)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*kepu.Group{}
	for _, r := range recs {
		k := keyText(r.Values[0])
		g := byKey[k]
		if g == nil {
			g = &kepu.Group{Key: k}
			if len(q.Sum) > 0 {
				g.Sums = make(map[string]float64, len(q.Sum))
				for _, name := range q.Sum {
					g.Sums[name] = 0
				}
			}
			byKey[k] = g
		}
		g.Count += toInt(r.Values[1])
		for i, name := range q.Sum {
			g.Sums[name] += toFloat(r.Values[2+i])
		}
	}
	if q.GroupBy == "" && len(byKey) == 0 {
		g := &kepu.Group{}
		if len(q.Sum) > 0 {
			g.Sums = map[string]float64{}
			for _, name := range q.Sum {
				g.Sums[name] = 0
			}
		}
		byKey[""] = g
	}
	var groups []kepu.Group
	for _, g := range byKey {
		groups = append(groups, *g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Key < groups[j].Key })
	return groups, nil
}

// AggregateEdges implements kepu.Store.
func (s *Store) AggregateEdges(ctx context.Context, q kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error) {
	d := kepu.LookupRel(q.Rel)
	if d == nil {
		return kepu.EdgeAggregate{}, kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", trunc(string(q.Rel)))
	}
	if err := checkEnd(d, q.FromLabel, q.FromFilter, kepu.In); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	if err := checkEnd(d, q.ToLabel, q.ToFilter, kepu.Out); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	if err := kepu.ValidateEdgeFilter(q.Rel, q.EdgeFilter); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	st, err := buildAggregateEdges(q)
	if err != nil {
		return kepu.EdgeAggregate{}, err
	}
	recs, err := s.read(ctx, st)
	if err != nil {
		return kepu.EdgeAggregate{}, err
	}
	var agg kepu.EdgeAggregate
	if len(q.Sum) > 0 {
		agg.Sums = make(map[string]float64, len(q.Sum))
		for _, name := range q.Sum {
			agg.Sums[name] = 0
		}
	}
	if len(recs) == 0 {
		return agg, nil
	}
	v := recs[0].Values
	agg.Count, agg.DistinctFrom, agg.DistinctTo = toInt(v[0]), toInt(v[1]), toInt(v[2])
	for i, name := range q.Sum {
		agg.Sums[name] = toFloat(v[3+i])
	}
	return agg, nil
}

// checkEnd validates the label and filter of one end of an edge aggregate.
// dirFromOther is the direction in which the relationship reaches this end
// from the other (In for the From end).
func checkEnd(d *kepu.RelDef, l kepu.Label, f *kepu.Filter, dirFromOther kepu.Direction) error {
	if l != "" {
		if kepu.LookupLabel(l) == nil {
			return kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(l)))
		}
		if dirFromOther == kepu.In && !slices.Contains(d.From, l) {
			return kepu.Errorf(kepu.BadUserInput, "%s does not start at %s", d.Type, l)
		}
		if dirFromOther == kepu.Out && !slices.Contains(d.To, l) {
			return kepu.Errorf(kepu.BadUserInput, "%s does not end at %s", d.Type, l)
		}
		return kepu.ValidateFilter(l, f)
	}
	if f == nil {
		return nil
	}
	near := d.To
	if dirFromOther == kepu.Out {
		near = d.From
	}
	return kepu.ValidateFilter(near[0], &kepu.Filter{Rel: &kepu.RelCond{Rel: d.Type, Dir: dirFromOther, Quant: kepu.Some, Node: f}})
}

// byParent groups the records of a many-parents statement by their first
// column, the parent's ID (pid), keeping their order.
func byParent(recs []*neo4j.Record) map[string][]*neo4j.Record {
	rows := map[string][]*neo4j.Record{}
	for _, r := range recs {
		pid, _ := r.Values[0].(string)
		rows[pid] = append(rows[pid], r)
	}
	return rows
}
