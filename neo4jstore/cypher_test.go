package neo4jstore

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/internal/testenv"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/textsearch"
)

// sampleValue returns a value of the property's type for a condition.
func sampleValue(d *kepu.PropDef) any {
	switch d.Type {
	case kepu.Int:
		return int64(3)
	case kepu.Float:
		return 2.5
	case kepu.Bool:
		return true
	case kepu.Enum:
		return d.Values[0]
	case kepu.Date:
		return "2023-05-20"
	}
	return "x"
}

// opsFor lists the operators that apply to a property type.
func opsFor(t kepu.PropType) []kepu.Op {
	switch t {
	case kepu.String, kepu.Enum, kepu.Date:
		return kepu.Ops
	case kepu.StringList:
		return []kepu.Op{kepu.Eq, kepu.Ne, kepu.OneOf, kepu.Contains}
	}
	return []kepu.Op{kepu.Eq, kepu.Ne, kepu.OneOf, kepu.Gt, kepu.Gte, kepu.Lt, kepu.Lte}
}

// condsFor returns one condition per (property, operator) of a label, plus
// the null forms of eq and ne and the id conditions.
func condsFor(props []kepu.PropDef) []*kepu.Filter {
	var out []*kepu.Filter
	for i := range props {
		d := &props[i]
		for _, op := range opsFor(d.Type) {
			v := sampleValue(d)
			if d.Type == kepu.StringList {
				v = "x"
			}
			if op == kepu.OneOf {
				v = []any{v, nil}
			}
			out = append(out, kepu.C(d.Name, op, v))
		}
		out = append(out, kepu.C(d.Name, kepu.Eq, nil), kepu.C(d.Name, kepu.Ne, nil))
	}
	return append(out, kepu.C(kepu.PropID, kepu.Eq, "Museum:a"), kepu.C(kepu.PropID, kepu.OneOf, []any{"Museum:a"}))
}

// condShapes keeps, of conds (conditions on label l's properties), the
// ones whose statement shape is not in seen yet, and adds their shapes to
// seen. A condition's shape is the Cypher of the count statement of the
// condition alone with its property's and label's names replaced by
// placeholders: two conditions of one shape compile to the same Cypher up
// to those names (the compiler writes a name only as a quoted identifier),
// so the statements of the kept conditions, checked by the linter, cover
// the others (the linter's schema still checks every name: they are the
// property keys of every label; it does not know a property's type). Conditions differ in shape
// by operator and whatever else the compiler looks at (absent markers,
// list properties, the ID), and the shape names the property's type and
// the value's Go type (the parameters' types): 70 of the 1,105
// conditions of condsFor remain. The 11 labels' count statements held all
// 1,105 before: 111 of the linter's 254 CPU seconds in the last CI run.
func condShapes(t *testing.T, l kepu.Label, conds []*kepu.Filter, seen map[string]bool) []*kepu.Filter {
	t.Helper()
	var out []*kepu.Filter
	for _, c := range conds {
		if err := kepu.ValidateFilter(l, c); err != nil {
			t.Fatalf("%s filter: %v", l, err)
		}
		st, err := buildCountNodes(l, c)
		if err != nil {
			t.Fatalf("%s filter: %v", l, err)
		}
		shape := strings.ReplaceAll(st.Cypher, "`"+string(l)+"`", "`L`")
		if c.Cond != nil {
			shape = strings.ReplaceAll(shape, "`"+c.Cond.Prop+"`", "`P`")
			shape = strings.ReplaceAll(shape, "`"+AbsentKey(c.Cond.Prop)+"`", "`A`")
			// The property's type and the value's.
			if d := kepu.LookupLabel(l).Prop(c.Cond.Prop); d != nil {
				shape += fmt.Sprintf("\n%v %T", d.Type, c.Cond.Value)
			}
		}
		if !seen[shape] {
			seen[shape] = true
			out = append(out, c)
		}
	}
	return out
}

// corpus builds every statement the store can send: the fixed ones and the
// compiled ones for filters with every operator on every label, every
// relationship in both directions, place filters, every kind of sort key and
// paging in both directions.
//
// With shapes, the count statements hold one condition per statement
// shape (condShapes) instead of every property-operator pair: the
// linter's corpus. EXPLAIN (TestCypherExplain) gets every pair.
func corpus(t *testing.T, shapes bool) []namedStmt {
	t.Helper()
	var out []namedStmt
	add := func(name string, st stmt, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if st.Params == nil {
			st.Params = map[string]any{}
		}
		out = append(out, namedStmt{Name: name, Cypher: st.Cypher, Params: st.Params})
	}
	ids := map[string]any{"ids": []string{"Museum:a"}}
	add("ping", stmt{cypherPing, nil}, nil)
	add("version", stmt{cypherVersion, nil}, nil)
	add("meta", stmt{cypherMeta, map[string]any{"id": MetaIDPrefix + "k"}}, nil)
	add("setMeta", stmt{cypherSetMeta, map[string]any{"id": MetaIDPrefix + "k", "value": "v"}}, nil)
	add("deleteMeta", stmt{cypherDeleteMeta, map[string]any{"id": MetaIDPrefix + "k"}}, nil)
	add("bumpLogged", bumpLogged([]kepu.Change{{Kind: kepu.DeleteNode, ID: "Museum:a"}}), nil)
	add("walkEnds", walkEndsStmt("Museum:a", 10), nil)
	var found []kepu.Edge
	for _, d := range kepu.RelDefs() {
		found = append(found, kepu.Edge{Type: d.Type, From: "Museum:a", To: "School:b"})
	}
	readFound, _ := buildReadFound([]string{"Museum:a"}, found)
	add("readFound", readFound, nil)
	add("edgeChanges", stmt{cypherEdgeChanges, map[string]any{"since": int64(1), "keep": int64(ChangeLogWrites)}}, nil)
	for i, q := range ChangeLogSchema() {
		add(fmt.Sprintf("schemaChangeLog%d", i), stmt{q, nil}, nil)
	}
	add("nodes", stmt{cypherNodes, ids}, nil)
	for _, d := range kepu.LabelDefs() {
		add("nodesOf/"+string(d.Label), stmt{nodesOf(d.Label), ids}, nil)
	}
	add("locate", stmt{cypherLocate, ids}, nil)
	add("locatePlaces", stmt{cypherLocatePlaces, ids}, nil)
	add("updateNode", stmt{cypherUpdateNode(kepu.Museum), map[string]any{"id": "x", "set": map[string]any{}}}, nil)
	add("updateNodeAlone", stmt{cypherUpdateNodeAlone(kepu.Museum), map[string]any{"id": "x", "set": map[string]any{}, "keep": int64(10), "changes": "[]"}}, nil)
	add("deleteNode", stmt{cypherDeleteNode, map[string]any{"id": "x"}}, nil)
	add("deleteBatch", stmt{cypherDeleteBatch, map[string]any{"limit": 1}}, nil)
	add("anyNode", stmt{cypherAnyNode, nil}, nil)
	add("countGraph", stmt{cypherCountGraph, nil}, nil)
	for i, text := range []string{"北京科学 beijing kexue bjkxzx", "kx"} {
		q, err := textsearch.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		add(fmt.Sprintf("search%d", i), stmt{cypherSearch, map[string]any{"query": luceneQuery(q), "labels": []string{"Museum"}, "limit": int64(10)}}, nil)
	}
	add("searchAllLabels", stmt{cypherSearch, map[string]any{"query": "name:x*", "labels": []string{}, "limit": int64(10)}}, nil)
	add("searchMissing", stmt{cypherSearchMissing, map[string]any{"after": "", "all": true, "limit": int64(10)}}, nil)
	add("searchFill", stmt{cypherSearchFill, map[string]any{"rows": []any{map[string]any{"id": "Museum:a", "pinyin": "a", "initials": "a"}}, "clear": clearOldSearch}}, nil)
	add("searchFormat", stmt{cypherSearchFormat, nil}, nil)
	add("setSearchFormat", stmt{cypherSetSearchFormat, map[string]any{"format": int64(SearchKeysFormat)}}, nil)
	add("searchIndexProps", stmt{cypherSearchIndexProps, nil}, nil)
	add("schemaDropSearchIndex", stmt{cypherDropSearchIndex, nil}, nil)
	add("absentIndexes", stmt{cypherAbsentIndexes, nil}, nil)
	for _, d := range kepu.LabelDefs() {
		if len(absentMarked(d.Label)) > 0 {
			add("fillAbsent/"+string(d.Label), stmt{cypherFillAbsent(d.Label), map[string]any{"after": "", "limit": int64(10)}}, nil)
		}
	}
	for i, q := range SchemaStatements() {
		add(fmt.Sprintf("schema%d", i), stmt{q, nil}, nil)
	}
	add("awaitIndexes", stmt{cypherAwaitIndexes, map[string]any{"t": int64(10)}}, nil)
	ends := map[string]any{"from": "a", "to": "b"} // the parameters of write.go's edge statements
	withEnds := func(k string, v any) map[string]any {
		m := maps.Clone(ends)
		m[k] = v
		return m
	}
	add("missingEnd", stmt{cypherMissingEnd, map[string]any{"rows": []any{map[string]any{"i": int64(0), "from": "Museum:a", "to": "School:b"}}}}, nil)
	for _, d := range kepu.RelDefs() {
		add("putEdges/"+string(d.Type), stmt{cypherPutEdges(d.Type), map[string]any{"rows": []any{}}}, nil)
		add("bulkEdges/"+string(d.Type), stmt{cypherBulkEdges(d.Type), map[string]any{"rows": []any{}}}, nil)
		add("bulkEdges/"+string(d.Type)+"/elementIds", stmt{cypherBulkEdgesByElementID(d.Type), map[string]any{"rows": []any{}, "prefix": "4:x:"}}, nil)
		add("probeEdge/"+string(d.Type), stmt{cypherProbeEdge(d.Type), ends}, nil)
		add("createEdge/"+string(d.Type), stmt{cypherCreateEdge(d.Type), withEnds("props", map[string]any{})}, nil)
		add("updateEdge/"+string(d.Type), stmt{cypherUpdateEdge(d.Type), withEnds("set", map[string]any{})}, nil)
		add("deleteEdge/"+string(d.Type), stmt{cypherDeleteEdge(d.Type), ends}, nil)
		add("edges/"+string(d.Type), buildEdges(d.Type, "Museum:a", "School:b", 2), nil)
	}
	one, two := 1, 2
	seenRel := map[string]bool{}
	seenShape := map[string]bool{}
	for li, ld := range kepu.LabelDefs() {
		l := ld.Label
		add("putNodes/"+string(l), stmt{cypherPutNodes(l), map[string]any{"rows": []any{}}}, nil)
		add("bulkNodes/"+string(l), stmt{cypherBulkNodes(l), map[string]any{"rows": []any{}}}, nil)
		add("bulkNodes/"+string(l)+"/elementIds", stmt{cypherBulkNodeIDs(l), map[string]any{"rows": []any{}}}, nil)
		add("createNode/"+string(l), stmt{cypherCreateNode(l), map[string]any{"id": "x", "props": map[string]any{}}}, nil)

		// Every operator on every property, combined with And, Or, Not:
		// one condition per statement shape (condShapes), so every
		// condition the store can compile is in it up to its property's
		// and label's names.
		var st stmt
		var err error
		conds := condsFor(ld.Props)
		if shapes {
			conds = condShapes(t, l, conds, seenShape)
		}
		if len(conds) > 0 {
			f := &kepu.Filter{Or: []*kepu.Filter{{And: conds}, {Not: &kepu.Filter{Or: conds}}}}
			if err := kepu.ValidateFilter(l, f); err != nil {
				t.Fatalf("%s filter: %v", l, err)
			}
			st, err = buildCountNodes(l, f)
			add("countNodes/"+string(l), st, err)
		}

		// Every relationship of the label in both directions, some and none.
		for _, dir := range []kepu.Direction{kepu.Out, kepu.In} {
			for _, rd := range kepu.RelsOf(l, dir) {
				if seenRel[string(rd.Type)+dir.String()] {
					continue // each relationship and direction once
				}
				seenRel[string(rd.Type)+dir.String()] = true
				far := farLabels(&rd, dir)
				farDef := kepu.LookupLabel(far[0])
				rf := &kepu.Filter{And: []*kepu.Filter{
					{Rel: &kepu.RelCond{Rel: rd.Type, Dir: dir, Quant: kepu.Some,
						Node: kepu.And(kepu.C(kepu.PropName, kepu.Contains, "a"), &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.County}}),
						Edge: kepu.C(kepu.PropSource, kepu.StartsWith, "seed")}},
					{Rel: &kepu.RelCond{Rel: rd.Type, Dir: dir, Quant: kepu.None}},
				}}
				if err := kepu.ValidateFilter(l, rf); err != nil {
					t.Fatalf("%s %s %s: %v", l, rd.Type, dir, err)
				}
				st, err := buildFindNodes(l, rf, listPlan{limit: -1})
				add(fmt.Sprintf("relFilter/%s/%s/%s", l, rd.Type, dir), st, err)

				// The neighbor list of this relationship, paged both ways.
				order := []kepu.OrderKey{{Prop: kepu.PropName}, {Count: &kepu.RelCount{Rel: rd.Type, Dir: otherDir(dir)}, Desc: true}}
				if len(rd.Props) > 2 {
					order = append(order, kepu.OrderKey{Edge: true, Prop: rd.Props[2].Name, Desc: true})
				}
				for _, p := range farDef.Props {
					if p.Type.Ordered() && p.Name != kepu.PropName {
						order = append(order, kepu.OrderKey{Prop: p.Name})
						break
					}
				}
				keys := make([]any, len(order))
				keys[0] = "M"
				q := kepu.NeighborQuery{Rel: rd.Type, Dir: dir, Order: order,
					NodeFilter: conds2(farDef.Props), EdgeFilter: kepu.C(kepu.PropProvenance, kepu.Eq, kepu.Reported)}
				pl := listPlan{order: order, limit: 3, after: &kepu.Cursor{Keys: keys, ID: "Museum:a"}}
				if dir == kepu.In {
					pl = listPlan{order: order, limit: 3, reverse: true, before: &kepu.Cursor{Keys: keys, ID: "Museum:a"}}
				}
				st, err = buildNeighbors([]string{"Museum:a"}, q, pl)
				add(fmt.Sprintf("neighbors/%s/%s", rd.Type, dir), st, err)
				if dir == kepu.Out {
					st, err = buildCountNeighbors([]string{"Museum:a"}, q)
					add(fmt.Sprintf("countNeighbors/%s/%s", rd.Type, dir), st, err)
				}
			}
		}

		// Place filters at every level.
		if li < len(kepu.PlaceLabels) {
			lvl := kepu.PlaceLabels[li]
			pf := &kepu.Filter{Place: &kepu.PlaceCond{Level: lvl, Filter: kepu.C(kepu.PropName, kepu.Eq, "Anhui")}}
			st, err := buildFindNodes(l, pf, listPlan{limit: 5})
			add(fmt.Sprintf("placeFilter/%s/%s", l, lvl), st, err)
			// A place condition in an AND, with a condition on the node
			// (the statement starts from the place), and without a
			// filter on the place (it walks up from every node).
			af := &kepu.Filter{And: []*kepu.Filter{kepu.C(kepu.PropName, kepu.Ne, "x"), pf}}
			st, err = buildCountNodes(l, af)
			add(fmt.Sprintf("placeFilterAnd/%s/%s", l, lvl), st, err)
			st, err = buildFindNodes(l, &kepu.Filter{Place: &kepu.PlaceCond{Level: lvl}}, listPlan{limit: 5})
			add(fmt.Sprintf("placeFilterAny/%s/%s", l, lvl), st, err)
		}

		// Every kind of sort key, asc and desc, paged forwards and backwards
		// with cursors holding present and absent values.
		var order []kepu.OrderKey
		for _, p := range ld.Props {
			if p.Type.Ordered() {
				order = append(order, kepu.OrderKey{Prop: p.Name, Desc: len(order)%2 == 1})
			}
			if len(order) == 3 {
				break
			}
		}
		if rels := kepu.RelsOf(l, kepu.Out); len(rels) > 0 {
			order = append(order, kepu.OrderKey{Count: &kepu.RelCount{Rel: rels[0].Type, Dir: kepu.Out}})
		}
		order = append(order, kepu.OrderKey{Prop: kepu.PropID, Desc: true})
		keys := make([]any, len(order))
		for i := range keys {
			if i%2 == 0 {
				keys[i] = "v"
			}
		}
		cur := &kepu.Cursor{Keys: keys, ID: string(l) + ":a"}
		plans := []listPlan{
			{order: order, limit: one + 1, after: cur},
			{order: order, limit: two + 1, reverse: true, before: cur},
			{order: order, limit: -1, after: cur, before: cur},
			{order: nil, limit: 1},
		}
		st, err = buildFindNodes(l, nil, plans[li%len(plans)])
		add(fmt.Sprintf("findNodes/%s", l), st, err)

		// The same order without the relationship count, as the segments
		// of a page read from the indexes, forwards and backwards, from a
		// cursor and from the start.
		var porder []kepu.OrderKey
		var pkeys []any
		for i, k := range order {
			if k.Count == nil {
				porder, pkeys = append(porder, k), append(pkeys, keys[i])
			}
		}
		pcur := &kepu.Cursor{Keys: pkeys, ID: string(l) + ":a"}
		for pi, p := range []listPlan{
			{order: porder, limit: 3, after: pcur},
			{order: porder, limit: 3, reverse: true, before: pcur},
			{order: porder, limit: 3},
			{order: porder, limit: -1, reverse: true},
			{order: nil, limit: 3, after: pcur},
		} {
			if p.order == nil {
				p.after = &kepu.Cursor{ID: pcur.ID}
			}
			segs, ok, err := buildFindSegments(l, conds2(ld.Props), p)
			if err != nil || !ok {
				t.Fatalf("findSegments/%s/%d: ok %v, %v", l, pi, ok, err)
			}
			for si, st := range segs {
				if p.limit >= 0 {
					st.Params = maps.Clone(st.Params)
					st.Params["limit"] = int64(p.limit)
				}
				add(fmt.Sprintf("findSegments/%s/%d/%d", l, pi, si), st, nil)
			}
		}

		// The nodes of the label in many places at once, filtered and paged
		// like findNodes (each plan once per label), and their counts.
		places := []string{"Province:AH", "Prefecture:340100", "County:110105"}
		pf := kepu.And(conds2(ld.Props), &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.County, Filter: kepu.C(kepu.PropName, kepu.Ne, "x")}})
		st, err = buildPlaceNodes(places, l, pf, plans[(li+1)%len(plans)])
		add(fmt.Sprintf("placeNodes/%s", l), st, err)
		st, err = buildPlaceNodes(places, l, nil, plans[(li+2)%len(plans)])
		add(fmt.Sprintf("placeNodes/nofilter/%s", l), st, err)
		st, err = buildCountPlaceNodes(places, l, pf)
		add(fmt.Sprintf("countPlaceNodes/%s", l), st, err)
		st, err = buildCountPlaceNodes(places, l, nil)
		add(fmt.Sprintf("countPlaceNodes/nofilter/%s", l), st, err)

		// Aggregates: no group, a property group, every place level; sums.
		var sums []string
		for _, p := range ld.Props {
			if p.Type == kepu.Int || p.Type == kepu.Float {
				sums = append(sums, p.Name)
			}
		}
		groups := []string{"", kepu.PropProvenance, "Province", "Prefecture", "County"}
		g := groups[li%len(groups)]
		st, err = buildAggregate(kepu.AggregateQuery{Label: l, Filter: kepu.C(kepu.PropName, kepu.Ne, "x"), GroupBy: g, Sum: sums})
		add(fmt.Sprintf("aggregate/%s/%s", l, g), st, err)
	}
	for _, d := range kepu.RelDefs() {
		var sums []string
		for _, p := range d.Props {
			if p.Type == kepu.Int || p.Type == kepu.Float {
				sums = append(sums, p.Name)
			}
		}
		st, err := buildAggregateEdges(kepu.EdgeAggregateQuery{Rel: d.Type, Sum: sums,
			FromFilter: kepu.C(kepu.PropName, kepu.Eq, "a"), ToFilter: kepu.C(kepu.PropName, kepu.Eq, "b"),
			EdgeFilter: kepu.C(kepu.PropSource, kepu.Eq, "s")})
		add("aggregateEdges/"+string(d.Type), st, err)
		st, err = buildAggregateEdges(kepu.EdgeAggregateQuery{Rel: d.Type, FromLabel: d.From[0], ToLabel: d.To[0]})
		add("aggregateEdges/labels/"+string(d.Type), st, err)
	}
	return out
}

func otherDir(d kepu.Direction) kepu.Direction {
	if d == kepu.In {
		return kepu.Out
	}
	return kepu.In
}

// conds2 returns a small filter over the first two ordered properties.
func conds2(props []kepu.PropDef) *kepu.Filter {
	var fs []*kepu.Filter
	for i := range props {
		if len(fs) == 2 {
			break
		}
		fs = append(fs, kepu.C(props[i].Name, kepu.Ne, sampleValue(&props[i])))
	}
	return kepu.And(fs...)
}

type namedStmt struct {
	Name   string         `json:"name"`
	Cypher string         `json:"cypher"`
	Params map[string]any `json:"params"`
}

// TestCypherLint checks every statement with Neo4j's parser and semantic
// analysis (tools/cypherlint). Without Node.js or the linter's npm
// packages it skips, unless CI is set (see internal/testenv).
func TestCypherLint(t *testing.T) {
	dir, err := filepath.Abs("../tools/cypherlint")
	if err != nil {
		t.Fatal(err)
	}
	node := testenv.Node(t)
	testenv.NPMPackage(t, dir, "@neo4j-cypher/language-support")
	stmts := corpus(t, true) // one condition per shape: condShapes
	var labels, rels, props []string
	// Property keys, plus the keys of the row maps of batched writes.
	propSet := map[string]bool{IDKey: true, "i": true, "from": true, "to": true, "props": true,
		PropSearchWords: true, PropSearchHan: true, PropSearchPinyin: true, PropSearchInitials: true, // search keys and their fill rows
		"words": true, "han": true, "pinyin": true, "initials": true, "format": true}
	labels = append(labels, CommonLabel, VersionLabel, ChangeLabel)
	propSet[VersionProp] = true
	propSet[MetaValueProp] = true // metadata entries (meta.go)
	propSet["changes"] = true     // the edge log's entries (changes.go)
	for _, d := range kepu.LabelDefs() {
		labels = append(labels, string(d.Label))
		for _, p := range d.Props {
			propSet[p.Name] = true
		}
	}
	for _, d := range kepu.RelDefs() {
		rels = append(rels, string(d.Type))
		for _, p := range d.Props {
			propSet[p.Name] = true
		}
	}
	for p := range propSet {
		props = append(props, p)
	}
	doc := map[string]any{
		"schema":     map[string]any{"labels": labels, "relationshipTypes": rels, "propertyKeys": props},
		"statements": stmts,
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "corpus.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, filepath.Join(dir, "lint.mjs"), file).CombinedOutput()
	if err != nil {
		t.Fatalf("cypher lint failed: %v\n%s", err, out)
	}
	t.Logf("%d statements: %s", len(stmts), strings.TrimSpace(lastLine(string(out))))
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// TestClientTextOnlyInParams compiles filters holding hostile text and checks
// that the text reaches the parameters and never the Cypher.
func TestClientTextOnlyInParams(t *testing.T) {
	hostile := []string{
		"a'b", `a"b`, `back\slash`, "tick`tick", "x}) DETACH DELETE n //", "' OR 1=1 --",
		"MATCH (n) DETACH DELETE n", "$ids", "\u0000nul", "名字\n`)",
	}
	for _, h := range hostile {
		f := &kepu.Filter{Or: []*kepu.Filter{
			kepu.C(kepu.PropName, kepu.Eq, h),
			kepu.C(kepu.PropName, kepu.Contains, h),
			kepu.C(kepu.PropNameZh, kepu.StartsWith, h),
			kepu.C(kepu.PropID, kepu.OneOf, []any{h}),
			{Rel: &kepu.RelCond{Rel: kepu.LocatedIn, Dir: kepu.Out, Quant: kepu.Some,
				Node: kepu.C(kepu.PropName, kepu.Gt, h), Edge: kepu.C(kepu.PropSource, kepu.Eq, h)}},
			{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, h)}},
		}}
		if err := kepu.ValidateFilter(kepu.Museum, f); err != nil {
			t.Fatal(err)
		}
		cur := &kepu.Cursor{Keys: []any{h}, ID: h}
		st, err := buildFindNodes(kepu.Museum, f, listPlan{order: []kepu.OrderKey{{Prop: kepu.PropName}}, after: cur, limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(st.Cypher, h) {
			t.Fatalf("client text %q appears in Cypher: %s", h, st.Cypher)
		}
		found := 0
		for _, v := range st.Params {
			if v == h {
				found++
			}
			if l, ok := v.([]any); ok && len(l) == 1 && l[0] == h {
				found++
			}
		}
		if found < 7 {
			t.Fatalf("text %q found in %d parameters, want at least 7: %v", h, found, st.Params)
		}
	}
	// Unknown properties never reach the compiler's output.
	if _, err := buildCountNodes(kepu.Museum, kepu.C("name` }) DETACH DELETE n //", kepu.Eq, "x")); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Fatalf("unknown property: got %v", err)
	}
}

// TestNotIsTwoValued checks that conditions never yield null, so that NOT of a
// condition on an absent property holds, as in the embedded store.
func TestNotIsTwoValued(t *testing.T) {
	for _, op := range []kepu.Op{kepu.Eq, kepu.Ne, kepu.Gt, kepu.Contains, kepu.StartsWith} {
		st, err := buildCountNodes(kepu.Museum, &kepu.Filter{Not: kepu.C("city", op, "x")})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(st.Cypher, "n.`city` IS NOT NULL AND") {
			t.Errorf("%s: condition is not guarded against null: %s", op, st.Cypher)
		}
	}
}

// unusedParams returns the names of the parameters of params that the
// statement's text never references ($name), sorted.
func unusedParams(cypher string, params map[string]any) []string {
	used := map[string]bool{}
	for _, m := range paramRef.FindAllStringSubmatch(cypher, -1) {
		used[m[1]] = true
	}
	var out []string
	for name := range params {
		if !used[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// TestStatementParams checks that no statement of the corpus (every
// statement the compilers build: filters, pages, segments, counts,
// aggregates, writes) carries a parameter its text does not use: Neo4j
// accepts such a parameter silently, so a statement that lost the use of
// a value (or got one meant for another statement of its page) would
// still run. The conformance suite checks the statements the store really
// sends the same way (TestConformance's recorder).
func TestStatementParams(t *testing.T) {
	stmts := corpus(t, false)
	bad := 0
	for _, st := range stmts {
		if u := unusedParams(st.Cypher, st.Params); len(u) > 0 {
			bad++
			if bad <= 1000 {
				t.Errorf("%s: parameters %v unused by %s", st.Name, u, st.Cypher)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d statements carry parameters they do not use", bad, len(stmts))
	}
}
