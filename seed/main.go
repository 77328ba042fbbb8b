// Command seed loads the kepugraph reference dataset (or, with --scale, the
// much larger benchmark graph) into a store:
//
//	go run ./seed                     # reference dataset into ./data
//	go run ./seed --scale 1000000     # benchmark graph of 1M nodes, 5M edges
//
// Loading is idempotent: running it twice leaves the same graph. A rerun
// over a graph in which the API moved a node (another LOCATED_IN place or
// PART_OF parent) is refused before anything is written
// (dataset.CheckOnes).
//
// A load is marked in the store as server.Seed marks its own: the metadata
// entry kepu.MetaReferenceLoad is set before the first write and removed
// after the last, on both backends. So a load cut off (killed, stopped,
// the store lost) leaves the mark, and a server started on the store then
// completes the reference dataset before it serves, instead of serving
// the part that was written as if it were whole; and a seed run that
// completes removes the mark of an earlier load that did not end (a
// server killed during its first start), which a server would otherwise
// find and load the reference dataset over the graph the seed command
// wrote. A server completes only the reference dataset: after a benchmark
// graph's load (--scale) or one of another --seed was cut off, run the
// same seed command again.
//
// With --dry-run it writes nothing: it reads the store (the embedded one
// opened read-only, Neo4j in read transactions) and prints what a run
// would do (dryrun.go; exit status 0: nothing to change, 1: changes, 2:
// error, 3: a run would be refused, CONFLICT).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	if err := m.ParseFlags(os.Args[1:], os.Getenv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(2)
	}
	setMemoryLimit(m.Config, os.Getenv)
	if m.Config.DryRun {
		// DryRun prints its report, or its error, itself.
		status, _ := m.DryRun(ctx)
		stop()
		os.Exit(status)
	}
	if p := os.Getenv("KEPUGRAPH_SEED_CPUPROFILE"); p != "" {
		// The loader's own CPU profile (go tool pprof), for measuring a load.
		f, err := os.Create(p)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "seed: KEPUGRAPH_SEED_CPUPROFILE:", err)
			os.Exit(2)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		// os.Exit skips the deferred calls: write the profile of a load
		// that failed or was stopped (SIGTERM) too.
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// Config is what the command loads and where.
type Config struct {
	Store   string            // "embedded" (default) or "neo4j"
	Neo4j   neo4jstore.Config // with Store "neo4j": from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
	DataDir string            // directory of the embedded store
	Scale   int               // total nodes of the benchmark graph; 0 = the reference dataset
	Batch   int               // changes per write
	Workers int               // writes at the same time; 0 = 2
	Seed    uint64            // generator seed; 0 = dataset.DefaultSeed
	NoSync  bool              // skip fsync on each write (bulk loads that are redone on failure)
	Quiet   bool              // no progress lines
	// MemoryLimit is the soft memory limit of the loading process in MiB
	// (runtime/debug.SetMemoryLimit) with the embedded store, whose graph
	// lives in this process; 0 leaves Go's default (none, or GOMEMLIMIT).
	MemoryLimit int
	// DryRun writes nothing and prints what a run would do (DryRun).
	DryRun bool
	// Format of the dry run's report: "text" (default) or "json".
	Format string
	// Limit is the most records the dry run lists per kind (to create, to
	// change, the store's own, conflicts); 0 lists all.
	Limit int
}

// Main is the command.
type Main struct {
	Config Config
	Stdout io.Writer // the final report
	Stderr io.Writer // progress
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main {
	return &Main{Config: Config{DataDir: "./data", Batch: dataset.DefaultBatch, MemoryLimit: DefaultMemoryLimit, Format: "text", Limit: DefaultLimit},
		Stdout: os.Stdout, Stderr: os.Stderr}
}

// DefaultMemoryLimit is the default soft memory limit of a load into the
// embedded store, in MiB. Without one the garbage collector lets the heap
// grow to twice the live graph before collecting (GOGC=100), and a load
// of the 1M-node graph peaked above 3 GB of RSS. With it the collector
// lets the heap grow to five times the live graph (LoadGCPercent, unless
// GOGC is set) but never past the limit: a large graph is collected only
// near the limit, which bounds the memory and marks the growing graph
// fewer times; a small one stays small. A graph whose live heap is larger
// than the limit still loads, with the collector using up to half the CPU.
const DefaultMemoryLimit = 2048

// LoadGCPercent is the collector's target (GOGC) of a load with a memory
// limit.
const LoadGCPercent = 400

// setMemoryLimit applies Config.MemoryLimit unless GOMEMLIMIT is set, and
// the collector's target LoadGCPercent unless GOGC is set. A load into
// Neo4j holds at most workers + 1 batches (tens of MB), so it gets the
// target without a limit: with GOGC 100 the collector took about a sixth of
// the loader's CPU, which shares the 2 cores with Neo4j (docs/neo4j.md,
// "The 1M load, third pass (2026-12-02, morning)").
func setMemoryLimit(c Config, getenv func(string) string) {
	if c.Store == "neo4j" {
		if getenv("GOGC") == "" {
			debug.SetGCPercent(LoadGCPercent)
		}
		return
	}
	if c.Store != "embedded" || c.MemoryLimit <= 0 || getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(int64(c.MemoryLimit) << 20)
	if getenv("GOGC") == "" {
		debug.SetGCPercent(LoadGCPercent)
	}
}

// ParseFlags reads the environment (KEPUGRAPH_DATA_DIR, KEPUGRAPH_SEED_SCALE,
// KEPUGRAPH_SEED_BATCH) and then the flags, which take precedence.
func (m *Main) ParseFlags(args []string, getenv func(string) string) error {
	c := &m.Config
	if v := getenv("KEPUGRAPH_DATA_DIR"); v != "" {
		c.DataDir = v
	}
	c.Neo4j = neo4jstore.Config{URI: getenv("NEO4J_URI"), User: getenv("NEO4J_USER"),
		Password: getenv("NEO4J_PASSWORD"), Database: getenv("NEO4J_DATABASE")}
	if c.Store == "" {
		c.Store = getenv("KEPUGRAPH_STORE")
	}
	if c.Store == "" {
		c.Store = "embedded"
		if c.Neo4j.URI != "" {
			c.Store = "neo4j"
		}
	}
	for _, env := range []struct {
		name string
		dst  *int
	}{{"KEPUGRAPH_SEED_SCALE", &c.Scale}, {"KEPUGRAPH_SEED_BATCH", &c.Batch}, {"KEPUGRAPH_SEED_WORKERS", &c.Workers}} {
		if v := getenv(env.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s: not a number: %q", env.name, v)
			}
			*env.dst = n
		}
	}
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&c.Store, "store", c.Store, "embedded or neo4j; neo4j reads NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE (env KEPUGRAPH_STORE; default neo4j when NEO4J_URI is set)")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of the embedded store, created if missing (env KEPUGRAPH_DATA_DIR)")
	fs.IntVar(&c.Scale, "scale", c.Scale, "total nodes of the benchmark graph; 0 loads the reference dataset (env KEPUGRAPH_SEED_SCALE)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "changes per store write (env KEPUGRAPH_SEED_BATCH)")
	fs.IntVar(&c.Workers, "workers", c.Workers, "batches written at the same time; 0: 2 (env KEPUGRAPH_SEED_WORKERS)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "generator seed; 0 uses the fixed default")
	fs.BoolVar(&c.NoSync, "no-sync", c.NoSync, "skip fsync on each write (faster bulk loads; rerun the load after a crash)")
	fs.BoolVar(&c.Quiet, "quiet", c.Quiet, "print no progress")
	fs.IntVar(&c.MemoryLimit, "memory-limit", c.MemoryLimit, "soft memory limit of a load into the embedded store, in MiB (Go's SetMemoryLimit; ignored when GOMEMLIMIT is set); 0: none")
	fs.BoolVar(&c.DryRun, "dry-run", c.DryRun, "write nothing: read the store (embedded: opened read-only; Neo4j: read transactions) and print what a run would create, change (each property: store → dataset), leave unchanged, leave of the store's own, and refuse (CONFLICT); not with --no-sync, --batch, --workers")
	fs.StringVar(&c.Format, "format", c.Format, "report of --dry-run: text, or json (one JSON object, seed/README.md)")
	fs.IntVar(&c.Limit, "limit", c.Limit, "with --dry-run: the most records listed per kind (create, change, store only, conflict); the counts are whole; 0 lists all")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./seed [flags]\n\nLoads the kepugraph reference dataset, or a benchmark graph, into the store.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), usageExit)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if err := checkDryRunFlags(fs, c); err != nil {
		return err
	}
	if c.Scale < 0 || c.Batch <= 0 || c.Workers < 0 || c.DataDir == "" || c.MemoryLimit < 0 {
		return fmt.Errorf("--scale must be >= 0, --batch > 0, --workers >= 0, --memory-limit >= 0 and --data-dir set")
	}
	if c.Store != "embedded" && c.Store != "neo4j" {
		return fmt.Errorf("--store %q: want embedded or neo4j", c.Store)
	}
	if c.Store == "neo4j" && c.Neo4j.URI == "" {
		return fmt.Errorf("--store neo4j needs NEO4J_URI")
	}
	return nil
}

// loadTarget is what a load writes to: a *neo4jstore.Store or an
// *embedded.Loader.
type loadTarget interface {
	dataset.Writer
	// SetMeta writes (or removes, "") a metadata entry (kepu.Store.SetMeta):
	// the load's mark, kepu.MetaReferenceLoad.
	SetMeta(ctx context.Context, key, value string) error
	Close() error
}

// loadMarkValue is the value of the kepu.MetaReferenceLoad entry while a
// load runs: server.Seed's (any value but "" means a load that did not
// end).
const loadMarkValue = "incomplete"

// openStore opens the store the configuration names for the load. It is the
// one place that knows the backends; ctx bounds the opening (a server
// backend uses it to check the connection).
func openStore(ctx context.Context, cfg Config) (loadTarget, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Store == "neo4j" {
		return openNeo4j(ctx, cfg.Neo4j)
	}
	// The graph is written without being held in memory; the full-text
	// index is built once after the load (Run), instead of in every write.
	return embedded.OpenLoader(cfg.DataDir, embedded.Options{NoSync: cfg.NoSync})
}

// openNeo4j opens the Neo4j store of a load (or a dry run) and checks that
// the server answers.
func openNeo4j(ctx context.Context, cfg neo4jstore.Config) (*neo4jstore.Store, error) {
	// Concurrent batches of edges deadlock now and then on shared
	// (dense) nodes; Neo4j aborts one, and the driver runs it again,
	// for up to RetryTime (the API's default: the connect timeout, 2 s).
	if cfg.RetryTime == 0 {
		cfg.RetryTime = loadRetryTime
	}
	// A server busy with a bulk load (or a busy machine) can take more
	// than the API's 2 s to accept a connection; a load waits longer.
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = loadConnectTimeout
	}
	// After a bulk load, EnsureSchema reads every node once (search
	// keys) while Neo4j populates the new indexes: on the 1M graph that
	// took longer than the API's 30 s transaction timeout.
	if cfg.TxTimeout == 0 {
		cfg.TxTimeout = loadTxTimeout
	}
	st, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// Loading needs the server now: fail clearly instead of per batch.
	if err := st.Ready(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// checkEmbedded runs dataset.CheckOnes on the data directory of a rerun
// (one whose data file exists), with the store opened for it and closed
// before the load: the Loader cannot read the graph, and a load over a
// node the API moved (another LOCATED_IN place, another PART_OF parent)
// failed after its node batches, leaving the nodes replaced and the edges
// half written.
func checkEmbedded(ctx context.Context, c Config, src dataset.Source) (err error) {
	if _, err := os.Stat(filepath.Join(c.DataDir, embedded.FileName)); err != nil {
		return nil // a new directory: nothing to conflict with
	}
	st, err := embedded.Open(c.DataDir, embedded.Options{NoSync: c.NoSync})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	if err := dataset.CheckOnes(ctx, st, src); err != nil {
		return fmt.Errorf("%w; unlink it (or load into an empty directory) and run the seed again", err)
	}
	return nil
}

// source generates the graph the configuration names: the benchmark graph
// of Scale nodes, or the reference dataset.
func (m *Main) source() (dataset.Source, error) {
	opts := dataset.Options{Seed: m.Config.Seed}
	if m.Config.Scale > 0 {
		return dataset.Scaled(opts, m.Config.Scale)
	}
	return dataset.Generate(opts)
}

// Run generates the graph, loads it and prints the report.
func (m *Main) Run(ctx context.Context) (err error) {
	c := m.Config
	if c.DryRun {
		return errors.New("seed: Run with --dry-run: call DryRun")
	}
	start := time.Now()
	src, err := m.source()
	if err != nil {
		return err
	}
	generated := time.Since(start)
	if c.Store == "embedded" {
		if err := checkEmbedded(ctx, c, src); err != nil {
			return err
		}
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); err == nil {
			err = cerr
		}
	}()
	var last time.Time
	progress := func(done, total int) {
		if c.Quiet || (done < total && time.Since(last) < time.Second) {
			return
		}
		last = time.Now()
		el := time.Since(start)
		fmt.Fprintf(m.Stderr, "seed: %d/%d records (%.1f %%), %s, %.0f records/s\n",
			done, total, 100*float64(done)/float64(total), el.Round(time.Millisecond), float64(done)/el.Seconds())
	}
	workers := c.Workers
	if workers == 0 {
		// Neo4j runs two transactions at once; the embedded loader
		// validates and encodes one batch while it commits another.
		workers = 2
	}
	// Into an empty Neo4j database the puts CREATE instead of MERGE and
	// the ID constraints come after the data, with the other indexes
	// (neo4jstore BulkCreate, CheckBulkLoad, BulkSchema); a rerun over a
	// loaded one creates them first and MERGEs. The other indexes come
	// after the load (below), built once instead of in every write.
	n4, _ := st.(*neo4jstore.Store)
	bulk := false
	if n4 != nil {
		if bulk, err = n4.BulkCreate(ctx); err != nil {
			return err
		}
	}
	if n4 != nil && !bulk {
		// A rerun over a loaded database: refuse, before anything is
		// written, what the store would refuse halfway (a moved node).
		if err := dataset.CheckOnes(ctx, n4, src); err != nil {
			return fmt.Errorf("%w; unlink it and run the seed again", err)
		}
	}
	lo := dataset.LoadOptions{Batch: c.Batch, Workers: workers, Progress: progress}
	if n4 != nil {
		lo.RetryAlone = m.retryAlone(n4)
	}
	// The load's mark, as server.Seed sets it: before the first write, and
	// removed after the last (a load that fails or is cut off keeps it).
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, loadMarkValue); err != nil {
		return fmt.Errorf("mark the load as started: %w", err)
	}
	rep, err := dataset.LoadSource(ctx, st, src, lo)
	if err != nil {
		return err
	}
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, ""); err != nil {
		return fmt.Errorf("mark the load as ended: %w", err)
	}
	if bulk {
		if err := n4.CheckBulkLoad(ctx, rep.NodeCount(), rep.EdgeCount()); err != nil {
			return err
		}
	}
	indexed := time.Now()
	if n4 != nil {
		if !c.Quiet {
			fmt.Fprintln(m.Stderr, "seed: creating the indexes and waiting until they are online")
		}
		ensure := n4.EnsureSchema
		if bulk {
			// Into the database the load filled: all the schema in one
			// transaction, the ID constraints with it.
			ensure = n4.BulkSchema
		}
		if err := ensure(ctx); err != nil {
			return err
		}
		if err := n4.AwaitIndexes(ctx, indexTimeout); err != nil {
			return err
		}
	} else if l, ok := st.(*embedded.Loader); ok {
		// The loader's Close builds the full-text index from the file.
		if err := l.Close(); err != nil {
			return err
		}
	}
	m.report(rep, generated, time.Since(indexed))
	return nil
}

// retryAlone is the RetryAlone of a load into Neo4j: a batch that failed
// with SERVICE_UNAVAILABLE while the server still answers (Ready) failed
// because of the load's other writers, not the server: a deadlock between
// two batches' relationships on shared nodes that outlasted the driver's
// retries (loadRetryTime), a lock or transaction timeout. Written again
// alone, after the parallel writes, it meets no other writer. A server
// that does not answer (killed, stopped) or a cancelled load fails the load
// as before.
func (m *Main) retryAlone(st *neo4jstore.Store) func(context.Context, error) bool {
	var mu sync.Mutex // the writers call it at the same time
	return func(ctx context.Context, err error) bool {
		if kepu.ErrorCode(err) != kepu.Unavailable || ctx.Err() != nil {
			return false
		}
		// A live server answers a ping at once; a dead one would hold the
		// load for the driver's retries (loadRetryTime) before it fails.
		pctx, cancel := context.WithTimeout(ctx, loadConnectTimeout)
		defer cancel()
		if st.Ready(pctx) != nil {
			return false
		}
		if !m.Config.Quiet {
			mu.Lock()
			fmt.Fprintf(m.Stderr, "seed: a batch failed (%s); it is written again alone after the other writes\n", kepu.ErrorMessage(err))
			mu.Unlock()
		}
		return true
	}
}

// loadRetryTime is how long a batch is retried after transient errors
// (deadlocks between the loader's own writers; the driver backs off 1, 2,
// 4, 8 s). It also bounds how long a load takes to fail when the server
// dies under it.
const loadRetryTime = 20 * time.Second

// loadTxTimeout bounds one transaction of the loader.
const loadTxTimeout = 10 * time.Minute

// loadConnectTimeout is how long the loader waits to reach Neo4j.
const loadConnectTimeout = 10 * time.Second

// indexTimeout bounds the wait for Neo4j's indexes after a load.
const indexTimeout = time.Hour

func (m *Main) report(rep dataset.Report, generated, indexed time.Duration) {
	w := m.Stdout
	if m.Config.Store == "neo4j" {
		db := m.Config.Neo4j.Database
		if db == "" {
			db = "neo4j"
		}
		fmt.Fprintf(w, "loaded into Neo4j at %s, database %s\n", m.Config.Neo4j.URI, db)
	} else {
		fmt.Fprintf(w, "loaded into %s\n", m.Config.DataDir)
	}
	fmt.Fprintf(w, "nodes: %d\n", rep.NodeCount())
	labels := make([]kepu.Label, 0, len(rep.Nodes))
	for l := range rep.Nodes {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		fmt.Fprintf(w, "  %-18s %9d\n", l, rep.Nodes[l])
	}
	fmt.Fprintf(w, "edges: %d\n", rep.EdgeCount())
	types := make([]kepu.RelType, 0, len(rep.Edges))
	for t := range rep.Edges {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		fmt.Fprintf(w, "  %-18s %9d\n", t, rep.Edges[t])
	}
	fmt.Fprintf(w, "generated in %s, loaded in %s, %.0f records/s\n",
		generated.Round(time.Millisecond), rep.Elapsed.Round(time.Millisecond), rep.PerSecond())
	all := rep.Elapsed + indexed
	if m.Config.Store == "neo4j" {
		fmt.Fprintf(w, "indexes created and online in %s; load and indexes %s, %.0f records/s\n",
			indexed.Round(time.Millisecond), all.Round(time.Millisecond), float64(rep.NodeCount()+rep.EdgeCount())/all.Seconds())
	} else {
		fmt.Fprintf(w, "graph opened and full-text index built in %s; load and index %s, %.0f records/s\n",
			indexed.Round(time.Millisecond), all.Round(time.Millisecond), float64(rep.NodeCount()+rep.EdgeCount())/all.Seconds())
	}
}
