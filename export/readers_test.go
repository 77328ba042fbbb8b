package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
	Networkx     string
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
