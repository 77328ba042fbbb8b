package export

import "strings"

// Collector is a Writer that keeps the nodes and edges in memory, for
// callers that answer with one JSON document (the GraphQL subgraph field).
// Past Max nodes and edges together it fails with BadUserInput. It keeps
// copies of what it is given (see Writer).
type Collector struct {
	Max   int
	Nodes []Node
	Edges []Edge
}

func (c *Collector) full() error {
	if len(c.Nodes)+len(c.Edges) >= c.Max {
		return badInput("the subgraph has more than %d nodes and relationships; select less, or export it as a file (/export/{format})", c.Max)
	}
	return nil
}

// Begin implements Writer.
func (c *Collector) Begin(nodeAttrs, edgeAttrs []Attr) error { return nil }

// Node implements Writer.
func (c *Collector) Node(n *Node) error {
	if err := c.full(); err != nil {
		return err
	}
	c.Nodes = append(c.Nodes, Node{ID: strings.Clone(n.ID), Label: n.Label,
		ProvinceCode: n.ProvinceCode, Props: n.Props.Clone()})
	return nil
}

// BeginEdges implements Writer.
func (c *Collector) BeginEdges() error { return nil }

// Edge implements Writer.
func (c *Collector) Edge(e *Edge) error {
	if err := c.full(); err != nil {
		return err
	}
	c.Edges = append(c.Edges, Edge{ID: strings.Clone(e.ID), Type: e.Type,
		Source: strings.Clone(e.Source), Target: strings.Clone(e.Target), Props: e.Props.Clone()})
	return nil
}

// End implements Writer.
func (c *Collector) End() error { return nil }
