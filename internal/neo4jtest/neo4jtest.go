// Package neo4jtest gives tests the Neo4j server named by NEO4J_URI (with
// NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE), one test binary at a time.
//
// Neo4j Community has a single user database, and the tests that use it wipe
// it; `go test ./...` runs several packages at once. Lock serializes them
// with an exclusive flock(2) on a file named after the URI and database in
// the temporary directory, held until the test (or the process) ends.
package neo4jtest

import (
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/neo4jstore"
)

// URI is NEO4J_URI: empty when no server is configured.
func URI() string { return os.Getenv("NEO4J_URI") }

// ConnectTimeout is the ConnectTimeout of the tests' stores on the server
// of NEO4J_URI (and the root package's --neo4j-timeout): those tests check
// answers, not availability, and a call that has not reached the server
// within three quarters of the default 2 s gives up with
// SERVICE_UNAVAILABLE, which a loaded machine's server need not meet (a
// write waited over 1.5 s for a connection at a load average of 30). The
// tests of an unreachable server set their own.
const ConnectTimeout = 20 * time.Second

// Config is neo4jstore.ConfigFromEnv with ConnectTimeout.
func Config() neo4jstore.Config {
	cfg := neo4jstore.ConfigFromEnv()
	cfg.ConnectTimeout = ConnectTimeout
	return cfg
}

// lockPath is the lock file of the configured server and database.
func lockPath() string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s", URI(), os.Getenv("NEO4J_DATABASE"))
	return filepath.Join(os.TempDir(), fmt.Sprintf("kepugraph-neo4j-%x.lock", h.Sum64()))
}

// LockProcess takes the server for the rest of the process: it blocks until
// no other process holds it. The lock goes with the process.
func LockProcess() error {
	f, err := os.OpenFile(lockPath(), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("neo4j test lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return fmt.Errorf("neo4j test lock %s: %w", f.Name(), err)
	}
	mu.Lock()
	held, process = f, true
	mu.Unlock()
	return nil
}

var (
	mu      sync.Mutex
	held    *os.File
	process bool // LockProcess took the lock: it is never released
	holders int  // tests between their Lock and their end
)

// Lock takes the server until the test ends (or for the rest of the process
// when LockProcess already took it). Tests of one process that run at once
// share the lock: it is released when the last of them ends. It skips
// nothing: call it after checking URI.
func Lock(tb testing.TB) {
	tb.Helper()
	lockAt(tb, lockPath())
}

// lockAt is Lock on the lock file path.
func lockAt(tb testing.TB, path string) {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if held == nil {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			tb.Fatalf("neo4j test lock: %v", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			tb.Fatalf("neo4j test lock %s: %v", f.Name(), err)
		}
		held = f
	}
	holders++
	tb.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		holders--
		if holders > 0 || process || held == nil {
			return
		}
		syscall.Flock(int(held.Fd()), syscall.LOCK_UN)
		held.Close()
		held = nil
	})
}

// Fresh locks the server for the test and returns a store on an empty
// database with the schema in place; it is closed when the test ends.
func Fresh(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	Lock(tb)
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, Config())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.DeleteAll(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := st.EnsureSchema(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}

// Driver returns a driver of its own for the server of NEO4J_URI (for the
// statements a test sends past the store: PROFILE, EXPLAIN, schema
// changes) and the configuration it was made from (Database names the
// database); it is closed when the test ends.
func Driver(tb testing.TB) (neo4j.DriverWithContext, neo4jstore.Config) {
	tb.Helper()
	cfg := neo4jstore.ConfigFromEnv()
	drv, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { drv.Close(context.Background()) })
	return drv, cfg
}
