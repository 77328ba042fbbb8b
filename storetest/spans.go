package storetest

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// testSpans: a span (startYear/endYear on a node, since/until on a
// relationship; kepu.YearSpans) is checked on the record an update leaves,
// the stored years merged with the update's. An update that sets only the
// last year before the stored first year, or only the first year after the
// stored last year, is refused with BadUserInput naming the year it set,
// and nothing of its write is visible; clearing a year (null or Unset) is
// allowed, and then the other year is unbounded.
func testSpans(t *testing.T, st kepu.Store) {
	mustWrite(t, st, putNodes(
		N(prog1, "kind", "CAMPAIGN", "startYear", 2005, "endYear", 2010),
		N(mAH, "kind", "STANDARD"), N(s1))...)
	mustWrite(t, st, putEdges(E(kepu.PartnersWith, mAH, s1, "since", 2005, "until", 2010))...)

	years := func(t *testing.T, what string, got kepu.Props, first, last string, want ...any) {
		t.Helper()
		for i, k := range []string{first, last} {
			v, ok := got[k]
			switch {
			case want[i] == nil && ok:
				t.Fatalf("%s: %s = %v, want none", what, k, v)
			case want[i] != nil && v != want[i]:
				t.Fatalf("%s: %s = %v (%T), want %v", what, k, v, v, want[i])
			}
		}
	}
	node := func(t *testing.T) kepu.Props {
		t.Helper()
		n, ok := getNode(t, st, prog1)
		if !ok {
			t.Fatalf("%s missing", prog1)
		}
		return n.Props
	}
	edge := func(t *testing.T) kepu.Props {
		t.Helper()
		m, err := st.Neighbors(ctx, []string{mAH}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
		if err != nil {
			t.Fatalf("Neighbors: %v", err)
		}
		if items := m[mAH].Items; len(items) == 1 {
			return items[0].Edge.Props
		}
		t.Fatalf("Neighbors of %s = %+v, want one edge", mAH, m[mAH])
		return nil
	}
	updNode := func(set kepu.Props, unset ...string) kepu.Change {
		return kepu.Change{Kind: kepu.UpdateNode, ID: prog1, Set: set, Unset: unset}
	}
	updEdge := func(set kepu.Props, unset ...string) kepu.Change {
		return kepu.Change{Kind: kepu.UpdateEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: mAH, To: s1}, Set: set, Unset: unset}
	}
	refused := func(t *testing.T, field string, changes ...kepu.Change) {
		t.Helper()
		v0, err := st.Version(ctx)
		if err != nil {
			t.Fatalf("Version: %v", err)
		}
		_, err = st.Write(ctx, changes)
		wantCode(t, err, kepu.BadUserInput)
		if e, ok := err.(*kepu.Error); !ok || e.Field != field {
			t.Fatalf("error %v names field %q, want %q", err, e.Field, field)
		}
		if v1, err := st.Version(ctx); err != nil || v1 != v0 {
			t.Fatalf("version after a refused write = %d (%v), want %d", v1, err, v0)
		}
	}

	t.Run("Node", func(t *testing.T) {
		// The last year alone, before the stored first year; the first
		// year alone, after the stored last year.
		refused(t, "endYear", updNode(kepu.Props{"endYear": 1990}))
		refused(t, "startYear", updNode(kepu.Props{"startYear": 2015}))
		// All or nothing: a good change before the bad one is not written.
		refused(t, "endYear", updNode(kepu.Props{"kind": "TRAINING"}), updNode(kepu.Props{"endYear": 1990}))
		years(t, "after refused updates", node(t), "startYear", "endYear", int64(2005), int64(2010))
		if k := node(t)["kind"]; k != "CAMPAIGN" {
			t.Fatalf("kind = %v after a refused write, want CAMPAIGN", k)
		}
		// A write's later update sees its earlier one.
		refused(t, "endYear", updNode(kepu.Props{"startYear": 2008}), updNode(kepu.Props{"endYear": 2007}))

		// Both years moved together, and a one-year span.
		mustWrite(t, st, updNode(kepu.Props{"startYear": 2020, "endYear": 2025}))
		years(t, "moved", node(t), "startYear", "endYear", int64(2020), int64(2025))
		mustWrite(t, st, updNode(kepu.Props{"endYear": 2020}))
		years(t, "one year", node(t), "startYear", "endYear", int64(2020), int64(2020))

		// Clearing a year (null, then Unset) is allowed; the other year is
		// then free.
		mustWrite(t, st, updNode(kepu.Props{"endYear": nil}))
		years(t, "end cleared", node(t), "startYear", "endYear", int64(2020), nil)
		mustWrite(t, st, updNode(kepu.Props{"startYear": 2030}))
		mustWrite(t, st, updNode(nil, "startYear"))
		mustWrite(t, st, updNode(kepu.Props{"endYear": 1990}))
		years(t, "start cleared", node(t), "startYear", "endYear", nil, int64(1990))
		refused(t, "startYear", updNode(kepu.Props{"startYear": 1991}))
	})

	t.Run("Relationship", func(t *testing.T) {
		refused(t, "until", updEdge(kepu.Props{"until": 1990}))
		refused(t, "since", updEdge(kepu.Props{"since": 2015}))
		refused(t, "until", updEdge(kepu.Props{"activities": 3}), updEdge(kepu.Props{"until": 1990}))
		years(t, "after refused updates", edge(t), "since", "until", int64(2005), int64(2010))
		if _, ok := edge(t)["activities"]; ok {
			t.Fatal("activities written by a refused write")
		}
		// The edge put in the same write, then updated.
		refused(t, "until", append(putEdges(E(kepu.PartnersWith, mAH, s1, "since", 2012)), updEdge(kepu.Props{"until": 2011}))...)

		mustWrite(t, st, updEdge(kepu.Props{"since": 2020, "until": 2025}))
		years(t, "moved", edge(t), "since", "until", int64(2020), int64(2025))
		mustWrite(t, st, updEdge(kepu.Props{"since": 2025}))
		years(t, "one year", edge(t), "since", "until", int64(2025), int64(2025))

		mustWrite(t, st, updEdge(kepu.Props{"until": nil}))
		years(t, "until cleared", edge(t), "since", "until", int64(2025), nil)
		mustWrite(t, st, updEdge(kepu.Props{"since": 2030}))
		mustWrite(t, st, updEdge(nil, "since"))
		mustWrite(t, st, updEdge(kepu.Props{"until": 1990}))
		years(t, "since cleared", edge(t), "since", "until", nil, int64(1990))
		refused(t, "since", updEdge(kepu.Props{"since": 1991}))
	})
}
