package server

import (
	"net/http"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// requestScope gives each API request on the Neo4j store a request scope
// (neo4jstore.RequestScope: the place nodes that Locate reads answer the
// request's Nodes calls for them, one statement less). Other stores get h
// as it is.
func requestScope(st kepu.Store, h http.Handler) http.Handler {
	if _, ok := st.(*neo4jstore.Store); ok {
		return neo4jstore.RequestScope(h)
	}
	return h
}
