package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/fsync"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// OpenStore opens the backend that the configuration names. Adding a
// backend is one case here and its value in Stores.
func OpenStore(ctx context.Context, c Config, log *slog.Logger) (kepu.Store, error) {
	switch c.Store {
	case "embedded":
		if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		st, err := embedded.Open(c.DataDir, embedded.Options{Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", c.DataDir, err)
		}
		return st, nil
	case "neo4j":
		// Each step says what it does before it starts: on a first start
		// (an empty database) on a busy machine creating the schema took
		// 51 s, with nothing logged before "store open".
		start := time.Now()
		log.Info("neo4j: connecting", "uri", neo4jstore.RedactURI(c.Neo4jURI), "database", c.Neo4jDatabase)
		st, err := neo4jstore.Open(ctx, neo4jstore.Config{
			URI: c.Neo4jURI, User: c.Neo4jUser, Password: c.Neo4jPassword, Database: c.Neo4jDatabase,
			ConnectTimeout: c.Neo4jTimeout, MaxConnections: c.Neo4jMaxConnections, Logger: log,
		})
		if err != nil {
			return nil, fmt.Errorf("open neo4j store: %w", err)
		}
		// "open_took", not "connected_after": Open returns without a
		// connection when the server is not reachable (it logs that).
		log.Info("neo4j: ensuring the schema (uniqueness constraints and indexes; creating them on a new database can take a minute)",
			"open_took", time.Since(start).Round(time.Millisecond).String())
		start = time.Now()
		if err := st.EnsureSchema(ctx); err != nil {
			var newer *neo4jstore.NewerFormatError
			if errors.As(err, &newer) {
				// A newer kepugraph's database: do not serve it.
				st.Close()
				return nil, err
			}
			// The server may be down: start anyway; /readyz tells.
			log.Warn("neo4j schema not ensured yet", "error", kepu.ErrorMessage(err))
			return st, nil
		}
		// Indexes created on a database that holds data are populated in
		// the background; queries work meanwhile (the seed command waits
		// for them, AwaitIndexes), but for search, whose full-text index
		// Neo4j does not query before it is online: until then search
		// answers SERVICE_UNAVAILABLE "the search index is being built
		// (N %)" and /readyz 503 (neo4jstore SearchReady), and the store
		// logs when it is online.
		log.Info("neo4j: schema ready", "took", time.Since(start).Round(time.Millisecond).String())
		return st, nil
	default:
		return nil, fmt.Errorf("unknown store %q", c.Store)
	}
}

// Seed loads the reference dataset into st when it holds no node at all (a
// new data directory or database), unless noSeed is set. A store with any
// record is never seeded over, except one whose last load of the reference
// dataset did not end (the process killed during its first start): Seed
// marks a load in the store itself, with the metadata entry
// kepu.MetaReferenceLoad set (durably) before its first write and removed
// after its last, and a start that finds the entry completes the load
// (its writes are puts: idempotent) before it returns. The same holds on
// both backends. dataDir is the embedded store's data directory ("" for
// Neo4j): the marker file embedded.SeedMarker that versions before
// 2026-12-03 wrote there instead is still read (and removed once the load
// has ended). A store that cannot be reached is left for the seed command
// (the server serves anyway, and /readyz says it is not ready).
func Seed(ctx context.Context, st kepu.Store, dataDir string, noSeed bool, log *slog.Logger) error {
	mark, err := st.Meta(ctx, kepu.MetaReferenceLoad)
	if kepu.ErrorCode(err) == kepu.Unavailable {
		log.Warn("store unreachable; not checking for the reference dataset", "error", kepu.ErrorMessage(err))
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the reference load's mark: %w", err)
	}
	oldMarker := ""
	if dataDir != "" {
		if p := filepath.Join(dataDir, embedded.SeedMarker); fileExists(p) {
			oldMarker = p
		}
	}
	if mark != "" || oldMarker != "" {
		log.Warn("the reference dataset's load did not finish (the process was stopped); completing it",
			"mark", kepu.MetaReferenceLoad, "marker_file", oldMarker)
		return seedLoad(ctx, st, oldMarker, log)
	}
	for _, d := range kepu.LabelDefs() {
		n, err := st.CountNodes(ctx, d.Label, nil)
		if kepu.ErrorCode(err) == kepu.Unavailable {
			log.Warn("store unreachable; not checking for the reference dataset", "error", kepu.ErrorMessage(err))
			return nil
		}
		if err != nil {
			return fmt.Errorf("count %s nodes: %w", d.Label, err)
		}
		if n > 0 {
			// The first label found with nodes (the labels are not all
			// counted): "Province nodes=35" read as 35 nodes in all.
			log.Info("store holds data; not loading the reference dataset", "first_label_with_nodes", d.Label, "its_nodes", n)
			return nil
		}
	}
	if noSeed {
		log.Info("store is empty; not loading the reference dataset (--no-seed)")
		return nil
	}
	log.Info("store is empty; loading the reference dataset")
	return seedLoad(ctx, st, "", log)
}

// seedMarkValue is the value of the kepu.MetaReferenceLoad entry while a
// load runs.
const seedMarkValue = "incomplete"

// seedLoad loads the reference dataset into st, with the store's
// kepu.MetaReferenceLoad entry set from before the first write until after
// the last. oldMarker, when not "", is a marker file of an earlier version,
// removed (durably) once the load has ended.
func seedLoad(ctx context.Context, st kepu.Store, oldMarker string, log *slog.Logger) error {
	start := time.Now()
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, seedMarkValue); err != nil {
		return fmt.Errorf("mark the reference load as started: %w", err)
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		return fmt.Errorf("generate reference dataset: %w", err)
	}
	lastPct := -1
	rep, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{
		Progress: func(done, total int) {
			if total <= 0 {
				return
			}
			if pct := done * 100 / total; pct/10 != lastPct/10 || done == total {
				lastPct = pct
				log.Info("loading reference dataset", "done", done, "total", total, "percent", pct)
			}
		},
	})
	if err != nil {
		// The mark stays: say what it means to whoever stopped us (a
		// SIGTERM during the load read "load reference dataset: context
		// canceled").
		return fmt.Errorf("load reference dataset (%d%% done; the store is marked, and the next start completes the load): %w", max(lastPct, 0), err)
	}
	nodes, edges := 0, 0
	for _, n := range rep.Nodes {
		nodes += n
	}
	for _, n := range rep.Edges {
		edges += n
	}
	if err := st.SetMeta(ctx, kepu.MetaReferenceLoad, ""); err != nil {
		return fmt.Errorf("mark the reference load as ended: %w", err)
	}
	if oldMarker != "" {
		if err := os.Remove(oldMarker); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the reference load's marker file: %w", err)
		}
		if err := fsync.Dir(filepath.Dir(oldMarker)); err != nil {
			return fmt.Errorf("remove the reference load's marker file: %w", err)
		}
	}
	log.Info("reference dataset loaded", "nodes", nodes, "edges", edges, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// fileExists reports whether path names an existing file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
