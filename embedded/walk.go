package embedded

import (
	"context"
	"sort"

	"github.com/kepugraph/kepugraph/kepu"
)

// walkChunk is the number of nodes a walk reads under one read lock: the
// lock is released while the caller handles them, so a slow reader (an
// export to a slow client) never holds up writers for longer than reading
// walkChunk nodes takes.
const walkChunk = 1024

// walkNode is a node read by a walk: the stored values themselves (props
// are never modified in place, see props), not copies.
type walkNode struct {
	id    string
	label kepu.Label
	props props
	loc   kepu.Location
}

// walkEdge is an edge read by a walk, like walkNode.
type walkEdge struct {
	from, to string
	props    props
}

// resumeAfter returns where a walk's next chunk starts in the sorted ids:
// 0 when nothing was read yet, else the first ID after the last one read
// (which may have been deleted since).
func resumeAfter(ids []string, after string, started bool) int {
	if !started {
		return 0
	}
	start := sort.SearchStrings(ids, after)
	if start < len(ids) && ids[start] == after {
		start++
	}
	return start
}

// fillProps makes dst hold exactly the properties of p, sharing their
// values (lists included): a map reused from one element to the next, so a
// walk allocates nothing per element.
func fillProps(dst kepu.Props, p props) {
	clear(dst)
	for i := range p {
		dst[p[i].k] = p[i].v
	}
}

// WalkNodes calls fn with every node of l that matches f, in ID order, and
// its location (see kepu.Store). It reads walkChunk nodes of the sorted ID
// list at a time under the read lock, then calls fn for them without it,
// with one kepu.Node whose Props map is refilled for each node from the
// stored values; the next chunk starts after the last ID read (keyset).
func (s *Store) WalkNodes(ctx context.Context, l kepu.Label, f *kepu.Filter, fn func(n *kepu.Node, loc kepu.Location) error) error {
	if err := validateNodeQuery(l, f); err != nil {
		return err
	}
	var chunk []walkNode                   // grown to walkChunk at most
	places := map[*nodeRec]kepu.Location{} // location by start place, per chunk
	node := kepu.Node{Props: kepu.Props{}}
	after, started := "", false
	for {
		if err := s.rlock(ctx); err != nil {
			return err
		}
		ids := s.st.byLabel[l]
		start := resumeAfter(ids, after, started)
		end := min(start+walkChunk, len(ids))
		ev := &evaluator{st: s.st}
		clear(places)
		chunk = chunk[:0]
		for _, id := range ids[start:end] {
			n := s.st.nodes[id]
			if n == nil || !ev.match(n, f) {
				continue
			}
			var loc kepu.Location
			if p := locationStart(n); p != nil {
				var ok bool
				if loc, ok = places[p]; !ok {
					loc = ev.locateFrom(p)
					places[p] = loc
				}
			}
			chunk = append(chunk, walkNode{id: n.id, label: n.label, props: n.props, loc: loc})
		}
		done := end == len(ids)
		if end > start {
			after, started = ids[end-1], true
		}
		s.mu.RUnlock()
		for i := range chunk {
			w := &chunk[i]
			node.ID, node.Label = w.id, w.label
			fillProps(node.Props, w.props)
			if err := fn(&node, w.loc); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// WalkEdges calls fn with every edge of rel in (From, To) order (see
// kepu.Store). Like WalkNodes it reads under the read lock the outgoing
// edges of up to walkChunk From nodes at a time, stopping after the node
// that brings them to walkChunk edges (a node's edges are never split
// between two chunks), in the order of Edges, then calls fn for them
// without it.
func (s *Store) WalkEdges(ctx context.Context, rel kepu.RelType, fn func(e *kepu.Edge) error) error {
	d := kepu.LookupRel(rel)
	if d == nil {
		return kepu.Errorf(kepu.BadUserInput, "unknown relationship type %q", kepu.Truncate(string(rel), 64))
	}
	labels := fromLabelsInIDOrder(d.From)
	var chunk []walkEdge // about walkChunk nodes' edges
	var sorted []*edgeRec
	edge := kepu.Edge{Type: d.Type, Props: kepu.Props{}}
	for _, l := range labels {
		after, started := "", false
		for {
			if err := s.rlock(ctx); err != nil {
				return err
			}
			ids := s.st.byLabel[l]
			start := resumeAfter(ids, after, started)
			// Up to walkChunk From nodes, or fewer once their edges
			// number walkChunk.
			end := start
			chunk = chunk[:0]
			for end < len(ids) && end-start < walkChunk && len(chunk) < walkChunk {
				n := s.st.nodes[ids[end]]
				end++
				if n == nil {
					continue
				}
				sorted = outByTo(sorted, n, rel)
				for _, e := range sorted {
					chunk = append(chunk, walkEdge{from: e.from.id, to: e.to.id, props: e.p()})
				}
			}
			clear(sorted) // drop the pointers to the records
			done := end == len(ids)
			if end > start {
				after, started = ids[end-1], true
			}
			s.mu.RUnlock()
			for i := range chunk {
				w := &chunk[i]
				edge.From, edge.To = w.from, w.to
				fillProps(edge.Props, w.props)
				if err := fn(&edge); err != nil {
					return err
				}
			}
			if done {
				break
			}
		}
	}
	return nil
}
