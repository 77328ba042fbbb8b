package neo4jstore

import (
	"context"

	"github.com/kepugraph/kepugraph/textsearch"
)

// SearchCandidates returns the IDs of the candidates of a search text
// (searchCandidates, no labels) with the limit textsearch.Run would give.
func SearchCandidates(ctx context.Context, s *Store, text string, limit int) ([]string, error) {
	q, err := textsearch.Parse(text)
	if err != nil {
		return nil, err
	}
	docs, err := s.searchCandidates(ctx, q, nil, limit)
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, err
}
