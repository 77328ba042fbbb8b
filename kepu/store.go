package kepu

import "context"

// Store is a graph backend. Every method takes the request's context and
// stops when it is done (returning an error with code Unavailable or the
// context's error). Methods are safe for concurrent use.
//
// Errors are *Error values with a Code (see ErrorCode): BadUserInput for
// invalid arguments (unknown label, relationship or property, an operator
// that does not apply to the property's type, a malformed or foreign cursor,
// negative page sizes), NotFound, Conflict, Unavailable when the backend
// cannot be reached, Internal for everything else. A read method never
// returns NotFound for a missing node: it leaves it out.
//
// The conformance suite in package storetest is the executable form of this
// contract; every backend runs it.
type Store interface {
	// Nodes returns the nodes with the given IDs, keyed by ID. IDs that name
	// no node are absent from the map.
	Nodes(ctx context.Context, ids []string) (map[string]Node, error)

	// FindNodes returns one page of the nodes of q.Label that match q.Filter,
	// in q.Order (then by ID). With neither First nor Last, every match is
	// returned. Paging is keyset based: a cursor names a position in the
	// order, not an offset, so inserts and deletes between two calls never
	// make a page skip or repeat a node that was there during both calls.
	FindNodes(ctx context.Context, q NodeQuery) (NodePage, error)

	// CountNodes counts the nodes of a label that match a filter, without
	// loading them.
	CountNodes(ctx context.Context, l Label, f *Filter) (int, error)

	// Neighbors answers q for every node in ids at once (one round trip):
	// the result maps each ID to its page. The page rules of FindNodes apply
	// per node. IDs that name no node get an empty page.
	Neighbors(ctx context.Context, ids []string, q NeighborQuery) (map[string]NeighborPage, error)

	// CountNeighbors counts, for every node in ids, the relationships of
	// q.Rel and q.Dir that match q.EdgeFilter and q.NodeFilter (q.Order and
	// q.Page are ignored).
	CountNeighbors(ctx context.Context, ids []string, q NeighborQuery) (map[string]int, error)

	// PlaceNodes answers q for every place in places at once (one round
	// trip): the result maps each place ID to the page of the nodes of
	// q.Label located in that place (their Location at the place's level is
	// that place, exactly as with the filter InPlace(place)) that match
	// q.Filter, in q.Order (then by ID). The page rules of FindNodes apply
	// per place, and the cursors are those of FindNodes for q.Label and
	// q.Order: a cursor of either method is accepted by the other. Every ID
	// must be the ID of a place level (Province, Prefecture or County, see
	// IsPlaceID), else the call fails with BadUserInput; a place ID that
	// names no node gets an empty page. A place listed twice is answered
	// once.
	PlaceNodes(ctx context.Context, places []string, q NodeQuery) (map[string]NodePage, error)

	// CountPlaceNodes counts, for every place in places, the nodes of l
	// located in it that match f, without loading them. The place IDs
	// follow the rules of PlaceNodes; a place that names no node counts 0.
	CountPlaceNodes(ctx context.Context, places []string, l Label, f *Filter) (map[string]int, error)

	// Locate returns the Location of every node in ids that has one
	// (see Location); nodes without a place are absent.
	Locate(ctx context.Context, ids []string) (map[string]Location, error)

	// Aggregate counts (and sums) the matching nodes, grouped.
	Aggregate(ctx context.Context, q AggregateQuery) ([]Group, error)

	// AggregateEdges counts (and sums) the matching edges.
	AggregateEdges(ctx context.Context, q EdgeAggregateQuery) (EdgeAggregate, error)

	// Edges returns one page of all the edges of type q.Rel, in the order
	// of their From node's ID, then their To node's ID: at most q.First
	// edges after q.After, the EndCursor of the previous page ("" for the
	// first page). It reads no node, so that a whole graph can be streamed
	// at the cost of its edges. BadUserInput for an unknown type, a First
	// below 1, or a malformed cursor or one of another type.
	Edges(ctx context.Context, q EdgeQuery) (EdgePage, error)

	// WalkNodes calls fn with every node of label l that matches f (nil:
	// every node), in ID order, and its Location (the zero Location when it
	// has none): a whole label streamed at the cost of its nodes, for
	// exports. The *Node, its Props and their list values are the store's
	// or reused: valid only until fn returns, and never to be modified; a
	// caller that keeps a node keeps a copy (Props.Clone). The walk reads
	// the graph a part at a time, so writes made while it runs are seen or
	// not as with keyset paging: a node that is there during the whole walk
	// is passed exactly once. The first error of fn stops the walk and is
	// returned. BadUserInput for an unknown label or an invalid filter.
	WalkNodes(ctx context.Context, l Label, f *Filter, fn func(n *Node, loc Location) error) error

	// WalkEdges calls fn with every edge of type rel in the order of Edges
	// (From's ID, then To's ID), under the rules of WalkNodes: the *Edge
	// and its Props are valid until fn returns and never to be modified.
	// BadUserInput for an unknown type.
	WalkEdges(ctx context.Context, rel RelType, fn func(e *Edge) error) error

	// Search returns one page of the nodes whose names match q.Text, best
	// first, ties by ID (the rules are package textsearch's: every backend
	// ranks the candidates of its full-text index with the same Go code, so
	// backends agree). A node written is found by the next call.
	// BadUserInput for a text without a usable term, longer than
	// textsearch.MaxTextRunes or with too many terms, an unknown label, a
	// negative page size or a malformed cursor.
	Search(ctx context.Context, q SearchQuery) (SearchPage, error)

	// Write applies the changes in order, all or nothing: when it returns
	// nil every change is durable (on disk, or acknowledged by the server),
	// and when it returns an error none of them is visible. It validates
	// every change against the schema registry (see Validate*): BadUserInput
	// for invalid input, NotFound when a change names a missing node or edge
	// (except Put*, DeleteNode and Unlink with IfExists), Conflict when a
	// Create* names an existing node or edge. It returns the nodes and edges
	// as they are after the write, one per change (zero values for deletes).
	Write(ctx context.Context, changes []Change) ([]Result, error)

	// Version returns the graph version: a number that every successful
	// Write that changes the graph increases (a write that changes nothing
	// may increase it too), that a failed Write leaves as it was, and that
	// never decreases. Two equal versions of one store mean the same graph,
	// so a result computed from the whole graph can be cached by it. On a
	// shared backend (Neo4j) it counts the writes of every process using
	// the database, not only this one's. Versions are not dense: a new
	// Neo4j counter starts at the clock in milliseconds.
	Version(ctx context.Context) (uint64, error)

	// Meta returns the value of the store's metadata entry key, "" when
	// there is none. Metadata are a few named strings a store keeps beside
	// the graph, about the store itself (server.Seed marks a reference load
	// in progress with one): they are not part of the graph, so no other
	// method sees them (no node or edge: never counted, listed, walked,
	// searched, aggregated, dumped or exported) and they do not change
	// Version. BadUserInput for a key ValidateMeta refuses.
	Meta(ctx context.Context, key string) (string, error)

	// SetMeta sets the metadata entry key to value, or removes the entry
	// when value is "" (removing a missing entry is no error). When it
	// returns nil the entry is durable (on disk, or acknowledged by the
	// server), as a Write is; it is independent of Write (neither waits
	// for nor orders with the other's data). It does not change Version.
	// BadUserInput for a key or value ValidateMeta refuses.
	SetMeta(ctx context.Context, key, value string) error

	// Close releases the store.
	Close() error
}

// ChangeKind names a write.
type ChangeKind string

// Change kinds.
const (
	CreateNode ChangeKind = "createNode" // Node; Conflict if its ID exists
	PutNode    ChangeKind = "putNode"    // Node; creates it or replaces all its properties
	UpdateNode ChangeKind = "updateNode" // ID, Set, Unset; NotFound if missing
	DeleteNode ChangeKind = "deleteNode" // ID; removes its edges too; NotFound if missing unless IfExists
	CreateEdge ChangeKind = "createEdge" // Edge; Conflict if it exists; NotFound if an end is missing
	PutEdge    ChangeKind = "putEdge"    // Edge; creates it or replaces all its properties
	UpdateEdge ChangeKind = "updateEdge" // Edge (Type, From, To), Set, Unset; NotFound if missing
	DeleteEdge ChangeKind = "deleteEdge" // Edge (Type, From, To); NotFound if missing unless IfExists
)

// Change is one write. Which fields are used depends on Kind.
type Change struct {
	Kind     ChangeKind
	Node     Node     // CreateNode, PutNode
	ID       string   // UpdateNode, DeleteNode
	Edge     Edge     // CreateEdge, PutEdge, UpdateEdge, DeleteEdge (Props unused for the last two)
	Set      Props    // UpdateNode, UpdateEdge
	Unset    []string // UpdateNode, UpdateEdge
	IfExists bool     // DeleteNode, DeleteEdge: a missing target is not an error
}

// Result is the state after one change: the node (for node changes) or the
// edge (for edge changes); zero values for deletes.
type Result struct {
	Node Node
	Edge Edge
}
