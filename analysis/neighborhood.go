package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// Neighborhood limits.
const (
	DefaultHoodLimit = 100  // nodes of a neighborhood when no limit is given
	MaxHoodLimit     = 1000 // the largest limit
)

// HoodQuery asks for the nodes around one node.
type HoodQuery struct {
	Root   string         // node ID
	Hops   int            // 0..MaxHoodHops
	Rels   []kepu.RelType // relationship types walked (either direction); empty: all
	Labels []kepu.Label   // labels of the nodes taken (the root always is); empty: all
	Limit  int            // most nodes, 1..MaxHoodLimit
}

// Subgraph is a set of nodes and the relationships among them.
type Subgraph struct {
	// Nodes in the order they were reached: by distance from the root, then
	// by ID; the root first.
	Nodes []kepu.Node
	// Edges between nodes of Nodes found on the walk, sorted by type, from,
	// to. Relationships between two nodes at the largest distance are not
	// walked and so not included.
	Edges []kepu.Edge
	// Truncated reports that the limit left out nodes within Hops.
	Truncated bool
}

// Neighborhood returns the nodes within q.Hops relationships of q.Root
// (breadth first, one Neighbors call per relationship type and direction per
// distance) and the relationships among them. A root that names no node
// gives an empty subgraph.
func Neighborhood(ctx context.Context, st kepu.Store, q HoodQuery) (*Subgraph, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	roots, err := st.Nodes(ctx, []string{q.Root})
	if err != nil {
		return nil, err
	}
	root, ok := roots[q.Root]
	if !ok {
		return &Subgraph{}, nil
	}
	seen := map[string]kepu.Node{}
	in := map[string]bool{root.ID: true}
	order := []string{root.ID}
	edges := map[string]kepu.Edge{}
	x := Expander{Store: st, Rels: q.Rels}
	frontier := []string{root.ID}
	truncated := false
	for h := 0; h < q.Hops && len(frontier) > 0 && !truncated; h++ {
		exp, err := x.expand(ctx, frontier, seen)
		if err != nil {
			return nil, err
		}
		var next []string
		added := map[string]bool{}
		for _, u := range frontier {
			for _, hp := range exp[u] {
				v := hp.to
				if !in[v] && !added[v] && (len(q.Labels) == 0 || slices.Contains(q.Labels, kepu.LabelOf(v))) {
					added[v] = true
					next = append(next, v)
				}
			}
		}
		next, order, truncated = takeLevel(next, order, in, q.Limit, strings.Compare)
		for _, u := range frontier {
			for _, hp := range exp[u] {
				if in[hp.to] {
					edges[hp.step.Edge.Key()] = hp.step.Edge
				}
			}
		}
		frontier = next
	}
	sg := &Subgraph{Truncated: truncated}
	seen[root.ID] = root
	for _, id := range order {
		sg.Nodes = append(sg.Nodes, seen[id])
	}
	for _, e := range edges {
		sg.Edges = append(sg.Edges, e)
	}
	sortEdges(sg.Edges)
	return sg, nil
}

// sortEdges sorts the edges of a subgraph by type, from, to.
func sortEdges(es []kepu.Edge) {
	slices.SortFunc(es, func(a, b kepu.Edge) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
}

// takeLevel sorts the nodes of the next level by ID (string IDs, or
// Adjacency indexes with byID, see Adjacency.cmpNodes), keeps those that
// fit in limit, marks them in and appends them to order; truncated reports
// that some did not fit.
func takeLevel[T comparable](next, order []T, in map[T]bool, limit int, byID func(x, y T) int) (kept, all []T, truncated bool) {
	slices.SortFunc(next, byID)
	if room := limit - len(order); len(next) > room {
		next, truncated = next[:room], true
	}
	for _, v := range next {
		in[v] = true
	}
	return next, append(order, next...), truncated
}

// validateLabels checks label names; the error has code BadUserInput.
func validateLabels(ls []kepu.Label) error {
	for _, l := range ls {
		if kepu.LookupLabel(l) == nil {
			return kepu.Errorf(kepu.BadUserInput, "unknown label %q", l)
		}
	}
	return nil
}

// validate checks the relationship types, labels, hops and limit; the
// error has code BadUserInput.
func (q HoodQuery) validate() error {
	if err := ValidateRels(q.Rels); err != nil {
		return err
	}
	if err := validateLabels(q.Labels); err != nil {
		return err
	}
	if q.Hops < 0 || q.Hops > MaxHoodHops {
		return kepu.Errorf(kepu.BadUserInput, "hops must be between 0 and %d, got %d", MaxHoodHops, q.Hops)
	}
	if q.Limit < 1 || q.Limit > MaxHoodLimit {
		return kepu.Errorf(kepu.BadUserInput, "limit must be between 1 and %d, got %d", MaxHoodLimit, q.Limit)
	}
	return nil
}
