package embedded

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// scanCheck is how many items a scan handles between two context checks.
const scanCheck = 4096

// Nodes returns copies of the nodes with the given IDs.
// Version implements kepu.Store: the number of commits this data directory
// has seen, kept in the meta bucket.
func (s *Store) Version(ctx context.Context) (uint64, error) {
	if err := s.rlock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	return s.version.Load(), nil
}

func (s *Store) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	out := make(map[string]kepu.Node, len(ids))
	for _, id := range ids {
		if n := s.st.nodes[id]; n != nil {
			out[id] = n.node()
		}
	}
	return out, nil
}

// item is one entry of an ordered list: its sort key values and tie-breaker.
type item struct {
	keys []any
	id   string
	n    *nodeRec
	e    *edgeRec
}

func compareItems(order []kepu.OrderKey, ak []any, aid string, bk []any, bid string) int {
	for i, k := range order {
		c := kepu.CompareValues(ak[i], bk[i])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(aid, bid)
}

// keyValues returns the values of the order's keys for node n reached (in a
// neighbor list) through edge e.
func keyValues(order []kepu.OrderKey, n *nodeRec, e *edgeRec) []any {
	if len(order) == 0 {
		return nil
	}
	keys := make([]any, len(order))
	for i, k := range order {
		switch {
		case k.Count != nil:
			keys[i] = int64(len(n.edges(k.Count.Rel, k.Count.Dir)))
		case k.Edge:
			keys[i] = e.p().get(k.Prop)
		case k.Prop == kepu.PropID:
			keys[i] = n.id
		default:
			v := n.props.get(k.Prop)
			if _, ok := v.([]string); ok {
				v = nil
			}
			keys[i] = v
		}
	}
	return keys
}

// isIDOrder reports whether the order is the ID ascending (the natural order
// of the per-label lists).
func isIDOrder(order []kepu.OrderKey) bool {
	return len(order) == 0 || (len(order) == 1 && order[0].Prop == kepu.PropID && order[0].Count == nil && !order[0].Edge && !order[0].Desc)
}

// window applies keyset paging to sorted items.
func window(items []item, order []kepu.OrderKey, sig string, p kepu.Page) (out []item, hasNext, hasPrev bool, err error) {
	lo, hi := 0, len(items)
	if p.After != "" {
		c, err := kepu.DecodeCursor(sig, len(order), p.After)
		if err != nil {
			return nil, false, false, err
		}
		lo = sort.Search(len(items), func(i int) bool {
			return compareItems(order, items[i].keys, items[i].id, c.Keys, c.ID) > 0
		})
	}
	if p.Before != "" {
		c, err := kepu.DecodeCursor(sig, len(order), p.Before)
		if err != nil {
			return nil, false, false, err
		}
		hi = sort.Search(len(items), func(i int) bool {
			return compareItems(order, items[i].keys, items[i].id, c.Keys, c.ID) >= 0
		})
	}
	if hi < lo {
		hi = lo
	}
	sub := items[lo:hi]
	hasNext, hasPrev = p.Before != "", p.After != ""
	switch {
	case p.First != nil:
		n := *p.First
		hasNext = len(sub) > n
		if len(sub) > n {
			sub = sub[:n]
		}
	case p.Last != nil:
		n := *p.Last
		hasPrev = len(sub) > n
		if len(sub) > n {
			sub = sub[len(sub)-n:]
		}
	}
	return sub, hasNext, hasPrev, nil
}

func cursorOf(sig string, it item) string {
	return kepu.EncodeCursor(sig, kepu.Cursor{Keys: it.keys, ID: it.id})
}

// FindNodes returns one page of matching nodes (see kepu.Store).
func (s *Store) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	if err := validateNodeQuery(q.Label, q.Filter); err != nil {
		return kepu.NodePage{}, err
	}
	if err := kepu.ValidateOrder(q.Label, "", q.Order); err != nil {
		return kepu.NodePage{}, err
	}
	if err := kepu.ValidatePage(q.Page, 0); err != nil {
		return kepu.NodePage{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return kepu.NodePage{}, err
	}
	defer s.mu.RUnlock()
	sig := kepu.OrderSignature("nodes:"+string(q.Label), q.Order)
	// See plan.go: candidates, then an order walk, then a scan.
	if q.Filter != nil {
		cands, ok, err := s.candidates(ctx, q.Label, q.Filter, s.candidateLimit(q))
		if err != nil {
			return kepu.NodePage{}, err
		}
		if ok {
			return s.pageOfCandidates(ctx, cands, q, sig)
		}
	}
	if q.Page.First != nil && q.Page.Before == "" {
		if isIDWalk(q.Order) {
			return s.firstByID(ctx, q, sig)
		}
		if pi := s.orderIndex(q.Label, q.Order); pi != nil {
			return s.firstByIndex(ctx, q, sig, pi)
		}
	}
	ev := &evaluator{st: s.st}
	var items []item
	for i, id := range s.st.byLabel[q.Label] {
		if i%scanCheck == scanCheck-1 {
			if err := ctx.Err(); err != nil {
				return kepu.NodePage{}, err
			}
		}
		n := s.st.nodes[id]
		if ev.match(n, q.Filter) {
			items = append(items, item{keys: keyValues(q.Order, n, nil), id: id, n: n})
		}
	}
	sortScanned(items, q.Order)
	win, hasNext, hasPrev, err := window(items, q.Order, sig, q.Page)
	if err != nil {
		return kepu.NodePage{}, err
	}
	return withTotal(nodePage(win, sig, hasNext, hasPrev), len(items)), nil
}

// sortScanned puts items, scanned in ID order from a per-label list, in
// the order (ties broken by ID).
func sortScanned(items []item, order []kepu.OrderKey) {
	switch {
	case isIDOrder(order):
		// Already in ID order.
	case len(order) == 1 && order[0].Prop == kepu.PropID && order[0].Count == nil && !order[0].Edge:
		slices.Reverse(items)
	default:
		slices.SortFunc(items, func(a, b item) int { return compareItems(order, a.keys, a.id, b.keys, b.id) })
	}
}

// firstByID answers a forward page in ID order, ascending or descending,
// by walking the sorted ID list from the cursor and stopping once the page
// is full, so paging through a large label costs the page, not the label.
func (s *Store) firstByID(ctx context.Context, q kepu.NodeQuery, sig string) (kepu.NodePage, error) {
	ids := s.st.byLabel[q.Label]
	desc := !isIDOrder(q.Order)
	start, step := 0, 1
	if desc {
		start, step = len(ids)-1, -1
	}
	if q.Page.After != "" {
		c, err := kepu.DecodeCursor(sig, len(q.Order), q.Page.After)
		if err != nil {
			return kepu.NodePage{}, err
		}
		start = sort.SearchStrings(ids, c.ID) // the first ID >= the cursor's
		switch {
		case desc:
			start-- // the last ID < the cursor's
		case start < len(ids) && ids[start] == c.ID:
			start++
		}
	}
	n := *q.Page.First
	ev := &evaluator{st: s.st}
	var items []item
	for i, walked := start, 0; i >= 0 && i < len(ids) && len(items) <= n; i, walked = i+step, walked+1 {
		if walked%scanCheck == scanCheck-1 {
			if err := ctx.Err(); err != nil {
				return kepu.NodePage{}, err
			}
		}
		if nd := s.st.nodes[ids[i]]; ev.match(nd, q.Filter) {
			items = append(items, item{keys: keyValues(q.Order, nd, nil), id: nd.id, n: nd})
		}
	}
	hasNext := len(items) > n
	if hasNext {
		items = items[:n]
	}
	return walkedPage(items, sig, hasNext, q.Page.After != ""), nil
}

// isIDWalk reports whether firstByID can answer a page in the order: the
// ID, ascending or descending.
func isIDWalk(order []kepu.OrderKey) bool {
	return isIDOrder(order) || (len(order) == 1 && order[0].Prop == kepu.PropID && order[0].Count == nil && !order[0].Edge)
}

// withTotal returns p counted: total nodes match its query.
func withTotal(p kepu.NodePage, total int) kepu.NodePage {
	p.Counted, p.Total = true, total
	return p
}

// walkedPage is the page of a forward walk (firstByID, firstByIndex) that
// found items: when the walk started at the beginning (no cursor) and
// reached the end (no next page), it saw every match, so the page is
// counted.
func walkedPage(items []item, sig string, hasNext, hasPrev bool) kepu.NodePage {
	p := nodePage(items, sig, hasNext, hasPrev)
	if !hasNext && !hasPrev {
		p = withTotal(p, len(items))
	}
	return p
}

func nodePage(win []item, sig string, hasNext, hasPrev bool) kepu.NodePage {
	page := kepu.NodePage{HasNext: hasNext, HasPrev: hasPrev, Nodes: make([]kepu.Node, len(win)),
		Cursors: kepu.EncodeCursors(sig, len(win), func(i int) kepu.Cursor { return kepu.Cursor{Keys: win[i].keys, ID: win[i].id} })}
	for i, it := range win {
		page.Nodes[i] = it.n.node()
	}
	return page
}

func validateNodeQuery(l kepu.Label, f *kepu.Filter) error {
	if kepu.LookupLabel(l) == nil {
		return kepu.Errorf(kepu.BadUserInput, "unknown node label %q", kepu.Truncate(string(l), 64))
	}
	return kepu.ValidateFilter(l, f)
}

// CountNodes counts the matching nodes of a label.
func (s *Store) CountNodes(ctx context.Context, l kepu.Label, f *kepu.Filter) (int, error) {
	if err := validateNodeQuery(l, f); err != nil {
		return 0, err
	}
	if err := s.rlock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	if f == nil {
		return len(s.st.byLabel[l]), nil
	}
	count := 0
	err := s.eachMatch(ctx, l, f, func(*nodeRec) { count++ })
	return count, err
}

// farLabels returns the labels at the other end of rel seen in direction dir.
func farLabels(rel kepu.RelType, dir kepu.Direction) ([]kepu.Label, error) {
	d := kepu.LookupRel(rel)
	if d == nil {
		return nil, kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", kepu.Truncate(string(rel), 64))
	}
	switch dir {
	case kepu.Out:
		return d.To, nil
	case kepu.In:
		return d.From, nil
	}
	return nil, kepu.Errorf(kepu.BadUserInput, "relationship direction must be OUT or IN")
}

// validateNeighborQuery checks a neighbor query: the node filter and the
// order keys must fit at least one of the labels at the other end.
func validateNeighborQuery(q kepu.NeighborQuery, withOrder bool) error {
	far, err := farLabels(q.Rel, q.Dir)
	if err != nil {
		return err
	}
	if err := kepu.ValidateEdgeFilter(q.Rel, q.EdgeFilter); err != nil {
		return err
	}
	if err := kepu.ValidateFilterAny(far, q.NodeFilter); err != nil {
		return err
	}
	if !withOrder {
		return nil
	}
	if len(q.Order) > 5 {
		return kepu.Errorf(kepu.BadUserInput, "at most 5 sort keys")
	}
	for _, k := range q.Order {
		var err error
		for _, l := range far {
			if err = kepu.ValidateOrder(l, q.Rel, []kepu.OrderKey{k}); err == nil {
				break
			}
		}
		if err != nil {
			return err
		}
	}
	return kepu.ValidatePage(q.Page, 0)
}

// neighbors returns the matching (edge, node) pairs of n.
func (ev *evaluator) neighbors(n *nodeRec, q kepu.NeighborQuery, fn func(e *edgeRec, far *nodeRec)) {
	for _, e := range n.edges(q.Rel, q.Dir) {
		far := e.to
		if q.Dir == kepu.In {
			far = e.from
		}
		if !ev.matchEdge(e, q.EdgeFilter) || !ev.match(far, q.NodeFilter) {
			continue
		}
		fn(e, far)
	}
}

// Neighbors answers q for every node in ids (see kepu.Store).
func (s *Store) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	if err := validateNeighborQuery(q, true); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	sig := kepu.OrderSignature("neighbors:"+string(q.Rel)+":"+q.Dir.String(), q.Order)
	ev := &evaluator{st: s.st}
	out := make(map[string]kepu.NeighborPage, len(ids))
	for i, id := range ids {
		if i%64 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var items []item
		if n := s.st.nodes[id]; n != nil {
			ev.neighbors(n, q, func(e *edgeRec, far *nodeRec) {
				items = append(items, item{keys: keyValues(q.Order, far, e), id: far.id, n: far, e: e})
			})
		}
		slices.SortFunc(items, func(a, b item) int { return compareItems(q.Order, a.keys, a.id, b.keys, b.id) })
		win, hasNext, hasPrev, err := window(items, q.Order, sig, q.Page)
		if err != nil {
			return nil, err
		}
		page := kepu.NeighborPage{HasNext: hasNext, HasPrev: hasPrev, Items: make([]kepu.Neighbor, len(win))}
		for j, it := range win {
			page.Items[j] = kepu.Neighbor{Edge: it.e.edge(), Node: it.n.node(), Cursor: cursorOf(sig, it)}
		}
		out[id] = page
	}
	return out, nil
}

// CountNeighbors counts the matching relationships of every node in ids.
func (s *Store) CountNeighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]int, error) {
	if err := validateNeighborQuery(q, false); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	ev := &evaluator{st: s.st}
	out := make(map[string]int, len(ids))
	for _, id := range ids {
		count := 0
		if n := s.st.nodes[id]; n != nil {
			if q.EdgeFilter == nil && q.NodeFilter == nil {
				count = len(n.edges(q.Rel, q.Dir))
			} else {
				ev.neighbors(n, q, func(*edgeRec, *nodeRec) { count++ })
			}
		}
		out[id] = count
	}
	return out, nil
}

// Locate returns the locations of the nodes in ids that have one.
func (s *Store) Locate(ctx context.Context, ids []string) (map[string]kepu.Location, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	ev := &evaluator{st: s.st}
	out := make(map[string]kepu.Location, len(ids))
	for _, id := range ids {
		if n := s.st.nodes[id]; n != nil {
			if loc, ok := ev.locate(n); ok {
				out[id] = loc
			}
		}
	}
	return out, nil
}

// Aggregate counts and sums matching nodes, grouped (see kepu.AggregateQuery).
func (s *Store) Aggregate(ctx context.Context, q kepu.AggregateQuery) ([]kepu.Group, error) {
	if err := validateNodeQuery(q.Label, q.Filter); err != nil {
		return nil, err
	}
	def := kepu.LookupLabel(q.Label)
	var groupProp *kepu.PropDef
	placeLevel := kepu.Label("")
	switch {
	case q.GroupBy == "":
	case kepu.Label(q.GroupBy).IsPlace():
		placeLevel = kepu.Label(q.GroupBy)
	default:
		groupProp = def.Prop(q.GroupBy)
		if groupProp == nil || groupProp.Type == kepu.StringList {
			return nil, kepu.Errorf(kepu.BadUserInput, "cannot group %s by %q", q.Label, kepu.Truncate(q.GroupBy, 64))
		}
	}
	if err := checkSums(q.Sum, def.Prop); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	ev := &evaluator{st: s.st}
	groups := map[string]*kepu.Group{}
	if q.GroupBy == "" {
		groups[""] = newGroup("", q.Sum)
	}
	err := s.eachMatch(ctx, q.Label, q.Filter, func(n *nodeRec) {
		key := ""
		switch {
		case groupProp != nil:
			key = kepu.GroupKeyText(n.props.get(groupProp.Name))
		case placeLevel != "":
			loc, _ := ev.locate(n)
			key = loc.At(placeLevel)
		}
		g := groups[key]
		if g == nil {
			g = newGroup(key, q.Sum)
			groups[key] = g
		}
		g.Count++
		addSums(g.Sums, q.Sum, n.props)
	})
	if err != nil {
		return nil, err
	}
	out := make([]kepu.Group, 0, len(groups))
	for _, g := range groups {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b kepu.Group) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func checkSums(sum []string, prop func(string) *kepu.PropDef) error {
	for _, name := range sum {
		p := prop(name)
		if p == nil || (p.Type != kepu.Int && p.Type != kepu.Float) {
			return kepu.Errorf(kepu.BadUserInput, "cannot sum %q: not a numeric property", kepu.Truncate(name, 64))
		}
	}
	return nil
}

func newGroup(key string, sum []string) *kepu.Group {
	g := &kepu.Group{Key: key, Sums: make(map[string]float64, len(sum))}
	for _, name := range sum {
		g.Sums[name] = 0
	}
	return g
}

func addSums(sums map[string]float64, names []string, p props) {
	for _, name := range names {
		switch v := p.get(name).(type) {
		case int64:
			sums[name] += float64(v)
		case float64:
			sums[name] += v
		}
	}
}

// AggregateEdges counts and sums the matching edges of one type.
func (s *Store) AggregateEdges(ctx context.Context, q kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error) {
	d := kepu.LookupRel(q.Rel)
	if d == nil {
		return kepu.EdgeAggregate{}, kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", kepu.Truncate(string(q.Rel), 64))
	}
	from, to := d.From, d.To
	if q.FromLabel != "" {
		if !slices.Contains(d.From, q.FromLabel) {
			return kepu.EdgeAggregate{}, kepu.Errorf(kepu.BadUserInput, "%s does not start at %s", q.Rel, kepu.Truncate(string(q.FromLabel), 64))
		}
		from = []kepu.Label{q.FromLabel}
	}
	if q.ToLabel != "" {
		if !slices.Contains(d.To, q.ToLabel) {
			return kepu.EdgeAggregate{}, kepu.Errorf(kepu.BadUserInput, "%s does not end at %s", q.Rel, kepu.Truncate(string(q.ToLabel), 64))
		}
		to = []kepu.Label{q.ToLabel}
	}
	if err := kepu.ValidateFilterAny(from, q.FromFilter); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	if err := kepu.ValidateFilterAny(to, q.ToFilter); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	if err := kepu.ValidateEdgeFilter(q.Rel, q.EdgeFilter); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	if err := checkSums(q.Sum, d.Prop); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	if err := s.rlock(ctx); err != nil {
		return kepu.EdgeAggregate{}, err
	}
	defer s.mu.RUnlock()
	ev := &evaluator{st: s.st}
	out := kepu.EdgeAggregate{Sums: make(map[string]float64, len(q.Sum))}
	for _, name := range q.Sum {
		out.Sums[name] = 0
	}
	tos := map[string]bool{}
	scanned := 0
	for _, l := range from {
		for _, id := range s.st.byLabel[l] {
			n := s.st.nodes[id]
			edges := n.edges(q.Rel, kepu.Out)
			if len(edges) == 0 {
				continue
			}
			if scanned++; scanned%scanCheck == 0 {
				if err := ctx.Err(); err != nil {
					return kepu.EdgeAggregate{}, err
				}
			}
			if !ev.match(n, q.FromFilter) {
				continue
			}
			counted := false
			for _, e := range edges {
				tn := e.to
				if !slices.Contains(to, tn.label) || !ev.matchEdge(e, q.EdgeFilter) || !ev.match(tn, q.ToFilter) {
					continue
				}
				out.Count++
				if !counted {
					out.DistinctFrom++
					counted = true
				}
				tos[e.to.id] = true
				addSums(out.Sums, q.Sum, e.p())
			}
		}
	}
	out.DistinctTo = len(tos)
	return out, nil
}

// evaluator evaluates filters against the state (under the read lock).
type evaluator struct {
	st *state
	// placeMemo holds the answers of matchPlace, per place a location is
	// read from and condition.
	placeMemo map[placeMemoKey]bool
}

func (ev *evaluator) match(n *nodeRec, f *kepu.Filter) bool {
	if f == nil {
		return true
	}
	switch {
	case f.And != nil:
		for _, g := range f.And {
			if !ev.match(n, g) {
				return false
			}
		}
		return true
	case f.Or != nil:
		for _, g := range f.Or {
			if ev.match(n, g) {
				return true
			}
		}
		return false
	case f.Not != nil:
		return !ev.match(n, f.Not)
	case f.Cond != nil:
		var v any
		if f.Cond.Prop == kepu.PropID {
			v = n.id
		} else {
			v = n.props.get(f.Cond.Prop)
		}
		return matchCond(v, f.Cond)
	case f.Rel != nil:
		r := f.Rel
		found := false
		for _, e := range n.edges(r.Rel, r.Dir) {
			far := e.to
			if r.Dir == kepu.In {
				far = e.from
			}
			if ev.matchEdge(e, r.Edge) && ev.match(far, r.Node) {
				found = true
				break
			}
		}
		if r.Quant == kepu.None {
			return !found
		}
		return found
	case f.Place != nil:
		return ev.matchPlace(n, f.Place)
	}
	return true
}

func (ev *evaluator) matchEdge(e *edgeRec, f *kepu.Filter) bool {
	if f == nil {
		return true
	}
	switch {
	case f.And != nil:
		for _, g := range f.And {
			if !ev.matchEdge(e, g) {
				return false
			}
		}
		return true
	case f.Or != nil:
		for _, g := range f.Or {
			if ev.matchEdge(e, g) {
				return true
			}
		}
		return false
	case f.Not != nil:
		return !ev.matchEdge(e, f.Not)
	case f.Cond != nil:
		return matchCond(e.p().get(f.Cond.Prop), f.Cond)
	}
	return true
}

// matchCond applies a normalized condition to a value (nil: absent). On a
// string list, eq, ne, in and contains test the elements.
func matchCond(v any, c *kepu.Cond) bool {
	if v == nil {
		return c.Op == kepu.Eq && c.Value == nil
	}
	if c.Value == nil && (c.Op == kepu.Eq || c.Op == kepu.Ne) {
		return c.Op == kepu.Ne
	}
	if l, ok := v.([]string); ok {
		switch c.Op {
		case kepu.Eq, kepu.Contains:
			return slices.Contains(l, kepu.GroupKeyText(c.Value)) && isString(c.Value)
		case kepu.Ne:
			return !slices.Contains(l, kepu.GroupKeyText(c.Value))
		case kepu.OneOf:
			for _, x := range asList(c.Value) {
				if s, ok := x.(string); ok && slices.Contains(l, s) {
					return true
				}
			}
		}
		return false
	}
	switch c.Op {
	case kepu.Eq:
		return kepu.ValueEqual(v, c.Value)
	case kepu.Ne:
		return !kepu.ValueEqual(v, c.Value)
	case kepu.OneOf:
		for _, x := range asList(c.Value) {
			if kepu.ValueEqual(v, x) {
				return true
			}
		}
		return false
	case kepu.Contains:
		s, ok1 := v.(string)
		sub, ok2 := c.Value.(string)
		return ok1 && ok2 && strings.Contains(s, sub)
	case kepu.ContainsInsensitive:
		s, ok1 := v.(string)
		sub, ok2 := c.Value.(string)
		return ok1 && ok2 && strings.Contains(kepu.LowerText(s), kepu.LowerText(sub))
	case kepu.StartsWith:
		s, ok1 := v.(string)
		pre, ok2 := c.Value.(string)
		return ok1 && ok2 && strings.HasPrefix(s, pre)
	case kepu.Gt:
		return sameOrderKind(v, c.Value) && kepu.CompareValues(v, c.Value) > 0
	case kepu.Gte:
		return sameOrderKind(v, c.Value) && kepu.CompareValues(v, c.Value) >= 0
	case kepu.Lt:
		return sameOrderKind(v, c.Value) && kepu.CompareValues(v, c.Value) < 0
	case kepu.Lte:
		return sameOrderKind(v, c.Value) && kepu.CompareValues(v, c.Value) <= 0
	}
	return false
}

func isString(v any) bool { _, ok := v.(string); return ok }

func asList(v any) []any { l, _ := v.([]any); return l }

// sameOrderKind reports whether two present values are of kinds that order.
func sameOrderKind(a, b any) bool {
	switch a.(type) {
	case string:
		_, ok := b.(string)
		return ok
	case bool:
		_, ok := b.(bool)
		return ok
	case int64, float64:
		switch b.(type) {
		case int64, float64:
			return true
		}
	}
	return false
}

// locate returns the location of a node (see kepu.Location).
func (ev *evaluator) locate(n *nodeRec) (kepu.Location, bool) {
	place := locationStart(n)
	if place == nil {
		return kepu.Location{}, false
	}
	return ev.locateFrom(place), true
}

// locationStart returns the place a node's location is read from: the
// node itself if it is a place, else the deepest place it is LOCATED_IN
// (the first ID of equally deep ones), or nil.
func locationStart(n *nodeRec) *nodeRec {
	if n.label.IsPlace() {
		return n
	}
	var place *nodeRec
	for _, e := range n.edges(kepu.LocatedIn, kepu.Out) {
		p := e.to
		if place == nil || depth(p.label) > depth(place.label) ||
			(depth(p.label) == depth(place.label) && p.id < place.id) {
			place = p
		}
	}
	return place
}

// matchPlace reports whether the place of n at pc.Level matches
// pc.Filter. Every node located in the same place has the same answer:
// it is kept per place for the evaluator's life (one query).
func (ev *evaluator) matchPlace(n *nodeRec, pc *kepu.PlaceCond) bool {
	start := locationStart(n)
	if start == nil {
		return false
	}
	k := placeMemoKey{start, pc}
	if r, ok := ev.placeMemo[k]; ok {
		return r
	}
	loc := ev.locateFrom(start)
	place := ev.st.nodes[loc.At(pc.Level)]
	r := place != nil && ev.match(place, pc.Filter)
	if ev.placeMemo == nil {
		ev.placeMemo = map[placeMemoKey]bool{}
	}
	ev.placeMemo[k] = r
	return r
}

type placeMemoKey struct {
	start *nodeRec
	pc    *kepu.PlaceCond
}

// locateFrom returns the location read from a place (see locationStart).
func (ev *evaluator) locateFrom(place *nodeRec) kepu.Location {
	var loc kepu.Location
	for hops := 0; place != nil && hops < 3; hops++ {
		switch place.label {
		case kepu.County:
			loc.County = place.id
		case kepu.Prefecture:
			loc.Prefecture = place.id
		case kepu.Province:
			loc.Province = place.id
		}
		// The parent is the nearest PART_OF target above this level (the
		// deepest one if the data has several).
		var parent *nodeRec
		for _, e := range place.edges(kepu.PartOf, kepu.Out) {
			p := e.to
			if depth(p.label) >= depth(place.label) {
				continue
			}
			if parent == nil || depth(p.label) > depth(parent.label) || (depth(p.label) == depth(parent.label) && p.id < parent.id) {
				parent = p
			}
		}
		place = parent
	}
	return loc
}

func depth(l kepu.Label) int {
	switch l {
	case kepu.Province:
		return 1
	case kepu.Prefecture:
		return 2
	case kepu.County:
		return 3
	}
	return 0
}
