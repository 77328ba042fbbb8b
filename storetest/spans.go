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

	// The same steps on a node's span and on a relationship's: upd makes
	// an update of the record, read reads it back, other is a property of
	// another name that a refused write must not leave behind, and prefix
	// is a change the write puts before its updates.
	for _, c := range []struct {
		name        string
		first, last string
		upd         func(set kepu.Props, unset ...string) kepu.Change
		read        func(t *testing.T) kepu.Props
		other       kepu.Props
		prefix      []kepu.Change
	}{
		{"Node", "startYear", "endYear", updNode, node, kepu.Props{"kind": "TRAINING"}, nil},
		{"Relationship", "since", "until", updEdge, edge, kepu.Props{"activities": 3},
			putEdges(E(kepu.PartnersWith, mAH, s1, "since", 2012))},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := func(k string, v any) kepu.Props { return kepu.Props{k: v} }
			// The last year alone, before the stored first year; the first
			// year alone, after the stored last year.
			refused(t, c.last, c.upd(set(c.last, 1990)))
			refused(t, c.first, c.upd(set(c.first, 2015)))
			// All or nothing: a good change before the bad one is not written.
			before := c.read(t)
			refused(t, c.last, c.upd(c.other), c.upd(set(c.last, 1990)))
			years(t, "after refused updates", c.read(t), c.first, c.last, int64(2005), int64(2010))
			for k := range c.other {
				if got, want := c.read(t)[k], before[k]; got != want {
					t.Fatalf("%s = %v after a refused write, want %v", k, got, want)
				}
			}
			// A write's later update sees its earlier one (and a record
			// put earlier in the same write).
			refused(t, c.last, append(c.prefix, c.upd(set(c.first, 2008)), c.upd(set(c.last, 2007)))...)

			// Both years moved together, and a one-year span.
			mustWrite(t, st, c.upd(kepu.Props{c.first: 2020, c.last: 2025}))
			years(t, "moved", c.read(t), c.first, c.last, int64(2020), int64(2025))
			mustWrite(t, st, c.upd(set(c.last, 2020)))
			years(t, "one year", c.read(t), c.first, c.last, int64(2020), int64(2020))

			// Clearing a year (null, then Unset) is allowed; the other
			// year is then free.
			mustWrite(t, st, c.upd(set(c.last, nil)))
			years(t, "last cleared", c.read(t), c.first, c.last, int64(2020), nil)
			mustWrite(t, st, c.upd(set(c.first, 2030)))
			mustWrite(t, st, c.upd(nil, c.first))
			mustWrite(t, st, c.upd(set(c.last, 1990)))
			years(t, "first cleared", c.read(t), c.first, c.last, nil, int64(1990))
			refused(t, c.first, c.upd(set(c.first, 1991)))
		})
	}
}
