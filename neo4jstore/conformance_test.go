package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestConformance runs the store suite against a real Neo4j when NEO4J_URI
// is set. Each Open wipes the database. This is the one test that skips.
func TestConformance(t *testing.T) {
	if os.Getenv("NEO4J_URI") == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to run the conformance suite against (it WIPES the database it is given)")
	}
	neo4jtest.Lock(t)
	open := func(t *testing.T) kepu.Store {
		t.Helper()
		ctx := context.Background()
		st, err := neo4jstore.Open(ctx, neo4jtest.Config())
		if err != nil {
			t.Fatal(err)
		}
		checkParams(t, st)
		if err := st.DeleteAll(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	storetest.Run(t, storetest.Harness{
		Open: open,
		Reopen: func(t *testing.T, st kepu.Store) kepu.Store {
			t.Helper()
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st2, err := neo4jstore.Open(context.Background(), neo4jtest.Config())
			if err != nil {
				t.Fatal(err)
			}
			checkParams(t, st2)
			return st2
		},
		OpenNewer: func(t *testing.T, st kepu.Store) (func() kepu.Store, error) {
			t.Helper()
			ctx := context.Background()
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			drv, cfg := neo4jtest.Driver(t)
			setFormat := func(f int) {
				t.Helper()
				if _, err := neo4j.ExecuteQuery(ctx, drv, "MERGE (v:"+neo4jstore.VersionLabel+" {id: 'searchKeys'}) SET v.format = $f",
					map[string]any{"f": int64(f)}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
					t.Fatal(err)
				}
			}
			setFormat(neo4jstore.SearchKeysFormat + 1)
			// As the server starts: Open, then EnsureSchema.
			st2, err := neo4jstore.Open(ctx, neo4jstore.ConfigFromEnv())
			if err == nil {
				err = st2.EnsureSchema(ctx)
				st2.Close()
			}
			return func() kepu.Store {
				setFormat(neo4jstore.SearchKeysFormat)
				st3, err := neo4jstore.Open(ctx, neo4jstore.ConfigFromEnv())
				if err != nil {
					t.Fatal(err)
				}
				checkParams(t, st3)
				return st3
			}, err
		},
	})
}

// checkParams makes t fail, at its end, when st sent a statement with a
// parameter its text does not use (neo4jstore.UnusedParams): the
// statements the suite makes the store send, beside the compilers' corpus
// of TestStatementParams. Statements sent after t ended (a store's
// background work) are not reported.
func checkParams(t *testing.T, st *neo4jstore.Store) {
	var mu sync.Mutex
	var bad []string
	neo4jstore.SetRecorder(st, func(cypher string, params map[string]any) {
		if u := neo4jstore.UnusedParams(cypher, params); len(u) > 0 {
			mu.Lock()
			bad = append(bad, fmt.Sprintf("parameters %v unused by %s", u, cypher))
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for i, b := range bad {
			if i == 5 {
				t.Errorf("and %d more", len(bad)-5)
				break
			}
			t.Error(b)
		}
	})
}
