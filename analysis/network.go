package analysis

import (
	"context"
	"slices"
	"strings"

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

// clientID is id as the client wrote it (its global ID, cut to 64
// characters): messages never show the store's "Label:key" form.
func clientID(id string) string { return kepu.Truncate(kepu.GlobalID(id), 64) }

// labelsOwn names the owner of id for a message: "a Museum's", or "no
// node's" for an ID without a label.
func labelsOwn(id string) string {
	if l := kepu.LabelOf(id); l != "" {
		return "a " + string(l) + "'s"
	}
	return "no node's"
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
		return kepu.Errorf(kepu.BadUserInput, "within: ID %q is %s, not a province's, prefecture's or county's", clientID(s.Within), labelsOwn(s.Within))
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
	G        *Graph
	Weighted bool // a projection
	Edges    int
}

// LoadNetwork reads the graph that spec selects through the store: one
// WalkNodes per label (IDs only, no copy of the properties), and per
// relationship type one WalkEdges when every node the type starts from is
// in the network, else one Neighbors call from those in it. Errors:
// BadUserInput for an invalid spec (NetSpec.Validate), NotFound when
// spec.Within names no node.
func LoadNetwork(ctx context.Context, st kepu.Store, spec NetSpec) (*Network, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if err := RequireNodes(ctx, st, "within", spec.Within); err != nil {
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
		if err := walkIDs(ctx, st, l, spec.withinFilter(), &ids); err != nil {
			return nil, err
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
			err := st.WalkEdges(ctx, d.Type, func(e *kepu.Edge) error { add(e.From, e.To); return nil })
			if err != nil {
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
	pairs = slices.Compact(pairs)
	edges := make([]wedge, len(pairs))
	for k, p := range pairs {
		edges[k] = wedge{int32(p >> 32), int32(p & 0xffffffff), 1}
	}
	net.G, net.Edges = newGraph(len(net.IDs), edges, false), len(edges)
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

// walkIDs appends the IDs of the nodes of l that match f to ids
// (WalkNodes; an ID is the store's immutable string, safe to keep).
func walkIDs(ctx context.Context, st kepu.Store, l kepu.Label, f *kepu.Filter, ids *[]string) error {
	return st.WalkNodes(ctx, l, f, func(n *kepu.Node, _ kepu.Location) error {
		*ids = append(*ids, n.ID)
		return nil
	})
}

func (s NetSpec) withinFilter() *kepu.Filter {
	if s.Within == "" {
		return nil
	}
	return kepu.InPlace(s.Within)
}

// newNetwork returns the network of the nodes ids (sorted in place,
// duplicates removed) without its graph.
func newNetwork(ids []string) *Network {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	net := &Network{IDs: ids, Index: make(map[string]int64, len(ids))}
	for i, id := range ids {
		net.Index[id] = int64(i)
	}
	return net
}

// loadProjection builds a projection of PARTNERS_WITH: the nodes are the
// museums (or schools) with at least one partner.
func loadProjection(ctx context.Context, st kepu.Store, p Projection, within *kepu.Filter) (*Network, error) {
	near, dir := kepu.Museum, kepu.Out
	if p == SchoolSchool {
		near, dir = kepu.School, kepu.In
	}
	var ids []string
	if err := walkIDs(ctx, st, near, kepu.And(within, &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: dir, Quant: kepu.Some}}), &ids); err != nil {
		return nil, err
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
	// The weight of a pair is the number of far nodes they share.
	weight := map[uint64]float64{}
	for _, f := range fars {
		ms := by[f]
		slices.Sort(ms)
		for i := range ms {
			for j := i + 1; j < len(ms); j++ {
				a, ok1 := net.Index[ms[i]]
				b, ok2 := net.Index[ms[j]]
				if ok1 && ok2 && a != b {
					weight[uint64(min(a, b))<<32|uint64(max(a, b))]++
				}
			}
		}
	}
	edges := make([]wedge, 0, len(weight))
	for p, w := range weight {
		edges = append(edges, wedge{int32(p >> 32), int32(p & 0xffffffff), w})
	}
	net.G, net.Edges = newGraph(len(net.IDs), edges, true), len(edges)
	return net, nil
}

// RequireNodes returns a NotFound error naming the argument arg when st has
// no node with one of ids (a place a measure is restricted to, a program of
// a coverage, an end of a shortest path): a misspelt ID must not read as an
// empty place or a missing path. Empty IDs are skipped.
func RequireNodes(ctx context.Context, st kepu.Store, arg string, ids ...string) error {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == "" })
	if len(ids) == 0 {
		return nil
	}
	found, err := st.Nodes(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := found[id]; !ok {
			return kepu.Errorf(kepu.NotFound, "%s: no %s with ID %q", arg, kepu.LabelOf(id), kepu.GlobalID(id))
		}
	}
	return nil
}
