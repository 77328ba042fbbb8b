// Package export writes a selection of the graph as a standard graph file:
// GraphML, GEXF 1.3, Cytoscape.js elements JSON, graphology's serialized
// JSON, a zip of Gephi spreadsheet CSVs, or JSON Lines.
//
// It works only through kepu.Store, so every backend exports the same way.
// A selection of labels and relationship types (optionally a where filter
// on one label) is streamed: nodes and then edges are read from the store in
// pages and written as they arrive, so memory stays bounded by the page
// size, not the graph. A neighborhood (around, hops) or a shortest path
// (from, to) is computed first, in memory, within MaxNodes.
//
// In every format a node's ID is its global (Relay) ID and an edge's ID is
// the global ID of "TYPE|from|to". See Attributes for the names and types of
// the attributes.
package export

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kepugraph/kepugraph/kepu"
)

// Defaults.
const (
	DefaultPageSize  = 1000   // nodes per store call while streaming
	DefaultMaxNodes  = 100000 // largest neighborhood or path search, in nodes
	DefaultReadAhead = 2      // pages of edges read ahead of the writer for a where selection (Exporter.ReadAhead)
	MaxHops          = 3      // largest hops of an around selection (0: the node alone)
)

// WhereFunc converts the GraphQL where input of a label (as decoded from
// JSON: maps, strings, int64, float64, bool, []any) into a validated filter.
// The GraphQL layer supplies it (graph.NodeFilter), so that a where
// parameter means exactly what the label's where argument means.
type WhereFunc func(l kepu.Label, where map[string]any) (*kepu.Filter, error)

// Selection is the part of the graph to export. The zero value is the whole
// graph.
type Selection struct {
	// Labels are the node labels to include; empty means all.
	Labels []kepu.Label
	// Rels are the relationship types to include; empty means all.
	Rels []kepu.RelType
	// Where restricts the nodes of WhereLabel (the first of Labels).
	Where      *kepu.Filter
	WhereLabel kepu.Label
	// Around, when set, is the node ID (not the global ID) whose
	// neighborhood of Hops steps (0 to MaxHops, over Rels in both directions,
	// through nodes of Labels) is exported; 0 hops is the node alone, as
	// the GraphQL neighborhood(hops: 0).
	Around string
	Hops   int
	// From and To, when set, name the node IDs (not global IDs) whose
	// shortest path (breadth first over Rels in both directions, through
	// nodes of Labels) is exported; no path gives an empty graph.
	From, To string
}

// hopsError is the error of hops outside 0 to MaxHops, in the words of
// every bounded argument of the API ("hops must be between 0 and 3, got 4").
func hopsError(n int) error {
	return badInput("hops must be between 0 and %d, got %d", MaxHops, n)
}

func badInput(format string, args ...any) error {
	return kepu.Errorf(kepu.BadUserInput, format, args...)
}

// ParseQuery reads a selection from URL query parameters: labels and
// relationships (comma-separated names as in the schema), where (the JSON
// of the where input of the first label; needs labels and where), around (a
// global ID) with hops (0 to 3, default 1), from and to (global IDs). around
// and from/to exclude each other and where. Errors have code BadUserInput
// and name the parameter.
func ParseQuery(q url.Values, where WhereFunc) (Selection, error) {
	var sel Selection
	known := map[string]bool{"labels": true, "relationships": true, "where": true, "around": true, "hops": true, "from": true, "to": true}
	for k, vs := range q {
		if !known[k] {
			return sel, badInput("unknown parameter %q (want labels, relationships, where, around, hops, from, to)", kepu.Truncate(k, 64))
		}
		if len(vs) > 1 {
			return sel, badInput("parameter %q given %d times", k, len(vs))
		}
		if vs[0] == "" && k != "labels" && k != "relationships" {
			// An empty labels or relationships list means all; an empty
			// where, around, hops, from or to is a mistake (it would
			// otherwise export the whole graph).
			return sel, badInput("parameter %q is empty", k)
		}
	}
	// The modes exclude each other as parameters, whatever their values
	// (an empty where object selects every node, but is still a where).
	modes := 0
	for _, k := range []string{"where", "around", "from"} {
		if q.Get(k) != "" {
			modes++
		}
	}
	if modes > 1 {
		return sel, badInput("where, around and from/to exclude each other")
	}
	var err error
	if sel.Labels, err = parseLabels(q.Get("labels")); err != nil {
		return sel, err
	}
	if sel.Rels, err = parseRels(q.Get("relationships")); err != nil {
		return sel, err
	}
	if w := q.Get("where"); w != "" {
		if len(sel.Labels) == 0 {
			return sel, badInput("where needs labels: it applies to the first label listed")
		}
		m, err := decodeWhere(w)
		if err != nil {
			return sel, err
		}
		if where == nil {
			return sel, badInput("where is not supported here")
		}
		sel.WhereLabel = sel.Labels[0]
		if sel.Where, err = where(sel.WhereLabel, m); err != nil {
			if kepu.ErrorCode(err) == kepu.BadUserInput {
				return sel, badInput("where: %s", kepu.ErrorMessage(err))
			}
			return sel, err
		}
	}
	if a := q.Get("around"); a != "" {
		if sel.Around, err = parseGlobalID("around", a); err != nil {
			return sel, err
		}
		sel.Hops = 1
	}
	if h := q.Get("hops"); h != "" {
		if sel.Around == "" {
			return sel, badInput("hops needs around")
		}
		n, err := strconv.Atoi(h)
		if err != nil {
			return sel, badInput("hops must be an integer between 0 and %d, got %q", MaxHops, kepu.Truncate(h, 64))
		}
		if n < 0 || n > MaxHops {
			return sel, hopsError(n)
		}
		sel.Hops = n
	}
	from, to := q.Get("from"), q.Get("to")
	if (from == "") != (to == "") {
		return sel, badInput("from and to go together")
	}
	if from != "" {
		if sel.From, err = parseGlobalID("from", from); err != nil {
			return sel, err
		}
		if sel.To, err = parseGlobalID("to", to); err != nil {
			return sel, err
		}
	}
	if err := sel.Validate(); err != nil {
		return sel, err
	}
	return sel, nil
}

// Validate checks the combination of a selection's parts (the names in it
// come from the registry or were checked by ParseQuery).
func (sel Selection) Validate() error {
	modes := 0
	for _, on := range []bool{sel.Where != nil, sel.Around != "", sel.From != ""} {
		if on {
			modes++
		}
	}
	if modes > 1 {
		return badInput("where, around and from/to exclude each other")
	}
	if sel.Around != "" && (sel.Hops < 0 || sel.Hops > MaxHops) {
		return hopsError(sel.Hops)
	}
	if (sel.From == "") != (sel.To == "") {
		return badInput("from and to go together")
	}
	for _, l := range sel.Labels {
		if kepu.LookupLabel(l) == nil {
			return badInput("unknown label %q", kepu.Truncate(string(l), 64))
		}
	}
	for _, r := range sel.Rels {
		if kepu.LookupRel(r) == nil {
			return badInput("unknown relationship type %q", kepu.Truncate(string(r), 64))
		}
	}
	if sel.Where != nil && (len(sel.Labels) == 0 || sel.WhereLabel != sel.Labels[0]) {
		return badInput("where applies to the first label listed")
	}
	return nil
}

func parseLabels(s string) ([]kepu.Label, error) {
	var out []kepu.Label
	for _, name := range splitNames(s) {
		l := kepu.Label(name)
		if kepu.LookupLabel(l) == nil {
			return nil, badInput("labels: unknown label %q (labels are %s)", kepu.Truncate(name, 64), labelNames())
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}

func parseRels(s string) ([]kepu.RelType, error) {
	var out []kepu.RelType
	for _, name := range splitNames(s) {
		r := kepu.RelType(name)
		if kepu.LookupRel(r) == nil {
			return nil, badInput("relationships: unknown relationship type %q (types are %s)", kepu.Truncate(name, 64), relNames())
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

func splitNames(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func labelNames() string {
	var names []string
	for _, l := range kepu.Labels {
		names = append(names, string(l))
	}
	return strings.Join(names, ", ")
}

func relNames() string {
	var names []string
	for _, d := range kepu.RelDefs() {
		names = append(names, string(d.Type))
	}
	return strings.Join(names, ", ")
}

func parseGlobalID(param, gid string) (string, error) {
	id, err := kepu.ParseGlobalID(gid)
	if err != nil {
		return "", badInput("%s: %s", param, kepu.ErrorMessage(err))
	}
	return id, nil
}

// decodeWhere decodes the JSON of a where input into the plain values a
// GraphQL input decodes to: integers as int64, other numbers as float64.
func decodeWhere(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, badInput("where: not valid JSON: %s", kepu.Truncate(err.Error(), 64))
	}
	if dec.More() {
		return nil, badInput("where: more than one JSON value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badInput("where: must be a JSON object")
	}
	if k := duplicateKey(json.NewDecoder(strings.NewReader(s))); k != "" {
		return nil, badInput("where: key %q given twice in one object", kepu.Truncate(k, 64))
	}
	return plainJSON(m).(map[string]any), nil
}

// duplicateKey returns the first key that one object of the JSON value
// read by dec names twice ("" when none does; dec reads valid JSON).
func duplicateKey(dec *json.Decoder) string {
	t, err := dec.Token()
	if err != nil {
		return ""
	}
	switch t {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return ""
			}
			k, _ := kt.(string)
			if seen[k] {
				return k
			}
			seen[k] = true
			if d := duplicateKey(dec); d != "" {
				return d
			}
		}
		dec.Token() //nolint:errcheck // the closing brace
	case json.Delim('['):
		for dec.More() {
			if d := duplicateKey(dec); d != "" {
				return d
			}
		}
		dec.Token() //nolint:errcheck // the closing bracket
	}
	return ""
}

func plainJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = plainJSON(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = plainJSON(e)
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// labels returns the selected labels (all when none are named), in the
// registry's order.
func (sel Selection) labels() []kepu.Label {
	if len(sel.Labels) == 0 {
		return kepu.Labels
	}
	var out []kepu.Label
	for _, l := range kepu.Labels {
		if slices.Contains(sel.Labels, l) {
			out = append(out, l)
		}
	}
	return out
}

// rels returns the selected relationship types (all when none are named),
// in the registry's order.
func (sel Selection) rels() []kepu.RelType {
	var out []kepu.RelType
	for _, d := range kepu.RelDefs() {
		if len(sel.Rels) == 0 || slices.Contains(sel.Rels, d.Type) {
			out = append(out, d.Type)
		}
	}
	return out
}

// Attributes returns the attributes of the nodes and of the edges of a
// selection (see Attr), in a fixed order.
func (sel Selection) Attributes() (nodes, edges []Attr) {
	nodes = []Attr{
		{Name: AttrNodeLabel, Type: kepu.String},
		{Name: kepu.PropName, Type: kepu.String},
		{Name: kepu.PropNameZh, Type: kepu.String},
		{Name: kepu.PropProvenance, Type: kepu.Enum},
		{Name: kepu.PropSource, Type: kepu.String},
		{Name: AttrProvinceCode, Type: kepu.String},
	}
	for _, l := range sel.labels() {
		nodes = mergeAttrs(nodes, kepu.LookupLabel(l).Props)
	}
	edges = []Attr{
		{Name: AttrRelationship, Type: kepu.String},
		{Name: kepu.PropProvenance, Type: kepu.Enum},
		{Name: kepu.PropSource, Type: kepu.String},
	}
	for _, r := range sel.rels() {
		edges = mergeAttrs(edges, kepu.LookupRel(r).Props)
	}
	return nodes, edges
}

// mergeAttrs adds the properties not yet in attrs; a name seen with two
// types becomes a String.
func mergeAttrs(attrs []Attr, props []kepu.PropDef) []Attr {
	for _, p := range props {
		i := slices.IndexFunc(attrs, func(a Attr) bool { return a.Name == p.Name })
		switch {
		case i < 0:
			attrs = append(attrs, Attr{Name: p.Name, Type: p.Type})
		case attrs[i].xmlType() != (Attr{Type: p.Type}).xmlType():
			attrs[i].Type = kepu.String
		}
	}
	return attrs
}
