package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
)

// differentialTimeout is the request deadline (--timeout) of both servers
// of TestDifferential: a hang guard. The test compares answers, not
// times; at the default 10 s a loaded CI machine made one README query
// (counties covered by a mobile museum, with totalCount) a TIMEOUT on
// Neo4j, a difference the code did not make.
const differentialTimeout = "5m"

// TestDifferential sends the same requests to two servers loaded with the
// reference dataset, one on the embedded store and one on Neo4j, and
// requires identical JSON answers (data and errors; the response extensions,
// which count store calls, differ by design). The requests are the README's
// queries plus a set generated from the schema by introspection: every
// operator of every filter type and every filterable field of every list
// (cover) with values drawn from the data, AND/OR/NOT, place and
// relationship filters, every order (relationship counts included) in both
// directions, paging forward and backward across whole lists, nested
// relationship connections, grouped counts, systemStats, and mutations each
// followed by reads. Any difference is a bug in one of the backends.
func TestDifferential(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to compare the embedded store with")
	}
	// The embedded server loads the reference dataset while the Neo4j one
	// does (its CPU beside the Neo4j server's wait).
	type started struct {
		m    *Main
		logs *syncBuffer
		err  error
	}
	dir, embStarted := t.TempDir(), make(chan started, 1)
	go func() {
		m, logs, err := runMain(t, "--data-dir", dir, "--timeout", differentialTimeout)
		embStarted <- started{m, logs, err}
	}()
	// Read once, by the test or, when the Neo4j server's start fails the
	// test first, by the cleanup, which closes the embedded server either
	// way.
	embedded := sync.OnceValue(func() started { return <-embStarted })
	t.Cleanup(func() {
		if es := embedded(); es.m != nil {
			if err := es.m.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		}
	})
	neo := neo4jSeededMain(t, "--timeout", differentialTimeout)
	es := embedded()
	if es.err != nil {
		t.Fatalf("run: %v\nlog:\n%s", es.err, es.logs)
	}
	emb := es.m
	d := &differ{t: t, a: emb, b: neo}
	seed := uint64(20261201)
	d.rng = rand.New(rand.NewPCG(seed, 7))
	d.schema = introspect(t, emb)

	// The README's queries (its Write mutation runs on both).
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	d.phase = "README"
	for _, blk := range graphqlBlock.FindAllStringSubmatch(string(b), -1) {
		d.same("README", blk[1], nil)
	}
	d.phase = "stats"
	d.same("systemStats", systemStatsQuery(d.schema), nil)
	// Analytics: per-label conditions in centrality's where (Neo4j
	// answered "unknown property") and figures summed in a fixed order
	// (label propagation's modularity differed in its last digits).
	d.same("analytics", `{
	  a: centrality(algorithm: DEGREE, labels: [MUSEUM, SCHOOL], relationships: [PARTNERS_WITH], where: {School: {stage: {eq: PRIMARY}}}, first: 5) { rank score node { id } }
	  b: centrality(algorithm: PAGERANK, labels: [MUSEUM, SCHOOL], relationships: [PARTNERS_WITH], where: {OR: [{Museum: {kind: {eq: STANDARD}}}, {School: {rural: {eq: true}}}]}, first: 10) { rank score node { id } }
	  c: communities(algorithm: LABEL_PROPAGATION, labels: [MUSEUM, SCHOOL], relationships: [PARTNERS_WITH], within: "UHJvdmluY2U6Q04tQUg") { modularity count }
	  d: communities(algorithm: CONNECTED_COMPONENTS, projection: MUSEUM_MUSEUM) { modularity count }
	  e: centrality(algorithm: EIGENVECTOR, projection: MUSEUM_MUSEUM, first: 5) { rank score node { id } }
	}`, nil)

	lists := d.schema.lists()
	for _, l := range lists {
		d.list(l)
	}
	d.phase = "mutations"
	d.mutations()
	d.same("systemStats after mutations", systemStatsQuery(d.schema), nil)
	d.logPhases()
	t.Logf("%d requests compared (seed %d), %d differences", d.n, seed, d.diffs)
	if d.n < 500 {
		t.Errorf("only %d requests compared, want at least 500", d.n)
	}
}

type differ struct {
	t      *testing.T
	a, b   *Main
	rng    *rand.Rand
	schema *schemaInfo
	n      int
	diffs  int
	// phase names the kind of the requests being sent; stats counts them
	// and the time each server took, per phase (logged at the end).
	phase string
	stats map[string]*phaseStats
	order []string
}

// phaseStats are the requests of one phase and the time the embedded (a)
// and the Neo4j (b) server took to answer them.
type phaseStats struct {
	n    int
	a, b time.Duration
}

// logPhases logs each phase's requests and the time each server took.
func (d *differ) logPhases() {
	for _, p := range d.order {
		s := d.stats[p]
		d.t.Logf("%-13s %5d requests, embedded %6.1f s, neo4j %6.1f s", p, s.n, s.a.Seconds(), s.b.Seconds())
	}
}

// answer is the comparable part of a response.
func answer(r gqlResponse) string {
	var errs []map[string]any
	for _, e := range r.Errors {
		errs = append(errs, map[string]any{"message": e.Message, "path": e.Path, "code": e.Code()})
	}
	var data any
	if len(r.Data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.UseNumber()
		if err := dec.Decode(&data); err != nil {
			return "undecodable data: " + string(r.Data)
		}
	}
	out, _ := json.Marshal(map[string]any{"data": data, "errors": errs})
	return string(out)
}

// same sends q to both servers and reports a difference; it returns the
// (common) response of the embedded server.
func (d *differ) same(what, q string, vars map[string]any) gqlResponse {
	d.t.Helper()
	d.n++
	if d.stats == nil {
		d.stats = map[string]*phaseStats{}
	}
	ps := d.stats[d.phase]
	if ps == nil {
		ps = &phaseStats{}
		d.stats[d.phase] = ps
		d.order = append(d.order, d.phase)
	}
	ps.n++
	start := time.Now()
	ra := post(d.t, d.a, q, vars)
	mid := time.Now()
	rb := post(d.t, d.b, q, vars)
	ps.a += mid.Sub(start)
	ps.b += time.Since(mid)
	aa, ab := answer(ra), answer(rb)
	if aa != ab {
		d.diffs++
		if d.diffs <= 25 {
			d.t.Errorf("%s: answers differ\nquery: %s\nvars: %v\nembedded: %s\nneo4j:    %s", what, oneLine(q), vars, clip(aa), clip(ab))
		}
	}
	return ra
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// ---- the schema, from introspection ----

type typeRef struct {
	Kind   string
	Name   string
	OfType *typeRef
}

// named is the named type under lists and non-nulls.
func (r *typeRef) named() string {
	for r != nil && r.Name == "" {
		r = r.OfType
	}
	if r == nil {
		return ""
	}
	return r.Name
}

type fieldInfo struct {
	Name string
	Args []struct {
		Name string
		Type typeRef
	}
	Type typeRef
}

type typeInfo struct {
	Kind        string
	Name        string
	Fields      []fieldInfo
	InputFields []fieldInfo
	EnumValues  []struct{ Name string }
}

type schemaInfo struct{ types map[string]*typeInfo }

func introspect(t *testing.T, m *Main) *schemaInfo {
	const q = `{ __schema { types { kind name
		fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
		inputFields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
		enumValues { name } } } }`
	var data struct {
		Schema struct{ Types []*typeInfo } `json:"__schema"`
	}
	query(t, m, q, nil, &data)
	s := &schemaInfo{types: map[string]*typeInfo{}}
	for _, ty := range data.Schema.Types {
		s.types[ty.Name] = ty
	}
	return s
}

func (s *schemaInfo) field(ty, name string) *fieldInfo {
	t := s.types[ty]
	if t == nil {
		return nil
	}
	for i := range t.Fields {
		if t.Fields[i].Name == name {
			return &t.Fields[i]
		}
	}
	for i := range t.InputFields {
		if t.InputFields[i].Name == name {
			return &t.InputFields[i]
		}
	}
	return nil
}

func (s *schemaInfo) enum(name string) []string {
	var out []string
	if t := s.types[name]; t != nil {
		for _, v := range t.EnumValues {
			out = append(out, v.Name)
		}
	}
	return out
}

func (f *fieldInfo) arg(name string) string {
	for _, a := range f.Args {
		if a.Name == name {
			return a.Type.named()
		}
	}
	return ""
}

// listInfo is a top-level list (museums, schools, ...).
type listInfo struct {
	field, node, where, orderField string
	countField, groupBy            string
	scalars                        []string // scalar and enum fields of the node type
	rels                           []fieldInfo
}

func (s *schemaInfo) lists() []listInfo {
	var out []listInfo
	for _, f := range s.types["Query"].Fields {
		conn := f.Type.named()
		if !strings.HasSuffix(conn, "Connection") || f.arg("where") == "" {
			continue
		}
		node := s.field(conn, "nodes").Type.named()
		l := listInfo{field: f.Name, node: node, where: f.arg("where"), orderField: s.field(f.arg("orderBy"), "field").Type.named()}
		for _, cf := range s.types["Query"].Fields {
			if cf.arg("where") == l.where && cf.arg("groupBy") != "" {
				l.countField, l.groupBy = cf.Name, cf.arg("groupBy")
			}
		}
		for _, nf := range s.types[node].Fields {
			k := s.types[nf.Type.named()].Kind
			switch {
			case (k == "SCALAR" || k == "ENUM") && len(nf.Args) == 0:
				l.scalars = append(l.scalars, nf.Name)
			case strings.HasSuffix(nf.Type.named(), "Connection") && nf.arg("where") != "":
				l.rels = append(l.rels, nf)
			}
		}
		out = append(out, l)
	}
	return out
}

func systemStatsQuery(s *schemaInfo) string {
	return "{ systemStats " + selection(s, "SystemStats", 3) + " }"
}

// selection selects every field of an object type without arguments, to
// the given depth.
func selection(s *schemaInfo, ty string, depth int) string {
	var parts []string
	for _, f := range s.types[ty].Fields {
		if len(f.Args) > 0 {
			continue
		}
		sub := s.types[f.Type.named()]
		switch sub.Kind {
		case "SCALAR", "ENUM":
			parts = append(parts, f.Name)
		case "OBJECT":
			if depth > 1 {
				parts = append(parts, f.Name+" "+selection(s, sub.Name, depth-1))
			}
		case "INTERFACE", "UNION":
			if depth > 1 {
				parts = append(parts, f.Name+" { __typename ... on Node { id name } }")
			}
		}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// ---- values ----

// lit renders a Go value (from JSON) as a GraphQL literal of the input type.
func (d *differ) lit(typ string, v any) string {
	if d.schema.types[typ] != nil && d.schema.types[typ].Kind == "ENUM" {
		return fmt.Sprint(v)
	}
	switch x := v.(type) {
	case string:
		b, _ := json.Marshal(x)
		return string(b)
	case json.Number:
		return x.String()
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = d.lit(typ, e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// samples reads the values of the list's scalar fields from two pages of
// the embedded server.
func (d *differ) samples(l listInfo) map[string][]any {
	out := map[string][]any{}
	for _, page := range []string{"first: 100", "last: 100"} {
		q := fmt.Sprintf("{ %s(%s) { nodes { %s } } }", l.field, page, strings.Join(l.scalars, " "))
		r := post(d.t, d.a, q, nil)
		var data map[string]struct{ Nodes []map[string]any }
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.UseNumber()
		if err := dec.Decode(&data); err != nil {
			d.t.Fatalf("samples of %s: %v", l.field, err)
		}
		for _, n := range data[l.field].Nodes {
			for k, v := range n {
				if v != nil {
					out[k] = append(out[k], v)
				}
			}
		}
	}
	return out
}

func (d *differ) pick(vs []any) any { return vs[d.rng.IntN(len(vs))] }

// conds returns one condition (a where-object body) per operator of every
// filterable scalar field of the list, with values from the samples.
func (d *differ) conds(l listInfo, smp map[string][]any) []string {
	var out []string
	for _, f := range d.schema.types[l.where].InputFields {
		ft := f.Type.named()
		if !strings.HasSuffix(ft, "Filter") {
			continue
		}
		vs := smp[f.Name]
		for _, op := range d.schema.types[ft].InputFields {
			opType := op.Type.named()
			var v string
			switch {
			case len(vs) == 0 && opType == "Boolean":
				v = "true"
			case len(vs) == 0:
				// No value in the samples: a value no record has.
				switch opType {
				case "Int", "Float":
					v = "7"
				case "String", "ID":
					v = `"none"`
				default:
					if ev := d.schema.enum(opType); len(ev) > 0 {
						v = ev[0]
					}
				}
				if v == "" {
					continue
				}
				if op.Type.Kind == "LIST" {
					v = "[" + v + "]"
				}
			case op.Type.Kind == "LIST" || (op.Type.Kind == "NON_NULL" && op.Type.OfType.Kind == "LIST"):
				v = "[" + d.lit(opType, d.pick(vs)) + ", " + d.lit(opType, d.pick(vs)) + "]"
			case op.Name == "contains" || op.Name == "startsWith":
				x := d.pick(vs)
				if xs, ok := x.([]any); ok && len(xs) > 0 {
					x = xs[0] // contains on a list: an element
				}
				if s, ok := x.(string); ok && op.Name == "startsWith" {
					r := []rune(s)
					x = string(r[:min(len(r), 1+d.rng.IntN(4))])
				} else if s, ok := x.(string); ok && op.Name == "contains" && len([]rune(s)) > 3 {
					r := []rune(s)
					i := d.rng.IntN(len(r) - 2)
					x = string(r[i : i+2+d.rng.IntN(min(4, len(r)-i-1))])
				}
				v = d.lit(opType, x)
			default:
				x := d.pick(vs)
				if xs, ok := x.([]any); ok {
					if len(xs) == 0 {
						continue
					}
					x = xs[0]
				}
				v = d.lit(opType, x)
			}
			out = append(out, fmt.Sprintf("%s: {%s: %s}", f.Name, op.Name, v))
		}
	}
	return out
}

// cover returns the conditions of conds (of the list l, as conds makes
// them: "field: {op: value}") that together have every operator of every
// filter type of the list at least once and every field at least once:
// the first field of a type has all its operators, each other field of
// that type the first operator not yet sent for it, in a rotation over the
// type's operators. A condition of a filter type compiles to the same
// statement shape whatever the field (neo4jstore's TestCypherExplain has
// Neo4j plan the statement of every property and operator of every
// label); what differs between fields is the data, which every field
// still meets.
func (d *differ) cover(l listInfo, conds []string) []string {
	type parsed struct{ field, typ, op, text string }
	var byField [][]parsed
	for _, c := range conds {
		field, rest, ok := strings.Cut(c, ": {")
		op, _, _ := strings.Cut(rest, ":")
		if !ok {
			d.t.Fatalf("condition %q", c)
		}
		p := parsed{field, d.schema.field(l.where, field).Type.named(), op, c}
		if n := len(byField); n > 0 && byField[n-1][0].field == field {
			byField[n-1] = append(byField[n-1], p)
		} else {
			byField = append(byField, []parsed{p})
		}
	}
	var out []string
	sent := map[string]bool{} // filter type and operator
	fieldsOf := map[string]int{}
	for _, ps := range byField {
		k := fieldsOf[ps[0].typ]
		fieldsOf[ps[0].typ]++
		fieldSent := false
		for i := range ps {
			p := ps[(i+k)%len(ps)]
			if key := p.typ + "." + p.op; !sent[key] || !fieldSent {
				sent[key], fieldSent = true, true
				out = append(out, p.text)
			}
		}
	}
	return out
}

// ---- the generated requests ----

func (d *differ) list(l listInfo) {
	smp := d.samples(l)
	sel := "id " + strings.Join(l.scalars, " ")
	conds := d.conds(l, smp)
	orders := d.schema.enum(l.orderField)
	page := func(args string) string {
		return fmt.Sprintf("{ %s(%s) { totalCount edges { cursor node { %s } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }", l.field, args, sel)
	}
	// Every operator of every filter type and every field (cover), in the
	// default order and in a random one. Each field and operator pair
	// makes a statement text of its own, which Neo4j plans once: every
	// pair, 1,010 requests, took the Neo4j server 126 s of answering on a
	// new server, the walks below 12 s for 688 requests of a few texts
	// (docs/neo4j.md, "CI time (2026-12-03, ci11)").
	d.phase = "filters"
	for i, c := range d.cover(l, conds) {
		d.same(l.field+" filter", page("where: {"+c+"}, first: 25"), nil)
		if i%3 == 0 {
			o := orders[d.rng.IntN(len(orders))]
			d.same(l.field+" filter+order", page(fmt.Sprintf("where: {%s}, orderBy: [{field: %s, direction: DESC}], last: 7", c, o)), nil)
		}
	}
	// AND, OR, NOT, nested, over all the conditions.
	d.phase = "logic"
	if len(conds) > 1 {
		for i := 0; i < 3; i++ {
			a, b, c := conds[d.rng.IntN(len(conds))], conds[d.rng.IntN(len(conds))], conds[d.rng.IntN(len(conds))]
			d.same(l.field+" AND", page(fmt.Sprintf("where: {AND: [{%s}, {%s}]}, first: 20", a, b)), nil)
			d.same(l.field+" OR", page(fmt.Sprintf("where: {OR: [{%s}, {%s}]}, first: 20", a, b)), nil)
			d.same(l.field+" NOT", page(fmt.Sprintf("where: {NOT: {%s}}, first: 20", a)), nil)
			d.same(l.field+" nested", page(fmt.Sprintf("where: {OR: [{AND: [{%s}, {NOT: {%s}}]}, {%s}]}, first: 20", a, b, c)), nil)
		}
		// The empty condition and its negation (NOT: {} matches nothing).
		a := conds[d.rng.IntN(len(conds))]
		d.same(l.field+" NOT {}", page(fmt.Sprintf("where: {OR: [{NOT: {}}, {%s}]}, first: 20", a)), nil)
		d.same(l.field+" NOT NOT {}", page(fmt.Sprintf("where: {NOT: {NOT: {}}, AND: [{%s}]}, first: 20", a)), nil)
	}
	// Place filters.
	d.phase = "places"
	for _, pf := range []struct{ field, list string }{{"province", "provinces"}, {"prefecture", "prefectures"}, {"county", "counties"}} {
		if d.schema.field(l.where, pf.field) == nil {
			continue
		}
		for i := 0; i < 3; i++ {
			id := d.someID(pf.list)
			d.same(l.field+" "+pf.field, page(fmt.Sprintf("where: {%s: {id: {eq: %q}}}, first: 30", pf.field, id)), nil)
		}
		d.same(l.field+" "+pf.field+" name", page(fmt.Sprintf("where: {%s: {name: {startsWith: \"S\"}}}, last: 30", pf.field)), nil)
	}
	// Relationship filters: some and none, bare, on the far node, on the
	// relationship.
	d.phase = "relfilters"
	for _, f := range d.schema.types[l.where].InputFields {
		if !strings.HasSuffix(f.Name, "_some") && !strings.HasSuffix(f.Name, "_none") {
			continue
		}
		m := f.Type.named()
		d.same(l.field+" "+f.Name, page(fmt.Sprintf("where: {%s: {}}, first: 20", f.Name)), nil)
		if nw := d.schema.field(m, "node"); nw != nil && d.schema.field(nw.Type.named(), "name") != nil {
			d.same(l.field+" "+f.Name+" node", page(fmt.Sprintf(`where: {%s: {node: {name: {startsWith: "Generated"}}}}, first: 20`, f.Name)), nil)
			d.same(l.field+" "+f.Name+" node NOT", page(fmt.Sprintf(`where: {%s: {node: {NOT: {provenance: {eq: REPORTED}}}}}, first: 20`, f.Name)), nil)
		}
		if ew := d.schema.field(m, "edge"); ew != nil && d.schema.field(ew.Type.named(), "provenance") != nil {
			d.same(l.field+" "+f.Name+" edge", page(fmt.Sprintf(`where: {%s: {edge: {provenance: {ne: GENERATED}}}}, last: 20`, f.Name)), nil)
		}
	}
	// Every order, both directions, first and last pages.
	d.phase = "orders"
	for _, o := range orders {
		d.same(l.field+" order "+o, page(fmt.Sprintf("orderBy: [{field: %s, direction: ASC}], first: 15", o)), nil)
		d.same(l.field+" order "+o+" last", page(fmt.Sprintf("orderBy: [{field: %s, direction: DESC}], last: 15", o)), nil)
	}
	// Two keys.
	for i := 0; i < 4; i++ {
		o1, o2 := orders[d.rng.IntN(len(orders))], orders[d.rng.IntN(len(orders))]
		d.same(l.field+" two keys", page(fmt.Sprintf("orderBy: [{field: %s, direction: DESC}, {field: %s}], first: 25", o1, o2)), nil)
	}
	// Whole lists, forward and backward, following the cursors: by ID,
	// by a relationship count when there is one, and by a random order
	// (filtered by the negation of a random condition when the list has
	// conditions: most of the list). Each walk is a whole list twice (the
	// museums and schools: 80 and 124 pages); the random order's walk
	// without the filter, the fourth walk of earlier versions, covered
	// no order or paging that these three do not.
	walk := []string{"ID"}
	for _, o := range orders {
		if strings.HasSuffix(o, "_COUNT") {
			walk = append(walk, o)
			break
		}
	}
	where := ""
	if len(conds) > 0 {
		where = fmt.Sprintf("where: {NOT: {%s}}, ", conds[d.rng.IntN(len(conds))])
	}
	d.phase = "walk filtered"
	d.walk(l, sel, where, orders[d.rng.IntN(len(orders))])
	for _, o := range walk {
		d.phase = "walk ID"
		if o != "ID" {
			d.phase = "walk count"
		}
		d.walk(l, sel, "", o)
	}
	// Nested relationship connections, with their filters and orders.
	d.phase = "nested"
	for _, rf := range l.rels {
		conn := rf.Type.named()
		edge := d.schema.field(conn, "edges").Type.named()
		var edgeProps []string
		for _, ef := range d.schema.types[edge].Fields {
			if k := d.schema.types[ef.Type.named()].Kind; (k == "SCALAR" || k == "ENUM") && ef.Name != "cursor" {
				edgeProps = append(edgeProps, ef.Name)
			}
		}
		relOrders := d.schema.enum(d.schema.field(rf.arg("orderBy"), "field").Type.named())
		ro := relOrders[d.rng.IntN(len(relOrders))]
		countOrder := strings.ToUpper(camelToSnake(rf.Name)) + "_COUNT"
		top := "first: 8"
		if slices.Contains(orders, countOrder) {
			top = "orderBy: [{field: " + countOrder + ", direction: DESC}], first: 8"
		}
		q := fmt.Sprintf(`{ %s(%s) { nodes { id %s(orderBy: [{field: %s, direction: %s}], first: 6) { totalCount edges { cursor %s node { id __typename ... on Node { name } } } pageInfo { hasNextPage endCursor } } } } }`,
			l.field, top, rf.Name, ro, []string{"ASC", "DESC"}[d.rng.IntN(2)], strings.Join(edgeProps, " "))
		d.same(l.field+"."+rf.Name, q, nil)
		q = fmt.Sprintf(`{ %s(%s) { nodes { id %s(where: {node: {provenance: {ne: REPORTED}}}, last: 4) { totalCount edges { node { id } } pageInfo { hasPreviousPage startCursor } } } } }`,
			l.field, top, rf.Name)
		d.same(l.field+"."+rf.Name+" filtered", q, nil)
	}
	// Grouped counts, with and without a filter.
	d.phase = "counts"
	if l.countField != "" {
		for _, g := range d.schema.enum(l.groupBy) {
			d.same(l.countField+" "+g, fmt.Sprintf("{ %s(groupBy: %s) { key label count } }", l.countField, g), nil)
			if len(conds) > 0 {
				d.same(l.countField+" "+g+" filtered", fmt.Sprintf("{ %s(where: {%s}, groupBy: %s) { key label count } }", l.countField, conds[d.rng.IntN(len(conds))], g), nil)
			}
		}
	}
}

// walk pages through a whole list forward (first/after) and backward
// (last/before), comparing each page.
func (d *differ) walk(l listInfo, sel, where, order string) {
	for _, back := range []bool{false, true} {
		size := 100
		cursor := ""
		for pages := 0; pages < 200; pages++ {
			args := fmt.Sprintf("%sorderBy: [{field: %s}], ", where, order)
			if back {
				args += fmt.Sprintf("last: %d", size)
				if cursor != "" {
					args += fmt.Sprintf(", before: %q", cursor)
				}
			} else {
				args += fmt.Sprintf("first: %d", size)
				if cursor != "" {
					args += fmt.Sprintf(", after: %q", cursor)
				}
			}
			q := fmt.Sprintf("{ %s(%s) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }", l.field, args)
			r := d.same(fmt.Sprintf("%s walk %s back=%v page %d", l.field, order, back, pages), q, nil)
			var data map[string]struct {
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       string
				}
			}
			if err := json.Unmarshal(r.Data, &data); err != nil || len(r.Errors) > 0 {
				break
			}
			pi := data[l.field].PageInfo
			if back {
				if !pi.HasPreviousPage {
					break
				}
				cursor = pi.StartCursor
			} else {
				if !pi.HasNextPage {
					break
				}
				cursor = pi.EndCursor
			}
		}
	}
}

func (d *differ) someID(list string) string {
	var data map[string]struct{ Nodes []struct{ ID string } }
	query(d.t, d.a, fmt.Sprintf("{ %s(first: 100) { nodes { id } } }", list), nil, &data)
	ns := data[list].Nodes
	return ns[d.rng.IntN(len(ns))].ID
}

var upper = regexp.MustCompile(`([a-z0-9])([A-Z])`)

func camelToSnake(s string) string { return upper.ReplaceAllString(s, "${1}_${2}") }

// mutations: writes of every kind, each followed by reads of what it
// touched.
func (d *differ) mutations() {
	read := func(id string) {
		d.same("read "+id, fmt.Sprintf(`{ node(id: %q) { id __typename ... on Museum { name kind city openedYear province { id name } county { id } schoolPartners { totalCount edges { since activities node { id } } } } } }`, id), nil)
	}
	counts := func() {
		d.same("counts", `{ museums { totalCount } schools { totalCount } a: museumCounts(groupBy: PROVINCE) { key label count } b: schoolCounts(groupBy: PROVENANCE) { key count } }`, nil)
		d.same("partners order", `{ museums(orderBy: [{field: SCHOOL_PARTNERS_COUNT, direction: DESC}], first: 10) { nodes { id schoolPartners { totalCount } } } }`, nil)
	}
	province := d.someID("provinces")
	school := d.someID("schools")
	var ids []string
	for i := 0; i < 10; i++ {
		key := fmt.Sprintf("diff-museum-%d", i)
		r := d.same("create", fmt.Sprintf(`mutation { createMuseum(input: {key: %q, name: "Diff Museum %d", kind: STANDARD, openedYear: %d, provenance: REPORTED, source: "differential test"}) { id name kind openedYear } }`, key, i, 1990+i), nil)
		var data struct{ CreateMuseum struct{ ID string } }
		if err := json.Unmarshal(r.Data, &data); err != nil || data.CreateMuseum.ID == "" {
			d.t.Fatalf("createMuseum: %s %+v", r.Data, r.Errors)
		}
		id := data.CreateMuseum.ID
		ids = append(ids, id)
		read(id)
		d.same("create again", fmt.Sprintf(`mutation { createMuseum(input: {key: %q, name: "Again", kind: STANDARD, provenance: REPORTED, source: "x"}) { id } }`, key), nil)
		d.same("link", fmt.Sprintf(`mutation { linkLocatedIn(from: %q, to: %q, input: {provenance: REPORTED, source: "differential test"}) { from { id } } }`, id, province), nil)
		d.same("link partner", fmt.Sprintf(`mutation { linkPartnersWith(from: %q, to: %q, input: {since: %d, activities: %d, provenance: REPORTED, source: "differential test"}) { from { id } } }`, id, school, 2010+i, i), nil)
		read(id)
		d.same("update", fmt.Sprintf(`mutation { updateMuseum(id: %q, input: {city: "Diff City %d", openedYear: %d}) { id city openedYear } }`, id, i, 2000+i), nil)
		read(id)
	}
	counts()
	for i, id := range ids {
		switch i % 3 {
		case 0:
			d.same("unlink", fmt.Sprintf(`mutation { unlinkPartnersWith(from: %q, to: %q) }`, id, school), nil)
		case 1:
			d.same("update edge", fmt.Sprintf(`mutation { updatePartnersWith(from: %q, to: %q, input: {activities: 99}) { from { id } } }`, id, school), nil)
		case 2:
			d.same("delete", fmt.Sprintf(`mutation { deleteMuseum(id: %q) }`, id), nil)
		}
		read(id)
	}
	counts()
	// Errors: missing records, bad input.
	d.same("update missing", `mutation { updateMuseum(id: "TXVzZXVtOm5vLXN1Y2gtbXVzZXVt", input: {city: "x"}) { id } }`, nil)
	d.same("delete missing", `mutation { deleteMuseum(id: "TXVzZXVtOm5vLXN1Y2gtbXVzZXVt") }`, nil)
	d.same("link missing", fmt.Sprintf(`mutation { linkLocatedIn(from: "TXVzZXVtOm5vLXN1Y2gtbXVzZXVt", to: %q, input: {provenance: REPORTED, source: "x"}) { from { id } } }`, province), nil)
	// An existing museum with relationships, deleted.
	var data struct {
		Museums struct{ Nodes []struct{ ID string } }
	}
	query(d.t, d.a, `{ museums(where: {schoolPartners_some: {}}, orderBy: [{field: NAME}], first: 3) { nodes { id } } }`, nil, &data)
	for _, n := range data.Museums.Nodes {
		d.same("delete existing", fmt.Sprintf(`mutation { deleteMuseum(id: %q) }`, n.ID), nil)
		read(n.ID)
	}
	counts()
}
