package model

import (
	"encoding/json"
	"sort"

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

// RankList identifies one ranked list for its keyset cursors: which list
// (its field and the arguments that choose its items and their order) and
// how it is ordered. A scored list is ordered by score, highest first,
// then by ID; the others by ID. A cursor holds the list's signature and
// the sort key of an item (RankKey), so that the next page starts after
// that key in the list as it is when the page is asked for (the lists are
// computed whole per graph version): an item whose key did not change is
// neither skipped nor repeated across a write between two pages.
type RankList struct {
	Sig    string // kepu.OrderSignature of the list's name, arguments and order
	Scored bool   // ordered by score (descending), then ID
	// Anchored: the list is the members of a community, identified by
	// one of its members, Anchor (its first member when the cursor was
	// made); a cursor holds it, and is refused by another community.
	Anchored bool
	Anchor   string
}

// NewRankList returns the identity of the ranked list of field name with
// the arguments args (canonical forms: sets sorted, IDs as stored).
func NewRankList(name string, scored bool, args ...string) RankList {
	order := []kepu.OrderKey{{Prop: "id"}}
	if scored {
		order = []kepu.OrderKey{{Prop: "score", Desc: true}, {Prop: "id"}}
	}
	a, _ := json.Marshal(args)
	return RankList{Sig: kepu.OrderSignature("ranked:"+name+string(a), order), Scored: scored}
}

// RankKey is the sort key of an item of a ranked list: its score (in a
// scored list) and ID; in a list of a community's members, also the
// community's anchor.
type RankKey struct {
	Score  float64
	ID     string
	Anchor string
}

func (l RankList) nkeys() int {
	if l.Scored || l.Anchored {
		return 1
	}
	return 0
}

// Cursor is the opaque cursor of the item with key k (kepu.EncodeCursor:
// base64 of the list's signature and the key).
func (l RankList) Cursor(k RankKey) string {
	c := kepu.Cursor{ID: k.ID}
	switch {
	case l.Scored:
		c.Keys = []any{k.Score}
	case l.Anchored:
		c.Keys = []any{l.Anchor}
	}
	return kepu.EncodeCursor(l.Sig, c)
}

// Decode returns the key a cursor of this list holds; BadUserInput when s
// is not a cursor or was made by another list (another field, other
// arguments, a node connection's or search's cursor, an offset cursor
// "rank:N" of earlier versions).
func (l RankList) Decode(s string) (RankKey, error) {
	c, err := kepu.DecodeCursor(l.Sig, l.nkeys(), s)
	if err != nil {
		return RankKey{}, err
	}
	k := RankKey{ID: c.ID}
	var ok bool
	switch {
	case l.Scored:
		k.Score, ok = c.Keys[0].(float64)
	case l.Anchored:
		k.Anchor, ok = c.Keys[0].(string)
		ok = ok && k.Anchor != ""
	default:
		ok = true
	}
	if !ok {
		return RankKey{}, kepu.InvalidCursor(s)
	}
	return k, nil
}

// RankPage is a checked page request of a ranked list: its size and the
// key of the item it starts after (nil: from the start).
type RankPage struct {
	Size  int
	After *RankKey
}

// CheckRankPage checks the page arguments of list l, which need no list:
// the page size (0 to max, CheckPage; max when first is nil) and
// the cursor (made by l). BadUserInput for a size out of range or a
// cursor that is malformed or made by another list. The resolvers call it
// before the store calls that compute the list.
func CheckRankPage(l RankList, first *int, after *string, max int) (RankPage, error) {
	p := RankPage{Size: max}
	if first != nil {
		if err := CheckPage(first, nil, max); err != nil {
			return RankPage{}, err
		}
		p.Size = *first
	}
	if after != nil && *after == "" {
		return RankPage{}, kepu.EmptyCursor("after")
	}
	if after != nil {
		k, err := l.Decode(*after)
		if err != nil {
			return RankPage{}, err
		}
		p.After = &k
	}
	return p, nil
}

// Window returns the positions [start, end) of the page in a list of n
// items in l's order, key(i) being the key of item i: start is the first
// item after p.After (sort.Search), whatever position that item had when
// the cursor was made.
func (p RankPage) Window(l RankList, n int, key func(i int) RankKey) (start, end int) {
	if a := p.After; a != nil {
		start = sort.Search(n, func(i int) bool {
			k := key(i)
			if l.Scored && k.Score != a.Score {
				return k.Score < a.Score
			}
			return k.ID > a.ID
		})
	}
	return start, min(start+p.Size, n)
}

// itemKey is the key of a ranked item.
func itemKey(it RankedItem) RankKey {
	k := RankKey{ID: it.Node.ID}
	if it.Score != nil {
		k.Score = *it.Score
	}
	return k
}

// NewRankedNodeConnection pages a ranked list of l's order; places answers
// the place fields of its nodes.
func NewRankedNodeConnection(l RankList, items []RankedItem, p RankPage, places Places) *RankedNodeConnection {
	start, end := p.Window(l, len(items), func(i int) RankKey { return itemKey(items[i]) })
	return RankedNodes(l, items[start:end], start, len(items), places)
}

// RankedNodes makes the page of a ranked list of total items whose window
// starts at position start (0-based) and holds items; rank counts from the
// start of the list as it is now.
func RankedNodes(l RankList, items []RankedItem, start, total int, places Places) *RankedNodeConnection {
	end := start + len(items)
	c := &RankedNodeConnection{Edges: []*RankedNodeEdge{}, Nodes: []Node{}, TotalCount: total,
		PageInfo: &PageInfo{HasNextPage: end < total, HasPreviousPage: start > 0}}
	for i, it := range items {
		n := NewNode(it.Node, places)
		c.Nodes = append(c.Nodes, n)
		c.Edges = append(c.Edges, &RankedNodeEdge{Cursor: l.Cursor(itemKey(it)), Rank: start + i + 1, Score: it.Score, Node: n})
	}
	if len(c.Edges) > 0 {
		s, e := c.Edges[0].Cursor, c.Edges[len(c.Edges)-1].Cursor
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &s, &e
	}
	return c
}

// CommunityPartition is a partition of a graph into communities; members
// are resolved to nodes through Members.
type CommunityPartition struct {
	Algorithm  string
	Modularity float64
	Count      int
	NodeCount  int
	// List holds the communities (member IDs), largest first, then by
	// first member; Resolve loads nodes.
	List    []*Community
	MaxPage int
	// CommunityList identifies the list of communities (scored by size)
	// for its cursors; MemberList that of the members of one (Anchored,
	// without an anchor: see Community.MemberList).
	CommunityList, MemberList RankList
}

// communityKey is the sort key of a community: its size, then its first
// member's ID (the members of a partition are disjoint).
func communityKey(c *Community) RankKey {
	return RankKey{Score: float64(c.Size), ID: c.MemberIDs[0]}
}

// Communities pages the communities (BadUserInput for a bad page size or
// cursor).
func (p *CommunityPartition) Communities(first *int, after *string) (*CommunityConnection, error) {
	pg, err := CheckRankPage(p.CommunityList, first, after, p.MaxPage)
	if err != nil {
		return nil, err
	}
	start, end := pg.Window(p.CommunityList, len(p.List), func(i int) RankKey { return communityKey(p.List[i]) })
	c := &CommunityConnection{Edges: []*CommunityEdge{}, Nodes: []*Community{}, TotalCount: len(p.List),
		PageInfo: &PageInfo{HasNextPage: end < len(p.List), HasPreviousPage: start > 0}}
	for _, cm := range p.List[start:end] {
		c.Nodes = append(c.Nodes, cm)
		c.Edges = append(c.Edges, &CommunityEdge{Cursor: p.CommunityList.Cursor(communityKey(cm)), Node: cm})
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
	Index      int
	Size       int
	MemberIDs  []string // sorted, at least one
	MemberList RankList // identifies the list of its members (Anchored: its first member)
}

// Coverage is the coverage of the places of a level.
type Coverage struct {
	Level     string
	Covered   *Ratio
	CoveredL  []RankedItem
	Uncovered []RankedItem
	MaxPage   int
	Places    Places // answers the place fields of the places
	// CoveredList and UncoveredList identify the two lists for their
	// cursors.
	CoveredList, UncoveredList RankList
}

// CoveredPlaces pages the covered places.
func (c *Coverage) CoveredPlaces(first *int, after *string) (*RankedNodeConnection, error) {
	p, err := CheckRankPage(c.CoveredList, first, after, c.MaxPage)
	if err != nil {
		return nil, err
	}
	return NewRankedNodeConnection(c.CoveredList, c.CoveredL, p, c.Places), nil
}

// UncoveredPlaces pages the places not covered.
func (c *Coverage) UncoveredPlaces(first *int, after *string) (*RankedNodeConnection, error) {
	p, err := CheckRankPage(c.UncoveredList, first, after, c.MaxPage)
	if err != nil {
		return nil, err
	}
	return NewRankedNodeConnection(c.UncoveredList, c.Uncovered, p, c.Places), nil
}
