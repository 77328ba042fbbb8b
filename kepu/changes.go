package kepu

import "context"

// EdgeChangeKind names one change of the relationships of the graph.
type EdgeChangeKind uint8

// Edge change kinds. Each states what holds after it, whatever held
// before, so that applying a change twice, or to a state that already has
// it, gives the same result.
const (
	EdgeAdded   EdgeChangeKind = iota + 1 // the relationship Edge (Type, From, To) is in the graph
	EdgeRemoved                           // the relationship Edge is not in the graph
	NodeRemoved                           // the node ID is gone, and with it every relationship at it
)

// EdgeChange is one relationship change of a write.
type EdgeChange struct {
	Kind EdgeChangeKind
	Edge Edge   // EdgeAdded, EdgeRemoved: Type, From and To (no Props)
	ID   string // NodeRemoved
}

// EdgeChanges are the relationship changes of the writes that took the
// graph from version Since to version Version, in the order they were
// made.
type EdgeChanges struct {
	Since, Version uint64
	Changes        []EdgeChange
}

// EdgeLog is an optional capability of a Store (find it with a type
// assertion): the relationship changes of the recent writes, so that a
// reader holding the relationships of the graph at one version (such as
// package analysis's adjacency) can bring them up to date without reading
// them all again.
type EdgeLog interface {
	// EdgeChangesSince returns the relationship changes of every write
	// after graph version since (see Store.Version), up to the version the
	// store had when it read them (Version in the result, at least since).
	// Applied in order to the relationships of the graph at version since,
	// they give those at Version; applied to a walk of the relationships
	// (WalkEdges) that started at version since, too, since each change
	// states what holds after it. ok is false, with no error, when the
	// store cannot give all of them: since is older than the changes it
	// keeps, or newer than its version (another database), or one of the
	// writes since left no changes (made by a process or loader that keeps
	// none, or with more changes than the store keeps per write). Errors
	// are those of a read.
	EdgeChangesSince(ctx context.Context, since uint64) (ch EdgeChanges, ok bool, err error)
}

// EndsWalker is an optional capability of a Store: a faster read of the
// ends of every relationship than WalkEdges, for readers that need
// neither the properties nor the order.
type EndsWalker interface {
	// WalkEnds calls fn with the type and the From and To node IDs of
	// every relationship of the graph, in no particular order; fn may keep
	// the strings. Writes made while it runs are seen or not, but a
	// relationship that is there during the whole walk is passed exactly
	// once. The first error of fn stops the walk and is returned.
	WalkEnds(ctx context.Context, fn func(rel RelType, from, to string) error) error
}

// EdgeChangesOf returns the relationship changes that a successful write of
// changes makes, in order (see EdgeChange): EdgeAdded for CreateEdge and
// PutEdge, EdgeRemoved for DeleteEdge, NodeRemoved for DeleteNode (with
// IfExists too: removing what is absent changes nothing). Node writes
// other than deletes and UpdateEdge change no relationship and give
// nothing.
func EdgeChangesOf(changes []Change) []EdgeChange {
	var out []EdgeChange
	for _, c := range changes {
		switch c.Kind {
		case CreateEdge, PutEdge:
			out = append(out, EdgeChange{Kind: EdgeAdded, Edge: Edge{Type: c.Edge.Type, From: c.Edge.From, To: c.Edge.To}})
		case DeleteEdge:
			out = append(out, EdgeChange{Kind: EdgeRemoved, Edge: Edge{Type: c.Edge.Type, From: c.Edge.From, To: c.Edge.To}})
		case DeleteNode:
			out = append(out, EdgeChange{Kind: NodeRemoved, ID: c.ID})
		}
	}
	return out
}

// FoundReader is an optional capability of a Store: the nodes and
// relationships that a reader found on its own copy of the graph's
// relationships (package analysis's adjacency: a path), read in one call
// together with the graph version, so that a server store answers in one
// round trip what Version, Nodes and one Neighbors call per relationship
// type answer in several.
type FoundReader interface {
	// ReadFound returns the nodes with the given IDs, keyed by ID (IDs
	// that name no node are absent), the relationships with the types and
	// ends of ends (their Props are ignored), with their properties, keyed
	// by Edge.Key (those not in the graph are absent), and the graph
	// version (Store.Version) read in the same transaction, before them:
	// a write that commits while it runs may be seen in the nodes and
	// relationships but not in the version, never the other way round.
	// Errors are those of a read.
	ReadFound(ctx context.Context, ids []string, ends []Edge) (nodes map[string]Node, edges map[string]Edge, version uint64, err error)
}
