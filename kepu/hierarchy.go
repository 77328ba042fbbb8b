package kepu

import (
	"fmt"
	"slices"
	"strings"
)

// The integrity of the place hierarchy and of locations.
//
// Two rules of the registry keep every node's Location one well-defined
// place and its ancestors:
//
//   - PART_OF joins a place to a place of a strictly higher level
//     (RelDef.Pairs: County → Prefecture, County → Province, Prefecture →
//     Province). PlaceDepth decreases along every PART_OF edge, so no
//     chain of them can come back to where it started: the hierarchy has
//     no cycle.
//   - PART_OF and LOCATED_IN are One relationships: a place has at most
//     one parent and an institution at most one place. A second one is a
//     Conflict naming the existing one (OneConflict); a move is an unlink
//     then a link, in one write if need be.
//
// ValidateEdge applies the first rule to every write and every loaded
// record; the stores apply the second inside the write (embedded: under
// its writer lock; Neo4j: after locking the From node in the write's
// transaction); dump.Read and the check command apply both to files.

// PlaceDepth returns the depth of a place level in the hierarchy
// (Province 0, Prefecture 1, County 2) and -1 for any other label.
func PlaceDepth(l Label) int { return slices.Index(PlaceLabels, l) }

// JoinError is the BadUserInput error of an edge of type t from a node
// labelled from to one labelled to that the registry does not allow: it
// names the pair and the pairs the type joins.
func JoinError(t RelType, from, to Label) *Error {
	d := LookupRel(t)
	if d == nil {
		return Errorf(BadUserInput, "unknown relationship type %q", Truncate(string(t), 40))
	}
	var pairs []string
	if d.Pairs != nil {
		for _, p := range d.Pairs {
			pairs = append(pairs, string(p[0])+" → "+string(p[1]))
		}
	} else {
		pairs = append(pairs, joinLabels(d.From)+" → "+joinLabels(d.To))
	}
	msg := fmt.Sprintf("%s cannot join %s to %s: it joins %s", t, labelOrNone(from), labelOrNone(to), strings.Join(pairs, ", "))
	if t == PartOf {
		msg += " (a place is part of a place of a higher level)"
	}
	return &Error{Code: BadUserInput, Message: msg}
}

func joinLabels(ls []Label) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, "|")
}

func labelOrNone(l Label) string {
	if l == "" {
		return "a malformed ID"
	}
	return string(l)
}

// OneConflict is the Conflict error of a second relationship of a One type
// t from the node from, which already has one to existing: it says what
// conflicted ("Museum:m already has a LOCATED_IN place (an institution has
// one): Province:P") and that a move removes the first one first, in the
// terms of no caller: the API names its unlink mutation itself
// (graph's edgeWriteError), a store write's batch or a dump's line is its
// caller's to name.
func OneConflict(t RelType, from, existing string) *Error {
	what := "relationship (it has at most one)"
	switch t {
	case PartOf:
		what = "parent (a place has one)"
	case LocatedIn:
		what = "place (an institution has one)"
	}
	return Errorf(Conflict, "%s already has a %s %s: %s; to move it, remove that %s relationship first",
		Truncate(from, 64), t, what, Truncate(existing, 64), t)
}

// OneIndex tracks the relationships of One types while a set of edges is
// read (a dump, a file check): Add refuses a second one from a node.
// The zero value is ready to use; it is not safe for concurrent use.
type OneIndex struct {
	m map[string]string // type|from → to
}

// Add records e and returns OneConflict when e's type is a One type and
// its From node already has one to another node (the same edge twice is
// not this rule's business: it returns nil).
func (x *OneIndex) Add(e Edge) error {
	d := LookupRel(e.Type)
	if d == nil || !d.One {
		return nil
	}
	if x.m == nil {
		x.m = map[string]string{}
	}
	k := string(e.Type) + "|" + e.From
	if to, ok := x.m[k]; ok && to != e.To {
		return OneConflict(e.Type, e.From, to)
	}
	x.m[k] = e.To
	return nil
}
