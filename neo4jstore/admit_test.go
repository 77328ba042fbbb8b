package neo4jstore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestCallsPastThePool: with MaxConnections calls running, another call
// waits its turn, past the reach budget (ConnectTimeout), and then
// succeeds; one whose context ends first fails with the timeout's
// message; neither marks the store down. Before the bound, a burst of
// calls past the driver's pool (120 exports on Neo4j, break17) waited
// for a connection inside the reach budget, failed as "the graph
// database is unavailable" though the server was up, and the store,
// marked down, refused the calls after them.
//
// Two updates of a museum are held by another transaction's lock: they
// are the two calls the bound allows. Nothing here is timed: the waits
// below only make the read wait longer than its reach budget; the
// outcome does not depend on how long they take.
func TestCallsPastThePool(t *testing.T) {
	if os.Getenv("NEO4J_URI") == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server (this test WIPES the database it is given)")
	}
	neo4jtest.Lock(t)
	ctx := context.Background()
	cfg := neo4jtest.Config()
	cfg.MaxConnections = 2
	cfg.ConnectTimeout = 400 * time.Millisecond
	st, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	const museum, school = "Museum:m", "School:s"
	if _, err := st.Write(ctx, []kepu.Change{
		{Kind: kepu.PutNode, Node: storetest.N(museum, "kind", "STANDARD")},
		{Kind: kepu.PutNode, Node: storetest.N(school)},
	}); err != nil {
		t.Fatal(err)
	}

	drv, dcfg := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: dcfg.Database})
	defer sess.Close(ctx)
	tx, err := sess.BeginTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close(ctx)
	res, err := tx.Run(ctx, "MATCH (n:KG {id: $id}) SET n.held = true", map[string]any{"id": museum})
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	updates := make(chan error, 2)
	for _, city := range []string{"Hefei", "Wuhu"} {
		go func() {
			_, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: museum, Set: kepu.Props{"city": city}}})
			updates <- err
		}()
	}
	// A minute is a hang guard: both updates wait for the lock at once.
	for deadline := time.Now().Add(time.Minute); blockedCount(ctx, t, drv, dcfg.Database) < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the two updates did not both wait for the lock within a minute")
		}
	}

	read := make(chan error, 1)
	go func() {
		_, err := st.Nodes(ctx, []string{school})
		read <- err
	}()
	short, cancel := context.WithTimeout(ctx, 3*cfg.ConnectTimeout)
	defer cancel()
	if _, err := st.Nodes(short, []string{school}); kepu.ErrorCode(err) != kepu.Unavailable || kepu.ErrorMessage(err) != "the graph database did not answer in time" {
		t.Errorf("a read whose deadline ends while it waits its turn: %v, want SERVICE_UNAVAILABLE, did not answer in time", err)
	}
	select {
	case err := <-read:
		t.Fatalf("a read ran while two calls held the two places: %v", err)
	default:
	}

	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-updates; err != nil {
			t.Errorf("update held by the lock: %v", err)
		}
	}
	if err := <-read; err != nil {
		t.Errorf("the read that waited its turn past the reach budget: %v, want it answered", err)
	}
	// Not marked down: the next calls are answered (a store marked down
	// refuses calls at once until a probe reconnects).
	if err := st.Ready(ctx); err != nil {
		t.Errorf("Ready after the wait: %v", err)
	}
	for range 3 {
		if _, err := st.Nodes(ctx, []string{museum, school}); err != nil {
			t.Errorf("a read after the wait: %v", err)
		}
	}
}

// blockedCount is how many transactions of database db the server lists
// as blocked by another's lock.
func blockedCount(ctx context.Context, t *testing.T, drv neo4j.DriverWithContext, db string) int64 {
	t.Helper()
	res, err := neo4j.ExecuteQuery(ctx, drv, "SHOW TRANSACTIONS YIELD database, status WHERE database = $db AND status STARTS WITH 'Blocked' RETURN count(*) AS n",
		map[string]any{"db": db}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := res.Records[0].Get("n")
	return n.(int64)
}
