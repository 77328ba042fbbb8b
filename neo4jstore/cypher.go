package neo4jstore

// This file holds every Cypher statement the backend sends: the fixed
// statements and the generators that compile kepu filters, orders and pages.
// Labels, relationship types and property keys in the generated text always
// come from the kepu registry (the PropDef, LabelDef and RelDef values), never
// from client text; every value is a parameter (but for a text that a key
// or a property is ordered against and that holds a character from U+E000
// on: an escaped literal, see orderValue). The lint test feeds the output
// of every generator to Neo4j's own parser and semantic analysis.

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/kepugraph/kepugraph/kepu"
)

// CommonLabel is carried by every node, so that lookup by ID across labels
// uses one index.
const CommonLabel = "KG"

// IDKey is the property that holds the kepu node ID.
const IDKey = "id"

// placePath follows a node to its places: zero hops for a place itself, one
// LOCATED_IN hop for an institution, then up to two PART_OF hops.
const placePath = "-[:LOCATED_IN|PART_OF*0..3]->"

// placeReturn returns a place node pl (see nodeReturn), which
// placeProjection decodes.
var (
	placeLabels     = []kepu.Label{kepu.Province, kepu.Prefecture, kepu.County}
	placeReturn     = nodeReturn("pl", placeLabels)
	placeProjection = projectionOf(placeLabels)
)

// cypherLocatePlaces is Locate in a request scope (scope.go): one row, a
// list with an item per place node on the nodes' paths, [place, the asked
// IDs located in it] (one record: see buildNeighbors).
var cypherLocatePlaces = "UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) " +
	"UNWIND [(n)" + placePath + "(pl) WHERE pl:Province OR pl:Prefecture OR pl:County | pl] AS pl " +
	"WITH pl, collect(id) AS members RETURN collect([" + placeReturn + ", members]) AS places"

// Fixed statements.
const (
	cypherPing    = "RETURN 1 AS ok"
	cypherVersion = "OPTIONAL MATCH (v:" + VersionLabel + " {id: 'graph'}) RETURN coalesce(v." + VersionProp + ", 0) AS version"

	// The lookups by ID make the planner seek the uniqueness constraint's
	// index (USING INDEX SEEK): without a hint it sometimes scanned the
	// whole index and filtered (NodeIndexScan), found by
	// TestProfileBenchQueries; with USING INDEX it still chose that scan, on
	// the right of an Apply, once per ID, on a database that tests had
	// wiped and reloaded (TestCypherExplain and TestProfileBenchQueries
	// failed on 2026-12-01; an index scan per ID is a full scan of 1M IDs
	// per ID on the benchmark graph).
	cypherNodes = "UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) RETURN n"

	// Locate finds each node by its ID, then lists the IDs of every node
	// on its place paths (itself included), which the store sorts out by
	// their labels (the label is the ID's prefix). A pattern comprehension
	// expands without the pruning BFS and the DISTINCT of a MATCH with
	// collect(DISTINCT ...): for the 556 partner schools of the nested
	// benchmark query 7,076 db hits instead of 28,905 (docs/neo4j.md).
	cypherLocate = "UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) " +
		"RETURN id, [(n)" + placePath + "(pl) | pl.id] AS places"

	// cypherAwaitIndexes waits up to $t seconds for every index to be online.
	cypherAwaitIndexes = "CALL db.awaitIndexes($t)"

	cypherDeleteNode = "MATCH (n:KG {id: $id}) DETACH DELETE n RETURN count(*) AS c"

	cypherDeleteBatch = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS c"
)

// nodeReturn is the expression that returns the node v of one of labels:
// a list of its id and the registry's properties of those labels, in the
// order of nodeColumns (absent properties are null), which is all
// decodeNode keeps (given the projection of the same labels,
// projectionOf). The search keys (PropSearchWords, PropSearchHan,
// PropSearchPinyin and PropSearchInitials, the longest values of most nodes) stay on the
// server: in the nested benchmark query the node values were most of the
// bytes that Neo4j encoded and the driver decoded. A list rather than a
// map: the driver decodes no key text per property (on a page of 100
// museums, 15 strings and a map per node).
//
// The list is read from a map projection, [v_p IN [v_n IN [v] |
// v_n{.id, .name, ...}] | [v_p.id, v_p.name, ...]][0], not as v.id,
// v.name, ...: Neo4j's slotted runtime reads a map projection of stored
// properties in one walk of the node's property chain (its
// PropertyProjection), where each v.prop walks the chain from its start
// to the property (past the node's search keys and absent-value markers).
// The projection is of v_n, the node as a list's element, not of v: the
// planner replaces a property of v that an index seek or a condition
// already read (n.id in a page by ID) by its cached value, and a map
// projection with a cached entry is evaluated entry by entry again. The
// map's keys stay on the server. See docs/neo4j.md, "Neo4j pages at 1M:
// where a page's time goes (2026-12-03, n4page11)".
func nodeReturn(v string, labels []kepu.Label) string {
	cols := nodeColumns(labels)
	keys := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		keys[i] = "." + quote(c)
		vals[i] = v + "_p." + quote(c)
	}
	return "[" + v + "_p IN [" + v + "_n IN [" + v + "] | " + v + "_n{" + strings.Join(keys, ", ") + "}] | [" + strings.Join(vals, ", ") + "]][0]"
}

// nodeLookups is the list of nodeReturn read property by property (v.id,
// v.name, ...): the form of the update statements, which return the one
// node they wrote.
func nodeLookups(v string, labels []kepu.Label) string {
	cols := nodeColumns(labels)
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = v + "." + quote(c)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// nodeColumns lists the property keys that nodeReturn returns for labels,
// in order: the ID, then every registry property of each label, once.
func nodeColumns(labels []kepu.Label) []string {
	seen := map[string]bool{IDKey: true}
	cols := []string{IDKey}
	for _, l := range labels {
		d := kepu.LookupLabel(l)
		if d == nil {
			continue
		}
		for _, p := range d.Props {
			if !seen[p.Name] {
				seen[p.Name] = true
				cols = append(cols, p.Name)
			}
		}
	}
	return cols
}

// projection tells decodeNode where each label's properties are in a list
// that nodeReturn returned for a set of labels.
type projection struct {
	// pos[l][i] is the list index of the i-th property of label l (in
	// LabelDef.Props order).
	pos map[kepu.Label][]int
}

var projections sync.Map // strings.Join(labels, ",") -> *projection

// projectionOf returns the projection of nodeReturn(_, labels), built once
// per set of labels.
func projectionOf(labels []kepu.Label) *projection {
	var key string
	if len(labels) == 1 {
		key = string(labels[0])
	} else {
		parts := make([]string, len(labels))
		for i, l := range labels {
			parts[i] = string(l)
		}
		key = strings.Join(parts, ",")
	}
	if p, ok := projections.Load(key); ok {
		return p.(*projection)
	}
	at := map[string]int{}
	for i, c := range nodeColumns(labels) {
		at[c] = i
	}
	p := &projection{pos: map[kepu.Label][]int{}}
	for _, l := range labels {
		d := kepu.LookupLabel(l)
		if d == nil {
			continue
		}
		pos := make([]int, len(d.Props))
		for i, pd := range d.Props {
			pos[i] = at[pd.Name]
		}
		p.pos[l] = pos
	}
	v, _ := projections.LoadOrStore(key, p)
	return v.(*projection)
}

// nodesOf is the statement of Nodes for IDs of label l ("" when they have
// several labels: the whole nodes).
func nodesOf(l kepu.Label) string {
	if l == "" || kepu.LookupLabel(l) == nil {
		return cypherNodes
	}
	return "UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) RETURN " + nodeReturn("n", []kepu.Label{l}) + " AS n"
}

// stmt is one statement with its parameters.
type stmt struct {
	Cypher string
	Params map[string]any
}

// quote returns a registry name as a quoted Cypher identifier. Registry names
// are plain words; quoting keeps the text safe whatever they are.
func quote(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// Write statements that depend on a label or a relationship type.

// The puts of a load: one UNWIND statement per label or relationship type,
// a row per put, both ends of an edge found by the ID constraint's index.
// None of them plans an Eager operator (which holds every row of the
// statement before the first write; TestCypherExplain checks): `SET x =
// row.props` writes property keys the planner does not know, which it
// must assume may be the `id` that the statement's index seeks read
// (Eager, "read/set conflict for some property"), except for a node in
// ON CREATE / ON MATCH of its own MERGE; so the edge statements name the
// type's properties. Returning a value per row (row.i) after a CREATE of a
// relationship added a second Eager ("read/set conflict for relationship
// type"); the statements return the number of rows written, which the
// store compares with the puts.

func cypherPutNodes(l kepu.Label) string {
	set := "n = row.props, n:" + quote(string(l))
	return "UNWIND $rows AS row MERGE (n:KG {id: row.id}) ON CREATE SET " + set + " ON MATCH SET " + set + " RETURN count(*) AS c"
}

// cypherBulkNodes and cypherBulkEdges are the puts of a bulk load into an
// empty database (see (*Store).BulkCreate): CREATE, with no lookup of an
// existing node or relationship.
func cypherBulkNodes(l kepu.Label) string {
	return "UNWIND $rows AS row CREATE (n:KG:" + quote(string(l)) + ") SET n = row.props RETURN count(*) AS c"
}

// cypherBulkEdges names the type's properties (relProps) in the CREATE
// pattern; a property that a row lacks is null there, which CREATE does
// not store.
func cypherBulkEdges(t kepu.RelType) string {
	return "UNWIND $rows AS row MATCH (a:KG {id: row.from}) MATCH (b:KG {id: row.to}) " + createRowEdge(t)
}

// createRowEdge is the CREATE of a bulk put's relationship of type t from
// a to b, with the type's properties (relProps) from row.props, and the
// count of rows written.
func createRowEdge(t kepu.RelType) string {
	var props []string
	for _, p := range relProps(t) {
		props = append(props, quote(p)+": row.props."+quote(p))
	}
	return "CREATE (a)-[r:" + quote(string(t)) + " {" + strings.Join(props, ", ") + "}]->(b) RETURN count(*) AS c"
}

// relProps lists the registry's property keys of relationship type t.
// Edges are validated against the registry before they are written, so a
// relationship holds no other property.
func relProps(t kepu.RelType) []string {
	d := kepu.LookupRel(t)
	if d == nil {
		return nil
	}
	out := make([]string, len(d.Props))
	for i, p := range d.Props {
		out[i] = p.Name
	}
	return out
}

// Counts of a bulk load's check (from Neo4j's count store).
const (
	cypherAnyNode    = "MATCH (n:KG) RETURN n.id AS id LIMIT 1"
	cypherCountGraph = "MATCH (n:KG) WITH count(n) AS nodes CALL () { MATCH ()-[r]->() RETURN count(r) AS edges } RETURN nodes, edges"
)

// cypherUpdateNode sets and removes (null) properties of the node with ID
// $id, of label l, and returns it (nodeLookups). A node that another
// transaction deleted while the SET waited for its lock has no properties
// once the SET runs (deletedMeanwhile): no row, as for a missing node.
func cypherUpdateNode(l kepu.Label) string {
	return "MATCH (n:KG {id: $id}) SET n += $set WITH n" + deletedMeanwhile("n") + " RETURN " + nodeLookups("n", []kepu.Label{l}) + " AS n"
}

// cypherUpdateNodeAlone is cypherUpdateNode for a write of that one
// change, with the version bump that ends every write in the same
// statement (one statement, so one auto-commit transaction: see
// (*Store).writeAlone). No node, no row, nothing written (nor for a node
// deleted meanwhile).
func cypherUpdateNodeAlone(l kepu.Label) string {
	return "MATCH (n:KG {id: $id}) SET n += $set WITH n" + deletedMeanwhile("n") + " " + bumpLoggedThen + " RETURN " + nodeLookups("n", []kepu.Label{l}) + " AS n"
}

// deletedMeanwhile is the condition, after a SET on node v, that drops
// the row of a node another transaction deleted while the SET waited for
// its write lock: the MATCH saw the node (read committed), and once the
// deleting transaction commits the SET runs on a deleted node, whose
// properties read as null. Every node has an id, which no SET removes.
// (A relationship's update does not wait for a transaction that deletes
// it: it commits first, and the delete after it.)
func deletedMeanwhile(v string) string {
	return " WHERE " + v + "." + quote(IDKey) + " IS NOT NULL"
}

func cypherCreateNode(l kepu.Label) string {
	return "OPTIONAL MATCH (x:KG {id: $id}) WITH x WHERE x IS NULL CREATE (n:KG:" + quote(string(l)) + ") SET n = $props RETURN n"
}

// cypherPutEdges replaces the relationship's properties with the row's by
// setting every registry property of the type (relProps; null removes one).
func cypherPutEdges(t kepu.RelType) string {
	var set []string
	for _, p := range relProps(t) {
		set = append(set, "r."+quote(p)+" = row.props."+quote(p))
	}
	return "UNWIND $rows AS row MATCH (a:KG {id: row.from}) MATCH (b:KG {id: row.to}) " +
		"MERGE (a)-[r:" + quote(string(t)) + "]->(b) SET " + strings.Join(set, ", ") + " RETURN count(*) AS c"
}

// cypherMissingEnd finds the first row of a batch of edge puts (the row's
// index i) whose from or to node does not exist; the store asks it only
// when a put statement wrote fewer rows than it was given.
const cypherMissingEnd = "UNWIND $rows AS row OPTIONAL MATCH (a:KG {id: row.from}) OPTIONAL MATCH (b:KG {id: row.to}) " +
	"WITH row, a, b WHERE a IS NULL OR b IS NULL RETURN row.i AS i LIMIT 1"

func cypherProbeEdge(t kepu.RelType) string {
	return "OPTIONAL MATCH (a:KG {id: $from}) OPTIONAL MATCH (b:KG {id: $to}) " +
		"OPTIONAL MATCH (a)-[x:" + quote(string(t)) + "]->(b) " +
		"RETURN a IS NOT NULL AS hasFrom, b IS NOT NULL AS hasTo, x IS NOT NULL AS hasEdge LIMIT 1"
}

func cypherCreateEdge(t kepu.RelType) string {
	return "MATCH (a:KG {id: $from}) MATCH (b:KG {id: $to}) MERGE (a)-[r:" + quote(string(t)) + "]->(b) SET r = $props RETURN r"
}

func cypherUpdateEdge(t kepu.RelType) string {
	return "MATCH (:KG {id: $from})-[r:" + quote(string(t)) + "]->(:KG {id: $to}) SET r += $set RETURN r"
}

func cypherDeleteEdge(t kepu.RelType) string {
	return "MATCH (:KG {id: $from})-[r:" + quote(string(t)) + "]->(:KG {id: $to}) DELETE r RETURN count(*) AS c"
}

// The graph version (kepu.Store.Version) is the property VersionProp of the
// one node labelled VersionLabel (never KG, so no query of the graph sees it).
const (
	VersionLabel = "KepuGraphVersion"
	VersionProp  = "version"
)

// KeyConstraintStatements returns the statements of EnsureKeyConstraints:
// the uniqueness constraints that the writes' MERGE looks nodes up by (the
// ID of every node, and of the version node). Idempotent.
func KeyConstraintStatements() []string {
	return []string{
		"CREATE CONSTRAINT kg_id IF NOT EXISTS FOR (n:KG) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT kg_version_id IF NOT EXISTS FOR (v:" + VersionLabel + ") REQUIRE v.id IS UNIQUE",
	}
}

// SchemaStatements returns the statements of EnsureSchema: uniqueness
// constraints on node IDs (the common label and every label), a composite
// range index (property, id) on every orderable property (every type but
// StringList) of every label, which the pages of a list read in order,
// ties in ID order (buildFindSegments), and equality and range conditions
// seek (with n.id IS NOT NULL: the planner uses a composite index only
// with a condition on each of its properties), a composite index (marker,
// id) on the absent-value marker of every optional one (absent.go), and
// the search index (see search.go), the one full-text index. All are
// idempotent. EnsureSchema then drops the indexes that databases of older
// builds hold and no query uses (SupersededIndexStatements).
func SchemaStatements() []string {
	out := KeyConstraintStatements()
	var labels []string
	for _, d := range kepu.LabelDefs() {
		name := strings.ToLower(string(d.Label))
		l := quote(string(d.Label))
		labels = append(labels, l)
		out = append(out,
			fmt.Sprintf("CREATE CONSTRAINT %s_id IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", name, l))
		for _, p := range d.Props {
			if p.Type.Ordered() {
				out = append(out, fmt.Sprintf("CREATE INDEX %s_%s_id IF NOT EXISTS FOR (n:%s) ON (n.%s, n.id)", name, strings.ToLower(p.Name), l, quote(p.Name)))
			}
		}
	}
	out = append(out, absentIndexStatements()...)
	out = append(out, cypherSearchIndex(labels))
	return out
}

// SupersededIndexStatements returns the statements that drop the indexes
// of older databases that no query uses: the range indexes on one property
// (label_property) of databases created before 2026-12-01 night, which the
// composite indexes (property, id) of SchemaStatements replace, and the
// full-text index kg_names on name and nameZh (cjk analyzer) of databases
// created before 2026-12-02, which no statement ever queried (search asks
// kg_search, which covers both properties with the same analyzer). Every
// index costs every write of its label and property, and kg_names was
// about a third of a bulk load's index phase. Idempotent.
func SupersededIndexStatements() []string {
	out := []string{"DROP INDEX kg_names IF EXISTS"}
	for _, d := range kepu.LabelDefs() {
		name := strings.ToLower(string(d.Label))
		for _, p := range d.Props {
			if p.Type.Ordered() {
				out = append(out, fmt.Sprintf("DROP INDEX %s_%s IF EXISTS", name, strings.ToLower(p.Name)))
			}
		}
	}
	return out
}

// params allocates parameter names.
type params map[string]any

func (p params) add(v any) string {
	name := fmt.Sprintf("p%d", len(p))
	p[name] = v
	return "$" + name
}

// paramRef is a parameter's use in a statement's text: $name.
var paramRef = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// of returns the parameters of p that the statement text cypher uses
// ($name), for a statement built with others from one compiler (the
// statements of a page share the filter's parameters; each has its own
// guards, least values and bounds): each statement carries only its own.
func (p params) of(cypher string) params {
	out := params{}
	for _, m := range paramRef.FindAllStringSubmatch(cypher, -1) {
		if v, ok := p[m[1]]; ok {
			out[m[1]] = v
		}
	}
	return out
}

// compiler turns filters into WHERE expressions. Every expression it returns
// is true or false, never null, so NOT behaves as in the embedded store: a
// condition on an absent property is false, and its negation true.
type compiler struct {
	p    params
	vars int
}

func newCompiler() *compiler { return &compiler{p: params{}} }

func (c *compiler) newVar(prefix string) string {
	c.vars++
	return fmt.Sprintf("%s%d", prefix, c.vars)
}

// propLookup resolves a property name to its registry definition and tells
// whether it is the node ID pseudo-property.
type propLookup func(name string) (*kepu.PropDef, bool)

func nodeProps(labels []kepu.Label) propLookup {
	return func(name string) (*kepu.PropDef, bool) {
		if name == kepu.PropID {
			return &kepu.PropDef{Name: IDKey, Type: kepu.String}, true
		}
		for _, l := range labels {
			if d := kepu.LookupLabel(l); d != nil {
				if p := d.Prop(name); p != nil {
					return p, false
				}
			}
		}
		return nil, false
	}
}

func edgeProps(t kepu.RelType) propLookup {
	return func(name string) (*kepu.PropDef, bool) {
		if d := kepu.LookupRel(t); d != nil {
			return d.Prop(name), false
		}
		return nil, false
	}
}

// node compiles a filter on the node variable v, which has one of labels.
func (c *compiler) node(v string, labels []kepu.Label, f *kepu.Filter) (string, error) {
	return c.filter(v, nodeProps(labels), f, true)
}

// edge compiles a filter on the relationship variable v of type t.
func (c *compiler) edge(v string, t kepu.RelType, f *kepu.Filter) (string, error) {
	return c.filter(v, edgeProps(t), f, false)
}

func (c *compiler) filter(v string, props propLookup, f *kepu.Filter, isNode bool) (string, error) {
	if f == nil {
		return "true", nil
	}
	switch {
	case f.And != nil:
		if l, _, ok := kepu.Labelled(f); ok && isNode {
			// OfLabel: the label's own properties, whichever labels the
			// node is queried under (the ID condition first is false for
			// a node of another label).
			return c.join(v, nodeProps([]kepu.Label{l}), f.And, " AND ", "true", isNode)
		}
		return c.join(v, props, f.And, " AND ", "true", isNode)
	case f.Or != nil:
		return c.join(v, props, f.Or, " OR ", "false", isNode)
	case f.Not != nil:
		s, err := c.filter(v, props, f.Not, isNode)
		if err != nil {
			return "", err
		}
		return "(NOT " + s + ")", nil
	case f.Cond != nil:
		return c.cond(v, props, f.Cond)
	case f.Rel != nil && isNode:
		return c.rel(v, f.Rel)
	case f.Place != nil && isNode:
		return c.place(v, f.Place)
	case f.Rel != nil, f.Place != nil:
		return "", kepu.Errorf(kepu.BadUserInput, "relationship and place conditions apply to nodes only")
	}
	return "true", nil
}

func (c *compiler) join(v string, props propLookup, fs []*kepu.Filter, op, empty string, isNode bool) (string, error) {
	if len(fs) == 0 {
		return empty, nil
	}
	parts := make([]string, len(fs))
	for i, g := range fs {
		s, err := c.filter(v, props, g, isNode)
		if err != nil {
			return "", err
		}
		parts[i] = s
	}
	return "(" + strings.Join(parts, op) + ")", nil
}

func (c *compiler) cond(v string, props propLookup, cd *kepu.Cond) (string, error) {
	def, _ := props(cd.Prop)
	if def == nil {
		return "", &kepu.Error{Code: kepu.BadUserInput, Field: cd.Prop, Message: fmt.Sprintf("unknown property %q", kepu.Truncate(cd.Prop, 40))}
	}
	// The property key in the text is the registry's, not the client's.
	x := v + "." + quote(def.Name)
	list := def.Type == kepu.StringList
	present := x + " IS NOT NULL AND "
	switch cd.Op {
	case kepu.Eq, kepu.Ne:
		if cd.Value == nil {
			if cd.Op == kepu.Eq {
				return "(" + x + " IS NULL)", nil
			}
			return "(" + x + " IS NOT NULL)", nil
		}
		var s string
		switch {
		case list && cd.Op == kepu.Eq:
			s = c.p.add(cd.Value) + " IN " + x
		case list:
			s = "NOT " + c.p.add(cd.Value) + " IN " + x
		case cd.Op == kepu.Eq:
			s = x + " = " + c.p.add(cd.Value)
		default:
			s = x + " <> " + c.p.add(cd.Value)
		}
		return "(" + present + s + ")", nil
	case kepu.OneOf:
		vals, _ := cd.Value.([]any)
		clean := make([]any, 0, len(vals))
		for _, val := range vals {
			if val != nil {
				clean = append(clean, val)
			}
		}
		if list {
			e := c.newVar("e")
			return "(" + present + "any(" + e + " IN " + x + " WHERE " + e + " IN " + c.p.add(clean) + "))", nil
		}
		return "(" + present + x + " IN " + c.p.add(clean) + ")", nil
	case kepu.Contains:
		if list {
			return "(" + present + c.p.add(cd.Value) + " IN " + x + ")", nil
		}
		return "(" + present + x + " CONTAINS " + c.p.add(cd.Value) + ")", nil
	case kepu.ContainsInsensitive:
		// kepu.LowerText: Cypher's toLower, then the dotted i and the
		// final sigma as Go lowers them; the value is lowered here.
		s, _ := cd.Value.(string)
		return "(" + present + lowerText(x) + " CONTAINS " + c.p.add(kepu.LowerText(s)) + ")", nil
	case kepu.StartsWith:
		return "(" + present + x + " STARTS WITH " + c.p.add(cd.Value) + ")", nil
	case kepu.Gt, kepu.Gte, kepu.Lt, kepu.Lte:
		op := map[kepu.Op]string{kepu.Gt: ">", kepu.Gte: ">=", kepu.Lt: "<", kepu.Lte: "<="}[cd.Op]
		return "(" + present + x + " " + op + " " + c.orderValue(cd.Value) + ")", nil
	}
	return "", kepu.Errorf(kepu.BadUserInput, "unknown operator")
}

// orderValue returns the Cypher text of a value that a key or a property
// is compared with by <, <=, > or >= (a cursor's key, a gt/lt condition):
// a parameter, but for a text holding a character from U+E000 on, an
// escaped literal (textLiteral). Neo4j orders stored texts, in ORDER BY
// and in its indexes, by code point, as the embedded store and
// kepu.CompareValues do; but it compares a stored text with a parameter
// (a Java String) by UTF-16 code units, in which the characters beyond
// U+FFFF (an emoji, a CJK Extension B ideograph) come before those from
// U+E000 to U+FFFF (the full-width parentheses of Chinese names): a
// cursor at such a name skipped those that sort after it. A literal
// compares as stored texts do. Texts without such characters order alike
// both ways and stay parameters.
func (c *compiler) orderValue(v any) string {
	if s, ok := v.(string); ok && !belowE000(s) {
		return textLiteral(s)
	}
	return c.p.add(v)
}

// belowE000 reports whether every character of s is below U+E000.
func belowE000(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xee { // the first byte of U+E000 and of every rune beyond
			return false
		}
	}
	return true
}

// textLiteral returns s as a Cypher string literal of ASCII letters,
// digits and spaces, every other character escaped as \uXXXX (a character
// beyond U+FFFF as its UTF-16 surrogate pair), so that no text can end the
// literal or change the statement.
func textLiteral(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == ' ' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r > 0xffff:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// lowerText is the Cypher expression of kepu.LowerText of the text x.
func lowerText(x string) string {
	return "replace(replace(toLower(" + x + "), 'i\\u0307', 'i'), '\\u03c2', '\\u03c3')"
}

// farLabels returns the labels at the other end of a relationship.
func farLabels(d *kepu.RelDef, dir kepu.Direction) []kepu.Label {
	if dir == kepu.In {
		return d.From
	}
	return d.To
}

// arrow returns the pattern from variable a through relationship variable r
// (may be "") of type t to node b (with its label text) in direction dir.
func arrow(a, r string, t kepu.RelType, dir kepu.Direction, b string) string {
	rel := "[" + r + ":" + quote(string(t)) + "]"
	if dir == kepu.In {
		return "(" + a + ")<-" + rel + "-(" + b + ")"
	}
	return "(" + a + ")-" + rel + "->(" + b + ")"
}

func (c *compiler) rel(v string, rc *kepu.RelCond) (string, error) {
	d := kepu.LookupRel(rc.Rel)
	if d == nil {
		return "", kepu.Errorf(kepu.BadUserInput, "unknown relationship type")
	}
	r, m := c.newVar("r"), c.newVar("m")
	ef, err := c.edge(r, d.Type, rc.Edge)
	if err != nil {
		return "", err
	}
	nf, err := c.node(m, farLabels(d, rc.Dir), rc.Node)
	if err != nil {
		return "", err
	}
	s := "EXISTS { MATCH " + arrow(v, r, d.Type, rc.Dir, m+":KG") + where(ef, nf) + " }"
	if rc.Quant == kepu.None {
		return "(NOT " + s + ")", nil
	}
	return s, nil
}

func (c *compiler) place(v string, pc *kepu.PlaceCond) (string, error) {
	if !pc.Level.IsPlace() {
		return "", kepu.Errorf(kepu.BadUserInput, "place level must be Province, Prefecture or County")
	}
	pl := c.newVar("pl")
	f, err := c.node(pl, []kepu.Label{pc.Level}, pc.Filter)
	if err != nil {
		return "", err
	}
	return "EXISTS { MATCH (" + v + ")" + placePath + "(" + pl + ":" + quote(string(pc.Level)) + ")" + where(f) + " }", nil
}

// where returns " WHERE a AND b" for the parts that are not "true", or "".
// startAt finds the node whose ID is pid as v, alone (WITH ends the
// pattern there), so that the planner seeks it in the uniqueness
// constraint's index: given the whole pattern, on a database whose
// statistics were fresh from a wipe it sometimes chose an index scan and a
// filter (TestProfileBenchQueries); an index hint inside the pattern is
// refused when the WHERE clause folds to a constant, but the start MATCH
// alone takes USING INDEX SEEK (see cypherNodes).
func startAt(v string) string {
	return "MATCH (" + v + ":KG {id: pid}) USING INDEX SEEK " + v + ":KG(id) WITH pid, " + v
}

func where(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "true" && p != "" {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(keep, " AND ")
}

// orderExprs returns the Cypher expression of every sort key: on node n, or
// on relationship r for edge keys.
func orderExprs(n, r string, order []kepu.OrderKey, nodeLabels []kepu.Label, rel kepu.RelType) ([]string, error) {
	out := make([]string, len(order))
	for i, k := range order {
		switch {
		case k.Count != nil:
			d := kepu.LookupRel(k.Count.Rel)
			if d == nil {
				return nil, kepu.Errorf(kepu.BadUserInput, "unknown relationship type")
			}
			out[i] = "COUNT { " + arrow(n, "", d.Type, k.Count.Dir, "") + " }"
		case k.Edge:
			def, _ := edgeProps(rel)(k.Prop)
			if def == nil || r == "" {
				return nil, kepu.Errorf(kepu.BadUserInput, "cannot order by edge property %q", k.Prop)
			}
			out[i] = r + "." + quote(def.Name)
		default:
			def, _ := nodeProps(nodeLabels)(k.Prop)
			if def == nil {
				return nil, kepu.Errorf(kepu.BadUserInput, "cannot order by %q", k.Prop)
			}
			out[i] = n + "." + quote(def.Name)
		}
	}
	return out, nil
}

// keyset returns the condition that an item with sort values keys[i] (aliases)
// and tie-breaker id lies strictly after (after=true) or before the cursor in
// the order. Absent values are the greatest (Neo4j's order): ascending puts
// them last, descending first.
func (c *compiler) keyset(keys []string, desc []bool, id string, cur kepu.Cursor, after bool) string {
	var terms []string
	var eqs []string
	for i := 0; i <= len(keys); i++ {
		var x string
		var cv any
		var d bool
		if i < len(keys) {
			x, cv, d = keys[i], cur.Keys[i], desc[i]
		} else {
			x, cv = id, cur.ID
		}
		greater := after != d // moving towards the greater values
		// One parameter (or literal: orderValue) per cursor value, for
		// its range and its equality alike.
		var v string
		if cv != nil {
			v = c.orderValue(cv)
		}
		var beyond string
		switch {
		case greater && cv == nil:
			beyond = "" // nothing is greater than an absent value
		case greater:
			beyond = "(" + x + " IS NULL OR " + x + " > " + v + ")"
		case cv == nil:
			beyond = x + " IS NOT NULL"
		default:
			beyond = "(" + x + " IS NOT NULL AND " + x + " < " + v + ")"
		}
		if beyond != "" {
			terms = append(terms, "("+strings.Join(append(append([]string(nil), eqs...), beyond), " AND ")+")")
		}
		if i == len(keys) {
			break // the ID ends the order: no term follows its equality
		}
		if cv == nil {
			eqs = append(eqs, x+" IS NULL")
		} else {
			eqs = append(eqs, "("+x+" IS NOT NULL AND "+x+" = "+v+")")
		}
	}
	if len(terms) == 0 {
		return "false"
	}
	return "(" + strings.Join(terms, " OR ") + ")"
}

// listPlan describes one keyset-paged list statement.
type listPlan struct {
	order   []kepu.OrderKey
	after   *kepu.Cursor
	before  *kepu.Cursor
	reverse bool // Last: read the order backwards, then reverse in Go
	limit   int  // -1: no limit
}

// pageClauses returns the WITH ... WHERE keyset part and the ORDER BY / LIMIT
// tail for a list whose node is n (and relationship r, for neighbor lists).
// carry names the variables to keep through WITH.
func (c *compiler) pageClauses(carry string, exprs []string, idExpr string, pl listPlan) (with, tail, ret string) {
	aliases := make([]string, len(exprs))
	desc := make([]bool, len(exprs))
	withParts := []string{carry}
	for i, e := range exprs {
		aliases[i] = fmt.Sprintf("k%d", i)
		desc[i] = pl.order[i].Desc
		withParts = append(withParts, e+" AS "+aliases[i])
	}
	with = " WITH " + strings.Join(withParts, ", ")
	var conds []string
	if pl.after != nil {
		conds = append(conds, c.keyset(aliases, desc, idExpr, *pl.after, true))
	}
	if pl.before != nil {
		conds = append(conds, c.keyset(aliases, desc, idExpr, *pl.before, false))
	}
	with += where(conds...)
	var ob []string
	for i, a := range aliases {
		d := desc[i] != pl.reverse
		ob = append(ob, a+dirWord(d))
	}
	ob = append(ob, idExpr+dirWord(pl.reverse))
	tail = " ORDER BY " + strings.Join(ob, ", ")
	if pl.limit >= 0 {
		tail += " LIMIT " + c.p.add(int64(pl.limit))
	}
	ret = strings.Join(aliases, ", ")
	return with, tail, ret
}

func dirWord(desc bool) string {
	if desc {
		return " DESC"
	}
	return " ASC"
}

// segment is one part of a node list's read order: the nodes that match
// conds (besides the list's filter), read in the list's order. The
// segments of a list (see segmentsAll) follow each other in the list's
// order, so that the list is their concatenation.
type segment struct {
	conds []scond
	from  int // the segment is read in the order of keys from... and the ID
	// grouped: the segment puts the last key in a range (conds' last)
	// and reads it in the direction opposite to the IDs' (openedYear
	// descending, then the ID ascending), which no index gives in order:
	// see groupedBody.
	grouped bool
	// order, when set, is the ORDER BY terms (instead of the keys from
	// from on): a segment of the absent values of the last key reads the
	// marker's index (marker, id) in order (absentOrder).
	order []string
}

// scond is one condition of a segment: the key expression x compared by
// op with the parameter p (n.name >= $p0; the absent values of a key:
// its marker, n.`absent:openedYear` = true, see absent.go), or, when op
// is "", the text x itself (n.name IS NOT NULL).
type scond struct {
	x, op, p string
	absent   bool // x is a key's absent-value marker
	// key and least, for an IS NOT NULL condition (op ""), are the key
	// expression and the parameter of the least value of the key's type
	// ('' for strings, the least Int, the least finite Float, false), when
	// it has one (segmentOrder.least): guarded, the condition is the range
	// key >= least, which an index seek reads and a guard stops (a
	// segment of the present values after the absent ones, in a
	// descending order, then joins the statement of the segments before
	// it: one round trip, not two).
	key, least string
}

// notNull is the condition that key i of o is present: x IS NOT NULL,
// guardable when the key's type has a least value.
func (o segmentOrder) notNull(i int) scond {
	return scond{x: o.keys[i] + " IS NOT NULL", key: o.keys[i], least: o.least[i]}
}

// indexKey is the key expression whose index (key, id) reads the
// condition.
func (c scond) indexKey() string {
	if c.key != "" {
		return c.key
	}
	return c.x
}

// text returns the condition; with a guard (a Cypher boolean), its value
// is null unless the guard holds, so that the comparison matches nothing
// and an index seek from that value reads nothing.
func (c scond) text(guard string) string {
	switch {
	case c.op == "" && (guard == "" || c.least == ""):
		return c.x
	case c.op == "":
		return c.key + " >= CASE WHEN " + guard + " THEN " + c.least + " END"
	case guard == "":
		return c.x + " " + c.op + " " + c.p
	}
	return c.x + " " + c.op + " CASE WHEN " + guard + " THEN " + c.p + " END"
}

// guardable reports whether every condition of the segment compares a key
// with a value, so that a guard (scond.text) on each stops every index
// seek the planner may choose. A segment with an IS NOT NULL condition
// is not, unless the key's type has a least value (scond.least): IS NOT
// NULL scans a whole index, which no guard stops.
func (sg segment) guardable() bool {
	for _, c := range sg.conds {
		if c.op == "" && c.least == "" {
			return false
		}
	}
	return true
}

// segmentOrder describes the read order of a list for segments: the sort
// expressions on n, whether each is read descending (the key's direction,
// flipped for a backward page), and whether the IDs are.
type segmentOrder struct {
	keys   []string
	desc   []bool
	idDesc bool
	// present: the key is a property that every node of the label has
	// (the ID, or a property the registry requires: the store writes
	// every node through kepu's validation, which requires it on create
	// and refuses to unset it), so it has no segment of absent values.
	present []bool
	// str: the key is a String property (not the ID: the index (ID, id)
	// does not exist).
	str []bool
	// absent is the marker property of each key that is not present
	// (n.`absent:openedYear`: absent.go), "" for the others.
	absent []string
	// least is the parameter of the least value of each key's type (see
	// scond.least), "" for a type without one here: the ID's and a
	// Date's (a Neo4j Date written by another tool is not a string, and
	// IS NOT NULL holds for it). Only a guarded IS NOT NULL uses it; a
	// statement that has none does not carry it (params.of).
	least []string
}

// absentCond is the condition that key i is absent: its marker; for a
// key that every node has (a cursor may still carry no value for it),
// IS NULL, which no node matches.
func (o segmentOrder) absentCond(i int) scond {
	if o.absent[i] == "" {
		return scond{x: o.keys[i] + " IS NULL"}
	}
	return scond{x: o.absent[i], op: "=", p: "true", absent: true}
}

// endSegment is the segment of the nodes whose keys are all fixed by
// conds (one per key, then perhaps the ID's range), read in the order of
// the last key and the ID (from last()), or, when the last key is fixed
// to its absent values, of its marker and the ID: the marker's index
// (marker, id) in order.
func (o segmentOrder) endSegment(conds []scond) segment {
	sg := segment{conds: conds, from: o.last()}
	if n := len(o.keys); n > 0 && conds[n-1].absent {
		sg.order = []string{conds[n-1].x + dirWord(o.idDesc), "n.id" + dirWord(o.idDesc)}
	}
	return sg
}

// terms returns the ORDER BY terms from key i on: keys i... and the ID.
func (o segmentOrder) terms(i int) []string {
	var out []string
	for j := i; j < len(o.keys); j++ {
		out = append(out, o.keys[j]+dirWord(o.desc[j]))
	}
	return append(out, "n.id"+dirWord(o.idDesc))
}

// last is where the order of a segment that fixes every key starts: the
// last key, which the segment fixes, so that the planner sees the order
// of the composite index (key, id) read from an equality (openedYear = $v
// AND id > $id ORDER BY openedYear, id: no sort; ORDER BY id alone was
// sorted, Top).
func (o segmentOrder) last() int { return max(len(o.keys)-1, 0) }

// against reports whether key i is the last key and is read in the
// direction opposite to the IDs' (descending with the ID ascending, or,
// on a backward page, the reverse): a range of it is a grouped segment.
func (o segmentOrder) against(i int) bool {
	return i == len(o.keys)-1 && o.desc[i] != o.idDesc
}

func with(conds []scond, more ...scond) []scond {
	return append(slices.Clip(conds), more...)
}

// segmentsAll returns the segments of every node whose keys before i are
// fixed by prefix, in the order of keys i... and the ID. A segment on key
// i has a condition that puts n.key in a range (IS NOT NULL, >, <), so
// that the planner can read it from the key's index (key, id) in order;
// absent values, which no index of the key holds, have segments of their
// own, the key's marker (absent.go) and the order of the next keys (for
// the last key: the marker's index (marker, id) in order). Absent values sort as the greatest
// (Neo4j's order, and the embedded store's): last ascending, first
// descending.
func (c *compiler) segmentsAll(o segmentOrder, i int, prefix []scond) []segment {
	if i == len(o.keys) {
		return []segment{o.endSegment(prefix)}
	}
	present := segment{conds: with(prefix, o.notNull(i)), from: i, grouped: o.against(i)}
	if o.present[i] {
		return []segment{present}
	}
	absent := c.segmentsAll(o, i+1, with(prefix, o.absentCond(i)))
	if o.desc[i] {
		return append(absent, present)
	}
	return append([]segment{present}, absent...)
}

// segmentsAfter returns the segments of the nodes whose keys before i are
// fixed by prefix (the cursor's) and that lie strictly after the cursor in
// the order of keys i... and the ID. Each key splits into the cursor's
// value (the next keys decide; after the last key, the ID) and the values
// beyond it: with the composite index (key, id) each segment is one range
// read in order. The ties of a key with many nodes of one value (the
// museums of one opening year) are an equality and an ID range, not a
// sort of every tie (PartialTop over the whole year, 17,128 db hits for a
// page at 1M before).
func (c *compiler) segmentsAfter(o segmentOrder, cur kepu.Cursor, i int, prefix []scond) []segment {
	beyond := func(desc bool) string {
		if desc {
			return "<"
		}
		return ">"
	}
	if i == len(o.keys) {
		return []segment{o.endSegment(with(prefix, scond{x: "n.id", op: beyond(o.idDesc), p: c.p.add(cur.ID)}))}
	}
	x, v := o.keys[i], cur.Keys[i]
	if v == nil {
		rest := c.segmentsAfter(o, cur, i+1, with(prefix, o.absentCond(i)))
		if o.desc[i] {
			// Descending, the absent values come first; the present ones
			// follow.
			rest = append(rest, segment{conds: with(prefix, o.notNull(i)), from: i, grouped: o.against(i)})
		}
		return rest
	}
	p := c.orderValue(v)
	out := c.segmentsAfter(o, cur, i+1, with(prefix, scond{x: x, op: "=", p: p}))
	out = append(out, segment{conds: with(prefix, scond{x: x, op: beyond(o.desc[i]), p: p}), from: i, grouped: o.against(i)})
	if !o.desc[i] && !o.present[i] {
		// Ascending, the absent values come last.
		out = append(out, c.segmentsAll(o, i+1, with(prefix, o.absentCond(i)))...)
	}
	return out
}

// buildFindSegments compiles a node list as segments (see segmentsAll),
// chained into statements: a statement reads its segments one after the
// other in CALL subqueries, each guarded (scond.text) so that it reads
// nothing once the segments before it filled the page; a segment that
// cannot be guarded (IS NOT NULL) starts a new statement. The
// statements are run one after the other until the page is full, each
// with the parameter limit set to the rows still missing (absent: no
// limit); most pages are one statement. Each returns one record, a list
// of rows in the list's order, each row a node as nodeReturn returns it
// (one record, not one per row: the driver reads every record as a
// message of its own, with a goroutine per read; that was most of the
// bench process's CPU per page). ok is false when the list does not take
// this form: a filter that starts from a place (its matches are few and
// sorted once: matchNodes), an order by a relationship count or an edge
// property, or a page with a cursor on both sides.
//
// One statement (OR-ed keyset conditions on projected keys, one ORDER BY)
// was planned as a label scan and a sort of every node of the label: on
// the 1M graph 160-325 ms for a page of 100 museums (docs/neo4j.md).
func buildFindSegments(l kepu.Label, f *kepu.Filter, pl listPlan) (stmts []stmt, ok bool, err error) {
	if drive, _ := placeDriver(f); drive != nil {
		return nil, false, nil
	}
	start := pl.after
	if pl.reverse {
		start = pl.before
	}
	if (pl.after != nil && pl.before != nil) || (start == nil && (pl.after != nil || pl.before != nil)) {
		return nil, false, nil
	}
	for _, k := range pl.order {
		if k.Count != nil || k.Edge {
			return nil, false, nil
		}
	}
	c := newCompiler()
	labels := []kepu.Label{l}
	fw, err := c.node("n", labels, f)
	if err != nil {
		return nil, false, err
	}
	keys, err := orderExprs("n", "", pl.order, labels, "")
	if err != nil {
		return nil, false, err
	}
	o := segmentOrder{keys: keys, desc: make([]bool, len(keys)), idDesc: pl.reverse, present: make([]bool, len(keys)), str: make([]bool, len(keys)), absent: make([]string, len(keys)), least: make([]string, len(keys))}
	for i, k := range pl.order {
		o.desc[i] = k.Desc != pl.reverse
		def, isID := nodeProps(labels)(k.Prop)
		o.present[i] = isID || def != nil && def.Required
		o.str[i] = !isID && def != nil && def.Type == kepu.String
		if !o.present[i] && def != nil {
			o.absent[i] = "n." + quote(AbsentKey(def.Name))
		}
		if v := leastValue(def, isID); v != nil {
			o.least[i] = c.p.add(v)
		}
	}
	var segs []segment
	if start != nil {
		segs = c.segmentsAfter(o, *start, 0, nil)
	} else {
		segs = c.segmentsAll(o, 0, nil)
	}
	// Group the segments into statements. With a filter, every segment is
	// a statement of its own, sent only when the page needs it: the
	// planner may seek an index of the filter's condition instead of the
	// guarded range, and that seek is not stopped by the guard.
	var groups [][]segment
	for _, sg := range segs {
		if len(groups) == 0 || !sg.guardable() || fw != "true" {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], sg)
	}
	limit := ""
	if pl.limit >= 0 {
		limit = " LIMIT $limit"
	}
	indexHint := func(x string) string {
		return " USING INDEX n:" + quote(string(l)) + "(" + strings.TrimPrefix(x, "n.") + ", id)"
	}
	match := func(sg segment, guard string) string {
		// n.id IS NOT NULL (every node has one) lets the planner seek
		// the composite indexes (key, id): it uses one only with a
		// condition on each of its properties.
		parts := []string{fw, "n.id IS NOT NULL"}
		hint := ""
		for _, cd := range sg.conds {
			parts = append(parts, cd.text(guard))
			if guard != "" && cd.indexKey() != "n.id" {
				// A guarded segment reads the index of its last key
				// (key, id) in order: with the guards' CASE values
				// the planner sometimes sought the first key's
				// index instead (kind = $k, name > $v: every museum
				// of the kind, 3,287 db hits at 100k, where the
				// name's index reads the next 101).
				hint = indexHint(cd.indexKey())
			}
		}
		terms := o.terms(sg.from)
		if sg.order != nil {
			terms = sg.order
		}
		if fw == "true" && pl.limit >= 0 && o.splittable(sg) {
			var pre []string
			for _, cd := range sg.conds[:len(sg.conds)-1] {
				pre = append(pre, cd.text(""))
			}
			c.p["cap"], c.p["win"] = splitCap, splitWindow*pl.limit
			return splitBody(l, o, pre, "n.id IS NOT NULL AND "+sg.conds[len(sg.conds)-1].text(guard), splitDepth)
		}
		if fw == "true" && pl.limit >= 0 && o.tailOfGroup(sg) {
			c.p["cap"], c.p["win"] = splitCap, splitWindow*pl.limit
			return tailBody(l, o, sg, guard)
		}
		if !sg.grouped || pl.limit < 0 {
			return "MATCH (n:" + quote(string(l)) + ")" + hint + where(parts...) + " WITH n ORDER BY " + strings.Join(terms, ", ") + limit
		}
		eqHint := ""
		if fw == "true" {
			eqHint = indexHint(o.keys[sg.from])
		}
		return groupedBody(l, sg, o, parts, hint, eqHint, fw)
	}
	for _, g := range groups {
		if len(g) == 1 {
			q := match(g[0], "") + " RETURN collect(" + nodeReturn("n", labels) + ") AS rows"
			stmts = append(stmts, stmt{Cypher: q, Params: c.p.of(q)})
			continue
		}
		var q strings.Builder
		q.WriteString("CALL () { " + match(g[0], "") + " RETURN collect(n) AS s0 }")
		for j := 1; j < len(g); j++ {
			prev := fmt.Sprintf("s%d", j-1)
			guard := ""
			if pl.limit >= 0 {
				guard = "size(" + prev + ") < $limit"
			}
			fmt.Fprintf(&q, " CALL (%s) { %s WITH collect(n) AS c RETURN %s + c AS s%d }", prev, match(g[j], guard), prev, j)
		}
		last := fmt.Sprintf("s%d", len(g)-1)
		if pl.limit >= 0 {
			last += "[0..$limit]"
		}
		q.WriteString(" RETURN [n IN " + last + " | " + nodeReturn("n", labels) + "] AS rows")
		stmts = append(stmts, stmt{Cypher: q.String(), Params: c.p.of(q.String())})
	}
	return stmts, true, nil
}

// leastValue is the least value of a property's type in Neo4j's order
// (nil when the type has none here: the ID, a Date, a list). Every value
// the store writes is of its property's type, and kepu's validation
// refuses NaN and the infinities, so key >= leastValue holds for exactly
// the nodes where key IS NOT NULL.
func leastValue(def *kepu.PropDef, isID bool) any {
	if isID || def == nil {
		return nil
	}
	switch def.Type {
	case kepu.String, kepu.Enum:
		return ""
	case kepu.Int:
		return int64(math.MinInt64)
	case kepu.Float:
		return -math.MaxFloat64
	case kepu.Bool:
		return false
	}
	return nil
}

// splittable reports whether a segment is a range of the key before the
// last (kind > $k, or kind IS NOT NULL, in an order kind, name) read in
// the order of both keys and the ID, where the last key is one every node
// has, holds strings and goes the IDs' way: such a range is read group
// by group (splitBody) instead of sorted.
func (o segmentOrder) splittable(sg segment) bool {
	n := len(o.keys)
	if n < 2 || sg.from != n-2 || sg.grouped || sg.order != nil || !o.present[n-1] || !o.str[n-1] || o.desc[n-1] != o.idDesc {
		return false
	}
	r, x := sg.conds[len(sg.conds)-1], o.keys[n-2]
	return r.x == x && (r.op == ">" || r.op == "<") || r.op == "" && r.x == x+" IS NOT NULL"
}

// tailOfGroup reports whether a segment is the rest of a group after the
// cursor in a two-key order or longer: the key before the last fixed to a
// value (kind = $k), the last key in a range (name > $v), read in the
// order of the last key and the ID, which go the same way.
func (o segmentOrder) tailOfGroup(sg segment) bool {
	n, m := len(o.keys), len(sg.conds)
	if n < 2 || m < 2 || sg.from != n-1 || sg.grouped || sg.order != nil || o.desc[n-1] != o.idDesc {
		return false
	}
	eq, r := sg.conds[m-2], sg.conds[m-1]
	return eq.x == o.keys[n-2] && eq.op == "=" && !eq.absent && r.x == o.keys[n-1] && (r.op == ">" || r.op == "<")
}

// tailBody is the text of a tailOfGroup segment (x = $k AND y > $v, pre:
// the conditions before them; guard: the segment's guard or ""), at most
// $limit rows n in the order y, ID. It reads a window of the index (y, id)
// in order after $v, at most $win entries, filtered by x (b: a group of
// at least a fifth of the label fills a page from the window). When that
// does not fill the page, it counts the window (w, the index only): a
// window shorter than $win held every node after $v, so b is the whole
// rest of the group (at 1M, a page after the last museum of a kind whose
// names end near the index's end: about 200 entries, where the count
// below read 2,000 and the read after it the window's entries again).
// Otherwise it counts the group up to $cap and reads the rest of the
// group either sorted from (x, id) (a small group: after the one DIGITAL
// museum at 1M the name index filtered by the kind read the names of
// about 100,000 museums, a second per page) or, for a large group, from
// (y, id) after $v to the end of the page.
func tailBody(l kepu.Label, o segmentOrder, sg segment, guard string) string {
	k, m := len(o.keys), len(sg.conds)
	x, y := o.keys[k-2], o.keys[k-1]
	eq, r := sg.conds[m-2], sg.conds[m-1]
	order := " WITH n ORDER BY " + y + dirWord(o.desc[k-1]) + ", n.id" + dirWord(o.desc[k-1])
	label := quote(string(l))
	hint := func(key string) string {
		return " USING INDEX n:" + label + "(" + strings.TrimPrefix(key, "n.") + ", id)"
	}
	var pre []string
	for _, cd := range sg.conds[:m-2] {
		pre = append(pre, cd.text(""))
	}
	rest := func(conds ...string) string { return where(append(slices.Clip(pre), conds...)...) }
	when := func(conds ...string) string {
		if guard != "" {
			conds = append([]string{guard}, conds...)
		}
		return strings.Join(conds, " AND ")
	}
	after := func(conds ...string) string {
		return r.x + " " + r.op + " CASE WHEN " + when(conds...) + " THEN " + r.p + " END"
	}
	more, full := "size(b) < $limit", "w >= $win"
	return "CALL (*) { MATCH (n:" + label + ")" + hint(y) + rest("n.id IS NOT NULL", r.text(guard)) + order + " LIMIT $win" +
		" WITH n WHERE " + eq.text("") + " WITH n LIMIT $limit RETURN collect(n) AS b }" +
		" CALL (*) { MATCH (n:" + label + ")" + hint(y) + rest("n.id IS NOT NULL", after(more)) + " WITH n LIMIT $win RETURN count(n) AS w }" +
		" CALL (*) { MATCH (n:" + label + ")" + hint(x) + rest("n.id IS NOT NULL", x+" = CASE WHEN "+when(more, full)+" THEN "+eq.p+" END") +
		" WITH n LIMIT $cap RETURN count(n) AS z }" +
		" CALL (*) { MATCH (n:" + label + ")" + hint(x) + rest("n.id IS NOT NULL", x+" = CASE WHEN "+when(more, full, "z < $cap")+" THEN "+eq.p+" END", r.text("")) +
		order + " LIMIT $limit RETURN collect(n) AS a }" +
		" CALL (*) { MATCH (n:" + label + ")" + hint(y) + rest("n.id IS NOT NULL", eq.text(""), after(more, full, "z >= $cap")) +
		order + " LIMIT $limit RETURN collect(n) AS c }" +
		" UNWIND CASE WHEN " + more + " AND " + full + " THEN a + c ELSE b END AS n WITH n"
}

// splitCap is the group size (in nodes) from which splitBody and tailBody
// read a group from the last key's index rather than sorting it (the
// window they read before counting a group is splitWindow's): at 1M
// (102,648 museums, pages of 100) a group of 2,000 costs about 2,000 index entries
// sorted or about 5,100 read in order, a group of 25,000 (STANDARD) 25,000
// or about 400.
var splitCap = 2000

// splitWindow is the window that splitBody and tailBody read first, in
// the last key's order, filtered by the group, in pages ($win: splitWindow
// × $limit index entries): a group of at least a fifth of the label's
// nodes fills a page from it (at 1M, a kind of about 25,000 of 102,648
// museums, in about 400 entries), without the group's count.
var splitWindow = 5

// splitDepth is how many groups of the key before the last splitBody
// reads one by one before it sorts the rest of the range.
const splitDepth = 2

// splitBody is the text of a splittable segment: the nodes n in the range
// rng of the key x before the last (pre: the conditions on the keys
// before x), in the order x, y (the last key), ID, at most $limit of them,
// as rows n. Sorting the range in x's order (PartialTop) reads every node
// of each x value it reaches: a page after the last museum of a kind read
// the next kind whole (25,110 museums at 1M, 52,162 db hits). Instead the
// range's first value g is one entry of the index (x, id), and g's group
// is read in y's order: first from a window of the index (y, id), its
// first $win entries filtered by x = g (splitWindow: a group of a fifth
// of the label fills the page there, without the count below: at 1M the
// count of a kind read 2,000 entries), and when that does not fill the
// page by one of two reads, chosen by the group's size
// counted up to splitCap ($cap): a small group is read from (x, id) and
// sorted (its size in entries), a large one is read from (y, id) in
// order and filtered by x = g (about $limit × the label's nodes / the
// group's size entries; read whole, the name index filtered by a kind of
// a few museums cost Neo4j twice main's CPU: docs/neo4j.md). The values
// beyond g, when g's group does not fill the page, are read the same way
// (depth more groups), then sorted as before.
func splitBody(l kepu.Label, o segmentOrder, pre []string, rng string, depth int) string {
	k := len(o.keys)
	x, y := o.keys[k-2], o.keys[k-1]
	xd, yd := dirWord(o.desc[k-2]), dirWord(o.desc[k-1])
	label := quote(string(l))
	hint := func(key string) string {
		return " USING INDEX n:" + label + "(" + strings.TrimPrefix(key, "n.") + ", id)"
	}
	rest := func(conds ...string) string { return where(append(slices.Clip(pre), conds...)...) }
	if depth == 0 {
		return "MATCH (n:" + label + ")" + hint(x) + rest(rng) + " WITH n ORDER BY " + strings.Join(o.terms(k-2), ", ") + " LIMIT $limit"
	}
	d := strconv.Itoa(depth)
	g, f, z, a, b, h, t := "g"+d, "f"+d, "z"+d, "a"+d, "b"+d, "h"+d, "t"+d
	// The window: the first $win entries of the last key's index (a range
	// from '': every string, as splittable takes a last key that holds
	// strings), filtered by the group.
	window := "n.id IS NOT NULL AND " + y + " >= ''"
	unfilled := "size(" + f + ") < $limit"
	group := "n.id IS NOT NULL AND " + x + " = CASE WHEN " + unfilled + " THEN " + g + " END"
	// The two reads of the group: each reads nothing unless the window
	// did not fill the page and the group's size says so, by a seek from
	// null (scond.text). A WHERE on the size alone was checked on the
	// index scan's rows, after the scan; the last key's read is a range
	// from '', which keeps the index's order (behind an UNWIND of [g] or
	// [], the scan was sorted).
	small := "n.id IS NOT NULL AND " + x + " = CASE WHEN " + unfilled + " AND " + z + " < $cap THEN " + g + " END"
	large := "n.id IS NOT NULL AND " + x + " = " + g + " AND " + y + " >= CASE WHEN " + unfilled + " AND " + z + " >= $cap THEN '' END"
	beyond := ">"
	if o.desc[k-2] {
		beyond = "<"
	}
	next := "n.id IS NOT NULL AND " + x + " " + beyond + " CASE WHEN size(" + h + ") < $limit THEN " + g + " END"
	return "MATCH (n:" + label + ")" + hint(x) + rest(rng) + " WITH n." + strings.TrimPrefix(x, "n.") + " AS " + g + " ORDER BY " + g + xd + " LIMIT 1" +
		" CALL (" + g + ") { MATCH (n:" + label + ")" + hint(y) + rest(window) + " WITH n ORDER BY " + y + yd + ", n.id" + yd + " LIMIT $win" +
		" WITH n WHERE " + x + " = " + g + " WITH n LIMIT $limit RETURN collect(n) AS " + f + " }" +
		" CALL (" + g + ", " + f + ") { MATCH (n:" + label + ")" + hint(x) + rest(group) + " WITH n LIMIT $cap RETURN count(n) AS " + z + " }" +
		" CALL (" + g + ", " + f + ", " + z + ") { MATCH (n:" + label + ")" + hint(x) + rest(small) +
		" WITH n ORDER BY " + y + yd + ", n.id" + yd + " LIMIT $limit RETURN collect(n) AS " + a + " }" +
		" CALL (" + g + ", " + f + ", " + z + ") { MATCH (n:" + label + ")" + hint(y) + rest(large) +
		" WITH n ORDER BY " + y + yd + ", n.id" + yd + " LIMIT $limit RETURN collect(n) AS " + b + " }" +
		" WITH " + g + ", CASE WHEN " + unfilled + " THEN " + a + " + " + b + " ELSE " + f + " END AS " + h +
		" CALL (" + g + ", " + h + ") { " + splitBody(l, o, pre, next, depth-1) + " RETURN collect(n) AS " + t + " }" +
		" UNWIND (" + h + " + " + t + ")[0..$limit] AS n WITH n"
}

// groupedBody is the text of a grouped segment (segment.grouped): the
// nodes n whose last key x lies in a range (parts: the segment's
// conditions, hint: its index hint), in the order x, then the ID in the
// other direction (openedYear DESC, id ASC), at most $limit of them, as
// rows n (eqHint: the index hint of the last value's seek, or ""). The composite index (x, id) gives x and the ID in the same
// direction only; a sort of the range read in x's order (PartialTop) reads
// every tie of each value it reaches, so a page whose cursor is among the
// last of its year read the next year's whole group (~7,700 museums at
// 1M). Instead the segment reads the index in its own order (x DESC, id
// DESC: the first $limit entries, no sort), which holds every node of each
// value it reaches but the last (g); those are sorted (at most $limit
// rows, values cached from the index), and the last value's nodes are
// read again by an equality seek in the order of the IDs (x = g, at most
// $limit). Two index reads of at most $limit entries each.
func groupedBody(l kepu.Label, sg segment, o segmentOrder, parts []string, hint, eqHint, fw string) string {
	i := sg.from
	x := o.keys[i]
	terms := o.terms(i)
	scan := []string{x + dirWord(o.desc[i]), "n.id" + dirWord(o.desc[i])}
	tail := []string{fw, "n.id IS NOT NULL"}
	for _, cd := range sg.conds[:len(sg.conds)-1] {
		tail = append(tail, cd.text(""))
	}
	tail = append(tail, x+" = g")
	label := quote(string(l))
	return "MATCH (n:" + label + ")" + hint + where(parts...) +
		" WITH n ORDER BY " + strings.Join(scan, ", ") + " LIMIT $limit" +
		" WITH collect([n, " + x + ", n.id]) AS ms" +
		" WITH ms, ms[-1][1] AS g" +
		" CALL (ms, g) { UNWIND ms AS e WITH e WHERE e[1] <> g WITH e ORDER BY e[1]" + dirWord(o.desc[i]) + ", e[2]" + dirWord(o.idDesc) + " RETURN collect(e[0]) AS h }" +
		" CALL (g) { MATCH (n:" + label + ")" + eqHint + where(tail...) + " WITH n ORDER BY " + strings.Join(terms, ", ") + " LIMIT $limit RETURN collect(n) AS t }" +
		" UNWIND (h + t)[0..$limit] AS n WITH n"
}

// buildFindNodes compiles a node list that one statement sorts. It
// returns one record: rows, a list with an item per node in order, [n
// (nodeReturn), k0...] (one record: see buildFindSegments).
func buildFindNodes(l kepu.Label, f *kepu.Filter, pl listPlan) (stmt, error) {
	c := newCompiler()
	nl, err := c.nodeList(l, f, pl, true)
	if err != nil {
		return stmt{}, err
	}
	// The page is cut first (WITH ... ORDER BY ... LIMIT), then its nodes
	// are projected, in that order.
	cols := strings.Split(nl.ret, ", ")
	cols[0] = nodeReturn("n", []kepu.Label{l})
	q := nl.match + nl.with + " WITH " + nl.ret + nl.tail + " RETURN collect([" + strings.Join(cols, ", ") + "]) AS rows"
	return stmt{q, c.p}, nil
}

// projected returns the columns cols ("n, k0", "r, n, k0") with the node
// n returned as nodeReturn projects it (AS n).
func projected(cols, n string, labels []kepu.Label) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		if c == n {
			parts[i] = nodeReturn(n, labels) + " AS " + n
		}
	}
	return strings.Join(parts, ", ")
}

// matchNodes compiles the start of a statement over the nodes n of label l
// that match f: a MATCH clause with its WHERE. When f is a place condition
// with a filter on the place, or an AND with one at its top level, the
// statement starts from the places (found by their own indexes) and walks
// down to n (placeDown), then checks the rest of f;
// otherwise it reads every node of l and checks f on each, which for a
// place condition means one walk up per node. On the reference dataset
// the museums of one province cost 2,987 db hits from the province and
// 36,305 from every museum (docs/neo4j.md). A place condition without a
// filter (any place of a level) keeps the walk up: from every place it
// would visit every located node of every label.
func (c *compiler) matchNodes(l kepu.Label, f *kepu.Filter) (string, error) {
	labels := []kepu.Label{l}
	drive, rest := placeDriver(f)
	if drive == nil {
		fw, err := c.node("n", labels, f)
		if err != nil {
			return "", err
		}
		return "MATCH (n:" + quote(string(l)) + ")" + where(fw, idPresent("n", fw)), nil
	}
	if !drive.Level.IsPlace() {
		return "", kepu.Errorf(kepu.BadUserInput, "place level must be Province, Prefecture or County")
	}
	pl := c.newVar("pl")
	pf, err := c.node(pl, []kepu.Label{drive.Level}, drive.Filter)
	if err != nil {
		return "", err
	}
	fw, err := c.node("n", labels, rest)
	if err != nil {
		return "", err
	}
	return "MATCH (" + pl + ":" + quote(string(drive.Level)) + ")" + where(pf, idPresent(pl, pf)) +
		" MATCH " + placeDown(pl, l) + " WITH n" + where(fw), nil
}

// placeDown is the pattern from a place pl down to the nodes n of label l
// located in it: placePath read from the place's end, as the hierarchy's
// rules (kepu/hierarchy.go) shape it. Only places have PART_OF edges and
// only institutions LOCATED_IN ones, and each node has at most one of
// them (the One rule, checked inside every write), so a place of l is
// reached by PART_OF hops alone, any other node by PART_OF hops to its
// place and then its LOCATED_IN edge; the edges up from the nodes form a
// forest, so each node is reached by one path at most and needs no
// DISTINCT. Against the mixed walk (LOCATED_IN|PART_OF*0..3, then
// DISTINCT n), the PART_OF hops visit only the places (102 in a
// province at 1M) and the located nodes are one Expand of their places:
// the db hits are the same (one per edge, one per label check), Neo4j's
// CPU per count a fifth to a third lower (docs/neo4j.md, "The 1M table
// on Neo4j, morning").
func placeDown(pl string, l kepu.Label) string {
	hops := strconv.Itoa(len(kepu.PlaceLabels) - 1)
	if l.IsPlace() {
		return "(" + pl + ")<-[:PART_OF*0.." + hops + "]-(n:" + quote(string(l)) + ")"
	}
	return "(" + pl + ")<-[:PART_OF*0.." + hops + "]-()<-[:LOCATED_IN]-(n:" + quote(string(l)) + ")"
}

// idPresent returns v.id IS NOT NULL (true of every node) to go with a
// filter fw on v at the start of a statement, so that the planner can seek
// the composite indexes (property, id) for fw's conditions: it uses one
// only with a condition on each of its properties. With no filter ("true")
// it returns "true": the label's count comes from the count store, not
// from an index.
func idPresent(v, fw string) string {
	if fw == "true" || fw == "" {
		return "true"
	}
	return v + ".id IS NOT NULL"
}

// placeDriver splits f into a place condition with a filter that a
// statement can start from (f itself, or the first such element of a
// top-level AND) and the rest of f (nil when nothing is left).
func placeDriver(f *kepu.Filter) (*kepu.PlaceCond, *kepu.Filter) {
	drivable := func(g *kepu.Filter) bool {
		return g != nil && g.Place != nil && g.Place.Filter != nil && g.Cond == nil && g.Rel == nil && g.Not == nil && g.And == nil && g.Or == nil
	}
	switch {
	case drivable(f):
		return f.Place, nil
	case f != nil && f.And != nil && f.Cond == nil && f.Rel == nil && f.Place == nil && f.Not == nil && f.Or == nil:
		for i, g := range f.And {
			if drivable(g) {
				rest := make([]*kepu.Filter, 0, len(f.And)-1)
				rest = append(append(rest, f.And[:i]...), f.And[i+1:]...)
				return g.Place, &kepu.Filter{And: rest}
			}
		}
	}
	return nil, nil
}

// nodeListParts are the clauses of a paged list of the nodes n of one
// label: the filter (or the whole MATCH), the WITH and the tail (ORDER BY, LIMIT) of the page,
// and the returned columns (n, then k0...).
type nodeListParts struct {
	filter, with, tail, ret string
	match                   string
}

// nodeList compiles the parts of a paged list of the nodes of l that match
// f: with start, the MATCH that starts the statement (match, see
// matchNodes), else the WHERE expression on n (filter).
func (c *compiler) nodeList(l kepu.Label, f *kepu.Filter, pl listPlan, start bool) (nodeListParts, error) {
	labels := []kepu.Label{l}
	var fw, match string
	var err error
	if start {
		match, err = c.matchNodes(l, f)
	} else {
		fw, err = c.node("n", labels, f)
	}
	if err != nil {
		return nodeListParts{}, err
	}
	exprs, err := orderExprs("n", "", pl.order, labels, "")
	if err != nil {
		return nodeListParts{}, err
	}
	with, tail, keys := c.pageClauses("n", exprs, "n.id", pl)
	ret := "n"
	if keys != "" {
		ret += ", " + keys
	}
	return nodeListParts{filter: fw, match: match, with: with, tail: tail, ret: ret}, nil
}

// buildCountNodes compiles a count of the nodes of a label that match f.
func buildCountNodes(l kepu.Label, f *kepu.Filter) (stmt, error) {
	c := newCompiler()
	m, err := c.matchNodes(l, f)
	if err != nil {
		return stmt{}, err
	}
	return stmt{m + " RETURN count(n) AS c", c.p}, nil
}

// buildNeighbors compiles a neighbor list for many parents at once: one
// subquery per parent keeps each parent's page limit. The far node n has no
// label in the pattern: every relationship joins two :KG nodes (the store
// writes no other), and checking it cost one db hit per relationship. The
// result is one row per parent: pid and items, the parent's page in order,
// each item a list [r (the relationship's properties), n (a projection,
// nodeReturn), k0...]. One row per parent, not per neighbor: the driver
// reads every record as its own Bolt message, with two reads that each
// start a goroutine under a context deadline, and decoding the rows of the
// nested benchmark query (1,000 neighbors) was most of the store's CPU.
func buildNeighbors(ids []string, q kepu.NeighborQuery, pl listPlan) (stmt, error) {
	d := kepu.LookupRel(q.Rel)
	if d == nil {
		return stmt{}, kepu.Errorf(kepu.BadUserInput, "unknown relationship type")
	}
	c := newCompiler()
	far := farLabels(d, q.Dir)
	ef, err := c.edge("r", d.Type, q.EdgeFilter)
	if err != nil {
		return stmt{}, err
	}
	nf, err := c.node("n", far, q.NodeFilter)
	if err != nil {
		return stmt{}, err
	}
	exprs, err := orderExprs("n", "r", pl.order, far, d.Type)
	if err != nil {
		return stmt{}, err
	}
	with, tail, keys := c.pageClauses("r, n", exprs, "n.id", pl)
	ret := "r, n"
	if keys != "" {
		ret += ", " + keys
	}
	item := "[properties(r), " + nodeReturn("n", far)
	if keys != "" {
		item += ", " + keys
	}
	item += "]"
	c.p["ids"] = ids
	s := "UNWIND $ids AS pid CALL (pid) { " + startAt("p") + " MATCH " + arrow("p", "r", d.Type, q.Dir, "n") +
		where(ef, nf) + with + " WITH " + ret + tail + " RETURN collect(" + item + ") AS items } RETURN pid, items"
	return stmt{s, c.p}, nil
}

// placeMembers is the pattern from the place with ID pid to the nodes n of
// label l located in it (placeDown), so that one index lookup of the
// place starts it. Each node is reached once (see placeDown).
func placeMembers(l kepu.Label) string {
	return startAt("pl") + " MATCH " + placeDown("pl", l)
}

// buildPlaceNodes compiles a node list for many places at once: one
// subquery per place keeps each place's page limit. The result columns are
// pid, n, then k0...
func buildPlaceNodes(places []string, l kepu.Label, f *kepu.Filter, pl listPlan) (stmt, error) {
	c := newCompiler()
	nl, err := c.nodeList(l, f, pl, false)
	if err != nil {
		return stmt{}, err
	}
	c.p["places"] = places
	s := "UNWIND $places AS pid CALL (pid) { " + placeMembers(l) + " WITH n" + where(nl.filter) +
		nl.with + " RETURN " + nl.ret + nl.tail + " } RETURN pid, " + projected(nl.ret, "n", []kepu.Label{l})
	return stmt{s, c.p}, nil
}

// buildCountPlaceNodes compiles the per-place count of the nodes of a label
// that match f. The result columns are pid and c; a place with no match has
// no row.
func buildCountPlaceNodes(places []string, l kepu.Label, f *kepu.Filter) (stmt, error) {
	c := newCompiler()
	fw, err := c.node("n", []kepu.Label{l}, f)
	if err != nil {
		return stmt{}, err
	}
	c.p["places"] = places
	s := "UNWIND $places AS pid " + placeMembers(l) + " WITH DISTINCT pid, n" + where(fw) +
		" RETURN pid, count(n) AS c"
	return stmt{s, c.p}, nil
}

// buildCountNeighbors compiles the per-parent count of matching
// relationships. The result columns are pid and c.
func buildCountNeighbors(ids []string, q kepu.NeighborQuery) (stmt, error) {
	d := kepu.LookupRel(q.Rel)
	if d == nil {
		return stmt{}, kepu.Errorf(kepu.BadUserInput, "unknown relationship type")
	}
	c := newCompiler()
	ef, err := c.edge("r", d.Type, q.EdgeFilter)
	if err != nil {
		return stmt{}, err
	}
	nf, err := c.node("n", farLabels(d, q.Dir), q.NodeFilter)
	if err != nil {
		return stmt{}, err
	}
	c.p["ids"] = ids
	s := "UNWIND $ids AS pid " + startAt("p") + " MATCH " + arrow("p", "r", d.Type, q.Dir, "n") + where(ef, nf) +
		" RETURN pid, count(r) AS c"
	return stmt{s, c.p}, nil
}

// buildAggregate compiles a grouped count and sums. The result columns are
// key, c, then s0...
func buildAggregate(q kepu.AggregateQuery) (stmt, error) {
	def := kepu.LookupLabel(q.Label)
	if def == nil {
		return stmt{}, kepu.Errorf(kepu.BadUserInput, "unknown node label")
	}
	c := newCompiler()
	s, err := c.matchNodes(q.Label, q.Filter)
	if err != nil {
		return stmt{}, err
	}
	switch {
	case q.GroupBy == "":
		s += " WITH n, '' AS key"
	case kepu.Label(q.GroupBy).IsPlace():
		s += " OPTIONAL MATCH (n)" + placePath + "(g:" + quote(q.GroupBy) + ") WITH n, min(g.id) AS key"
	default:
		p := def.Prop(q.GroupBy)
		if p == nil || p.Type == kepu.StringList {
			return stmt{}, &kepu.Error{Code: kepu.BadUserInput, Field: q.GroupBy, Message: fmt.Sprintf("cannot group %s by %q", q.Label, trunc(q.GroupBy))}
		}
		s += " WITH n, n." + quote(p.Name) + " AS key"
	}
	s += " RETURN key, count(n) AS c"
	for i, name := range q.Sum {
		p := def.Prop(name)
		if p == nil || (p.Type != kepu.Int && p.Type != kepu.Float) {
			return stmt{}, &kepu.Error{Code: kepu.BadUserInput, Field: name, Message: fmt.Sprintf("cannot sum %s.%s", q.Label, trunc(name))}
		}
		s += fmt.Sprintf(", sum(coalesce(n.%s, 0)) AS s%d", quote(p.Name), i)
	}
	return stmt{s, c.p}, nil
}

// buildAggregateEdges compiles an edge aggregate. The result columns are c,
// ca, cb, then s0...
func buildAggregateEdges(q kepu.EdgeAggregateQuery) (stmt, error) {
	d := kepu.LookupRel(q.Rel)
	if d == nil {
		return stmt{}, kepu.Errorf(kepu.BadUserInput, "unknown relationship type")
	}
	c := newCompiler()
	from, to := d.From, d.To
	a, b := "a:KG", "b:KG"
	if q.FromLabel != "" {
		if kepu.LookupLabel(q.FromLabel) == nil {
			return stmt{}, kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(q.FromLabel)))
		}
		from, a = []kepu.Label{q.FromLabel}, "a:"+quote(string(q.FromLabel))
	}
	if q.ToLabel != "" {
		if kepu.LookupLabel(q.ToLabel) == nil {
			return stmt{}, kepu.Errorf(kepu.BadUserInput, "unknown node label %q", trunc(string(q.ToLabel)))
		}
		to, b = []kepu.Label{q.ToLabel}, "b:"+quote(string(q.ToLabel))
	}
	ff, err := c.node("a", from, q.FromFilter)
	if err != nil {
		return stmt{}, err
	}
	tf, err := c.node("b", to, q.ToFilter)
	if err != nil {
		return stmt{}, err
	}
	ef, err := c.edge("r", d.Type, q.EdgeFilter)
	if err != nil {
		return stmt{}, err
	}
	s := "MATCH " + arrow(a, "r", d.Type, kepu.Out, b) + where(ff, tf, ef) +
		" RETURN count(r) AS c, count(DISTINCT a) AS ca, count(DISTINCT b) AS cb"
	for i, name := range q.Sum {
		p := d.Prop(name)
		if p == nil || (p.Type != kepu.Int && p.Type != kepu.Float) {
			return stmt{}, &kepu.Error{Code: kepu.BadUserInput, Field: name, Message: fmt.Sprintf("cannot sum %s.%s", d.Type, trunc(name))}
		}
		s += fmt.Sprintf(", sum(coalesce(r.%s, 0)) AS s%d", quote(p.Name), i)
	}
	return stmt{s, c.p}, nil
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
