package graph

// schemagen writes schema.graphqls, gqlgen.yml and model/nodes_gen.go from the
// kepu registry; gqlgen then writes generated/ and the resolver skeletons
// (keeping the bodies of implemented resolvers). Run: go generate ./graph
//go:generate go run ./internal/schemagen -root ..
//go:generate go tool gqlgen generate
