package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/storetest"
)

// TestSearchCandidatesLimit: storetest.CandidatesLimit on Neo4j (the
// embedded store's TestCandidatesLimit runs the same).
func TestSearchCandidatesLimit(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set")
	}
	st := neo4jtest.Fresh(t)
	storetest.CandidatesLimit(t, func(cs []kepu.Change) error {
		_, err := st.Write(context.Background(), cs)
		return err
	}, func(ctx context.Context, text string, limit int) (int, error) {
		ids, err := neo4jstore.SearchCandidates(ctx, st, text, limit)
		return len(ids), err
	})
}
