package graph

// schemagen writes schema.graphqls, gqlgen.yml, model/nodes_gen.go and
// resolvers_gen.go from the kepu registry; gqlgen then writes generated/
// (gqlgen.yml has no resolver section: gqlgen writes no resolver files).
// Run: go generate ./graph
//go:generate go run ./internal/schemagen -root ..
//go:generate go tool gqlgen generate
