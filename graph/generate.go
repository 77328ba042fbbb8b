package graph

// schemagen writes schema.graphqls, gqlgen.yml, model/nodes_gen.go and
// resolvers_gen.go from the kepu registry; gqlgen then writes generated/
// (gqlgen.yml has no resolver section: gqlgen writes no resolver files);
// schemagen -lists finally makes generated/ marshal lists through
// internal/lists (see there). Run: go generate ./graph
//go:generate go run ./internal/schemagen -root ..
//go:generate go tool gqlgen generate
//go:generate go run ./internal/schemagen -root .. -lists graph/generated/generated.go
