package neo4jstore

import "github.com/kepugraph/kepugraph/kepu"

// NodeReturn is the projection of a node v of one of labels that the
// store's statements return (nodeReturn), for TestPageSplitScale's
// variants of the page statements.
func NodeReturn(v string, labels []kepu.Label) string { return nodeReturn(v, labels) }

// NodeColumns lists the property keys NodeReturn returns, in order.
func NodeColumns(labels []kepu.Label) []string { return nodeColumns(labels) }
