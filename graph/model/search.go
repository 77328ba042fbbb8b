package model

// SearchConnection is a page of search results, best first.
type SearchConnection struct {
	Edges      []*SearchEdge
	Nodes      []Node
	PageInfo   *PageInfo
	TotalCount int
}

// SearchEdge is one search result with its relevance.
type SearchEdge struct {
	Cursor string
	Score  float64
	Node   Node
}
