package neo4jstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestBulkLoadOneParent: the edge puts of a bulk load into an empty
// database skip the per-write one-parent check (no lock, no lookup);
// CheckBulkLoad at its end finds a county with two parents and names it.
func TestBulkLoadOneParent(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server")
	}
	st := neo4jtest.Fresh(t)
	ctx := context.Background()
	bulk, err := st.BulkCreate(ctx)
	if err != nil || !bulk {
		t.Fatalf("BulkCreate on an empty database: %v, %v", bulk, err)
	}
	node := func(id string) kepu.Change {
		return kepu.Change{Kind: kepu.PutNode, Node: storetest.N(id, "gbCode", "1")}
	}
	edge := func(from, to string) kepu.Change {
		return kepu.Change{Kind: kepu.PutEdge, Edge: storetest.E(kepu.PartOf, from, to)}
	}
	if _, err := st.Write(ctx, []kepu.Change{node("County:c"), node("County:d"), node("Prefecture:p1"), node("Prefecture:p2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Write(ctx, []kepu.Change{edge("County:d", "Prefecture:p1"), edge("County:c", "Prefecture:p1"), edge("County:c", "Prefecture:p2")}); err != nil {
		t.Fatal(err)
	}
	err = st.CheckBulkLoad(ctx, 4, 3)
	if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(kepu.ErrorMessage(err), "County:c has two PART_OF") {
		t.Fatalf("CheckBulkLoad: %v, want a CONFLICT naming County:c", err)
	}
	// Out of bulk mode, the per-write check is back.
	if _, err := st.Write(ctx, []kepu.Change{edge("County:d", "Prefecture:p2")}); kepu.ErrorCode(err) != kepu.Conflict {
		t.Fatalf("a second parent after the bulk load: %v, want CONFLICT", err)
	}
}
