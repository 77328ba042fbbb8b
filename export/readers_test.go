package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/dump"
	"github.com/kepugraph/kepugraph/dump/dumptest"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/internal/testenv"
	"github.com/kepugraph/kepugraph/kepu"
)

// readersDir holds the reader scripts and their npm packages.
const readersDir = "../tools/export-readers"

// readerOut is what a reader script prints.
type readerOut struct {
	Nodes, Edges int
	Multi        bool
	Directed     bool
	Type         string
	Columns      map[string][]string
	Attributes   map[string]map[string]any
	// EdgeAttributes, with --edges: every edge's attributes by edge ID.
	EdgeAttributes map[string]map[string]any
	Networkx       string
}

func runReader(t *testing.T, name string, args ...string) readerOut {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.String())
	}
	var res readerOut
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%s %v: output %q: %v", name, args, out, err)
	}
	return res
}

// exportFile writes an export of the reference graph in a format to a file
// and returns its path.
func exportFile(t *testing.T, dir, format, query string) string {
	t.Helper()
	resp, body := get(t, shared.url, "/export/"+format+"?"+query)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", format, resp.StatusCode, body)
	}
	path := filepath.Join(dir, "kepugraph."+format)
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// sample returns a few nodes of different labels with the properties to
// compare, and their global IDs.
func sample(t *testing.T) ([]kepu.Node, []string) {
	t.Helper()
	ctx := context.Background()
	got, err := shared.store.Nodes(ctx, []string{"Museum:cstm", "Province:CN-AH"})
	if err != nil || len(got) != 2 {
		t.Fatalf("sample nodes: %v (%d)", err, len(got))
	}
	nodes := []kepu.Node{got["Museum:cstm"], got["Province:CN-AH"]}
	// A node with a float property, if the dataset has one.
	page, err := shared.store.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("distanceKm", kepu.Gt, 0.0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Nodes) > 0 {
		nodes = append(nodes, page.Nodes[0])
	}
	var gids []string
	for _, n := range nodes {
		gids = append(gids, kepu.GlobalID(n.ID))
	}
	return nodes, gids
}

// checkTyped compares what a reader decoded for a node with its
// properties: the value, and when the reader reports one, the type.
func checkTyped(t *testing.T, reader string, n kepu.Node, got map[string]any, typed, stringly bool) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: node %s missing", reader, n.ID)
		return
	}
	for k, v := range n.Props {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: %s lacks %s", reader, n.ID, k)
			continue
		}
		var val any = g
		typeName := ""
		if typed {
			pair, _ := g.([]any)
			if len(pair) != 2 {
				t.Errorf("%s: %s.%s = %v", reader, n.ID, k, g)
				continue
			}
			val, typeName = pair[0], pair[1].(string)
		}
		if stringly {
			if val != textOf(v) {
				t.Errorf("%s: %s.%s = %v, want %q", reader, n.ID, k, val, textOf(v))
			}
			continue
		}
		want, wantType := any(nil), ""
		switch x := v.(type) {
		case string:
			want, wantType = x, "str"
		case int64:
			want, wantType = float64(x), "int"
		case float64:
			want, wantType = x, "float"
		case bool:
			want, wantType = x, "bool"
		case []string:
			want, wantType = textOf(x), "str"
		}
		if reader == "cytoscape" && wantType == "float" && typeName == "int" {
			// JSON has one number type: Python reads 23554 as an int.
			typeName = "float"
		}
		if val != want || typed && typeName != wantType {
			t.Errorf("%s: %s.%s = %v (%s), want %v (%s)", reader, n.ID, k, val, typeName, want, wantType)
		}
	}
	if code := got["provinceCode"]; code == nil {
		t.Errorf("%s: %s has no provinceCode", reader, n.ID)
	}
}

// TestPythonReaders: networkx reads the GraphML, the GEXF and the
// Cytoscape JSON (nx.cytoscape_graph: it raised KeyError 'value' before the
// nodes had a value and the file said directed and multigraph), and
// Python's csv module the CSV zip, with the store's counts and values.
func TestPythonReaders(t *testing.T) {
	python, err := exec.LookPath("python3")
	testenv.Need(t, "python3", "install Python 3", err == nil)
	hasNX := exec.Command(python, "-c", "import networkx").Run() == nil
	wantNodes, wantEdges := counts(t, kepu.Labels, allRels())
	nodes, gids := sample(t)
	dir := t.TempDir()
	script := filepath.Join(readersDir, "read.py")
	for _, f := range []string{"graphml", "gexf", "cytoscape", "csv"} {
		t.Run(f, func(t *testing.T) {
			if f != "csv" {
				testenv.Need(t, "networkx", "pip install networkx (see .ci/run)", hasNX)
			}
			res := runReader(t, python, append([]string{script, f, exportFile(t, dir, f, "")}, gids...)...)
			if res.Nodes != wantNodes || res.Edges != wantEdges {
				t.Fatalf("%d nodes, %d edges; want %d, %d", res.Nodes, res.Edges, wantNodes, wantEdges)
			}
			if f != "csv" && !res.Directed {
				t.Error("networkx read an undirected graph")
			}
			for i, n := range nodes {
				checkTyped(t, f, n, res.Attributes[gids[i]], true, f == "csv")
			}
			if f == "csv" {
				if c := res.Columns["nodes.csv"]; len(c) < 8 || !slices.Equal(c[:3], []string{"Id", "Label", "nodeLabel"}) {
					t.Errorf("nodes.csv columns %q", c)
				}
				if c := res.Columns["edges.csv"]; len(c) < 8 || !slices.Equal(c[:6], []string{"Source", "Target", "Type", "Id", "Label", "relationship"}) || !slices.Contains(c, "sourceRef") {
					t.Errorf("edges.csv columns %q", c)
				}
			} else {
				t.Logf("networkx %s", res.Networkx)
			}
		})
	}
	provinces, _ := counts(t, []kepu.Label{kepu.Province}, allRels())
	for _, f := range []string{"graphml", "gexf", "cytoscape", "csv"} {
		t.Run(f+"/edgeless", func(t *testing.T) {
			if f != "csv" {
				testenv.Need(t, "networkx", "pip install networkx (see .ci/run)", hasNX)
			}
			res := runReader(t, python, script, f, exportFile(t, dir, f, "labels=Province"))
			if res.Nodes != provinces || res.Edges != 0 {
				t.Fatalf("%d nodes, %d edges; want %d, 0", res.Nodes, res.Edges, provinces)
			}
			if f != "csv" && !res.Directed {
				t.Error("networkx read an undirected graph")
			}
		})
	}
}

// TestJavaScriptReaders: graphology-graphml and graphology-gexf parse the
// XML files, graphology imports its JSON and Cytoscape.js (headless) loads
// the elements JSON, with the store's counts and values.
func TestJavaScriptReaders(t *testing.T) {
	node := testenv.Node(t)
	testenv.NPMPackage(t, readersDir, "graphology-gexf")
	// Every label but the most numerous (schools), to keep the XML parsers
	// of the slowest readers quick; the Python readers read the whole graph.
	labels := slices.DeleteFunc(slices.Clone(kepu.Labels), func(l kepu.Label) bool { return l == kepu.School })
	var names []string
	for _, l := range labels {
		names = append(names, string(l))
	}
	wantNodes, wantEdges := counts(t, labels, allRels())
	nodes, gids := sample(t)
	dir := t.TempDir()
	script := filepath.Join(readersDir, "read.mjs")
	for _, f := range []string{"graphml", "gexf", "graphology", "cytoscape"} {
		t.Run(f, func(t *testing.T) {
			res := runReader(t, node, append([]string{script, f, exportFile(t, dir, f, "labels="+strings.Join(names, ","))}, gids...)...)
			if res.Nodes != wantNodes || res.Edges != wantEdges {
				t.Fatalf("%d nodes, %d edges; want %d, %d", res.Nodes, res.Edges, wantNodes, wantEdges)
			}
			for i, n := range nodes {
				checkTyped(t, f, n, res.Attributes[gids[i]], false, false)
			}
			if f != "cytoscape" && res.Type != "directed" {
				t.Errorf("graph type %q, want directed", res.Type)
			}
		})
	}
	// A selection without edges: the readers still get a directed graph
	// (graphology-gexf guesses "mixed" from a file without edges unless
	// asked to respect the class's type; see read.mjs and the README).
	provinces, _ := counts(t, []kepu.Label{kepu.Province}, allRels())
	for _, f := range []string{"graphml", "gexf", "graphology", "cytoscape"} {
		t.Run(f+"/edgeless", func(t *testing.T) {
			res := runReader(t, node, script, f, exportFile(t, dir, f, "labels=Province"))
			if res.Nodes != provinces || res.Edges != 0 {
				t.Fatalf("%d nodes, %d edges; want %d, 0", res.Nodes, res.Edges, provinces)
			}
			if f != "cytoscape" && res.Type != "directed" {
				t.Errorf("graph type %q, want directed", res.Type)
			}
		})
	}
}

// everyPropertyServer serves the export of dumptest.EveryProperty's graph
// (every property of every label and relationship type, with text XML and
// JSON must escape) from an embedded store of its own.
func everyPropertyServer(t *testing.T) (string, *dump.Graph) {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	g := dumptest.EveryProperty()
	if _, err := dump.Load(context.Background(), st, g, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newMux(st, 0))
	t.Cleanup(srv.Close)
	return srv.URL, g
}

// readerValue is what a reader gives for a stored value v: XML readers
// (networkx's GraphML and GEXF) the value of the declared type, a list as
// the text of its JSON array; JSON readers the JSON value (a float that is
// a whole number reads as an int in Python); CSV its text. Python type
// names as read.py reports them.
func readerValue(kind string, v any) (any, string) {
	kind = strings.TrimPrefix(kind, "js-")
	switch x := v.(type) {
	case string:
		return x, "str"
	case int64:
		if kind == "csv" {
			return textOf(x), "str"
		}
		return float64(x), "int"
	case float64:
		switch {
		case kind == "csv":
			return textOf(x), "str"
		case kind == "json" && x == math.Trunc(x):
			return x, "int"
		}
		return x, "float"
	case bool:
		if kind == "csv" {
			return textOf(x), "str"
		}
		return x, "bool"
	case []string:
		if kind == "json" {
			out := make([]any, len(x))
			for i, s := range x {
				out[i] = s
			}
			return out, "list"
		}
		return textOf(x), "str"
	}
	panic(fmt.Sprintf("value %T", v))
}

// withLabel adds to a record's properties the display label its reader
// reads (a node's name, an edge's type): as "label" (GraphML's key, GEXF's
// label, Cytoscape's and graphology's data), "Label" in the CSV tables.
func withLabel(props kepu.Props, format string, label any) kepu.Props {
	out := props.Clone()
	if format == "csv" {
		out["Label"] = label
	} else {
		out[export.AttrLabel] = label
	}
	return out
}

// compareRecord compares what a reader read for one record (name →
// [value, Python type] from read.py, name → value from read.mjs, which
// JavaScript's one number type leaves untyped) with its properties.
func compareRecord(t *testing.T, what string, props kepu.Props, got map[string]any, kind string, rename map[string]string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: not read", what)
		return
	}
	for k, v := range props {
		name := k
		if r, ok := rename[k]; ok {
			name = r
		}
		wantVal, wantType := readerValue(kind, v)
		g, ok := got[name]
		if !ok {
			if kind == "csv" && wantVal == "" {
				continue // an empty cell is an absent value
			}
			t.Errorf("%s: %s not read (want %q)", what, name, wantVal)
			continue
		}
		if strings.HasPrefix(kind, "js-") {
			if !reflect.DeepEqual(g, wantVal) {
				t.Errorf("%s: %s read as %#v, want %#v", what, name, g, wantVal)
			}
			continue
		}
		pair, _ := g.([]any)
		if len(pair) != 2 || !reflect.DeepEqual(pair[0], wantVal) || pair[1] != wantType {
			t.Errorf("%s: %s read as %#v, want %#v (%s)", what, name, g, wantVal, wantType)
		}
	}
}

// TestPythonReadersEveryProperty: networkx (GraphML, GEXF, Cytoscape JSON)
// and Python's csv module read every property of every label and
// relationship type back as it is stored, with its type: text with XML's
// and JSON's special characters, tab, line feed, carriage return, U+2028,
// Chinese and an emoji; the largest count, a float whose every digit
// counts, the smallest float, false, lists; a node with only its required
// properties; parallel relationships (PARTICIPATES_IN and ORGANIZES from
// one node to another) kept apart. A selection that matches no node reads
// as an empty graph.
func TestPythonReadersEveryProperty(t *testing.T) {
	python, err := exec.LookPath("python3")
	testenv.Need(t, "python3", "install Python 3", err == nil)
	hasNX := exec.Command(python, "-c", "import networkx").Run() == nil
	base, g := everyPropertyServer(t)
	ids := []string{"--edges"}
	for _, n := range g.Nodes {
		ids = append(ids, kepu.GlobalID(n.ID))
	}
	dir := t.TempDir()
	for _, f := range []string{"graphml", "gexf", "cytoscape", "csv"} {
		t.Run(f, func(t *testing.T) {
			if f != "csv" {
				testenv.Need(t, "networkx", "pip install networkx (see .ci/run)", hasNX)
			}
			path, empty := exportEvery(t, base, f, dir)
			if res := runReader(t, python, filepath.Join(readersDir, "read.py"), f, empty); res.Nodes != 0 || res.Edges != 0 {
				t.Errorf("empty selection read as %d nodes, %d edges", res.Nodes, res.Edges)
			}
			res := runReader(t, python, append([]string{filepath.Join(readersDir, "read.py"), f, path}, ids...)...)
			if res.Nodes != len(g.Nodes) || res.Edges != len(g.Edges) {
				t.Fatalf("%d nodes, %d edges; want %d, %d", res.Nodes, res.Edges, len(g.Nodes), len(g.Edges))
			}
			kind, rename := "xml", map[string]string(nil)
			switch f {
			case "cytoscape":
				kind, rename = "json", map[string]string{kepu.PropSource: export.AttrSourceRef}
			case "csv":
				kind, rename = "csv", map[string]string{kepu.PropSource: export.AttrSourceRef}
			}
			for _, n := range g.Nodes {
				compareRecord(t, n.ID, withLabel(n.Props, f, n.Props[kepu.PropName]), res.Attributes[kepu.GlobalID(n.ID)], kind, nil)
			}
			for _, e := range g.Edges {
				id := kepu.GlobalID(e.Key())
				compareRecord(t, e.Key(), withLabel(e.Props, f, string(e.Type)), res.EdgeAttributes[id], kind, rename)
			}
		})
	}
}

// exportEvery writes into dir the export in format f of every node of the
// server at base (every.F) and of a selection that matches no node
// (empty.F, an empty graph), and returns their paths.
func exportEvery(t *testing.T, base, f, dir string) (path, empty string) {
	t.Helper()
	write := func(name, query string) string {
		resp, body := get(t, base, "/export/"+f+query)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", name, resp.StatusCode, body)
		}
		p := filepath.Join(dir, name+"."+f)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return write("every", ""), write("empty", "?labels=Museum&where="+url.QueryEscape(`{"openedYear":{"eq":1900}}`))
}

// TestJavaScriptReadersEveryProperty: graphology-graphml, graphology-gexf,
// graphology's import and Cytoscape.js read every property of every label
// and relationship type back as it is stored (see
// TestPythonReadersEveryProperty), parallel relationships kept apart, and
// an empty selection as an empty graph.
func TestJavaScriptReadersEveryProperty(t *testing.T) {
	node := testenv.Node(t)
	testenv.NPMPackage(t, readersDir, "graphology-gexf")
	base, g := everyPropertyServer(t)
	ids := []string{"--edges"}
	for _, n := range g.Nodes {
		ids = append(ids, kepu.GlobalID(n.ID))
	}
	dir := t.TempDir()
	for _, f := range []string{"graphml", "gexf", "graphology", "cytoscape"} {
		t.Run(f, func(t *testing.T) {
			path, empty := exportEvery(t, base, f, dir)
			if res := runReader(t, node, filepath.Join(readersDir, "read.mjs"), f, empty); res.Nodes != 0 || res.Edges != 0 {
				t.Errorf("empty selection read as %d nodes, %d edges", res.Nodes, res.Edges)
			}
			res := runReader(t, node, append([]string{filepath.Join(readersDir, "read.mjs"), f, path}, ids...)...)
			if res.Nodes != len(g.Nodes) || res.Edges != len(g.Edges) {
				t.Fatalf("%d nodes, %d edges; want %d, %d", res.Nodes, res.Edges, len(g.Nodes), len(g.Edges))
			}
			kind, rename := "js-xml", map[string]string(nil)
			switch f {
			case "graphology":
				kind = "js-json"
			case "cytoscape":
				kind, rename = "js-json", map[string]string{kepu.PropSource: export.AttrSourceRef}
			}
			for _, n := range g.Nodes {
				compareRecord(t, n.ID, withLabel(n.Props, f, n.Props[kepu.PropName]), res.Attributes[kepu.GlobalID(n.ID)], kind, nil)
			}
			for _, e := range g.Edges {
				compareRecord(t, e.Key(), withLabel(e.Props, f, string(e.Type)), res.EdgeAttributes[kepu.GlobalID(e.Key())], kind, rename)
			}
		})
	}
}
