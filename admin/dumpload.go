package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// storeFlags are the store selection of dump and load: the embedded store
// in --data-dir, or Neo4j when --store neo4j or NEO4J_URI is set (with
// NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), as for the server.
type storeFlags struct {
	store, dataDir *string
}

func addStoreFlags(env Env, fset interface {
	String(name, value, usage string) *string
}) storeFlags {
	def := envOr(env, "KEPUGRAPH_STORE", "")
	if def == "" {
		def = "embedded"
		if env.Getenv("NEO4J_URI") != "" {
			def = "neo4j"
		}
	}
	return storeFlags{
		store:   fset.String("store", def, "embedded or neo4j (env KEPUGRAPH_STORE; NEO4J_URI alone selects neo4j)"),
		dataDir: fset.String("data-dir", envOr(env, "KEPUGRAPH_DATA_DIR", "./data"), "data directory of the embedded store (env KEPUGRAPH_DATA_DIR)"),
	}
}

// open opens the selected store. mustExist refuses a data directory without
// a data file (dump would otherwise create an empty store). inUse is what
// to do instead when a running server holds an embedded data directory.
func (f storeFlags) open(ctx context.Context, env Env, mustExist bool, inUse string) (kepu.Store, error) {
	switch *f.store {
	case "embedded":
		if mustExist {
			if _, err := os.Stat(filepath.Join(*f.dataDir, embedded.FileName)); errors.Is(err, fs.ErrNotExist) {
				return nil, failf(kepu.NotFound, "%s holds no data file (%s)", *f.dataDir, embedded.FileName)
			}
		}
		st, err := embedded.Open(*f.dataDir, embedded.Options{})
		if errors.Is(err, embedded.ErrInUse) {
			// A server holds the file: say what to do instead, as check
			// and restore do (CONFLICT, ErrorCode).
			return nil, inUseError("data directory "+*f.dataDir, inUse)
		}
		return st, err
	case "neo4j":
		cfg := neo4jstore.Config{URI: env.Getenv("NEO4J_URI"), User: env.Getenv("NEO4J_USER"),
			Password: env.Getenv("NEO4J_PASSWORD"), Database: env.Getenv("NEO4J_DATABASE")}
		st, err := neo4jstore.Open(ctx, cfg)
		if err != nil {
			return nil, err
		}
		if err := st.EnsureSchema(ctx); err != nil {
			st.Close()
			return nil, err
		}
		return st, nil
	}
	return nil, fmt.Errorf("%w: unknown store %q", ErrUsage, *f.store)
}

func runDump(ctx context.Context, env Env, args []string) error {
	fset := flags(env, "dump")
	sf := addStoreFlags(env, fset)
	to := fset.String("to", "", "file to write (default: standard output)")
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fset.Arg(0))
	}
	st, err := sf.open(ctx, env, true, "stop the server, then dump again; or, with the server running, take an online backup ("+backupHint+
		"), restore it into a new directory (kepugraph restore --data-dir NEW FILE) and dump that (kepugraph dump --data-dir NEW)")
	if err != nil {
		return err
	}
	defer st.Close()
	var w io.Writer = env.Stdout
	var tmp *os.File
	if *to != "" {
		if tmp, err = os.CreateTemp(filepath.Dir(*to), filepath.Base(*to)+".partial-*"); err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		w = tmp
	}
	c, err := dump.Write(ctx, st, w)
	if err != nil {
		if tmp != nil {
			tmp.Close()
		}
		return err
	}
	if tmp != nil {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), *to); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stderr, "kepugraph dump: %d nodes, %d edges\n", c.Nodes, c.Edges)
	return nil
}

func runLoad(ctx context.Context, env Env, args []string) error {
	fset := flags(env, "load")
	sf := addStoreFlags(env, fset)
	force := fset.Bool("force", false, "load into a store that holds nodes (records with the same ID are replaced)")
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		return fmt.Errorf("%w: name one dump file (- for standard input)", ErrUsage)
	}
	var r io.Reader = env.Stdin
	if name := fset.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	g, err := dump.Read(r)
	if err != nil {
		return fmt.Errorf("nothing loaded: %w", err)
	}
	st, err := sf.open(ctx, env, false, "stop the server, then load again (load writes the data file, which the server holds open); "+
		"to change a running server's graph, use the API's mutations")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := dump.Load(ctx, st, g, dump.Options{Force: *force})
	if err != nil {
		return fmt.Errorf("after %d nodes and %d edges: %w", c.Nodes, c.Edges, err)
	}
	fmt.Fprintf(env.Stderr, "kepugraph load: %d nodes, %d edges\n", c.Nodes, c.Edges)
	return nil
}
