// Package analysis answers the research questions of kepugraph over any
// kepu.Store: shortest paths and neighborhoods (walked on an Adjacency read
// once per graph version, or through Neighbors, one call per relationship
// type and direction per frontier, while it is being read), network
// measures and communities (computed with gonum on a snapshot of the graph,
// cached per graph version), and coverage and gaps. It depends only on the
// kepu contract, so every backend gives the same answers, and it is meant to
// be reused by other consumers of the graph (file exports, for example).
package analysis

import (
	"cmp"
	"context"
	"slices"

	"github.com/kepugraph/kepugraph/kepu"
)

// Step is one relationship of a walk, seen from the node it is reached
// from: Dir is Out when the walk follows the edge from its From end to its
// To end, In when it goes against it.
type Step struct {
	Edge kepu.Edge
	Dir  kepu.Direction
}

// Other returns the node at the far end of the step, seen from id.
func (s Step) Other(id string) string {
	if s.Edge.From == id {
		return s.Edge.To
	}
	return s.Edge.From
}

// hop is one relationship from a node to a neighbor.
type hop struct {
	to   string
	step Step
}

// Expander walks relationships through a kepu.Store.
type Expander struct {
	Store kepu.Store
	// Rels restricts the walk to these relationship types; empty means all.
	Rels []kepu.RelType
}

func (x Expander) rels() []kepu.RelDef {
	if len(x.Rels) == 0 {
		return kepu.RelDefs()
	}
	var out []kepu.RelDef
	for _, d := range kepu.RelDefs() {
		if slices.Contains(x.Rels, d.Type) {
			out = append(out, d)
		}
	}
	return out
}

// ValidateRels checks relationship type names; the error has code
// BadUserInput.
func ValidateRels(rels []kepu.RelType) error {
	for _, r := range rels {
		if kepu.LookupRel(r) == nil {
			return kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", r)
		}
	}
	return nil
}

// expand returns the relationships of every node in ids (in both
// directions), sorted by the neighbor's ID, then relationship type, then
// direction. It makes one Neighbors call per relationship type and
// direction that the labels of ids can have, and fills nodes with the
// neighbors it sees.
func (x Expander) expand(ctx context.Context, ids []string, nodes map[string]kepu.Node) (map[string][]hop, error) {
	byLabel := map[kepu.Label]bool{}
	for _, id := range ids {
		byLabel[kepu.LabelOf(id)] = true
	}
	out := make(map[string][]hop, len(ids))
	for _, d := range x.rels() {
		for _, dir := range []kepu.Direction{kepu.Out, kepu.In} {
			ends := d.From
			if dir == kepu.In {
				ends = d.To
			}
			var batch []string
			for _, id := range ids {
				if slices.Contains(ends, kepu.LabelOf(id)) {
					batch = append(batch, id)
				}
			}
			if len(batch) == 0 {
				continue
			}
			res, err := x.Store.Neighbors(ctx, batch, kepu.NeighborQuery{Rel: d.Type, Dir: dir})
			if err != nil {
				return nil, err
			}
			for id, page := range res {
				for _, it := range page.Items {
					out[id] = append(out[id], hop{to: it.Node.ID, step: Step{Edge: it.Edge, Dir: dir}})
					if nodes != nil {
						if _, ok := nodes[it.Node.ID]; !ok {
							nodes[it.Node.ID] = it.Node
						}
					}
				}
			}
		}
	}
	for id := range out {
		slices.SortFunc(out[id], cmpHop)
	}
	return out, nil
}

func cmpHop(a, b hop) int {
	return cmp.Or(cmp.Compare(a.to, b.to), cmp.Compare(a.step.Edge.Type, b.step.Edge.Type), cmp.Compare(a.step.Dir, b.step.Dir))
}
