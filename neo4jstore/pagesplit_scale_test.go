package neo4jstore_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestPageSplitScale splits the time of bench-scale's page rows (a page
// of 100 museums after a random cursor of the first 5,000 museums by ID,
// in five orders) on a graph already loaded into the Neo4j at NEO4J_URI,
// such as the 1M-node benchmark graph. It records the statements the
// store sends for each page, then sends them again through the driver,
// as the store does (a session and an auto-commit read per statement),
// in variants of the node projection (KEPUGRAPH_PAGE_SPLIT_VARIANTS, a
// comma-separated list of pageVariants' names; default "list,onepass"),
// the variants alternating in rounds (KEPUGRAPH_PAGE_SPLIT_ROUNDS,
// default 2) of KEPUGRAPH_PAGE_SPLIT_SAMPLES pages per order (default
// 100). Per call it takes the client's wall time, the server's own time
// (the result summary's ResultAvailableAfter and ResultConsumedAfter, in
// whole milliseconds), this process's CPU time, the Go collections, and,
// with NEO4J_PID, the run time and run-queue wait of every Neo4j thread
// during the call (/proc/PID/task/*/schedstat, nanoseconds), by class
// (Bolt workers, collector, JIT compiler, other). It writes a Markdown
// report (each variant and order: quantiles, means, the slowest calls
// with their split; the db hits and page cache hits of one PROFILEd page
// per order) to the file KEPUGRAPH_PAGE_SPLIT names, and runs only when
// it is set. It only reads.
func TestPageSplitScale(t *testing.T) {
	out := os.Getenv("KEPUGRAPH_PAGE_SPLIT")
	if out == "" || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PAGE_SPLIT and NEO4J_URI are not set: no loaded graph to measure")
	}
	samples := envInt(t, "KEPUGRAPH_PAGE_SPLIT_SAMPLES", 100)
	rounds := envInt(t, "KEPUGRAPH_PAGE_SPLIT_ROUNDS", 2)
	pid := envInt(t, "NEO4J_PID", 0)
	names := strings.Split(cmp.Or(os.Getenv("KEPUGRAPH_PAGE_SPLIT_VARIANTS"), "list,onepass"), ",")
	var variants []pageVariant
	for _, n := range names {
		i := slices.IndexFunc(pageVariants, func(v pageVariant) bool { return v.name == n })
		if i < 0 {
			t.Fatalf("KEPUGRAPH_PAGE_SPLIT_VARIANTS: no variant %q", n)
		}
		variants = append(variants, pageVariants[i])
	}
	ctx := context.Background()
	cfg := neo4jstore.ConfigFromEnv()
	st := openLoaded(t, cfg)
	log := recordStatements(st)
	first := 5000
	all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &first}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Nodes) == 0 {
		t.Fatal("no museums")
	}

	// The pages: samples per order, each the statements the store sent.
	r := rand.New(rand.NewPCG(13, 13))
	hundred := 100
	pages := make([][]pageCall, samples)
	for i := range pages {
		for _, o := range splitOrders {
			n := all.Nodes[r.IntN(len(all.Nodes))]
			keys := make([]any, len(o.order))
			for j, k := range o.order {
				keys[j] = n.Props[k.Prop]
			}
			sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), o.order)
			log.reset()
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: o.order,
				Page: kepu.Page{First: &hundred, After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: n.ID})}})
			if err != nil {
				t.Fatal(err)
			}
			pages[i] = append(pages[i], pageCall{order: o.name, cursor: n.ID, stmts: log.take(), nodes: len(p.Nodes)})
		}
	}
	proj := neo4jstore.NodeReturn("n", []kepu.Label{kepu.Museum})
	cols := neo4jstore.NodeColumns([]kepu.Label{kepu.Museum})
	for _, pc := range pages[0] {
		for _, s := range pc.stmts {
			if !strings.Contains(s.cypher, proj) {
				t.Fatalf("a page by %s does not project its nodes with NodeReturn: %s", pc.order, s.cypher)
			}
		}
	}

	drv, _ := neo4jtest.Driver(t)
	bm := neo4j.NewBookmarkManager(neo4j.BookmarkManagerConfig{})
	threads := &neo4jThreads{pid: pid, names: map[string]string{}}
	var w strings.Builder
	fmt.Fprintf(&w, "# Page calls split (%s)\n\n%d pages per order and variant in each of %d rounds; Neo4j pid %d; statements per page (the first page of each order: ", time.Now().UTC().Format(time.RFC3339), samples, rounds, pid)
	for _, pc := range pages[0] {
		fmt.Fprintf(&w, "%s %d, %d ", pc.order, len(pc.stmts), pc.nodes)
	}
	fmt.Fprintf(&w, "nodes)\n\n")

	// PROFILE one page per order in each variant.
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	fmt.Fprintf(&w, "## Plans (PROFILE of the first page of each order, replanned: db hits, page cache hits / misses, rows)\n\n| variant | %s |\n|---|%s\n", orderNames(), strings.Repeat("---|", len(splitOrders)))
	for _, v := range variants {
		fmt.Fprintf(&w, "| %s |", v.name)
		for _, pc := range pages[0] {
			var hits, pcHits, pcMiss int64
			for _, s := range pc.stmts {
				p := profileRolledBack(ctx, t, sess, v.text(s.cypher, proj, cols), s.params)
				h, ph, pm := profileTotals(p)
				hits, pcHits, pcMiss = hits+h, pcHits+ph, pcMiss+pm
			}
			fmt.Fprintf(&w, " %d, %d / %d |", hits, pcHits, pcMiss)
		}
		fmt.Fprintln(&w)
	}

	fmt.Fprintf(&w, "\nThe statements of the first page of each order (this build's projection):\n\n")
	for _, pc := range pages[0] {
		for _, s := range pc.stmts {
			fmt.Fprintf(&w, "* %s: `%s`\n", pc.order, s.cypher)
		}
	}

	// Each variant's statements are planned (and the JIT compiles their
	// code) before the timed runs: one call of each order, untimed.
	for _, v := range variants {
		for _, pc := range pages[0] {
			if _, err := runSplit(ctx, drv, bm, nil, cfg.Database, threads, pc, func(c string) string { return v.text(c, proj, cols) }); err != nil {
				t.Fatalf("%s, page by %s: %v", v.name, pc.order, err)
			}
		}
	}

	results := map[string][]splitSample{}
	loads := map[string][]string{}
	for round := range rounds {
		order := slices.Clone(variants)
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, v := range order {
			load0 := loadAvg()
			var reuse neo4j.SessionWithContext
			if v.reuse {
				reuse = drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeRead, BookmarkManager: bm})
			}
			for _, row := range pages {
				for _, pc := range row {
					s, err := runSplit(ctx, drv, bm, reuse, cfg.Database, threads, pc, func(c string) string { return v.text(c, proj, cols) })
					if err != nil {
						t.Fatalf("%s, page by %s after %s: %v", v.name, pc.order, pc.cursor, err)
					}
					results[v.name] = append(results[v.name], s)
				}
			}
			if reuse != nil {
				reuse.Close(ctx)
			}
			loads[v.name] = append(loads[v.name], fmt.Sprintf("round %d: %s → %s", round+1, load0, loadAvg()))
		}
	}

	fmt.Fprintf(&w, "\n## Per call, by variant and order (ms; CPU means per call; wait: the Bolt threads' run-queue wait during the call)\n\n")
	fmt.Fprintf(&w, "| variant | order | calls | wall p50 / p90 / p99 / max | server p50 / p99 / max | client CPU | Bolt CPU mean / p99 | Bolt wait mean / p99 | network / collector / JIT / other CPU | Go GCs |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, v := range variants {
		ss := results[v.name]
		for _, o := range append(splitOrderNames(), "all") {
			var sel []splitSample
			for _, s := range ss {
				if o == "all" || s.order == o {
					sel = append(sel, s)
				}
			}
			if len(sel) == 0 {
				continue
			}
			wall := quantiles(sel, func(s splitSample) time.Duration { return s.wall })
			srv := quantiles(sel, func(s splitSample) time.Duration { return s.server })
			bolt := quantiles(sel, func(s splitSample) time.Duration { return s.bolt })
			wait := quantiles(sel, func(s splitSample) time.Duration { return s.boltWait })
			var gcs uint64
			for _, s := range sel {
				gcs += s.gcs
			}
			fmt.Fprintf(&w, "| %s | %s | %d | %s / %s / %s / %s | %s / %s / %s | %s | %s / %s | %s / %s | %s / %s / %s / %s | %d |\n", v.name, o, len(sel),
				msf(wall.p50), msf(wall.p90), msf(wall.p99), msf(wall.max), msf(srv.p50), msf(srv.p99), msf(srv.max),
				msf(mean(sel, func(s splitSample) time.Duration { return s.client })), msf(bolt.mean), msf(bolt.p99), msf(wait.mean), msf(wait.p99),
				msf(mean(sel, func(s splitSample) time.Duration { return s.net })), msf(mean(sel, func(s splitSample) time.Duration { return s.gc })), msf(mean(sel, func(s splitSample) time.Duration { return s.jit })),
				msf(mean(sel, func(s splitSample) time.Duration { return s.other })), gcs)
		}
	}
	fmt.Fprintf(&w, "\nLoad average (1, 5, 15 min) at each run's start and end:\n\n")
	for _, v := range variants {
		fmt.Fprintf(&w, "* %s: %s\n", v.name, strings.Join(loads[v.name], "; "))
	}
	fmt.Fprintf(&w, "\n## The slowest calls of each variant (ms: wall, server, client CPU, Bolt CPU, Bolt wait, network / collector / JIT / other CPU during the call, Go GCs)\n\n")
	for _, v := range variants {
		ss := slices.Clone(results[v.name])
		slices.SortFunc(ss, func(a, b splitSample) int { return cmp.Compare(b.wall, a.wall) })
		fmt.Fprintf(&w, "* %s:\n", v.name)
		for _, s := range ss[:min(12, len(ss))] {
			fmt.Fprintf(&w, "  * %s after %s: wall %s, server %s, client %s, Bolt %s, wait %s, network %s / collector %s / JIT %s / other %s, GCs %d\n", s.order, s.cursor,
				msf(s.wall), msf(s.server), msf(s.client), msf(s.bolt), msf(s.boltWait), msf(s.net), msf(s.gc), msf(s.jit), msf(s.other), s.gcs)
		}
	}
	if err := os.WriteFile(out, []byte(w.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

// splitOrders are bench-scale's page rows' orders.
var splitOrders = []struct {
	name  string
	order []kepu.OrderKey
}{
	{"ID", nil},
	{"name", []kepu.OrderKey{{Prop: kepu.PropName}}},
	{"name desc", []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}}},
	{"openedYear desc", []kepu.OrderKey{{Prop: "openedYear", Desc: true}}},
	{"kind, name", []kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}}},
}

func splitOrderNames() []string {
	var out []string
	for _, o := range splitOrders {
		out = append(out, o.name)
	}
	return out
}

func orderNames() string { return strings.Join(splitOrderNames(), " | ") }

// pageVariant is a form of the page statements: text rewrites the node
// projection proj (NodeReturn, whose columns are cols) of a statement.
type pageVariant struct {
	name  string
	reuse bool // one session for every call of a run (else one per statement, as the store)
	text  func(cypher, proj string, cols []string) string
}

// pageVariants: "list" the projection as n.prop per column (a lookup,
// and a walk of the node's property chain, per property: the store's form
// before 2026-12-03); "onepass" the same list read from a map projection
// n{.a, .b, ...} (one walk of the chain for every column, unless the
// planner has a cached value of one of them: then each is looked up);
// "onepass-elem" the map projection of the node as a list's element,
// which has no cached values (nodeReturn's form since 2026-12-03); "map"
// the map projection n{.a, .b, ...} itself, keys and all; "properties"
// properties(n), every stored property (the search keys and absent
// markers too); "ids" the ID alone (the statement's work without the
// projection); "ping" RETURN 1 (a round trip's floor); "list-reuse" list
// with one session for a whole run.
var pageVariants = []pageVariant{
	{name: "list", text: func(c, proj string, cols []string) string {
		return strings.ReplaceAll(c, proj, listProjection("n", cols))
	}},
	{name: "list-reuse", reuse: true, text: func(c, proj string, cols []string) string {
		return strings.ReplaceAll(c, proj, listProjection("n", cols))
	}},
	{name: "onepass", text: func(c, proj string, cols []string) string {
		return strings.ReplaceAll(c, proj, onePassProjection("n", cols))
	}},
	{name: "onepass-elem", text: func(c, proj string, cols []string) string {
		return strings.ReplaceAll(c, proj, onePassElemProjection("n", cols))
	}},
	{name: "map", text: func(c, proj string, cols []string) string {
		return strings.ReplaceAll(c, proj, mapProjection("n", cols))
	}},
	{name: "properties", text: func(c, proj string, cols []string) string { return strings.ReplaceAll(c, proj, "properties(n)") }},
	{name: "ids", text: func(c, proj string, cols []string) string { return strings.ReplaceAll(c, proj, "[n.`id`]") }},
	{name: "ping", text: func(string, string, []string) string { return "RETURN 1 AS ok" }},
}

func listProjection(v string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = v + ".`" + c + "`"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func mapProjection(v string, cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = ".`" + c + "`"
	}
	return v + "{" + strings.Join(parts, ", ") + "}"
}

func onePassProjection(v string, cols []string) string {
	return "[" + v + "_p IN [" + mapProjection(v, cols) + "] | " + listProjection(v+"_p", cols) + "][0]"
}

func onePassElemProjection(v string, cols []string) string {
	return "[" + v + "_p IN [" + v + "_n IN [" + v + "] | " + mapProjection(v+"_n", cols) + "] | " + listProjection(v+"_p", cols) + "][0]"
}

// pageCall is one page: the statements the store sent for it.
type pageCall struct {
	order, cursor string
	stmts         []sentStatement
	nodes         int
}

// splitSample is one timed page call.
type splitSample struct {
	order, cursor string
	wall          time.Duration // the client's, every statement of the page
	server        time.Duration // ResultAvailableAfter + ResultConsumedAfter, summed
	client        time.Duration // this process's CPU time during the call
	bolt          time.Duration // run time of Neo4j's Bolt threads during the call
	boltWait      time.Duration // their run-queue wait during the call
	net           time.Duration // Neo4j's Bolt network threads
	gc, jit       time.Duration // the collector's and the JIT compiler's threads
	other         time.Duration // every other Neo4j thread
	gcs           uint64        // Go collections that ended during the call
}

// runSplit runs the statements of a page (rewritten by text) as the
// store does and times the call. reuse, when not nil, is the session to
// run them in.
func runSplit(ctx context.Context, drv neo4j.DriverWithContext, bm neo4j.BookmarkManager, reuse neo4j.SessionWithContext, db string, th *neo4jThreads, pc pageCall, text func(string) string) (splitSample, error) {
	s := splitSample{order: pc.order, cursor: pc.cursor}
	before := th.read()
	cpu0, gc0 := procstat.SelfCPU(), goGCs()
	start := time.Now()
	for _, st := range pc.stmts {
		sess := reuse
		if sess == nil {
			sess = drv.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: db, BookmarkManager: bm})
		}
		res, err := sess.Run(ctx, text(st.cypher), st.params)
		if err == nil {
			_, err = res.Collect(ctx)
		}
		var sum neo4j.ResultSummary
		if err == nil {
			sum, err = res.Consume(ctx)
		}
		if reuse == nil {
			sess.Close(ctx)
		}
		if err != nil {
			return s, err
		}
		s.server += sum.ResultAvailableAfter() + sum.ResultConsumedAfter()
	}
	s.wall = time.Since(start)
	s.client, s.gcs = procstat.SelfCPU()-cpu0, goGCs()-gc0
	after := th.read()
	for tid, a := range after {
		b := before[tid]
		d, dw := a.Run-b.Run, a.Wait-b.Wait
		switch threadClass(th.names[tid]) {
		case "bolt":
			s.bolt += d
			s.boltWait += dw
		case "gc":
			s.gc += d
		case "jit":
			s.jit += d
		case "net":
			s.net += d
		default:
			s.other += d
		}
	}
	return s, nil
}

// neo4jThreads reads the run time of the threads of a process.
type neo4jThreads struct {
	pid   int
	names map[string]string // thread ID -> its name (comm)
}

// read returns every thread's run time and run-queue wait so far
// (procstat.Threads); none without a pid.
func (n *neo4jThreads) read() map[string]procstat.Thread {
	if n.pid == 0 {
		return nil
	}
	ts := procstat.Threads(n.pid)
	out := make(map[string]procstat.Thread, len(ts))
	for _, t := range ts {
		out[t.TID] = t
		if _, ok := n.names[t.TID]; !ok {
			n.names[t.TID] = t.Name
		}
	}
	return out
}

// threadClass sorts a JVM thread by its name (comm, at most 15 bytes):
// bolt (Neo4j's Bolt workers, neo4j.BoltWorker-N, which run the
// statements), net (neo4j.BoltNetworkIO-N, the sockets), gc, jit or
// other.
func threadClass(name string) string {
	l := strings.ToLower(name)
	switch {
	case strings.HasPrefix(name, "neo4j.BoltWork"):
		return "bolt"
	case strings.HasPrefix(name, "neo4j.BoltNetw"):
		return "net"
	case strings.Contains(l, "gc") || strings.HasPrefix(l, "g1"):
		return "gc"
	case strings.Contains(l, "compiler"):
		return "jit"
	}
	return "other"
}

// profileRolledBack runs cypher with PROFILE (replanned) in a transaction
// it rolls back and returns the plan.
func profileRolledBack(ctx context.Context, t *testing.T, sess neo4j.SessionWithContext, cypher string, params map[string]any) neo4j.ProfiledPlan {
	t.Helper()
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	res, err := tx.Run(ctx, "CYPHER replan=force PROFILE "+cypher, params)
	if err != nil {
		t.Fatalf("%v\n%s", err, cypher)
	}
	if _, err := res.Collect(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Profile()
}

// profileTotals sums a plan's db hits, page cache hits and misses.
func profileTotals(p neo4j.ProfiledPlan) (hits, pcHits, pcMiss int64) {
	if p == nil {
		return 0, 0, 0
	}
	hits, pcHits, pcMiss = p.DbHits(), p.PageCacheHits(), p.PageCacheMisses()
	for _, c := range p.Children() {
		h, ph, pm := profileTotals(c)
		hits, pcHits, pcMiss = hits+h, pcHits+ph, pcMiss+pm
	}
	return hits, pcHits, pcMiss
}

type quant struct{ p50, p90, p99, max, mean time.Duration }

func quantiles(ss []splitSample, f func(splitSample) time.Duration) quant {
	v := make([]time.Duration, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	return quant{p50: v[len(v)/2], p90: v[len(v)*90/100], p99: v[len(v)*99/100], max: v[len(v)-1], mean: mean(ss, f)}
}

func mean(ss []splitSample, f func(splitSample) time.Duration) time.Duration {
	var sum time.Duration
	for _, s := range ss {
		sum += f(s)
	}
	return sum / time.Duration(len(ss))
}

func msf(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) }

var gcSample = []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}

func goGCs() uint64 {
	metrics.Read(gcSample)
	return gcSample[0].Value.Uint64()
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}
