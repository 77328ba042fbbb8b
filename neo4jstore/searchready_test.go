package neo4jstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestSearchIndexNotReady: on a database without kg_search (a start killed
// in the middle of a rewrite of the search keys, which drops it first),
// Search answers SERVICE_UNAVAILABLE at once, with a message meant for
// clients (kepu.Error.Public) that names the search index, and SearchReady
// says the same, while the other reads answer; EnsureSchema creates the
// index again and, once it is online, search and SearchReady answer. (A
// populating index gives the same error with its percentage; Neo4j gives
// no way to hold an index in that state for a test: docs/neo4j.md has the
// run at the reference dataset.)
func TestSearchIndexNotReady(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	n := storetest.N("Museum:xd", "nameZh", "现代科技馆", "kind", "STANDARD")
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.PutNode, Node: n}}); err != nil {
		t.Fatal(err)
	}
	drv, cfg := neo4jtest.Driver(t)
	if _, err := neo4j.ExecuteQuery(ctx, drv, "DROP INDEX "+neo4jstore.SearchIndex, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
		t.Fatal(err)
	}
	// A new process on that database (no EnsureSchema yet, or one cut off).
	st2, err := neo4jstore.Open(ctx, neo4jstore.ConfigFromEnv())
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	q := kepu.SearchQuery{Text: "xiandai", First: 5}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err = st2.Search(sctx, q)
	var ke *kepu.Error
	if !errors.As(err, &ke) || ke.Code != kepu.Unavailable || !ke.Public || !strings.Contains(ke.Message, "search index") {
		t.Fatalf("Search without the search index: %v (%#v), want a public SERVICE_UNAVAILABLE naming the search index", err, ke)
	}
	t.Logf("Search: %q after %s", ke.Message, time.Since(start))
	if err := st2.SearchReady(ctx); kepu.ErrorCode(err) != kepu.Unavailable || kepu.ErrorMessage(err) != ke.Message {
		t.Errorf("SearchReady: %v, want the error of Search", err)
	}
	if nodes, err := st2.Nodes(ctx, []string{n.ID}); err != nil || nodes[n.ID].ID != n.ID {
		t.Errorf("Nodes while the search index is missing: %v, %v", nodes, err)
	}

	if err := st2.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st2.AwaitIndexes(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := st2.SearchReady(ctx); err != nil {
		t.Errorf("SearchReady with the index online: %v", err)
	}
	page, err := st2.Search(ctx, q)
	if err != nil || len(page.Hits) == 0 || page.Hits[0].Node.ID != n.ID {
		t.Errorf("Search after EnsureSchema: %+v, %v, want %s", page.Hits, err, n.ID)
	}
}
