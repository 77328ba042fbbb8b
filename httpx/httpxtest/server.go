// Package httpxtest builds a tiny gqlgen server for testing the hardening
// middleware and extensions end to end without generated code.
package httpxtest

import (
	"context"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// SDL is the schema of the test server: connections shaped like the
// kepugraph API, an interface, and a mutation.
const SDL = `
type Query {
  name: String!
  museum(id: ID!): Museum
  museums(first: Int, last: Int, after: String, before: String): MuseumConnection!
  node(id: ID!): Node
  slow: String!
}
interface Node { id: ID! }
type Museum implements Node {
  id: ID!
  name: String!
  city: City
  schoolPartners(first: Int, last: Int): SchoolConnection!
  tags: [String!]!
}
type School implements Node { id: ID! name: String! }
type City { name: String! museums(first: Int): MuseumConnection! }
type MuseumConnection { nodes: [Museum!]! edges: [MuseumEdge!]! totalCount: Int! pageInfo: PageInfo! }
type MuseumEdge { node: Museum! cursor: String! }
type SchoolConnection { nodes: [School!]! totalCount: Int! }
type PageInfo { hasNextPage: Boolean! }
type Mutation { setName(name: String!): String! }
`

// Server is a gqlgen server over SDL whose executor answers every
// operation with {"ok":true} and counts how many operations it executed
// (the stand-in for "a resolver ran").
type Server struct {
	*handler.Server
	Executed atomic.Int64
	// Exec, when set, runs inside execution (for example to wait on the
	// context's deadline).
	Exec func(ctx context.Context)
}

// New returns a Server with the GET and POST transports, introspection and
// the given extensions.
func New(exts ...graphql.HandlerExtension) *Server {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphqls", Input: SDL})
	s := &Server{}
	s.Server = handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			s.Executed.Add(1)
			if s.Exec != nil {
				s.Exec(ctx)
			}
			if err := ctx.Err(); err != nil {
				return graphql.OneShot(graphql.ErrorResponse(ctx, "%s", err.Error()))
			}
			return graphql.OneShot(&graphql.Response{Data: []byte(`{"ok":true}`)})
		},
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) { return 0, false },
	})
	s.AddTransport(transport.GET{})
	s.AddTransport(transport.POST{})
	s.Use(extension.Introspection{})
	for _, e := range exts {
		s.Use(e)
	}
	return s
}
