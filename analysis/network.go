package analysis

import (
	"context"
	"slices"
	"strings"

	"gonum.org/v1/gonum/graph/simple"

	"github.com/kepugraph/kepugraph/kepu"
)

// Projection names a bipartite projection of the museum–school network.
type Projection string

// Projections.
const (
	NoProjection  Projection = ""
	MuseumMuseum  Projection = "MUSEUM_MUSEUM" // museums joined by shared school partners, weight = shared schools
	SchoolSchool  Projection = "SCHOOL_SCHOOL" // schools joined by shared museum partners, weight = shared museums
	maxNetworkIDs            = 1 << 22
)

// NetSpec selects the graph a measure runs on: the nodes of Labels and the
// relationships of Rels among them (empty: all), or a projection (then
// Labels and Rels must be empty).
type NetSpec struct {
	Labels     []kepu.Label
	Rels       []kepu.RelType
	Projection Projection
	Within     string // a place ID: only the nodes located in it (see kepu.InPlace); "" for all
}

func (s NetSpec) key() string {
	ls := make([]string, len(s.Labels))
	for i, l := range s.Labels {
		ls[i] = string(l)
	}
	rs := make([]string, len(s.Rels))
	for i, r := range s.Rels {
		rs[i] = string(r)
	}
	slices.Sort(ls)
	slices.Sort(rs)
	return strings.Join(ls, ",") + "|" + strings.Join(rs, ",") + "|" + string(s.Projection) + "|" + s.Within
}

// Validate checks the spec; the error has code BadUserInput.
func (s NetSpec) Validate() error {
	if err := ValidateRels(s.Rels); err != nil {
		return err
	}
	if err := validateLabels(s.Labels); err != nil {
		return err
	}
	if s.Within != "" && !kepu.IsPlaceID(s.Within) {
		return kepu.Errorf(kepu.BadUserInput, "within must be the ID of a province, prefecture or county")
	}
	switch s.Projection {
	case NoProjection:
	case MuseumMuseum, SchoolSchool:
		if len(s.Labels) > 0 || len(s.Rels) > 0 {
			return kepu.Errorf(kepu.BadUserInput, "a projection takes no labels or relationships")
		}
	default:
		return kepu.Errorf(kepu.BadUserInput, "unknown projection %q", s.Projection)
	}
	return nil
}

// Network is an undirected, weighted snapshot of (part of) the graph: node
// i of G is IDs[i], IDs sorted. Relationships of several types (or both
// directions) between two nodes make one edge of weight 1; in a projection
// the weight is the number of shared partners.
type Network struct {
	IDs      []string
	Index    map[string]int64
	G        *simple.WeightedUndirectedGraph
	Weighted bool // a projection
	Edges    int
}

// LoadNetwork reads the graph that spec selects through the store: one
// FindNodes call per label, and per relationship type the pages of Edges
// when every node the type starts from is in the network, else one
// Neighbors call from those in it.
func LoadNetwork(ctx context.Context, st kepu.Store, spec NetSpec) (*Network, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if spec.Projection != NoProjection {
		return loadProjection(ctx, st, spec.Projection, spec.withinFilter())
	}
	labels := spec.Labels
	if len(labels) == 0 {
		labels = kepu.Labels
	}
	var ids []string
	for _, l := range labels {
		page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: l, Filter: spec.withinFilter()})
		if err != nil {
			return nil, err
		}
		for _, n := range page.Nodes {
			ids = append(ids, n.ID)
		}
	}
	net := newNetwork(ids)
	var pairs []uint64
	for _, d := range (Expander{Rels: spec.Rels}).rels() {
		var from []string
		for _, id := range net.IDs {
			if slices.Contains(d.From, kepu.LabelOf(id)) {
				from = append(from, id)
			}
		}
		if len(from) == 0 {
			continue
		}
		add := func(a, b string) {
			i, ok1 := net.Index[a]
			j, ok2 := net.Index[b]
			if ok1 && ok2 && i != j {
				pairs = append(pairs, uint64(min(i, j))<<32|uint64(max(i, j)))
			}
		}
		if spec.Within == "" && allIn(d.From, labels) {
			// Every node a relationship of d can start from is in the
			// network: stream the relationships (no node is read).
			if err := eachEdge(ctx, st, d.Type, func(e kepu.Edge) { add(e.From, e.To) }); err != nil {
				return nil, err
			}
			continue
		}
		res, err := st.Neighbors(ctx, from, kepu.NeighborQuery{Rel: d.Type, Dir: kepu.Out})
		if err != nil {
			return nil, err
		}
		for id, page := range res {
			for _, it := range page.Items {
				add(id, it.Node.ID)
			}
		}
	}
	// One edge per pair of nodes, weight 1, whatever the number of
	// relationships joining them.
	slices.Sort(pairs)
	for _, p := range slices.Compact(pairs) {
		net.G.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(int64(p >> 32)), T: simple.Node(int64(p & 0xffffffff)), W: 1})
		net.Edges++
	}
	return net, nil
}

func allIn(ls, in []kepu.Label) bool {
	for _, l := range ls {
		if !slices.Contains(in, l) {
			return false
		}
	}
	return true
}

// eachEdge calls fn for every relationship of type rel (Store.Edges, pages
// of edgePage).
func eachEdge(ctx context.Context, st kepu.Store, rel kepu.RelType, fn func(kepu.Edge)) error {
	after := ""
	for {
		p, err := st.Edges(ctx, kepu.EdgeQuery{Rel: rel, First: edgePage, After: after})
		if err != nil {
			return err
		}
		for _, e := range p.Edges {
			fn(e)
		}
		if !p.HasNext {
			return nil
		}
		after = p.EndCursor
	}
}

func (s NetSpec) withinFilter() *kepu.Filter {
	if s.Within == "" {
		return nil
	}
	return kepu.InPlace(s.Within)
}

func newNetwork(ids []string) *Network {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	net := &Network{IDs: ids, Index: make(map[string]int64, len(ids)), G: simple.NewWeightedUndirectedGraph(0, 0)}
	for i, id := range ids {
		net.Index[id] = int64(i)
		net.G.AddNode(simple.Node(int64(i)))
	}
	return net
}

// add joins a and b (both must be in the network, else nothing happens);
// with sum the weight adds up, otherwise it stays 1.
func (n *Network) add(a, b string, w float64, sum bool) {
	i, ok1 := n.Index[a]
	j, ok2 := n.Index[b]
	if !ok1 || !ok2 || i == j {
		return
	}
	if e := n.G.WeightedEdge(i, j); e != nil {
		if sum {
			n.G.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(i), T: simple.Node(j), W: e.Weight() + w})
		}
		return
	}
	n.G.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(i), T: simple.Node(j), W: w})
	n.Edges++
}

// loadProjection builds a projection of PARTNERS_WITH: the nodes are the
// museums (or schools) with at least one partner.
func loadProjection(ctx context.Context, st kepu.Store, p Projection, within *kepu.Filter) (*Network, error) {
	near, dir := kepu.Museum, kepu.Out
	if p == SchoolSchool {
		near, dir = kepu.School, kepu.In
	}
	page, err := st.FindNodes(ctx, kepu.NodeQuery{Label: near, Filter: kepu.And(within, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: dir, Quant: kepu.Some}})})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, n := range page.Nodes {
		ids = append(ids, n.ID)
	}
	res, err := st.Neighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: dir})
	if err != nil {
		return nil, err
	}
	net := newNetwork(ids)
	net.Weighted = true
	// partners of each far node, in ID order
	by := map[string][]string{}
	for id, pg := range res {
		for _, it := range pg.Items {
			by[it.Node.ID] = append(by[it.Node.ID], id)
		}
	}
	fars := make([]string, 0, len(by))
	for f := range by {
		fars = append(fars, f)
	}
	slices.Sort(fars)
	for _, f := range fars {
		ms := by[f]
		slices.Sort(ms)
		for i := range ms {
			for j := i + 1; j < len(ms); j++ {
				net.add(ms[i], ms[j], 1, true)
			}
		}
	}
	return net, nil
}
