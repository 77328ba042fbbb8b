package kepu

import (
	"context"
	"time"
)

// Call describes one Store method call, for an Observer.
type Call struct {
	Method  string    // "Nodes", "FindNodes", ..., "Write", "Version", "Meta", "SetMeta"
	Label   Label     // FindNodes, CountNodes, PlaceNodes, CountPlaceNodes, WalkNodes: the label listed
	IDs     int       // Nodes, Neighbors, CountNeighbors, PlaceNodes, CountPlaceNodes, Locate: how many IDs
	Changes int       // Write: how many changes
	Start   time.Time // when the call started (zero for an Observer without End)
}

// Observer watches the calls made through a store returned by Observe. Either
// function may be nil.
type Observer struct {
	// Start runs before each call; the call runs with the context it returns.
	Start func(ctx context.Context, c Call) context.Context
	// End runs after each call with that context and the call's error.
	End func(ctx context.Context, c Call, err error)
}

// Observe returns st with o run around every method call except Close.
// Results and errors pass through unchanged. Counting, metrics and tracing
// wrappers are built on it.
func Observe(st Store, o Observer) Store { return &observed{st: st, o: o} }

type observed struct {
	st Store
	o  Observer
}

func (s *observed) start(ctx context.Context, c Call) (context.Context, Call) {
	if s.o.End != nil {
		c.Start = time.Now()
	}
	if s.o.Start != nil {
		ctx = s.o.Start(ctx, c)
	}
	return ctx, c
}

func (s *observed) end(ctx context.Context, c Call, err error) {
	if s.o.End != nil {
		s.o.End(ctx, c, err)
	}
}

func (s *observed) Nodes(ctx context.Context, ids []string) (map[string]Node, error) {
	ctx, c := s.start(ctx, Call{Method: "Nodes", IDs: len(ids)})
	res, err := s.st.Nodes(ctx, ids)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) FindNodes(ctx context.Context, q NodeQuery) (NodePage, error) {
	ctx, c := s.start(ctx, Call{Method: "FindNodes", Label: q.Label})
	res, err := s.st.FindNodes(ctx, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) CountNodes(ctx context.Context, l Label, f *Filter) (int, error) {
	ctx, c := s.start(ctx, Call{Method: "CountNodes", Label: l})
	res, err := s.st.CountNodes(ctx, l, f)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Neighbors(ctx context.Context, ids []string, q NeighborQuery) (map[string]NeighborPage, error) {
	ctx, c := s.start(ctx, Call{Method: "Neighbors", IDs: len(ids)})
	res, err := s.st.Neighbors(ctx, ids, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) CountNeighbors(ctx context.Context, ids []string, q NeighborQuery) (map[string]int, error) {
	ctx, c := s.start(ctx, Call{Method: "CountNeighbors", IDs: len(ids)})
	res, err := s.st.CountNeighbors(ctx, ids, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) PlaceNodes(ctx context.Context, places []string, q NodeQuery) (map[string]NodePage, error) {
	ctx, c := s.start(ctx, Call{Method: "PlaceNodes", Label: q.Label, IDs: len(places)})
	res, err := s.st.PlaceNodes(ctx, places, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) CountPlaceNodes(ctx context.Context, places []string, l Label, f *Filter) (map[string]int, error) {
	ctx, c := s.start(ctx, Call{Method: "CountPlaceNodes", Label: l, IDs: len(places)})
	res, err := s.st.CountPlaceNodes(ctx, places, l, f)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Locate(ctx context.Context, ids []string) (map[string]Location, error) {
	ctx, c := s.start(ctx, Call{Method: "Locate", IDs: len(ids)})
	res, err := s.st.Locate(ctx, ids)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Aggregate(ctx context.Context, q AggregateQuery) ([]Group, error) {
	ctx, c := s.start(ctx, Call{Method: "Aggregate", Label: q.Label})
	res, err := s.st.Aggregate(ctx, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) AggregateEdges(ctx context.Context, q EdgeAggregateQuery) (EdgeAggregate, error) {
	ctx, c := s.start(ctx, Call{Method: "AggregateEdges"})
	res, err := s.st.AggregateEdges(ctx, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Edges(ctx context.Context, q EdgeQuery) (EdgePage, error) {
	ctx, c := s.start(ctx, Call{Method: "Edges"})
	res, err := s.st.Edges(ctx, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) WalkNodes(ctx context.Context, l Label, f *Filter, fn func(n *Node, loc Location) error) error {
	ctx, c := s.start(ctx, Call{Method: "WalkNodes", Label: l})
	err := s.st.WalkNodes(ctx, l, f, fn)
	s.end(ctx, c, err)
	return err
}

func (s *observed) WalkEdges(ctx context.Context, rel RelType, fn func(e *Edge) error) error {
	ctx, c := s.start(ctx, Call{Method: "WalkEdges"})
	err := s.st.WalkEdges(ctx, rel, fn)
	s.end(ctx, c, err)
	return err
}

func (s *observed) Search(ctx context.Context, q SearchQuery) (SearchPage, error) {
	ctx, c := s.start(ctx, Call{Method: "Search"})
	res, err := s.st.Search(ctx, q)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Write(ctx context.Context, changes []Change) ([]Result, error) {
	ctx, c := s.start(ctx, Call{Method: "Write", Changes: len(changes)})
	res, err := s.st.Write(ctx, changes)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Version(ctx context.Context) (uint64, error) {
	ctx, c := s.start(ctx, Call{Method: "Version"})
	res, err := s.st.Version(ctx)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) Meta(ctx context.Context, key string) (string, error) {
	ctx, c := s.start(ctx, Call{Method: "Meta"})
	res, err := s.st.Meta(ctx, key)
	s.end(ctx, c, err)
	return res, err
}

func (s *observed) SetMeta(ctx context.Context, key, value string) error {
	ctx, c := s.start(ctx, Call{Method: "SetMeta"})
	err := s.st.SetMeta(ctx, key, value)
	s.end(ctx, c, err)
	return err
}

func (s *observed) Close() error { return s.st.Close() }
