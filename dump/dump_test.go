package dump_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/dump/dumptest"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

var ctx = context.Background()

func openEmbedded(t testing.TB) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// reference returns the dump of the reference dataset, loaded into an
// embedded store.
func reference(t testing.TB) []byte {
	t.Helper()
	st := openEmbedded(t)
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	c, err := dump.Write(ctx, st, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if c.Nodes < 10000 || c.Edges < 20000 {
		t.Fatalf("dump of the reference dataset holds %+v", c)
	}
	return buf.Bytes()
}

// roundTrip loads d into st (empty) and dumps st again.
func roundTrip(t *testing.T, st kepu.Store, d []byte) []byte {
	t.Helper()
	g, err := dump.Read(bytes.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dump.Load(ctx, st, g, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := dump.Write(ctx, st, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + la[i] + "\nvs   " + lb[i]
		}
	}
	return "lengths differ"
}

// TestRoundTripEmbedded: dump → load → dump is byte-identical.
func TestRoundTripEmbedded(t *testing.T) {
	d1 := reference(t)
	d2 := roundTrip(t, openEmbedded(t), d1)
	if !bytes.Equal(d1, d2) {
		t.Fatalf("dump after load differs (%d and %d bytes): %s", len(d1), len(d2), firstDiff(d1, d2))
	}
	// Every line carries the record's provenance.
	for i, l := range strings.Split(strings.TrimSpace(string(d1)), "\n")[1:] {
		if !strings.Contains(l, `"provenance":"`) || !strings.Contains(l, `"source":"`) {
			t.Fatalf("line %d has no provenance: %s", i+2, l)
		}
	}
}

// TestRoundTripNeo4j moves the embedded dump into Neo4j and dumps it from
// there: the bytes are the same. It WIPES the database at NEO4J_URI.
func TestRoundTripNeo4j(t *testing.T) {
	if os.Getenv("NEO4J_URI") == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to run the round trip against (it WIPES the database it is given)")
	}
	st := neo4jtest.Fresh(t) // one test binary at a time on the server
	d1 := reference(t)
	d2 := roundTrip(t, st, d1)
	if !bytes.Equal(d1, d2) {
		t.Fatalf("dump from Neo4j differs from the embedded store's (%d and %d bytes): %s", len(d1), len(d2), firstDiff(d1, d2))
	}
}

const head = `{"kepugraph":"dump","version":1,"nodes":2,"edges":1}` + "\n"
const n1 = `{"node":"Province:p","label":"Province","props":{"code":"CN-P","name":"P","provenance":"REFERENCE","source":"t"}}` + "\n"
const n2 = `{"node":"Prefecture:f","label":"Prefecture","props":{"gbCode":"1","name":"F","provenance":"REFERENCE","source":"t"}}` + "\n"
const e1 = `{"edge":"PART_OF","from":"Prefecture:f","to":"Province:p","props":{"provenance":"REFERENCE","source":"t"}}` + "\n"

func TestReadAndLoad(t *testing.T) {
	st := openEmbedded(t)
	g, err := dump.Read(strings.NewReader(head + n1 + n2 + e1))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := dump.Load(ctx, st, g, dump.Options{}); err != nil || c != (dump.Counts{Nodes: 2, Edges: 1}) {
		t.Fatalf("Load = %+v, %v", c, err)
	}
	// A store with nodes is refused without Force, taken with it.
	if _, err := dump.Load(ctx, st, g, dump.Options{}); kepu.ErrorCode(err) != kepu.Conflict {
		t.Fatalf("Load into a non-empty store: %v, want CONFLICT", err)
	}
	if _, err := dump.Load(ctx, st, g, dump.Options{Force: true}); err != nil {
		t.Fatalf("Load with Force: %v", err)
	}
}

// TestReadRejects: every kind of bad dump is refused with BAD_USER_INPUT
// naming the line, before anything is written.
func TestReadRejects(t *testing.T) {
	for name, in := range map[string]string{
		"empty":              "",
		"no header":          n1 + n2 + e1,
		"other version":      strings.Replace(head, `"version":1`, `"version":2`, 1) + n1 + n2 + e1,
		"not JSON":           head + n1 + "{node\n" + e1,
		"invalid UTF-8":      head + strings.Replace(n1, `"P"`, "\"P\xff\"", 1) + n2 + e1,
		"unknown field":      head + strings.Replace(n1, `"label"`, `"lable":"x","label"`, 1) + n2 + e1,
		"unknown property":   head + strings.Replace(n1, `"name"`, `"nmae"`, 1) + n2 + e1,
		"missing provenance": head + strings.Replace(n1, `"provenance":"REFERENCE",`, ``, 1) + n2 + e1,
		"wrong type":         head + strings.Replace(n1, `"name":"P"`, `"name":5`, 1) + n2 + e1,
		"missing endpoint":   head + n1 + strings.Replace(e1, `"to":"Province:p"`, `"to":"Province:q"`, 1) + n2,
		"edge before node":   strings.Replace(head, `"nodes":2`, `"nodes":2`, 1) + n1 + e1 + n2,
		"duplicate node":     strings.Replace(head, `"nodes":2`, `"nodes":3`, 1) + n1 + n1 + n2 + e1,
		"truncated":          head + n1 + n2,
		"neither":            head + n1 + n2 + `{"x":1}` + "\n",
		"two values":         head + strings.TrimSuffix(n1, "\n") + "{}\n" + n2 + e1,
	} {
		if _, err := dump.Read(strings.NewReader(in)); kepu.ErrorCode(err) != kepu.BadUserInput {
			t.Errorf("%s: err = %v, want BAD_USER_INPUT", name, err)
		}
	}
}

// TestReadRejectsHidden: what encoding/json would take silently or
// describe poorly is refused with BAD_USER_INPUT and a message naming the
// line and the fault: a key given twice in one object (json keeps the last
// value: a property, the node's ID or the header's count would change
// without a word), an empty line, a line cut off inside its JSON (a dump
// written to standard output and killed). A byte-order mark before the
// header and CRLF line ends, which editors add, are read.
func TestReadRejectsHidden(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"property twice": {head + strings.Replace(n1, `"name":"P"`, `"name":"P","name":"Q"`, 1) + n2 + e1,
			`line 2: key "name" given twice in one object`},
		"field twice": {head + strings.Replace(n1, `{"node":"Province:p"`, `{"node":"Province:x","node":"Province:p"`, 1) + n2 + e1,
			`line 2: key "node" given twice in one object`},
		"escaped property twice": {head + strings.Replace(n1, `"name":"P"`, `"name":"P","na\u006de":"Q"`, 1) + n2 + e1,
			`line 2: key "name" given twice in one object`},
		"edge property twice": {head + n1 + n2 + strings.Replace(e1, `"source":"t"`, `"source":"t","source":"u"`, 1),
			`line 4: key "source" given twice in one object`},
		"header count twice": {strings.Replace(head, `"nodes":2`, `"nodes":5,"nodes":2`, 1) + n1 + n2 + e1,
			`line 1: header: key "nodes" given twice in one object`},
		"empty line":    {head + n1 + "\n" + n2 + e1, "line 3: empty line"},
		"trailing line": {head + n1 + n2 + e1 + "\n", "line 5: empty line"},
		"cut off":       {head + n1 + n2 + e1[:30], "line 4: not a JSON object: the line ends inside it (a cut-off file?)"},
		"array":         {head + "[1]\n" + n1 + n2 + e1, "line 2: not a JSON object"},
	} {
		g, err := dump.Read(strings.NewReader(tc.in))
		if kepu.ErrorCode(err) != kepu.BadUserInput || !strings.Contains(kepu.ErrorMessage(err), tc.want) {
			t.Errorf("%s: Read = %v, %v; want BAD_USER_INPUT %q", name, g != nil, err, tc.want)
		}
	}
	for name, in := range map[string]string{
		"byte-order mark": "\ufeff" + head + n1 + n2 + e1,
		"CRLF":            strings.ReplaceAll(head+n1+n2+e1, "\n", "\r\n"),
	} {
		g, err := dump.Read(strings.NewReader(in))
		if err != nil || len(g.Nodes) != 2 || len(g.Edges) != 1 || g.Nodes[0].Props["name"] != "P" {
			t.Errorf("%s: Read = %+v, %v; want the 2 nodes and the edge", name, g, err)
		}
	}
}

// TestLoadForceConflict: a dump loaded with Force whose LOCATED_IN (or
// PART_OF) edge would give a node a second place in the store is refused
// with CONFLICT naming both places before anything is written. The store
// refused that edge only after the nodes' batches were written: the museum
// was renamed and 1,501 other nodes were added, its place unchanged.
func TestLoadForceConflict(t *testing.T) {
	st := openEmbedded(t)
	prov := func(k string) kepu.Node {
		return kepu.Node{ID: "Province:" + k, Label: kepu.Province, Props: kepu.Props{"code": "CN-" + k, "name": k, "provenance": "REFERENCE", "source": "t"}}
	}
	pref := func(k string) kepu.Node {
		return kepu.Node{ID: "Prefecture:" + k, Label: kepu.Prefecture, Props: kepu.Props{"gbCode": "1", "name": k, "provenance": "REFERENCE", "source": "t"}}
	}
	mus := func(k, name string) kepu.Node {
		return kepu.Node{ID: "Museum:" + k, Label: kepu.Museum, Props: kepu.Props{"kind": "STANDARD", "name": name, "provenance": "REPORTED", "source": "t"}}
	}
	edge := func(r kepu.RelType, from, to string) kepu.Edge {
		return kepu.Edge{Type: r, From: from, To: to, Props: kepu.Props{"provenance": "REPORTED", "source": "t"}}
	}
	g1 := &dump.Graph{Nodes: []kepu.Node{prov("P"), prov("Q"), pref("f"), mus("m", "Old")},
		Edges: []kepu.Edge{edge(kepu.LocatedIn, "Museum:m", "Province:P"), edge(kepu.PartOf, "Prefecture:f", "Province:P")}}
	if _, err := dump.Load(ctx, st, g1, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		e    kepu.Edge
		want string
	}{
		"second place":  {edge(kepu.LocatedIn, "Museum:m", "Province:Q"), "Museum:m already has a LOCATED_IN place (an institution has one): Province:P"},
		"second parent": {edge(kepu.PartOf, "Prefecture:f", "Province:Q"), "Prefecture:f already has a PART_OF parent (a place has one): Province:P"},
	} {
		g2 := &dump.Graph{Nodes: []kepu.Node{prov("Q"), pref("f"), mus("m", "New")}, Edges: []kepu.Edge{tc.e}}
		for i := range 1500 {
			g2.Nodes = append(g2.Nodes, mus(fmt.Sprint("f", i), "F"))
		}
		c, err := dump.Load(ctx, st, g2, dump.Options{Force: true})
		if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(kepu.ErrorMessage(err), tc.want) || c != (dump.Counts{}) {
			t.Errorf("%s: Load = %+v, %v; want CONFLICT %q and nothing written", name, c, err, tc.want)
		}
		got, err := st.Nodes(ctx, []string{"Museum:m", "Museum:f0"})
		if err != nil {
			t.Fatal(err)
		}
		if got["Museum:m"].Props["name"] != "Old" || len(got) != 1 {
			t.Errorf("%s: after the refused load Museum:m is named %v and %d of 2 nodes exist; want Old and 1", name, got["Museum:m"].Props["name"], len(got))
		}
	}
	// The same edges as the store's, and a new place for a node without
	// one, load.
	g3 := &dump.Graph{Nodes: []kepu.Node{prov("P"), prov("Q"), mus("m", "New"), mus("n", "N")},
		Edges: []kepu.Edge{edge(kepu.LocatedIn, "Museum:m", "Province:P"), edge(kepu.LocatedIn, "Museum:n", "Province:Q")}}
	if c, err := dump.Load(ctx, st, g3, dump.Options{Force: true}); err != nil || c != (dump.Counts{Nodes: 4, Edges: 2}) {
		t.Fatalf("Load of compatible edges = %+v, %v", c, err)
	}
}

// TestReadHierarchyRules: a dump that `kepugraph check` would refuse for
// its place hierarchy (a PART_OF between two prefectures, which is how a
// cycle starts; a second parent; a second place) is refused by Read,
// naming the line and the record, before anything is written.
func TestReadHierarchyRules(t *testing.T) {
	f2 := strings.ReplaceAll(n2, "Prefecture:f", "Prefecture:g")
	p2 := strings.ReplaceAll(n1, "Province:p", "Province:q")
	m := `{"node":"Museum:m","label":"Museum","props":{"kind":"STANDARD","name":"M","provenance":"REPORTED","source":"t"}}` + "\n"
	edge := func(typ, from, to string) string {
		return `{"edge":"` + typ + `","from":"` + from + `","to":"` + to + `","props":{"provenance":"REFERENCE","source":"t"}}` + "\n"
	}
	hdr := func(nodes, edges int) string {
		return fmt.Sprintf(`{"kepugraph":"dump","version":1,"nodes":%d,"edges":%d}`+"\n", nodes, edges)
	}
	for name, tc := range map[string]struct{ in, want string }{
		"same level": {hdr(3, 1) + n1 + n2 + f2 + edge("PART_OF", "Prefecture:f", "Prefecture:g"),
			"line 5: PART_OF edge from Prefecture:f to Prefecture:g: PART_OF cannot join Prefecture to Prefecture"},
		"second parent": {hdr(3, 2) + n1 + n2 + p2 + e1 + edge("PART_OF", "Prefecture:f", "Province:q"),
			"line 6: PART_OF edge from Prefecture:f to Province:q: Prefecture:f already has a PART_OF parent"},
		"second place": {hdr(4, 2) + n1 + n2 + p2 + m + edge("LOCATED_IN", "Museum:m", "Province:p") + edge("LOCATED_IN", "Museum:m", "Province:q"),
			"line 7: LOCATED_IN edge from Museum:m to Province:q: Museum:m already has a LOCATED_IN place"},
	} {
		_, err := dump.Read(strings.NewReader(tc.in))
		if kepu.ErrorCode(err) != kepu.BadUserInput || !strings.Contains(kepu.ErrorMessage(err), tc.want) {
			t.Errorf("%s: err = %v, want BAD_USER_INPUT %q", name, err, tc.want)
		}
	}
}

// TestRoundTripEveryProperty: a graph with every property of every label
// and relationship type at the edges of its range (dumptest.EveryProperty) goes
// through Load, Write, Read, Load and Write: the records come back as
// they were, value for value, and the two dumps are the same bytes.
func TestRoundTripEveryProperty(t *testing.T) {
	g := dumptest.EveryProperty()
	st := openEmbedded(t)
	if _, err := dump.Load(ctx, st, g, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	var d1 bytes.Buffer
	if _, err := dump.Write(ctx, st, &d1); err != nil {
		t.Fatal(err)
	}
	back, err := dump.Read(bytes.NewReader(d1.Bytes()))
	if err != nil {
		t.Fatalf("Read of the dump: %v", err)
	}
	sameGraph(t, g, back)
	d2 := roundTrip(t, openEmbedded(t), d1.Bytes())
	if !bytes.Equal(d1.Bytes(), d2) {
		t.Fatalf("dump after load differs: %s", firstDiff(d1.Bytes(), d2))
	}
}

// sameGraph compares two graphs record by record, whatever their order.
func sameGraph(t *testing.T, want, got *dump.Graph) {
	t.Helper()
	nodes := map[string]kepu.Node{}
	for _, n := range got.Nodes {
		nodes[n.ID] = n
	}
	if len(got.Nodes) != len(want.Nodes) || len(got.Edges) != len(want.Edges) {
		t.Errorf("%d nodes and %d edges, want %d and %d", len(got.Nodes), len(got.Edges), len(want.Nodes), len(want.Edges))
	}
	for _, n := range want.Nodes {
		g, ok := nodes[n.ID]
		if !ok || g.Label != n.Label || !reflect.DeepEqual(g.Props, n.Props) {
			t.Errorf("node %s: got %s %#v\nwant %s %#v", n.ID, g.Label, g.Props, n.Label, n.Props)
		}
	}
	edges := map[string]kepu.Edge{}
	for _, e := range got.Edges {
		edges[e.Key()] = e
	}
	for _, e := range want.Edges {
		if g, ok := edges[e.Key()]; !ok || !reflect.DeepEqual(g.Props, e.Props) {
			t.Errorf("edge %s: got %#v\nwant %#v", e.Key(), g.Props, e.Props)
		}
	}
}

// TestRoundTripEveryPropertyNeo4j moves the graph of dumptest.EveryProperty from
// the embedded store into Neo4j and back: the same records and the same
// dump. It WIPES the database at NEO4J_URI.
func TestRoundTripEveryPropertyNeo4j(t *testing.T) {
	if os.Getenv("NEO4J_URI") == "" {
		t.Skip("NEO4J_URI is not set: no Neo4j server to run the round trip against (it WIPES the database it is given)")
	}
	st := neo4jtest.Fresh(t)
	emb := openEmbedded(t)
	if _, err := dump.Load(ctx, emb, dumptest.EveryProperty(), dump.Options{}); err != nil {
		t.Fatal(err)
	}
	var d1 bytes.Buffer
	if _, err := dump.Write(ctx, emb, &d1); err != nil {
		t.Fatal(err)
	}
	d2 := roundTrip(t, st, d1.Bytes())
	back, err := dump.Read(bytes.NewReader(d2))
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, dumptest.EveryProperty(), back)
	if !bytes.Equal(d1.Bytes(), d2) {
		t.Fatalf("dump from Neo4j differs from the embedded store's: %s", firstDiff(d1.Bytes(), d2))
	}
}

// hidingStore lists the nodes of its store but one, as a store does whose
// node was made between the read of its label and the read of the edges.
type hidingStore struct {
	kepu.Store
	hide string
}

func (s hidingStore) FindNodes(ctx context.Context, q kepu.NodeQuery) (kepu.NodePage, error) {
	p, err := s.Store.FindNodes(ctx, q)
	for i, n := range p.Nodes {
		if n.ID == s.hide {
			p.Nodes = slices.Delete(p.Nodes, i, i+1)
			p.Cursors = slices.Delete(p.Cursors, i, i+1)
			break
		}
	}
	return p, err
}

// TestWriteChangedGraph: a graph that changed between the reads of its
// nodes and of its edges (an edge to a node not read) is refused with
// CONFLICT, nothing written; before, the dump was written and Read
// refused it ("an endpoint is not among the dump's nodes") at load time.
func TestWriteChangedGraph(t *testing.T) {
	st := openEmbedded(t)
	g, err := dump.Read(strings.NewReader(head + n1 + n2 + e1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dump.Load(ctx, st, g, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, err = dump.Write(ctx, hidingStore{st, "Province:p"}, &buf)
	if kepu.ErrorCode(err) != kepu.Conflict || !strings.Contains(kepu.ErrorMessage(err), "the graph changed while it was read: the PART_OF edge from Prefecture:f goes to Province:p") || buf.Len() != 0 {
		t.Fatalf("Write = %v, %d bytes; want CONFLICT naming the edge and nothing written", err, buf.Len())
	}
	if _, err := dump.Write(ctx, st, &buf); err != nil {
		t.Fatal(err)
	}
}

// FuzzRead: Read never panics, and what it accepts is a graph whose
// records the store takes (it loads) and whose dump Read accepts again.
func FuzzRead(f *testing.F) {
	for _, s := range []string{head + n1 + n2 + e1, head + n1 + n2 + e1 + "\n", "\ufeff" + head, `{"kepugraph":"dump","version":1,"nodes":0,"edges":0}`,
		head + strings.Replace(n1, `"name":"P"`, `"name":"P","na\u006de":"Q"`, 1) + n2 + e1, head + `[{"a":[1,{"b":"\"}"}]}]`, "{}{}\n", `"x"`, "[]", "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := dump.Read(bytes.NewReader(b))
		if err != nil {
			if kepu.ErrorCode(err) != kepu.BadUserInput {
				t.Fatalf("Read error %v, want BAD_USER_INPUT", err)
			}
			return
		}
		var buf bytes.Buffer
		if _, err := g.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		if _, err := dump.Read(&buf); err != nil {
			t.Fatalf("the dump of an accepted graph is refused: %v", err)
		}
	})
}
