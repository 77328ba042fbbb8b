package kepu

import (
	"strconv"
	"strings"
)

// Op is a comparison operator of a property condition.
type Op string

// Operators. Contains and StartsWith apply to String, Enum and Date values
// (case-sensitive, on the whole text); for StringList values Contains means
// "the list has an element equal to Value". ContainsInsensitive applies to
// String, Enum and Date values: Contains after lowering both texts with
// LowerText. Gt, Gte, Lt, Lte apply to ordered
// types (Int, Float, Date, String, Enum compare as Go compares strings). In
// takes a []any of values. A condition on an absent property is false for
// every operator except Eq with a nil Value, which matches absence (and Ne
// with a nil value, which matches presence).
const (
	Eq         Op = "eq"
	Ne         Op = "ne"
	OneOf      Op = "in"
	Contains   Op = "contains"
	StartsWith Op = "startsWith"
	// ContainsInsensitive is Contains ignoring case.
	ContainsInsensitive Op = "containsInsensitive"
	Gt                  Op = "gt"
	Gte                 Op = "gte"
	Lt                  Op = "lt"
	Lte                 Op = "lte"
)

// Ops lists every operator.
var Ops = []Op{Eq, Ne, OneOf, Contains, StartsWith, Gt, Gte, Lt, Lte, ContainsInsensitive}

// PropID is the pseudo-property that names a node's ID in a Cond (Eq, Ne, In
// only) and in an OrderKey.
const PropID = "id"

// Filter is a boolean expression over one node (or, for an edge filter, one
// edge). Exactly one of its parts is set; a nil *Filter matches everything.
// A non-nil, empty Or is the empty disjunction: it matches nothing.
type Filter struct {
	And   []*Filter
	Or    []*Filter
	Not   *Filter
	Cond  *Cond
	Rel   *RelCond
	Place *PlaceCond
}

// Cond compares one property with a value. Value is normalized to the
// property's type (see Normalize): a []any for In.
type Cond struct {
	Prop  string
	Op    Op
	Value any
}

// Quantifier of a relationship condition.
type Quantifier string

// Quantifiers.
const (
	Some Quantifier = "some" // at least one relationship matches
	None Quantifier = "none" // no relationship matches
)

// RelCond holds when some (or no) relationship of type Rel in direction Dir
// has an edge matching Edge and another end matching Node.
type RelCond struct {
	Rel   RelType
	Dir   Direction
	Quant Quantifier
	Node  *Filter // on the node at the other end
	Edge  *Filter // on the edge; only Cond, And, Or, Not
}

// PlaceCond holds when the node's place at Level (see Location) exists and
// matches Filter. For example, museums in Anhui:
//
//	&Filter{Place: &PlaceCond{Level: Province, Filter: &Filter{Cond: &Cond{Prop: "code", Op: Eq, Value: "CN-AH"}}}}
type PlaceCond struct {
	Level  Label
	Filter *Filter
}

// Clone returns a deep copy of the filter (condition values included), for
// a caller that shares a filter with code that normalizes it in place (see
// ValidateFilter).
func (f *Filter) Clone() *Filter {
	if f == nil {
		return nil
	}
	out := &Filter{Not: f.Not.Clone()}
	if f.And != nil {
		out.And = make([]*Filter, len(f.And))
		for i, g := range f.And {
			out.And[i] = g.Clone()
		}
	}
	if f.Or != nil {
		out.Or = make([]*Filter, len(f.Or))
		for i, g := range f.Or {
			out.Or[i] = g.Clone()
		}
	}
	if c := f.Cond; c != nil {
		cc := *c
		switch v := c.Value.(type) {
		case []any:
			cc.Value = append([]any(nil), v...)
		case []string:
			cc.Value = append([]string(nil), v...)
		}
		out.Cond = &cc
	}
	if r := f.Rel; r != nil {
		rc := *r
		rc.Node, rc.Edge = r.Node.Clone(), r.Edge.Clone()
		out.Rel = &rc
	}
	if p := f.Place; p != nil {
		out.Place = &PlaceCond{Level: p.Level, Filter: p.Filter.Clone()}
	}
	return out
}

// Helpers to build filters.

// C returns a filter with one condition.
func C(prop string, op Op, v any) *Filter { return &Filter{Cond: &Cond{Prop: prop, Op: op, Value: v}} }

// And returns the conjunction of filters; nil parts are dropped.
func And(fs ...*Filter) *Filter {
	var parts []*Filter
	for _, f := range fs {
		if f != nil {
			parts = append(parts, f)
		}
	}
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	return &Filter{And: parts}
}

// OrderKey is one sort key. Exactly one of Prop and Count is set. Every order
// ends with an implicit final key: the ID (of the listed node) ascending, so
// orders are total and keyset cursors are exact.
//
// A node whose property is absent sorts after every present value in
// ascending order and before them in descending order (as in Neo4j).
type OrderKey struct {
	Prop  string    // a property of the listed node, or PropID
	Edge  bool      // in a neighbor query: Prop is a property of the edge
	Count *RelCount // the number of relationships of the listed node
	Desc  bool
}

// RelCount counts the relationships of a node of one type and direction.
type RelCount struct {
	Rel RelType
	Dir Direction
}

// Page selects a window of an ordered list, Relay style. At most one of First
// and Last is set; After goes with First and Before with Last (the store also
// accepts both cursors with either). Cursors are opaque strings produced by the
// same store for the same order (see EncodeCursor).
type Page struct {
	First  *int
	After  string
	Last   *int
	Before string
}

// NodeQuery lists nodes of one label.
type NodeQuery struct {
	Label  Label
	Filter *Filter
	Order  []OrderKey
	Page   Page
}

// NodePage is one page of nodes.
type NodePage struct {
	Nodes   []Node
	Cursors []string // Cursors[i] is the cursor of Nodes[i]
	// HasNext is exact when First is set; otherwise it is Before != "".
	// HasPrev is exact when Last is set; otherwise it is After != "".
	HasNext, HasPrev bool
	// Counted reports that the store counted every node matching the
	// query's label and filter (the page aside) while finding the page,
	// and Total is that count: what CountNodes returns for the label and
	// filter (CountPlaceNodes for the place, for a page of PlaceNodes), read
	// under the same snapshot as the page. A store may leave Counted false
	// (say when it read only the page); the caller then counts.
	Counted bool
	Total   int
}

// NeighborQuery lists, for each of several nodes, the relationships of one
// type and direction and the nodes at their other end.
type NeighborQuery struct {
	Rel        RelType
	Dir        Direction
	NodeFilter *Filter // on the node at the other end
	EdgeFilter *Filter // on the edge
	Order      []OrderKey
	Page       Page
}

// Neighbor is one relationship seen from a node, with the node at its other
// end.
type Neighbor struct {
	Edge   Edge
	Node   Node
	Cursor string
}

// NeighborPage is one page of a node's relationships. Its tie-breaker key is
// the other node's ID.
type NeighborPage struct {
	Items            []Neighbor
	HasNext, HasPrev bool
}

// AggregateQuery counts nodes of one label that match a filter, optionally
// grouped, optionally summing numeric properties.
//
// GroupBy is "" (one group with Key ""), a property name (Key is the value in
// its text form: strings as they are, numbers in decimal, booleans "true" or
// "false", absent values ""), or a place label (Province, Prefecture or
// County as a string): Key is the ID of the node's place at that level (see
// Location), "" for nodes that have none.
type AggregateQuery struct {
	Label   Label
	Filter  *Filter
	GroupBy string
	Sum     []string // Int or Float properties; absent values count as 0
}

// Group is one group of an aggregate. Groups come sorted by Key.
type Group struct {
	Key   string
	Count int
	Sums  map[string]float64
}

// EdgeAggregateQuery aggregates the edges of one type whose endpoints and
// properties match.
type EdgeAggregateQuery struct {
	Rel        RelType
	FromLabel  Label   // "" for any
	FromFilter *Filter // on the From node
	ToLabel    Label   // "" for any
	ToFilter   *Filter // on the To node
	EdgeFilter *Filter
	Sum        []string // Int or Float edge properties
}

// EdgeAggregate is the result of an EdgeAggregateQuery.
type EdgeAggregate struct {
	Count        int // edges
	DistinctFrom int // distinct From nodes
	DistinctTo   int // distinct To nodes
	Sums         map[string]float64
}

// EdgeQuery pages through every edge of one type (see Store.Edges).
type EdgeQuery struct {
	Rel   RelType
	First int    // page size, at least 1
	After string // EndCursor of the previous page; "" for the first page
}

// Start checks q and returns the edge its page starts after: ("", "") for
// the first page, else the From and To of the cursor's edge. BadUserInput
// for an unknown type, a First below 1, or a malformed cursor or one of
// another type. Every backend's Edges begins with it.
func (q EdgeQuery) Start() (afterFrom, afterTo string, err error) {
	if LookupRel(q.Rel) == nil {
		return "", "", Errorf(BadUserInput, "unknown relationship type %q", Truncate(string(q.Rel), 64))
	}
	if q.First < 1 {
		return "", "", Errorf(BadUserInput, "first must be at least 1, got %d", q.First)
	}
	if q.After == "" {
		return "", "", nil
	}
	c, err := DecodeCursor(EdgeCursorScope(q.Rel), 1, q.After)
	if err != nil {
		return "", "", err
	}
	from, ok := c.Keys[0].(string)
	if !ok {
		return "", "", InvalidCursor(q.After)
	}
	return from, c.ID, nil
}

// EdgePage is one page of edges, in (From, To) order.
type EdgePage struct {
	Edges     []Edge
	EndCursor string // the cursor of the last edge ("" when the page is empty)
	HasNext   bool   // more edges follow
}

// EdgeCursorScope is the cursor scope of Store.Edges for a type: its
// cursors are EncodeCursor(EdgeCursorScope(t), Cursor{Keys: []any{from},
// ID: to}) of the last edge of a page.
func EdgeCursorScope(t RelType) string { return "edges:" + string(t) }

// GroupKeyText is the text form of a property value as an Aggregate group
// Key: strings as they are, integers and floats in shortest decimal form
// (strconv 'f', -1), booleans "true" or "false", absent values "". Every
// backend uses it so that keys agree.
func GroupKeyText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// LowerText is the lower case that ContainsInsensitive compares: Unicode's
// simple lower-case mapping of every letter (Go's strings.ToLower), then
// the dotted i "i\u0307" as "i" and the final sigma "ς" as "σ". Java's
// String.toLowerCase, behind Cypher's toLower, maps the dotted capital I
// to "i\u0307" (Go to "i") and a final capital sigma to "ς" (Go to "σ");
// with the two rewrites both backends lower every text alike (the other
// letters map alike, but for case pairs of Unicode versions one of them
// does not know yet).
func LowerText(s string) string {
	s = strings.ToLower(s)
	if strings.Contains(s, "i\u0307") {
		s = strings.ReplaceAll(s, "i\u0307", "i")
	}
	if strings.Contains(s, "ς") {
		s = strings.ReplaceAll(s, "ς", "σ")
	}
	return s
}
