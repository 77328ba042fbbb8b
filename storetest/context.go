package storetest

// Conformance tests of cancellation: every store method honours a
// cancelled context, and a cancelled write applies nothing.

import (
	"context"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

func testContext(t *testing.T, st kepu.Store) {
	loadGraph(t, st)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	nq := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out}
	calls := map[string]func() error{
		"Nodes":          func() error { _, err := st.Nodes(c, []string{mAH}); return err },
		"FindNodes":      func() error { _, err := st.FindNodes(c, kepu.NodeQuery{Label: kepu.Museum}); return err },
		"CountNodes":     func() error { _, err := st.CountNodes(c, kepu.Museum, nil); return err },
		"Neighbors":      func() error { _, err := st.Neighbors(c, []string{mAH}, nq); return err },
		"CountNeighbors": func() error { _, err := st.CountNeighbors(c, []string{mAH}, nq); return err },
		"Locate":         func() error { _, err := st.Locate(c, []string{mAH}); return err },
		"Aggregate":      func() error { _, err := st.Aggregate(c, kepu.AggregateQuery{Label: kepu.Museum}); return err },
		"AggregateEdges": func() error { _, err := st.AggregateEdges(c, kepu.EdgeAggregateQuery{Rel: nq.Rel}); return err },
		"Meta":           func() error { _, err := st.Meta(c, kepu.MetaReferenceLoad); return err },
		"SetMeta": func() error {
			return st.SetMeta(c, "storetest.cancelled", "x")
		},
		"Write": func() error {
			_, err := st.Write(c, putNodes(N("School:cancelled")))
			return err
		},
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s with a cancelled context returned no error", name)
		}
	}
	if _, ok := getNode(t, st, "School:cancelled"); ok {
		t.Fatal("a write with a cancelled context was applied")
	}
	if v, err := st.Meta(ctx, "storetest.cancelled"); err != nil || v != "" {
		t.Fatalf("a SetMeta with a cancelled context: Meta = %q, %v; want \"\"", v, err)
	}
}
