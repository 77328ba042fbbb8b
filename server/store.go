package server

import (
	"context"
	"errors"
	"fmt"
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
			ConnectTimeout: c.Neo4jTimeout, Logger: log,
		})
		if err != nil {
			return nil, fmt.Errorf("open neo4j store: %w", err)
		}
		log.Info("neo4j: ensuring the schema (uniqueness constraints and indexes; creating them on a new database can take a minute)",
			"connected_after", time.Since(start).Round(time.Millisecond).String())
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
// new data directory), unless noSeed is set. A store with any record is
// never seeded over, except an embedded one whose data directory dataDir
// holds embedded.SeedMarker: its load was cut short (the process killed), and Seed
// completes it (the load's writes are idempotent). dataDir is "" for Neo4j, whose interrupted first load the
// seed command completes (it is rerun over what is there). A store that
// cannot be reached is left for the seed command (the server serves
// anyway, and /readyz says it is not ready).
func Seed(ctx context.Context, st kepu.Store, dataDir string, noSeed bool, log *slog.Logger) error {
	marker := ""
	if dataDir != "" {
		marker = filepath.Join(dataDir, embedded.SeedMarker)
		if _, err := os.Stat(marker); err == nil {
			log.Warn("the reference dataset's load did not finish (the process was stopped); completing it", "marker", marker)
			return seedLoad(ctx, st, marker, log)
		}
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
			log.Info("store holds data; not loading the reference dataset", "label", d.Label, "nodes", n)
			return nil
		}
	}
	if noSeed {
		log.Info("store is empty; not loading the reference dataset (--no-seed)")
		return nil
	}
	log.Info("store is empty; loading the reference dataset")
	return seedLoad(ctx, st, marker, log)
}

// seedLoad loads the reference dataset into st, with marker (if not "")
// present, written durably, from before the first write until the last.
func seedLoad(ctx context.Context, st kepu.Store, marker string, log *slog.Logger) error {
	start := time.Now()
	if marker != "" {
		if err := writeMarker(marker); err != nil {
			return fmt.Errorf("mark the reference load as started: %w", err)
		}
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
		return fmt.Errorf("load reference dataset: %w", err)
	}
	nodes, edges := 0, 0
	for _, n := range rep.Nodes {
		nodes += n
	}
	for _, n := range rep.Edges {
		edges += n
	}
	if marker != "" {
		if err := os.Remove(marker); err != nil {
			return fmt.Errorf("mark the reference load as ended: %w", err)
		}
		if err := fsync.Dir(filepath.Dir(marker)); err != nil {
			return fmt.Errorf("mark the reference load as ended: %w", err)
		}
	}
	log.Info("reference dataset loaded", "nodes", nodes, "edges", edges, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// writeMarker creates the file path, empty, and makes it durable.
func writeMarker(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return fsync.Dir(filepath.Dir(path))
}
