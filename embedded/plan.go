package embedded

import (
	"context"
	"math"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// The query planner.
//
// A node query is answered one of three ways:
//
//  1. From candidates: when one conjunct of the filter can be answered
//     without looking at the whole label (an ID condition; a condition on
//     an orderable property, through its sorted index; a place condition,
//     by walking down the place hierarchy from the matching places), the
//     smallest such set of nodes is a superset of the matches. Each is then
//     checked against the whole filter, and only the matches are sorted.
//     Cost: the size of the candidate set, not of the label.
//  2. By walking an order: a forward page (First, After) in the ID order
//     (either way) walks the sorted ID list, and one in an order of
//     orderable properties walks that order's index (see index.go), from
//     the cursor, and stops once the page is full. Cost: O(log n + the
//     nodes walked), which is the page when the filter is absent or
//     common.
//  3. By scanning the label (anything else).
//
// Counts (CountNodes, Aggregate) use 1 when they can, else 3; they never
// sort. The per-place methods (PlaceNodes, CountPlaceNodes) walk down from
// each place asked for.

// candidateLimit is the largest candidate set worth materializing and
// sorting for q. Without an order to walk, any candidate set beats a scan
// of the label. With one (a forward page in the ID order or in an order
// that can have an index, see orderKeys), the walk visits about page × n / k nodes
// of a label of n nodes when k of them match, against k log k for sorting
// the candidates: candidates win while k² < page × n, within a constant
// (4 here: a sort step costs less than matching a walked node).
func (s *Store) candidateLimit(q kepu.NodeQuery) int {
	if q.Page.First == nil || q.Page.Before != "" || (!isIDWalk(q.Order) && s.orderIndex(q.Label, q.Order) == nil) {
		return math.MaxInt
	}
	n := float64(len(s.st.byLabel[q.Label]))
	return max(minCandidateLimit, int(math.Sqrt(4*float64(*q.Page.First+1)*n)))
}

// minCandidateLimit is the least candidate set a page materializes before
// it prefers walking an order: below it, sorting is cheap anyway.
const minCandidateLimit = 256

// conjuncts appends the parts of f's top-level conjunction (f itself when
// it is not an And).
func conjuncts(out []*kepu.Filter, f *kepu.Filter) []*kepu.Filter {
	if f == nil {
		return out
	}
	if f.And != nil {
		for _, g := range f.And {
			out = conjuncts(out, g)
		}
		return out
	}
	return append(out, f)
}

// usePlanner turns off candidates and order walks (the differential test
// compares the planner's answers with scans; nothing else sets it).
var usePlanner = true

// candidates returns a superset of the nodes of l that match f, found
// without a scan of the label, when there is one of at most limit nodes
// (ok false otherwise). The caller holds the read lock.
func (s *Store) candidates(ctx context.Context, l kepu.Label, f *kepu.Filter, limit int) (best []*nodeRec, ok bool, err error) {
	if !usePlanner {
		return nil, false, nil
	}
	cs := conjuncts(nil, f)
	best, ok = s.rangeCandidates(l, cs, limit)
	for _, c := range cs {
		lim := limit
		if ok {
			lim = len(best) - 1 // only a smaller set helps
		}
		if lim < 0 {
			break
		}
		var set []*nodeRec
		var found bool
		switch {
		case c.Cond != nil:
			set, found = s.condCandidates(l, c.Cond, lim)
		case c.Place != nil:
			set, found, err = s.placeCandidates(ctx, l, c.Place, lim)
			if err != nil {
				return nil, false, err
			}
		}
		if found {
			best, ok = set, true
		}
	}
	return best, ok, nil
}

// rangeCandidates returns the nodes of l in a range of one property's index
// bounded on both sides by two of the conjuncts (a lower bound Gt or Gte,
// an upper bound Lt or Lte), when there are such conjuncts and the nodes
// are at most limit: a range such as 2000 <= openedYear < 2010 is read
// between its bounds instead of from one bound to the end of the index.
func (s *Store) rangeCandidates(l kepu.Label, cs []*kepu.Filter, limit int) ([]*nodeRec, bool) {
	bound := func(f *kepu.Filter, ops ...kepu.Op) *kepu.Cond {
		if c := f.Cond; c != nil && c.Prop != kepu.PropID && c.Value != nil && slices.Contains(ops, c.Op) {
			return c
		}
		return nil
	}
	for _, f := range cs {
		lo := bound(f, kepu.Gt, kepu.Gte)
		if lo == nil {
			continue
		}
		for _, g := range cs {
			hi := bound(g, kepu.Lt, kepu.Lte)
			if hi == nil || hi.Prop != lo.Prop {
				continue
			}
			pi := s.st.propIndex(l, lo.Prop)
			if pi == nil {
				return nil, false
			}
			var out []*nodeRec
			full := false
			pi.rangeNodes(lo.Value, lo.Op == kepu.Gte, hi.Value, hi.Op == kepu.Lte, func(n *nodeRec) bool {
				if len(out) == limit {
					full = true
					return false
				}
				out = append(out, n)
				return true
			})
			return out, !full
		}
	}
	return nil, false
}

// condCandidates returns the nodes of l that may satisfy c, through the ID
// map or the property's index, when c is an ID condition or an equality,
// list, range or prefix condition on an orderable property, and they are
// at most limit.
func (s *Store) condCandidates(l kepu.Label, c *kepu.Cond, limit int) ([]*nodeRec, bool) {
	var values []any
	switch c.Op {
	case kepu.Eq:
		if c.Value == nil {
			return nil, false
		}
		values = []any{c.Value}
	case kepu.OneOf:
		values = asList(c.Value)
	case kepu.Gt, kepu.Gte, kepu.Lt, kepu.Lte, kepu.StartsWith:
		if c.Prop == kepu.PropID || c.Value == nil {
			return nil, false
		}
	default:
		return nil, false
	}
	if c.Prop == kepu.PropID {
		var out []*nodeRec
		for _, v := range values {
			id, _ := v.(string)
			if n := s.st.nodes[id]; n != nil && n.label == l && !slices.Contains(out, n) {
				if len(out) == limit {
					return nil, false
				}
				out = append(out, n)
			}
		}
		return out, true
	}
	pi := s.st.propIndex(l, c.Prop)
	if pi == nil {
		return nil, false
	}
	var out []*nodeRec
	full := false
	collect := func(n *nodeRec) bool {
		if len(out) == limit {
			full = true
			return false
		}
		out = append(out, n)
		return true
	}
	switch c.Op {
	case kepu.Eq, kepu.OneOf:
		seen := make([]any, 0, len(values))
		for _, v := range values {
			if v == nil || slices.ContainsFunc(seen, func(w any) bool { return kepu.ValueEqual(v, w) }) {
				continue
			}
			seen = append(seen, v)
			if pi.rangeNodes(v, true, v, true, collect); full {
				return nil, false
			}
		}
	case kepu.Gt, kepu.Gte:
		pi.rangeNodes(c.Value, c.Op == kepu.Gte, nil, false, collect)
	case kepu.Lt, kepu.Lte:
		// From the first present value (a nil lower bound) up to the bound.
		pi.rangeNodes(nil, true, c.Value, c.Op == kepu.Lte, collect)
	case kepu.StartsWith:
		pre, isStr := c.Value.(string)
		if !isStr {
			return nil, false
		}
		pi.rangeNodes(pre, true, pre+"\xff", false, collect)
	}
	if full {
		return nil, false
	}
	return out, true
}

// placeCandidates returns the nodes of l below the places of pc.Level that
// match pc.Filter (themselves found as candidates when they can be), when
// they are at most limit: a superset of the nodes whose place at that level
// matches, found by walking down the hierarchy from each matching place.
func (s *Store) placeCandidates(ctx context.Context, l kepu.Label, pc *kepu.PlaceCond, limit int) ([]*nodeRec, bool, error) {
	places, ok, err := s.candidates(ctx, pc.Level, pc.Filter, math.MaxInt)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		for _, id := range s.st.byLabel[pc.Level] {
			places = append(places, s.st.nodes[id])
		}
	}
	ev := &evaluator{st: s.st}
	var out []*nodeRec
	seen := map[*nodeRec]struct{}{}
	for _, p := range places {
		if !ev.match(p, pc.Filter) {
			continue
		}
		full := false
		err := s.walkDown(ctx, p, l, func(n *nodeRec) bool {
			if _, dup := seen[n]; dup {
				return true
			}
			if len(out) == limit {
				full = true
				return false
			}
			seen[n] = struct{}{}
			out = append(out, n)
			return true
		})
		if err != nil {
			return nil, false, err
		}
		if full {
			return nil, false, nil
		}
	}
	return out, true, nil
}

// walkDown calls fn with every node of label l at or below place: the
// places under it (PART_OF edges from a deeper level) and the nodes located
// in any of them (LOCATED_IN), until fn returns false. A node may come more
// than once (located in a county and in its prefecture).
func (s *Store) walkDown(ctx context.Context, place *nodeRec, l kepu.Label, fn func(*nodeRec) bool) error {
	stack := []*nodeRec{place}
	visited := map[*nodeRec]bool{place: true}
	steps := 0
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p.label == l && !fn(p) {
			return nil
		}
		if !l.IsPlace() {
			for _, e := range p.edges(kepu.LocatedIn, kepu.In) {
				if steps++; steps%scanCheck == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if n := e.from; n.label == l && !fn(n) {
					return nil
				}
			}
		}
		for _, e := range p.edges(kepu.PartOf, kepu.In) {
			c := e.from
			if visited[c] || depth(c.label) <= depth(p.label) {
				continue
			}
			visited[c] = true
			stack = append(stack, c)
		}
	}
	return nil
}

// eachMatch calls fn with every node of l that matches f, in no particular
// order: from candidates when a conjunct has them, else by a scan.
func (s *Store) eachMatch(ctx context.Context, l kepu.Label, f *kepu.Filter, fn func(*nodeRec)) error {
	ev := &evaluator{st: s.st}
	cands, ok, err := s.candidates(ctx, l, f, math.MaxInt)
	if err != nil {
		return err
	}
	if ok {
		for i, n := range cands {
			if i%scanCheck == scanCheck-1 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if ev.match(n, f) {
				fn(n)
			}
		}
		return nil
	}
	for i, id := range s.st.byLabel[l] {
		if i%scanCheck == scanCheck-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if n := s.st.nodes[id]; ev.match(n, f) {
			fn(n)
		}
	}
	return nil
}

// orderIndex returns the index to walk for a forward page in order (every
// key an orderable property or the ID, see orderKeys), or nil.
func (s *Store) orderIndex(l kepu.Label, order []kepu.OrderKey) *propIndex {
	if !usePlanner {
		return nil
	}
	keys, ok := orderKeys(l, order)
	if !ok {
		return nil
	}
	return s.st.index(l, keys)
}

// firstByIndex answers a forward page by walking the index of the order
// from the cursor and stopping once the page is full.
func (s *Store) firstByIndex(ctx context.Context, q kepu.NodeQuery, sig string, pi *propIndex) (kepu.NodePage, error) {
	n := *q.Page.First
	var cur *kepu.Cursor
	if q.Page.After != "" {
		c, err := kepu.DecodeCursor(sig, len(q.Order), q.Page.After)
		if err != nil {
			return kepu.NodePage{}, err
		}
		cur = &c
	}
	ev := &evaluator{st: s.st}
	var items []item
	var err error
	walked := 0
	pi.after(q.Order, cur, func(nd *nodeRec) bool {
		if walked++; walked%scanCheck == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		if ev.match(nd, q.Filter) {
			items = append(items, item{keys: keyValues(q.Order, nd, nil), id: nd.id, n: nd})
		}
		return len(items) <= n
	})
	if err != nil {
		return kepu.NodePage{}, err
	}
	hasNext := len(items) > n
	if hasNext {
		items = items[:n]
	}
	return walkedPage(items, sig, hasNext, q.Page.After != ""), nil
}

// pageOfCandidates answers q from a candidate set: the matches, sorted,
// then windowed. The page is counted (every match was seen).
func (s *Store) pageOfCandidates(ctx context.Context, cands []*nodeRec, q kepu.NodeQuery, sig string) (kepu.NodePage, error) {
	ev := &evaluator{st: s.st}
	var items []item
	for i, n := range cands {
		if i%scanCheck == scanCheck-1 {
			if err := ctx.Err(); err != nil {
				return kepu.NodePage{}, err
			}
		}
		if ev.match(n, q.Filter) {
			items = append(items, item{keys: keyValues(q.Order, n, nil), id: n.id, n: n})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return compareItems(q.Order, a.keys, a.id, b.keys, b.id) })
	win, hasNext, hasPrev, err := window(items, q.Order, sig, q.Page)
	if err != nil {
		return kepu.NodePage{}, err
	}
	return withTotal(nodePage(win, sig, hasNext, hasPrev), len(items)), nil
}
