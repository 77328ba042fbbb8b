package neo4jstore_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestProfileScale profiles the store calls of the rows of bench-scale's
// table (bench/scale: pages of 100 museums after a cursor in five orders,
// filtered counts, peer query 3) on a graph already loaded into the
// Neo4j at NEO4J_URI, such as the 1M-node benchmark graph
// (bench/neo4j-scale/load.py --keep). It only reads: the database is not
// wiped; with KEPUGRAPH_PROFILE_ENSURE_SCHEMA=1 it first creates the
// constraints and indexes of this build that the database lacks, drops
// the ones they replaced (EnsureSchema) and waits until every index is
// online. It runs only when
// KEPUGRAPH_PROFILE_SCALE names the file to write the plans to (Markdown:
// each statement, its rows, db hits in all and its operators).
func TestProfileScale(t *testing.T) {
	out := os.Getenv("KEPUGRAPH_PROFILE_SCALE")
	if out == "" || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PROFILE_SCALE and NEO4J_URI are not set: no loaded graph to profile")
	}
	ctx := context.Background()
	cfg := neo4jstore.ConfigFromEnv()
	if os.Getenv("KEPUGRAPH_PROFILE_ENSURE_SCHEMA") == "1" {
		// EnsureSchema's reads and writes pass over every node of a
		// loaded graph (search keys, absent-value markers).
		cfg.TxTimeout = 30 * time.Minute
	}
	st := openLoaded(t, cfg)
	if os.Getenv("KEPUGRAPH_PROFILE_ENSURE_SCHEMA") == "1" {
		start := time.Now()
		if err := st.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.AwaitIndexes(ctx, time.Hour); err != nil {
			t.Fatal(err)
		}
		t.Logf("schema ensured and every index online in %v", time.Since(start).Round(time.Millisecond))
	}
	log := recordStatements(st)
	drv, _ := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)

	// The cursor: the 2,500th museum by ID (bench-scale draws them from
	// the first 5,000).
	first := 5000
	all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &first}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Nodes) == 0 {
		t.Fatal("no museums")
	}
	cur := all.Nodes[len(all.Nodes)/2]
	hundred := 100
	var pageAfter func(order []kepu.OrderKey, cur kepu.Node) func() error
	// The last museum by ID of the cursor's opening year: a page by
	// openedYear desc after it reads the next year (the ID ascends while
	// the year descends).
	one := 1
	yearEnd, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("openedYear", kepu.Eq, cur.Props["openedYear"]),
		Order: []kepu.OrderKey{{Prop: kepu.PropID, Desc: true}}, Page: kepu.Page{First: &one}})
	if err != nil || len(yearEnd.Nodes) == 0 {
		t.Fatalf("the last museum of %v: %v", cur.Props["openedYear"], err)
	}
	// A museum without an opening year (absent values are in no index of
	// the property: their marker's, absent.go), and the last museum by
	// name (ties: ID) of the cursor's kind: a page by kind, name after it
	// reads the next kind.
	noYear, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("openedYear", kepu.Eq, nil), Page: kepu.Page{First: &one}})
	if err != nil || len(noYear.Nodes) == 0 {
		t.Fatalf("a museum without openedYear: %v", err)
	}
	kindEnd, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, cur.Props["kind"]),
		Order: []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}}, Page: kepu.Page{First: &one}})
	if err != nil || len(kindEnd.Nodes) == 0 {
		t.Fatalf("the last museum of kind %v: %v", cur.Props["kind"], err)
	}
	firstPage := func(order []kepu.OrderKey) func() error {
		return func() error {
			_, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: order, Page: kepu.Page{First: &hundred}})
			return err
		}
	}
	page := func(order []kepu.OrderKey) func() error {
		return pageAfter(order, cur)
	}
	pageAfter = func(order []kepu.OrderKey, cur kepu.Node) func() error {
		return func() error {
			keys := make([]any, len(order))
			for i, k := range order {
				keys[i] = cur.Props[k.Prop]
			}
			sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), order)
			_, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: order,
				Page: kepu.Page{First: &hundred, After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: cur.ID})}})
			return err
		}
	}
	count := func(l kepu.Label, f *kepu.Filter) func() error {
		return func() error { _, err := st.CountNodes(ctx, l, f.Clone()); return err }
	}
	zj := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-ZJ")}}
	calls := []struct {
		name string
		call func() error
	}{
		{"page of 100 museums by ID after a cursor", page(nil)},
		{"page of 100 museums by name after a cursor", page([]kepu.OrderKey{{Prop: kepu.PropName}})},
		{"page of 100 museums by name desc after a cursor", page([]kepu.OrderKey{{Prop: kepu.PropName, Desc: true}})},
		{"page of 100 museums by openedYear desc after a cursor", page([]kepu.OrderKey{{Prop: "openedYear", Desc: true}})},
		{"page of 100 museums by openedYear desc after the last museum (by ID) of the cursor's year", pageAfter([]kepu.OrderKey{{Prop: "openedYear", Desc: true}}, yearEnd.Nodes[0])},
		{"page of 100 museums by openedYear desc after a museum without openedYear", pageAfter([]kepu.OrderKey{{Prop: "openedYear", Desc: true}}, noYear.Nodes[0])},
		{"first page of 100 museums by openedYear desc", firstPage([]kepu.OrderKey{{Prop: "openedYear", Desc: true}})},
		{"first page of 100 museums by distanceKm desc", firstPage([]kepu.OrderKey{{Prop: "distanceKm", Desc: true}})},
		{"page of 100 museums by kind, name after a cursor", page([]kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}})},
		{"page of 100 museums by kind, name after the last museum of the cursor's kind", pageAfter([]kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}}, kindEnd.Nodes[0])},
		{"first page of 100 museums by kind, name", firstPage([]kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}})},
		{"count museums", count(kepu.Museum, nil)},
		{"count museums of kind STANDARD", count(kepu.Museum, kepu.C("kind", kepu.Eq, "STANDARD"))},
		{"count museums opened 2000-2009", count(kepu.Museum, kepu.And(kepu.C("openedYear", kepu.Gte, int64(2000)), kepu.C("openedYear", kepu.Lt, int64(2010))))},
		{"count museums in Zhejiang", count(kepu.Museum, zj)},
		{"count schools in Zhejiang", count(kepu.School, zj)},
		{"peer query 3: Zhejiang's museums by name, count, partner counts", func() error {
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: zj.Clone(), Order: []kepu.OrderKey{{Prop: kepu.PropName}}, Page: kepu.Page{First: &hundred}})
			if err != nil {
				return err
			}
			if _, err := st.CountNodes(ctx, kepu.Museum, zj.Clone()); err != nil {
				return err
			}
			ids := make([]string, len(p.Nodes))
			for i, n := range p.Nodes {
				ids[i] = n.ID
			}
			_, err = st.CountNeighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
			return err
		}},
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Cursor: %s (name %q, kind %v, openedYear %v).\n\n", cur.ID, cur.Props[kepu.PropName], cur.Props["kind"], cur.Props["openedYear"])
	for _, c := range calls {
		// Twice: the second call is the one profiled (warm caches).
		for range 2 {
			log.reset()
			if err := c.call(); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		got := log.take()
		fmt.Fprintf(&buf, "#### %s: %d statements\n\n", c.name, len(got))
		for _, s := range got {
			profileStatement(ctx, t, sess, s, &buf)
		}
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestProfileScaleSamples profiles every page of bench-scale's page rows
// (bench/scale's Table: the same random cursors, drawn from the first
// 5,000 museums by ID with the same generator, for -samples
// KEPUGRAPH_PROFILE_SAMPLES) and writes, per order, the db hits of a page
// (all its statements) at the median and the maximum, the statements per
// page, and the cursors of the costliest pages: Neo4j's work per page,
// which no load on the machine changes, where bench-scale's wall-clock
// p99 of 100 samples is the slowest single call. It only reads; it runs
// only when KEPUGRAPH_PROFILE_SAMPLES and NEO4J_URI are set.
func TestProfileScaleSamples(t *testing.T) {
	samples, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_PROFILE_SAMPLES"))
	if samples <= 0 || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PROFILE_SAMPLES and NEO4J_URI are not set: no loaded graph to profile")
	}
	ctx := context.Background()
	cfg := neo4jstore.ConfigFromEnv()
	st := openLoaded(t, cfg)
	log := recordStatements(st)
	drv, _ := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	first := 5000
	all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &first}})
	if err != nil || len(all.Nodes) == 0 {
		t.Fatalf("no museums: %v", err)
	}
	// bench/scale's generator and draws: one per call, the first call of
	// each row and its samples, the rows in its order.
	r := rand.New(rand.NewPCG(13, 13))
	hundred := 100
	for _, o := range []struct {
		name  string
		order []kepu.OrderKey
	}{
		{"ID", nil},
		{"name", []kepu.OrderKey{{Prop: kepu.PropName}}},
		{"name desc", []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}}},
		{"openedYear desc", []kepu.OrderKey{{Prop: "openedYear", Desc: true}}},
		{"kind, name", []kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}}},
	} {
		sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), o.order)
		type cost struct {
			hits  int64
			stmts int
			cur   string
		}
		var costs []cost
		for i := range samples + 1 {
			n := all.Nodes[r.IntN(len(all.Nodes))]
			if i == 0 {
				continue // bench-scale's first call, not a sample
			}
			keys := make([]any, len(o.order))
			for j, k := range o.order {
				keys[j] = n.Props[k.Prop]
			}
			log.reset()
			if _, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: o.order,
				Page: kepu.Page{First: &hundred, After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: n.ID})}}); err != nil {
				t.Fatal(err)
			}
			c := cost{cur: fmt.Sprintf("%s (%v)", n.ID, keys)}
			for _, s := range log.take() {
				var tree strings.Builder
				c.hits += printProfile(&tree, profileStatement(ctx, t, sess, s, io.Discard), 0)
				c.stmts++
			}
			costs = append(costs, c)
		}
		slices.SortStableFunc(costs, func(a, b cost) int { return cmp.Compare(b.hits, a.hits) })
		stmts := 0
		for _, c := range costs {
			stmts = max(stmts, c.stmts)
		}
		var top []string
		for _, c := range costs[:min(3, len(costs))] {
			top = append(top, fmt.Sprintf("%d (%d statements) after %s", c.hits, c.stmts, c.cur))
		}
		t.Logf("page by %s, %d pages: db hits p50 %d, max %d; at most %d statements; costliest: %s",
			o.name, len(costs), costs[len(costs)/2].hits, costs[0].hits, stmts, strings.Join(top, "; "))
	}
}

// openLoaded opens the store over a loaded graph (cfg from the
// environment), closed when the test ends.
func openLoaded(t *testing.T, cfg neo4jstore.Config) *neo4jstore.Store {
	t.Helper()
	st, err := neo4jstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
