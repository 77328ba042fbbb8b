package analysis

import (
	"context"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// Limits of the walks.
const (
	DefaultMaxHops = 6
	MaxMaxHops     = 10 // the largest maxHops of a path query
	MaxHoodHops    = 3  // the largest hops of a neighborhood
)

// Path is a walk from one node to another: Steps[i] joins Nodes[i] and
// Nodes[i+1], so len(Steps) is the length and len(Nodes) = length + 1.
type Path struct {
	Nodes []kepu.Node
	Steps []Step
}

// Length is the number of relationships of the path.
func (p Path) Length() int { return len(p.Steps) }

// PathQuery asks for the shortest paths between two nodes.
type PathQuery struct {
	From, To string         // node IDs
	Rels     []kepu.RelType // relationship types walked (either direction); empty: all
	MaxHops  int            // longest path considered, 0..MaxMaxHops
	Limit    int            // most paths returned (ShortestPaths), >= 1
}

// ShortestPath returns the first of the shortest paths between q.From and
// q.To (in the order of ShortestPaths), or nil when there is none within
// q.MaxHops or an end does not exist.
func ShortestPath(ctx context.Context, st kepu.Store, q PathQuery) (*Path, error) {
	q.Limit = 1
	ps, _, err := ShortestPaths(ctx, st, q)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0], nil
}

// ShortestPaths returns up to q.Limit of the shortest paths between q.From
// and q.To, walking relationships in either direction, and whether there
// are more. Paths come in a fixed order: by the sequence of their node IDs,
// then relationship types, then directions, from q.From on. None (and no
// error) when no path of at most q.MaxHops relationships exists or an end
// names no node.
//
// It is a bidirectional breadth-first search: each round expands the
// smaller frontier completely, with one Neighbors call per relationship
// type and direction, so the number of store calls is bounded by
// q.MaxHops × 2 × the number of relationship types.
func ShortestPaths(ctx context.Context, st kepu.Store, q PathQuery) ([]Path, bool, error) {
	if err := q.validate(); err != nil {
		return nil, false, err
	}
	ends, err := st.Nodes(ctx, []string{q.From, q.To})
	if err != nil {
		return nil, false, err
	}
	src, ok1 := ends[q.From]
	dst, ok2 := ends[q.To]
	if !ok1 || !ok2 {
		return nil, false, nil
	}
	if q.From == q.To {
		return []Path{{Nodes: []kepu.Node{src}}}, false, nil
	}
	nodes := map[string]kepu.Node{src.ID: src, dst.ID: dst}
	x := Expander{Store: st, Rels: q.Rels}
	s := newSide(q.From)
	t := newSide(q.To)
	var meet []string
	for s.depth+t.depth < q.MaxHops && len(meet) == 0 {
		a, b := s, t
		if len(t.frontier) < len(s.frontier) {
			a, b = t, s
		}
		if len(a.frontier) == 0 {
			return nil, false, nil
		}
		exp, err := x.expand(ctx, a.frontier, nodes)
		if err != nil {
			return nil, false, err
		}
		a.depth++
		var next []string
		for _, u := range a.frontier {
			for _, h := range exp[u] {
				d, seen := a.dist[h.to]
				if !seen {
					a.dist[h.to] = a.depth
					next = append(next, h.to)
					d = a.depth
				}
				if d != a.depth {
					continue
				}
				step := h.step
				if a == t {
					// The path walks from h.to towards the target, against
					// the direction in which the target side found it.
					step.Dir = flip(step.Dir)
				}
				a.preds[h.to] = append(a.preds[h.to], hop{to: u, step: step})
			}
		}
		slices.Sort(next)
		a.frontier = next
		for _, v := range next {
			if _, ok := b.dist[v]; ok {
				meet = append(meet, v)
			}
		}
	}
	if len(meet) == 0 {
		return nil, false, nil
	}
	e := enumerator{s: s, t: t, nodes: nodes, limit: q.Limit + 1, dst: q.To}
	e.meet = map[string]bool{}
	for _, m := range meet {
		e.meet[m] = true
	}
	e.children = s.forward(meet)
	e.walk(q.From, nil, nil)
	more := len(e.out) > q.Limit
	if more {
		e.out = e.out[:q.Limit]
	}
	return e.out, more, nil
}

// validate checks the relationship types, MaxHops and Limit; the error
// has code BadUserInput.
func (q PathQuery) validate() error {
	if err := ValidateRels(q.Rels); err != nil {
		return err
	}
	if q.MaxHops < 0 || q.MaxHops > MaxMaxHops {
		return kepu.Errorf(kepu.BadUserInput, "maxHops must be between 0 and %d, got %d", MaxMaxHops, q.MaxHops)
	}
	if q.Limit < 1 {
		return kepu.Errorf(kepu.BadUserInput, "the number of paths must be at least 1, got %d", q.Limit)
	}
	return nil
}

func flip(d kepu.Direction) kepu.Direction {
	if d == kepu.In {
		return kepu.Out
	}
	return kepu.In
}

// side is one half of a bidirectional search.
type side struct {
	dist     map[string]int
	preds    map[string][]hop // towards the side's root; step as walked from the node's predecessor (source) or from the node (target)
	frontier []string
	depth    int
}

func newSide(root string) *side {
	return &side{dist: map[string]int{root: 0}, preds: map[string][]hop{}, frontier: []string{root}}
}

// forward returns, for the nodes of the source side on a shortest path to
// one of meet, their successors on such paths, sorted.
func (s *side) forward(meet []string) map[string][]hop {
	useful := map[string]bool{}
	stack := slices.Clone(meet)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if useful[v] {
			continue
		}
		useful[v] = true
		for _, p := range s.preds[v] {
			stack = append(stack, p.to)
		}
	}
	children := map[string][]hop{}
	for v := range useful {
		for _, p := range s.preds[v] {
			children[p.to] = append(children[p.to], hop{to: v, step: p.step})
		}
	}
	for u := range children {
		slices.SortFunc(children[u], cmpHop)
	}
	return children
}

type enumerator struct {
	s, t     *side
	nodes    map[string]kepu.Node
	meet     map[string]bool
	children map[string][]hop
	dst      string
	limit    int
	out      []Path
}

// walk extends a path prefix ending at v, in order, until limit paths.
func (e *enumerator) walk(v string, ids []string, steps []Step) {
	if len(e.out) >= e.limit {
		return
	}
	ids = append(ids, v)
	if v == e.dst {
		p := Path{Nodes: make([]kepu.Node, len(ids)), Steps: slices.Clone(steps)}
		for i, id := range ids {
			p.Nodes[i] = e.nodes[id]
		}
		e.out = append(e.out, p)
		return
	}
	var next []hop
	if e.meet[v] || !inSource(e.s, v) {
		// At or past the meeting level: follow the target side's
		// predecessors towards the target.
		next = sortedHops(e.t.preds[v])
	} else {
		next = e.children[v]
	}
	for _, h := range next {
		e.walk(h.to, ids, append(steps, h.step))
		if len(e.out) >= e.limit {
			return
		}
	}
}

func inSource(s *side, v string) bool { _, ok := s.dist[v]; return ok }

func sortedHops(h []hop) []hop {
	out := slices.Clone(h)
	slices.SortFunc(out, cmpHop)
	return out
}
