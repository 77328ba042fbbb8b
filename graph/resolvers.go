package graph

// The resolvers of the fields outside the kepu registry: node and nodes,
// the published figures, export selections, search and the analysis
// queries. The resolvers of the registry's fields (relationship
// connections, root connections and counts, mutations) are generated into
// resolvers_gen.go by graph/internal/schemagen; the place fields are
// methods of the models. Together they implement generated.ResolverRoot
// (the compiler checks it: see handler.go).

import (
	"context"

	"github.com/kepugraph/kepugraph/graph/generated"
	"github.com/kepugraph/kepugraph/graph/model"
)

// communityResolver resolves the members of a community.
type communityResolver struct{ *Resolver }

// Community returns the resolvers of Community.
func (r *Resolver) Community() generated.CommunityResolver { return &communityResolver{r} }

// Members is the resolver for the members field.
func (r *communityResolver) Members(ctx context.Context, obj *model.Community, first *int, after *string) (*model.RankedNodeConnection, error) {
	return communityMembers(ctx, r.Resolver, obj, first, after)
}

// Node is the resolver for the node field.
func (r *queryResolver) Node(ctx context.Context, id string) (model.Node, error) {
	return node(ctx, r.Resolver, id)
}

// Nodes is the resolver for the nodes field.
func (r *queryResolver) Nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	return nodes(ctx, r.Resolver, ids)
}

// SystemStats is the resolver for the systemStats field.
func (r *queryResolver) SystemStats(ctx context.Context) (*model.SystemStats, error) {
	return systemStats(ctx, r.Resolver)
}

// Subgraph is the resolver for the subgraph field.
func (r *queryResolver) Subgraph(ctx context.Context, labels []string, relationships []string, where map[string]any, around *string, hops *int, from *string, to *string) (*model.GraphSelection, error) {
	return subgraph(ctx, r.Resolver, labels, relationships, where, around, hops, from, to)
}

// Search is the resolver for the search field.
func (r *queryResolver) Search(ctx context.Context, text string, labels []string, first *int, after *string) (*model.SearchConnection, error) {
	return search(ctx, r.Resolver, text, labels, first, after)
}

// ShortestPath is the resolver for the shortestPath field.
func (r *queryResolver) ShortestPath(ctx context.Context, from string, to string, relationships []string, maxHops *int) (*model.Path, error) {
	ps, err := shortestPaths(ctx, r.Resolver, "shortestPath", from, to, relationships, maxHops, 1)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return ps[0], nil
}

// ShortestPaths is the resolver for the shortestPaths field.
func (r *queryResolver) ShortestPaths(ctx context.Context, from string, to string, relationships []string, maxHops *int, first *int) ([]*model.Path, error) {
	n := listFirst(ctx, first, r.maxPageSize)
	if err := model.PageBound(r.maxPageSize).Check("first", n); err != nil {
		return nil, err
	}
	return shortestPaths(ctx, r.Resolver, "shortestPaths", from, to, relationships, maxHops, n)
}

// Neighborhood is the resolver for the neighborhood field.
func (r *queryResolver) Neighborhood(ctx context.Context, id string, hops *int, relationships []string, labels []string, limit *int) (*model.Subgraph, error) {
	return neighborhood(ctx, r.Resolver, id, hops, relationships, labels, limit)
}

// Centrality is the resolver for the centrality field.
func (r *queryResolver) Centrality(ctx context.Context, algorithm string, labels []string, relationships []string, projection *string, within *string, where map[string]any, first *int) ([]*model.ScoredNode, error) {
	return centrality(ctx, r.Resolver, algorithm, labels, relationships, projection, within, where, first)
}

// Communities is the resolver for the communities field.
func (r *queryResolver) Communities(ctx context.Context, algorithm string, labels []string, relationships []string, projection *string, within *string) (*model.CommunityPartition, error) {
	return communities(ctx, r.Resolver, algorithm, labels, relationships, projection, within)
}

// Coverage is the resolver for the coverage field.
func (r *queryResolver) Coverage(ctx context.Context, level string, museumKinds []string, programs []string, within *string) (*model.Coverage, error) {
	return coverage(ctx, r.Resolver, level, museumKinds, programs, within)
}

// SchoolsWithoutLocalPartner is the resolver for the schoolsWithoutLocalPartner field.
func (r *queryResolver) SchoolsWithoutLocalPartner(ctx context.Context, province *string, first *int, after *string) (*model.RankedNodeConnection, error) {
	return schoolsWithoutLocalPartner(ctx, r.Resolver, province, first, after)
}

// MuseumsWithoutSchoolPartner is the resolver for the museumsWithoutSchoolPartner field.
func (r *queryResolver) MuseumsWithoutSchoolPartner(ctx context.Context, province *string, museumKinds []string, first *int, after *string) (*model.RankedNodeConnection, error) {
	return museumsWithoutSchoolPartner(ctx, r.Resolver, province, museumKinds, first, after)
}
