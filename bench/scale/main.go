// Command scale measures a store on the benchmark graph of seed/dataset
// (go run ./seed --scale N): load, open, and the table of issue 13 (pages of
// 100 after a random cursor in several orders, filtered counts, the store
// calls of peer query 3, single mutations that set a name to itself and
// that change it, shortest path between random museums as the API's
// analyzer answers it), printed as a Markdown table; -rows picks rows.
//
//	go run ./bench/scale                               # 1M nodes, embedded, cached in ./.bench-scale
//	go run ./bench/scale -scale 100000 -dir /tmp/kg100k
//	NEO4J_URI=bolt://… go run ./bench/scale -store neo4j  # a graph loaded there (-build loads it)
//
// With -store embedded the graph is built once into -dir (by a child
// process, so that this one measures a fresh open) and reused while the
// file says it is complete; a load that was cut off is completed by the
// next run (loading is idempotent). Latencies are of the store calls
// themselves (no HTTP, no GraphQL), as p50 and p99 of -samples calls.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

func main() {
	cfg := config{}
	flag.StringVar(&cfg.store, "store", "embedded", "backend: embedded or neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)")
	flag.StringVar(&cfg.dir, "dir", ".bench-scale", "embedded: data directory of the cached graph")
	flag.IntVar(&cfg.scale, "scale", 1_000_000, "nodes of the benchmark graph")
	flag.IntVar(&cfg.samples, "samples", 200, "calls per row; 0: only open the store")
	flag.IntVar(&cfg.batch, "batch", dataset.DefaultBatch, "changes per write when loading")
	flag.IntVar(&cfg.workers, "workers", 2, "with -build: writes in flight at a time (dataset.LoadOptions.Workers; the embedded loader validates and encodes them in parallel and commits one at a time)")
	flag.BoolVar(&cfg.build, "build", false, "load the graph and exit (the parent process runs this; with -store neo4j, load into Neo4j first)")
	flag.BoolVar(&cfg.graphOnly, "graph-only", false, "with -build and -store embedded: exit after the graph is loaded, without building the full-text index or marking the graph complete (measures the graph load alone; -cpuprofile stops there too)")
	flag.BoolVar(&cfg.verbose, "v", false, "embedded: log the store's open, phase by phase (debug level), to stderr")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of this process to the file")
	flag.IntVar(&slowest, "slowest", 0, "after the table, list the N slowest calls of each row with their input (the cursor's museum) and the Go collections during the row")
	flag.BoolVar(&pathRows, "paths", true, "add the shortest-path row (reads the whole graph's adjacency first: about 30 s at 1M on Neo4j)")
	rows := flag.String("rows", "", "measure only the rows whose name matches this regular expression (e.g. 'page of 100|mutation'); the setup of the others (finding cursors) still runs")
	flag.IntVar(&warmWrites, "warm-writes", 0, "before the mutation rows, this many untimed renames (and renames back) of the sample's museums, so that the rows measure a server past the JIT's compilation of the write path (on Neo4j it still compiles after thousands of renames: docs/neo4j.md, \"Neo4j single mutations at 1M (2026-12-03, n4mut11)\"); 0: none")
	flag.DurationVar(&settleFor, "settle", 0, "with -server-pid: before each row's timed calls, wait up to this long for the server to come to rest (its CPU under 3 % of a core over half a second: the JIT, the collector and Neo4j's full-text updater done with the rows before), so that a row is not timed against the previous rows' background work; the wait is reported with the row; 0: no wait")
	flag.IntVar(&serverPID, "server-pid", 0, "with -store neo4j: the Neo4j process's ID, to report its CPU time per call (user and system, from /proc) beside this process's")
	memoryLimit := &cfg.memoryLimit
	flag.IntVar(memoryLimit, "memory-limit", 2048, "with -build: soft memory limit of the loading process in MiB (as seed's --memory-limit; ignored when GOMEMLIMIT is set); 0: none")
	flag.StringVar(&cfg.memprofile, "memprofile", "", "write a heap profile to the file once the store is open (with -build: once the graph is loaded)")
	flag.Parse()
	if *rows != "" {
		re, err := regexp.Compile(*rows)
		if err != nil {
			fmt.Fprintln(os.Stderr, "scale: -rows:", err)
			os.Exit(2)
		}
		rowFilter = re
	}
	if cfg.build && *memoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		// As seed does (see its DefaultMemoryLimit): a large heap is
		// collected only near the limit.
		debug.SetMemoryLimit(int64(*memoryLimit) << 20)
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(400)
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "scale:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(context.Background(), cfg, os.Stdout); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

type config struct {
	store, dir     string
	scale, samples int
	batch          int
	workers        int
	build          bool
	graphOnly      bool // with build: stop before the full-text index (see -graph-only)
	memoryLimit    int  // MiB, for the -build child
	memprofile     string
	verbose        bool
}

// completeFile marks a data directory whose load finished, for one scale.
func completeFile(dir string, scale int) string {
	return filepath.Join(dir, "bench-scale-complete-"+strconv.Itoa(scale))
}

func open(ctx context.Context, cfg config, noSync bool) (kepu.Store, error) {
	switch cfg.store {
	case "neo4j":
		c := neo4jstore.ConfigFromEnv()
		// The shortest-path row's whole read of the adjacency: statements of
		// 10,000 nodes' relationships, slow on a loaded machine.
		c.TxTimeout = 5 * time.Minute
		st, err := neo4jstore.Open(ctx, c)
		if err == nil && cfg.build {
			// Loading needs the constraints and indexes.
			if err = st.EnsureSchema(ctx); err != nil {
				st.Close()
			}
		}
		if err != nil {
			return nil, err
		}
		return st, nil
	case "embedded":
		// A load builds the full-text index once, when it closes the store.
		var log *slog.Logger
		if cfg.verbose {
			log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}
		return embedded.Open(cfg.dir, embedded.Options{NoSync: noSync, BulkLoad: cfg.build, Logger: log})
	}
	return nil, fmt.Errorf("unknown -store %q", cfg.store)
}

// load loads the benchmark graph into the store and reports the rate and
// this process's peak RSS. The embedded store is loaded by an
// embedded.Loader (the graph is not held in memory while loading), whose
// Close builds the full-text index.
func load(ctx context.Context, cfg config, w io.Writer) error {
	sg, err := dataset.Scaled(dataset.Options{}, cfg.scale)
	if err != nil {
		return err
	}
	var dst dataset.Writer
	var closeDst func() error
	if cfg.store == "embedded" {
		l, err := embedded.OpenLoader(cfg.dir, embedded.Options{NoSync: true})
		if err != nil {
			return err
		}
		dst, closeDst = l, l.Close
	} else {
		st, err := open(ctx, cfg, true)
		if err != nil {
			return err
		}
		dst, closeDst = st, st.Close
	}
	start, cpu0 := time.Now(), cpuTime()
	rep, err := dataset.LoadSource(ctx, dst, sg, dataset.LoadOptions{Batch: cfg.batch, Workers: cfg.workers})
	graphCPU := cpuTime() - cpu0
	if err == nil {
		recs := rep.NodeCount() + rep.EdgeCount()
		fmt.Fprintf(w, "graph: %d records in %v wall (%.0f records/s), %v CPU (%.0f records per CPU second), peak RSS %d MB\n", recs, rep.Elapsed.Round(time.Millisecond),
			rep.PerSecond(), graphCPU.Round(time.Millisecond), float64(recs)/graphCPU.Seconds(), procstat.Bytes("VmHWM")>>20)
	}
	if err == nil && cfg.memprofile != "" {
		// The loader's heap, before the full-text index is built.
		runtime.GC()
		err = writeHeap(cfg.memprofile)
	}
	if err == nil && cfg.graphOnly && cfg.store == "embedded" {
		// As if cut off here: the data is committed, the graph and its
		// index are built by the next open.
		pprof.StopCPUProfile()
		return nil
	}
	// The embedded loader builds the full-text index when it is closed,
	// from the file's node records: the load's time includes the build.
	if cerr := closeDst(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	recs := rep.NodeCount() + rep.EdgeCount()
	fmt.Fprintf(w, "load: %d records in %v, %.0f records/s, peak RSS %d MB (the graph alone: %v, %.0f records/s)\n", recs, elapsed.Round(time.Millisecond),
		float64(recs)/elapsed.Seconds(), procstat.Bytes("VmHWM")>>20, rep.Elapsed.Round(time.Millisecond), rep.PerSecond())
	if cfg.store == "embedded" {
		return os.WriteFile(completeFile(cfg.dir, cfg.scale), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
	}
	return nil
}

func run(ctx context.Context, cfg config, w io.Writer) error {
	if cfg.build {
		return load(ctx, cfg, w)
	}
	if cfg.store == "embedded" {
		if _, err := os.Stat(completeFile(cfg.dir, cfg.scale)); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(w, "building the %d-node graph in %s (once)\n", cfg.scale, cfg.dir)
			cmd := exec.CommandContext(ctx, os.Args[0], "-build", "-store", cfg.store, "-dir", cfg.dir, "-scale", strconv.Itoa(cfg.scale), "-batch", strconv.Itoa(cfg.batch), "-workers", strconv.Itoa(cfg.workers),
				"-memory-limit", strconv.Itoa(cfg.memoryLimit))
			cmd.Stdout, cmd.Stderr = w, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("building the graph: %w", err)
			}
		}
	}
	start, startCPU := time.Now(), cpuTime()
	st, err := open(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	openTime, openCPU := time.Since(start), cpuTime()-startCPU
	runtime.GC()
	if cfg.memprofile != "" {
		if err := writeHeap(cfg.memprofile); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "open: %v (CPU %v), RSS %d MB (peak %d MB)\n", openTime.Round(time.Millisecond), openCPU.Round(time.Millisecond), procstat.Bytes("VmRSS")>>20, procstat.Bytes("VmHWM")>>20)
	if cfg.samples == 0 {
		return nil // the open alone
	}
	rows, err := Table(ctx, st, cfg.samples)
	if err != nil {
		return err
	}
	if serverPID == 0 {
		fmt.Fprintf(w, "\n| %s, %d samples | first call | p50 | p99 | CPU per call | result |\n|---|---|---|---|---|---|\n", cfg.store, cfg.samples)
		for _, r := range rows {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.Name, ms(r.First), ms(r.P50), ms(r.P99), ms(r.CPU), r.Result)
		}
		printSlowest(w, rows)
		return nil
	}
	if settleFor > 0 {
		fmt.Fprintf(w, "\n| %s, %d samples | first call | server at rest after | p50 | p99 | CPU per call | server CPU per call | of which Bolt threads | result |\n|---|---|---|---|---|---|---|---|---|\n", cfg.store, cfg.samples)
		for _, r := range rows {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Name, ms(r.First), r.Rest, ms(r.P50), ms(r.P99), ms(r.CPU), ms(r.ServerCPU), ms(r.ServerBolt), r.Result)
		}
		printSlowest(w, rows)
		return nil
	}
	fmt.Fprintf(w, "\n| %s, %d samples | first call | p50 | p99 | CPU per call | server CPU per call | of which Bolt threads | result |\n|---|---|---|---|---|---|---|---|\n", cfg.store, cfg.samples)
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Name, ms(r.First), ms(r.P50), ms(r.P99), ms(r.CPU), ms(r.ServerCPU), ms(r.ServerBolt), r.Result)
	}
	printSlowest(w, rows)
	return nil
}

// printSlowest lists the slowest calls of each row (-slowest).
func printSlowest(w io.Writer, rows []Row) {
	if slowest == 0 {
		return
	}
	fmt.Fprintf(w, "\nThe %d slowest calls of each row (Go collections during the row's calls):\n\n", slowest)
	for _, r := range rows {
		var parts []string
		for _, c := range r.Slowest {
			parts = append(parts, ms(c.Took)+" "+c.Input)
		}
		fmt.Fprintf(w, "* %s (%d GCs): %s\n", r.Name, r.GCs, strings.Join(parts, ", "))
	}
}

// writeHeap writes a heap profile to path.
func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

// serverPID is the process whose CPU time Table reports per call
// (-server-pid; 0: none).
var serverPID int

// slowest is the number of slowest calls per row that Table keeps in
// Row.Slowest (-slowest).
var slowest int

// Call is one timed call of a row: its wall time and its input (the
// museum whose cursor a page starts after, or that a mutation updates;
// "" for the counts).
type Call struct {
	Took  time.Duration
	Input string
}

// processCPU is the CPU time (user and system, every thread) of process
// pid so far (procstat.ProcessCPU; 0 if unknown).
func processCPU(pid int) time.Duration {
	d, _ := procstat.ProcessCPU(pid)
	return d
}

// boltCPU is the run time so far of the threads of process pid that
// are Neo4j's Bolt workers (the threads that run the statements; named
// "neo4j.BoltWorker-N"). Threads that ended are not counted, so it is only
// comparable over a span in which the workers live (Neo4j keeps an idle
// worker for 5 minutes).
func boltCPU(pid int) time.Duration {
	var sum time.Duration
	for _, t := range procstat.Threads(pid) {
		if boltThread(t.Name) {
			sum += t.Run
		}
	}
	return sum
}

// boltThread reports whether a thread's name (comm: at most 15 bytes) is
// a Bolt worker's.
func boltThread(comm string) bool { return strings.HasPrefix(comm, "neo4j.BoltWork") }

// cpuTime is this process's CPU time so far (0 if unknown).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Row is one line of the table.
type Row struct {
	Name string
	// First is the first call's wall time (it builds the sorted index an
	// order or a condition needs); P50 and P99 are of the calls after it.
	First, P50, P99 time.Duration
	// CPU is this process's CPU time (user and system, every thread:
	// the garbage collector's share too) over the calls after the first,
	// per call: steadier than the wall times on a shared machine.
	CPU time.Duration
	// ServerCPU is the server process's CPU time per call over the same
	// calls (with -server-pid; 0 otherwise): what the calls cost Neo4j.
	ServerCPU time.Duration
	// ServerBolt is the part of ServerCPU that Neo4j's Bolt workers ran
	// (boltCPU): the statements themselves, without the collector, the
	// JIT compiler and the background jobs.
	ServerBolt time.Duration
	Result     string // what the calls returned (a count, a page size)
	// Slowest are the slowest calls after the first, slowest first (at
	// most slowest of them); GCs the Go collections that ended during
	// the calls after the first.
	Slowest []Call
	GCs     uint32
	// Rest is the wait for the server to come to rest before the timed
	// calls (-settle; zero without it).
	Rest Rest
}

// settleFor is the longest wait for the server to come to rest before a
// row's timed calls (-settle; 0: none).
var settleFor time.Duration

// Rest is how a wait for the server to come to rest ended.
type Rest struct {
	Waited time.Duration
	// Reached is false when the server was still busy when the wait
	// gave up.
	Reached bool
}

// The server is at rest when it spends under restShare of one core over
// restWindow.
const (
	restWindow = 500 * time.Millisecond
	restShare  = 0.03
)

// settle waits, for at most limit, until process pid is at rest: its CPU
// time (every thread, procstat.ProcessCPU) over one restWindow under
// restShare of it.
func settle(pid int, limit time.Duration) Rest {
	return settleOn(func() time.Duration { return processCPU(pid) }, time.Now, time.Sleep, limit)
}

// settleOn is settle's wait over a CPU reading cpu (a process's CPU time so
// far), a clock now and a sleep, so that its rule can be tested without
// the scheduler of a loaded machine deciding the outcome.
func settleOn(cpu func() time.Duration, now func() time.Time, sleep func(time.Duration), limit time.Duration) Rest {
	start := now()
	for now().Sub(start) < limit {
		c, t := cpu(), now()
		sleep(restWindow)
		if float64(cpu()-c) < restShare*float64(now().Sub(t)) {
			return Rest{Waited: now().Sub(start), Reached: true}
		}
	}
	return Rest{Waited: now().Sub(start)}
}

// String says how long the wait took, and "busy" if it gave up.
func (r Rest) String() string {
	if r.Reached {
		return ms(r.Waited)
	}
	return ms(r.Waited) + " (busy)"
}

// Table runs every row against st, which holds the benchmark graph (or any
// graph with museums in provinces).
func Table(ctx context.Context, st kepu.Store, samples int) ([]Row, error) {
	r := rand.New(rand.NewPCG(13, 13))
	// A sample of museums gives the random cursors.
	all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptr(5000)}})
	if err != nil {
		return nil, err
	}
	if len(all.Nodes) == 0 {
		return nil, errors.New("the store holds no museums")
	}
	var rows []Row
	input := "" // set by a row's call: what it was called with
	measure := func(name string, fn func() (string, error)) error {
		if rowFilter != nil && !rowFilter.MatchString(name) {
			return nil
		}
		times := make([]time.Duration, 0, samples)
		calls := make([]Call, 0, samples)
		var mst runtime.MemStats
		t := time.Now()
		result, err := fn()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		first := time.Since(t)
		// The garbage of the rows before (an index build) is not this
		// row's CPU.
		runtime.GC()
		var rest Rest
		if serverPID != 0 && settleFor > 0 {
			rest = settle(serverPID, settleFor)
		}
		cpu := cpuTime()
		var srv, bolt time.Duration
		if serverPID != 0 {
			srv, bolt = processCPU(serverPID), boltCPU(serverPID)
		}
		runtime.ReadMemStats(&mst)
		gcs := mst.NumGC
		for range samples {
			input = ""
			t := time.Now()
			res, err := fn()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			took := time.Since(t)
			times = append(times, took)
			calls = append(calls, Call{Took: took, Input: input})
			result = res
		}
		runtime.ReadMemStats(&mst)
		gcs = mst.NumGC - gcs
		cpu = (cpuTime() - cpu) / time.Duration(samples)
		if serverPID != 0 {
			srv = (processCPU(serverPID) - srv) / time.Duration(samples)
			bolt = (boltCPU(serverPID) - bolt) / time.Duration(samples)
		}
		slices.Sort(times)
		slices.SortStableFunc(calls, func(a, b Call) int { return -cmp.Compare(a.Took, b.Took) })
		rows = append(rows, Row{Name: name, First: first, P50: times[len(times)/2], P99: times[len(times)*99/100], CPU: cpu, ServerCPU: srv, ServerBolt: bolt, Result: result,
			Slowest: calls[:min(slowest, len(calls))], GCs: gcs, Rest: rest})
		return nil
	}
	orders := []struct {
		name  string
		order []kepu.OrderKey
	}{
		{"ID", nil},
		{"name", []kepu.OrderKey{{Prop: kepu.PropName}}},
		{"name desc", []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}}},
		{"openedYear desc", []kepu.OrderKey{{Prop: "openedYear", Desc: true}}},
		{"kind, name", []kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}}},
	}
	for _, o := range orders {
		sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), o.order)
		err := measure("page of 100 museums by "+o.name+" after a random cursor", func() (string, error) {
			n := all.Nodes[r.IntN(len(all.Nodes))]
			input = n.ID
			keys := make([]any, len(o.order))
			for i, k := range o.order {
				keys[i] = n.Props[k.Prop]
			}
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: o.order,
				Page: kepu.Page{First: ptr(100), After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: keys, ID: n.ID})}})
			return fmt.Sprintf("%d nodes", len(p.Nodes)), err
		})
		if err != nil {
			return nil, err
		}
	}
	zj := &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-ZJ")}}
	counts := []struct {
		name  string
		label kepu.Label
		f     *kepu.Filter
	}{
		{"count museums of kind STANDARD", kepu.Museum, kepu.C("kind", kepu.Eq, "STANDARD")},
		{"count museums opened 2000-2009", kepu.Museum, kepu.And(kepu.C("openedYear", kepu.Gte, int64(2000)), kepu.C("openedYear", kepu.Lt, int64(2010)))},
		{"count museums in Zhejiang", kepu.Museum, zj},
		{"count schools in Zhejiang", kepu.School, zj},
	}
	for _, c := range counts {
		if err := measure(c.name, func() (string, error) {
			n, err := st.CountNodes(ctx, c.label, c.f.Clone())
			return strconv.Itoa(n), err
		}); err != nil {
			return nil, err
		}
	}
	if err := measure("peer query 3: Zhejiang's museums by name, count, partner counts", func() (string, error) {
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: zj.Clone(), Order: []kepu.OrderKey{{Prop: kepu.PropName}}, Page: kepu.Page{First: ptr(100)}})
		if err != nil {
			return "", err
		}
		n, err := st.CountNodes(ctx, kepu.Museum, zj.Clone())
		if err != nil {
			return "", err
		}
		ids := make([]string, len(p.Nodes))
		for i, nd := range p.Nodes {
			ids[i] = nd.ID
		}
		_, err = st.CountNeighbors(ctx, ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out})
		return fmt.Sprintf("%d of %d", len(p.Nodes), n), err
	}); err != nil {
		return nil, err
	}
	if err := warmUp(ctx, st, all.Nodes, r); err != nil {
		return nil, err
	}
	if err := measure("single mutation (update one museum's name, durable)", func() (string, error) {
		n := all.Nodes[r.IntN(len(all.Nodes))]
		input = n.ID
		name, _ := n.Props[kepu.PropName].(string)
		_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: n.ID, Set: kepu.Props{kepu.PropName: name}}})
		return "ok", err
	}); err != nil {
		return nil, err
	}
	// A mutation that changes the data: the name (indexed by the
	// composite (name, id) index and the full-text index) of a museum of
	// the sample, renamed by appending " (renamed)" and named back by the
	// next draw of the same museum; every museum renamed is named back
	// after the row (untimed), so the graph is as before.
	renamed := map[string]bool{}
	if err := measure("single mutation that changes a museum's name (durable)", func() (string, error) {
		n := all.Nodes[r.IntN(len(all.Nodes))]
		input = n.ID
		name, _ := n.Props[kepu.PropName].(string)
		if !renamed[n.ID] {
			name += " (renamed)"
		}
		_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: n.ID, Set: kepu.Props{kepu.PropName: name}}})
		if err == nil {
			renamed[n.ID] = !renamed[n.ID]
		}
		return "ok", err
	}); err != nil {
		return nil, err
	}
	for _, n := range all.Nodes {
		if renamed[n.ID] {
			if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: n.ID, Set: kepu.Props{kepu.PropName: n.Props[kepu.PropName]}}}); err != nil {
				return nil, err
			}
		}
	}
	// The worst cursor of a descending key with the ID ascending: the last
	// museum (by ID) of a year, after which the page continues with the
	// previous year's first museums by ID (a store that sorts each year it
	// reaches reads the whole year). The last museum of each year of the
	// sample is found first, untimed; the row draws a museum of the
	// sample and starts after the last museum of its year.
	yearEnd := map[int64]kepu.Node{}
	for _, n := range all.Nodes {
		y, ok := n.Props["openedYear"].(int64)
		if !ok {
			continue
		}
		if _, done := yearEnd[y]; done {
			continue
		}
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("openedYear", kepu.Eq, y),
			Order: []kepu.OrderKey{{Prop: kepu.PropID, Desc: true}}, Page: kepu.Page{First: ptr(1)}})
		if err != nil {
			return nil, err
		}
		if len(p.Nodes) == 1 {
			yearEnd[y] = p.Nodes[0]
		}
	}
	if len(yearEnd) == 0 {
		return rows, nil // no museum of the sample has an opening year
	}
	yearDesc := []kepu.OrderKey{{Prop: "openedYear", Desc: true}}
	sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), yearDesc)
	if err := measure("page of 100 museums by openedYear desc after the last museum of a random year", func() (string, error) {
		var n kepu.Node
		for ok := false; !ok; {
			y, _ := all.Nodes[r.IntN(len(all.Nodes))].Props["openedYear"].(int64)
			n, ok = yearEnd[y]
		}
		input = n.ID
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: yearDesc,
			Page: kepu.Page{First: ptr(100), After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{n.Props["openedYear"]}, ID: n.ID})}})
		return fmt.Sprintf("%d nodes", len(p.Nodes)), err
	}); err != nil {
		return nil, err
	}
	// Absent values: the first page by openedYear desc (the museums
	// without an opening year come first) and a page after a random
	// museum of the sample without one (a store whose indexes hold no
	// absent value scans the label for them).
	if err := measure("first page of 100 museums by openedYear desc", func() (string, error) {
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: yearDesc, Page: kepu.Page{First: ptr(100)}})
		return fmt.Sprintf("%d nodes", len(p.Nodes)), err
	}); err != nil {
		return nil, err
	}
	var noYear []kepu.Node
	for _, n := range all.Nodes {
		if n.Props["openedYear"] == nil {
			noYear = append(noYear, n)
		}
	}
	if len(noYear) > 0 {
		if err := measure("page of 100 museums by openedYear desc after a random museum without openedYear", func() (string, error) {
			n := noYear[r.IntN(len(noYear))]
			input = n.ID
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: yearDesc,
				Page: kepu.Page{First: ptr(100), After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{nil}, ID: n.ID})}})
			return fmt.Sprintf("%d nodes", len(p.Nodes)), err
		}); err != nil {
			return nil, err
		}
	}
	// A key before the last: the last museum by name of a kind, after
	// which a page by kind, name continues with the next kind (a store
	// that sorts the next kind reads all of it). Found first, untimed.
	kindName := []kepu.OrderKey{{Prop: "kind"}, {Prop: kepu.PropName}}
	var kindEnds []kepu.Node
	for _, k := range kepu.MuseumKinds[:len(kepu.MuseumKinds)-1] {
		p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, k),
			Order: []kepu.OrderKey{{Prop: kepu.PropName, Desc: true}, {Prop: kepu.PropID, Desc: true}}, Page: kepu.Page{First: ptr(1)}})
		if err != nil {
			return nil, err
		}
		kindEnds = append(kindEnds, p.Nodes...)
	}
	if len(kindEnds) > 0 {
		sig := kepu.OrderSignature("nodes:"+string(kepu.Museum), kindName)
		if err := measure("page of 100 museums by kind, name after the last museum of a random kind", func() (string, error) {
			n := kindEnds[r.IntN(len(kindEnds))]
			input = n.ID
			p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: kindName,
				Page: kepu.Page{First: ptr(100), After: kepu.EncodeCursor(sig, kepu.Cursor{Keys: []any{n.Props["kind"], n.Props[kepu.PropName]}, ID: n.ID})}})
			return fmt.Sprintf("%d nodes", len(p.Nodes)), err
		}); err != nil {
			return nil, err
		}
	}
	const pathRow = "shortest path between random museums (maxHops 6, every type), after one mutation"
	if !pathRows || (rowFilter != nil && !rowFilter.MatchString(pathRow)) {
		return rows, nil
	}
	// Shortest path as the API answers it (package graph's analyzer): the
	// adjacency of the whole graph read once (WarmPaths, untimed: its
	// time is in the result), the paths found on it, their nodes and
	// relationships read from the store. The mutations above made it one
	// version behind: the row's first call catches up (the edge log).
	a := &analysis.Analyzer{Store: st}
	t := time.Now()
	if err := a.WarmPaths(ctx); err != nil {
		return nil, err
	}
	warm := time.Since(t)
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: all.Nodes[0].ID, Set: kepu.Props{kepu.PropName: all.Nodes[0].Props[kepu.PropName]}}}); err != nil {
		return nil, err
	}
	found, calls := 0, 0
	cs := &countingStore{Store: st}
	if err := measure(pathRow, func() (string, error) {
		from, to := all.Nodes[r.IntN(len(all.Nodes))].ID, all.Nodes[r.IntN(len(all.Nodes))].ID
		cs.calls.Store(0)
		trips0 := roundTrips(st)
		ps, _, err := a.ShortestPaths(ctx, cs, analysis.PathQuery{From: from, To: to, MaxHops: analysis.DefaultMaxHops, Limit: 1})
		calls++
		length := -1
		if len(ps) > 0 {
			found++
			length = ps[0].Length()
		}
		input = fmt.Sprintf("%s -> %s (length %d, %d store calls, %d round trips)", from, to, length, cs.calls.Load(), roundTrips(st)-trips0)
		return fmt.Sprintf("%d of %d found; adjacency read in %v", found, calls, warm.Round(time.Millisecond)), err
	}); err != nil {
		return nil, err
	}
	return rows, nil
}

// countingStore counts the calls that read a found path (Nodes,
// Neighbors) or walk the store.
type countingStore struct {
	kepu.Store
	calls atomic.Int32
}

func (s *countingStore) Nodes(ctx context.Context, ids []string) (map[string]kepu.Node, error) {
	s.calls.Add(1)
	return s.Store.Nodes(ctx, ids)
}

func (s *countingStore) Neighbors(ctx context.Context, ids []string, q kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	s.calls.Add(1)
	return s.Store.Neighbors(ctx, ids, q)
}

// roundTrips is the number of statements a Neo4j store has sent so far
// (0 for a store that does not count them).
func roundTrips(st kepu.Store) int64 {
	if c, ok := st.(interface{ RoundTrips() int64 }); ok {
		return c.RoundTrips()
	}
	return 0
}

// rowFilter selects the rows that Table measures by name (-rows; nil:
// all).
var rowFilter *regexp.Regexp

// pathRows adds the shortest-path row to Table (-paths).
var pathRows = true

// warmWrites is the number of untimed renames before the mutation rows
// (-warm-writes).
var warmWrites int

// warmUp renames warmWrites museums drawn from sample (" (renamed)"
// appended) and names each back at once, untimed, when a mutation row is
// to be measured; it reports the time taken and the server's CPU on
// standard error.
func warmUp(ctx context.Context, st kepu.Store, sample []kepu.Node, r *rand.Rand) error {
	if warmWrites <= 0 || (rowFilter != nil && !rowFilter.MatchString("single mutation")) {
		return nil
	}
	start, srv := time.Now(), processCPU(serverPID)
	writes := 0
	for ; writes < warmWrites; writes += 2 {
		n := sample[r.IntN(len(sample))]
		name, _ := n.Props[kepu.PropName].(string)
		for _, to := range []string{name + " (renamed)", name} {
			if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: n.ID, Set: kepu.Props{kepu.PropName: to}}}); err != nil {
				return fmt.Errorf("warm-up: %w", err)
			}
		}
	}
	fmt.Fprintf(os.Stderr, "warm-up: %d writes in %v (server CPU %v)\n", writes, time.Since(start).Round(time.Millisecond), (processCPU(serverPID) - srv).Round(time.Millisecond))
	return nil
}

func ptr(n int) *int { return &n }
