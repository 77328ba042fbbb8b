package model

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// Link is a relationship of any type with its ends (the GraphQL Link
// union; the *Link types of nodes_gen.go).
type Link interface {
	IsLink()
}

// Relationship is one relationship of a path or a subgraph.
type Relationship struct {
	Type      string
	Direction string // OUT or IN
	From, To  string // global IDs
	Link      Link
}

// NewRelationship converts a store edge walked in direction dir; nodes
// holds its ends, places answers their place fields.
func NewRelationship(e kepu.Edge, dir kepu.Direction, nodes map[string]kepu.Node, places Places) *Relationship {
	return &Relationship{
		Type:      string(e.Type),
		Direction: dir.String(),
		From:      kepu.GlobalID(e.From),
		To:        kepu.GlobalID(e.To),
		Link:      NewLink(e, nodes[e.From], nodes[e.To], places),
	}
}

// Path is a walk between two nodes.
type Path struct {
	Length        int
	Nodes         []Node
	Relationships []*Relationship
}

// Subgraph is a set of nodes and relationships among them.
type Subgraph struct {
	Nodes         []Node
	Relationships []*Relationship
	Truncated     bool
}

// ScoredNode is a node with its centrality score and rank.
type ScoredNode struct {
	Score float64
	Rank  int
	Node  Node
}

// RankedItem is one node of a ranked list, before paging.
type RankedItem struct {
	Node  kepu.Node
	Score *float64
}

// RankedNodeConnection is a page of a ranked list.
type RankedNodeConnection struct {
	Edges      []*RankedNodeEdge
	Nodes      []Node
	PageInfo   *PageInfo
	TotalCount int
}

// RankedNodeEdge is one item of a RankedNodeConnection.
type RankedNodeEdge struct {
	Cursor string
	Rank   int
	Score  *float64
	Node   Node
}

const rankCursorPrefix = "rank:"

// RankCursor is the cursor of the item at (0-based) position i of a ranked
// list: the lists are computed whole, in a fixed order, per graph version.
func RankCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(rankCursorPrefix + strconv.Itoa(i)))
}

// PageOffsets returns the window [start, end) of a list of n items for
// first (default and maximum max) and after; BAD_USER_INPUT for a bad page
// size or cursor.
func PageOffsets(n int, first *int, after *string, max int) (int, int, error) {
	start, size, err := RankPage(first, after, max)
	if err != nil {
		return 0, 0, err
	}
	start = min(start, n)
	return start, min(start+size, n), nil
}

// RankPage checks the arguments of a page of a ranked list, which need no
// list: the page size (0 to max; max when first is nil) and the cursor
// (RankCursor). It returns the position after the cursor and the size;
// BadUserInput for a size out of range or a malformed cursor. The
// resolvers call it before the store calls that compute the list.
func RankPage(first *int, after *string, max int) (start, size int, err error) {
	size = max
	if first != nil {
		if *first < 0 || *first > max {
			return 0, 0, kepu.Errorf(kepu.BadUserInput, "page size must be between 0 and %d, got %d", max, *first)
		}
		size = *first
	}
	if after != nil && *after != "" {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		i, err2 := strconv.Atoi(strings.TrimPrefix(string(b), rankCursorPrefix))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), rankCursorPrefix) || i < 0 {
			return 0, 0, kepu.Errorf(kepu.BadUserInput, "malformed cursor %q", *after)
		}
		start = i + 1
	}
	return start, size, nil
}

// NewRankedNodeConnection pages a ranked list; places answers the place
// fields of its nodes.
func NewRankedNodeConnection(items []RankedItem, first *int, after *string, max int, places Places) (*RankedNodeConnection, error) {
	start, end, err := PageOffsets(len(items), first, after, max)
	if err != nil {
		return nil, err
	}
	c := &RankedNodeConnection{Edges: []*RankedNodeEdge{}, Nodes: []Node{}, TotalCount: len(items),
		PageInfo: &PageInfo{HasNextPage: end < len(items), HasPreviousPage: start > 0}}
	for i := start; i < end; i++ {
		n := NewNode(items[i].Node, places)
		c.Nodes = append(c.Nodes, n)
		c.Edges = append(c.Edges, &RankedNodeEdge{Cursor: RankCursor(i), Rank: i + 1, Score: items[i].Score, Node: n})
	}
	if len(c.Edges) > 0 {
		s, e := c.Edges[0].Cursor, c.Edges[len(c.Edges)-1].Cursor
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &s, &e
	}
	return c, nil
}

// CommunityPartition is a partition of a graph into communities; members
// are resolved to nodes through Members.
type CommunityPartition struct {
	Algorithm  string
	Modularity float64
	Count      int
	NodeCount  int
	// List holds the communities (member IDs); Resolve loads nodes.
	List    []*Community
	MaxPage int
}

// Communities pages the communities.
func (p *CommunityPartition) Communities(first *int, after *string) (*CommunityConnection, error) {
	start, end, err := PageOffsets(len(p.List), first, after, p.MaxPage)
	if err != nil {
		return nil, err
	}
	c := &CommunityConnection{Edges: []*CommunityEdge{}, Nodes: []*Community{}, TotalCount: len(p.List),
		PageInfo: &PageInfo{HasNextPage: end < len(p.List), HasPreviousPage: start > 0}}
	for i := start; i < end; i++ {
		c.Nodes = append(c.Nodes, p.List[i])
		c.Edges = append(c.Edges, &CommunityEdge{Cursor: RankCursor(i), Node: p.List[i]})
	}
	if len(c.Edges) > 0 {
		s, e := c.Edges[0].Cursor, c.Edges[len(c.Edges)-1].Cursor
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &s, &e
	}
	return c, nil
}

// CommunityConnection is a page of communities.
type CommunityConnection struct {
	Edges      []*CommunityEdge
	Nodes      []*Community
	PageInfo   *PageInfo
	TotalCount int
}

// CommunityEdge is one item of a CommunityConnection.
type CommunityEdge struct {
	Cursor string
	Node   *Community
}

// Community is one community; its members are loaded by a resolver.
type Community struct {
	Index     int
	Size      int
	MemberIDs []string
}

// Coverage is the coverage of the places of a level.
type Coverage struct {
	Level     string
	Covered   *Ratio
	CoveredL  []RankedItem
	Uncovered []RankedItem
	MaxPage   int
	Places    Places // answers the place fields of the places
}

// CoveredPlaces pages the covered places.
func (c *Coverage) CoveredPlaces(first *int, after *string) (*RankedNodeConnection, error) {
	return NewRankedNodeConnection(c.CoveredL, first, after, c.MaxPage, c.Places)
}

// UncoveredPlaces pages the places not covered.
func (c *Coverage) UncoveredPlaces(first *int, after *string) (*RankedNodeConnection, error) {
	return NewRankedNodeConnection(c.Uncovered, first, after, c.MaxPage, c.Places)
}
