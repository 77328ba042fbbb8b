package kepu

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Props holds property values. Values are always of the Go type that the
// property's PropType names (string, int64, float64, bool, []string); see
// Normalize. A missing key means the property is absent (null).
type Props map[string]any

// Node is a vertex of the graph.
//
// ID is "<Label>:<key>", unique across the whole graph (for example
// "Museum:cstm", "County:110105"). The label is always the part before the
// first colon, so LabelOf(ID) == Label.
type Node struct {
	ID    string
	Label Label
	Props Props
}

// Edge is a relationship. An edge is identified by (Type, From, To): there is
// at most one edge of a type between two nodes in one direction.
type Edge struct {
	Type  RelType
	From  string // node ID
	To    string // node ID
	Props Props
}

// Key returns the identity of the edge as one string.
func (e Edge) Key() string { return string(e.Type) + "|" + e.From + "|" + e.To }

// String returns the value of a string property, or "".
func (p Props) String(k string) string { s, _ := p[k].(string); return s }

// Int returns the value of an int property and whether it is present.
func (p Props) Int(k string) (int64, bool) { v, ok := p[k].(int64); return v, ok }

// Float returns the value of a float property and whether it is present.
func (p Props) Float(k string) (float64, bool) { v, ok := p[k].(float64); return v, ok }

// Bool returns the value of a bool property and whether it is present.
func (p Props) Bool(k string) (bool, bool) { v, ok := p[k].(bool); return v, ok }

// Clone returns a copy of the props (lists are copied too).
func (p Props) Clone() Props {
	if p == nil {
		return nil
	}
	out := make(Props, len(p))
	for k, v := range p {
		if l, ok := v.([]string); ok {
			v = append([]string(nil), l...)
		}
		out[k] = v
	}
	return out
}

// Direction of a relationship as seen from a node.
type Direction int

// Directions.
const (
	Out Direction = iota + 1 // the node is the From end
	In                       // the node is the To end
)

func (d Direction) String() string {
	if d == In {
		return "IN"
	}
	return "OUT"
}

// MakeID builds a node ID from a label and a key.
func MakeID(l Label, key string) string { return string(l) + ":" + key }

// LabelOf returns the label part of a node ID, or "" when the ID is malformed
// or the label unknown.
func LabelOf(id string) Label {
	i := strings.IndexByte(id, ':')
	if i <= 0 || i == len(id)-1 {
		return ""
	}
	l := Label(id[:i])
	if LookupLabel(l) == nil {
		return ""
	}
	return l
}

// KeyOf returns the key part of a node ID.
func KeyOf(id string) string {
	if i := strings.IndexByte(id, ':'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// GlobalID returns the opaque Relay ID of a node ID.
func GlobalID(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// ParseGlobalID returns the node ID behind an opaque Relay ID. It returns an
// error with code BadUserInput when the text is not a global ID of a known
// label with a key a node can have (1 to MaxKeyLen letters, digits, '_',
// '.', '-'), so an ID no node can have is malformed, never NOT_FOUND.
func ParseGlobalID(gid string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil || LabelOf(string(b)) == "" {
		return "", Errorf(BadUserInput, "malformed ID %q", Truncate(gid, 64))
	}
	if k := KeyOf(string(b)); len(k) > MaxKeyLen || !keyPattern.MatchString(k) {
		return "", Errorf(BadUserInput, "malformed ID %q: no node can have the key %q (1 to %d letters, digits, '_', '.', '-')", Truncate(gid, 64), Truncate(k, 64), MaxKeyLen)
	}
	return string(b), nil
}

// Location is where a node sits in the administrative hierarchy: the IDs of
// its province, prefecture and county, "" where there is none. For a place it
// is the place itself and its ancestors (via PART_OF); for any other node it
// is the place it is LOCATED_IN and that place's ancestors.
type Location struct {
	Province, Prefecture, County string
}

// At returns the ID at the level of the place label l.
func (loc Location) At(l Label) string {
	switch l {
	case Province:
		return loc.Province
	case Prefecture:
		return loc.Prefecture
	case County:
		return loc.County
	}
	return ""
}

// Truncate cuts s to at most n bytes for an error message, at a rune
// boundary (a cut never splits a UTF-8 sequence), marking a cut with "…".
// Every message that quotes a client's text quotes it through Truncate.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
