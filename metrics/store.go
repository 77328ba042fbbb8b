package metrics

import (
	"context"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
)

// InstrumentStore returns st with every method call counted (by method and
// result code) and timed in m. It changes nothing else: results and errors
// pass through as they are.
func InstrumentStore(st kepu.Store, m *Metrics) kepu.Store {
	return &store{st: st, m: m}
}

type store struct {
	st kepu.Store
	m  *Metrics
}

var _ kepu.Store = (*store)(nil)

func (s *store) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	start := time.Now()
	res, err := s.st.Nodes(ctx, ids)
	s.m.observeCall("Nodes", start, err)
	return res, err
}

func (s *store) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	start := time.Now()
	res, err := s.st.FindNodes(ctx, q)
	s.m.observeCall("FindNodes", start, err)
	return res, err
}

func (s *store) CountNodes(ctx context.Context, l kepu.Label, f *kepu.Filter) (int, error) {
	start := time.Now()
	res, err := s.st.CountNodes(ctx, l, f)
	s.m.observeCall("CountNodes", start, err)
	return res, err
}

func (s *store) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	start := time.Now()
	res, err := s.st.Neighbors(ctx, ids, q)
	s.m.observeCall("Neighbors", start, err)
	return res, err
}

func (s *store) CountNeighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]int, error) {
	start := time.Now()
	res, err := s.st.CountNeighbors(ctx, ids, q)
	s.m.observeCall("CountNeighbors", start, err)
	return res, err
}

func (s *store) Locate(ctx context.Context, ids []string) (map[string]kepu.Location, error) {
	start := time.Now()
	res, err := s.st.Locate(ctx, ids)
	s.m.observeCall("Locate", start, err)
	return res, err
}

func (s *store) Aggregate(ctx context.Context, q kepu.AggregateQuery) ([]kepu.Group, error) {
	start := time.Now()
	res, err := s.st.Aggregate(ctx, q)
	s.m.observeCall("Aggregate", start, err)
	return res, err
}

func (s *store) AggregateEdges(ctx context.Context, q kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error) {
	start := time.Now()
	res, err := s.st.AggregateEdges(ctx, q)
	s.m.observeCall("AggregateEdges", start, err)
	return res, err
}

func (s *store) Write(ctx context.Context, changes []kepu.Change) ([]kepu.Result, error) {
	start := time.Now()
	res, err := s.st.Write(ctx, changes)
	s.m.observeCall("Write", start, err)
	return res, err
}

func (s *store) Close() error { return s.st.Close() }
