package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/web"
)

// graphViewRun is what tools/graph-view/graph.mjs prints.
type graphViewRun struct {
	ConsoleErrors []string
	External      []string
	Failed        []string
	Error         string
	Steps         []map[string]any
}

func (r *graphViewRun) step(t *testing.T, name string) map[string]any {
	t.Helper()
	for _, s := range r.Steps {
		if s["step"] == name {
			return s
		}
	}
	t.Fatalf("the browser did not reach step %q", name)
	return nil
}

// needTool skips the test when a tool is missing, or fails it under CI
// (.ci/run installs Node, the npm packages and Chromium).
func needTool(t *testing.T, missing string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(missing)
	}
	t.Skip(missing)
}

// TestBrowserGraphView drives the graph view (/graph) in a real browser
// (Playwright and Debian's Chromium, tools/graph-view) against the seeded
// server: the explorer links to it; it loads with no console error, no
// failed request and no request leaving the loopback; search → neighborhood
// → double-click expansion → side panel (generated records marked) →
// shortest path work; the filters, colors and sizes change the view; the
// GEXF and GraphML exports hold the nodes and relationships shown (read back
// with graphology's parsers) and the PNG is a PNG; a selection of 5,000
// nodes or more loads and is drawn whole with the fast settings (GL points
// and lines, no relationships nor labels while moving), and a drag stops
// its layout (frame times and the browser's CPU time per frame, in
// FRAME_ROUNDS alternating rounds of the detailed and the fast drawing,
// default 1, are logged, not asserted); the
// coverage view draws a bar per province, sorted. Screenshots go to a
// temporary directory, or to the directory KEPUGRAPH_SCREENSHOTS names
// (KEPUGRAPH_SCREENSHOTS=docs refreshes docs/graph-view.png,
// docs/graph-view-5000.png and docs/coverage-view.png).
func TestBrowserGraphView(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the browser test takes a minute")
	}
	if !web.Built() {
		needTool(t, "web/dist is not built: run make web")
	}
	if _, err := exec.LookPath("node"); err != nil {
		needTool(t, "node is not installed")
	}
	if _, err := os.Stat("tools/graph-view/node_modules/playwright-core"); err != nil {
		needTool(t, "playwright-core is missing: run (cd tools/graph-view && npm ci) or make test-tools")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		needTool(t, "no Chromium at "+chromium+": apt-get install chromium (or set CHROMIUM)")
	}
	out := t.TempDir()
	if dir := os.Getenv("KEPUGRAPH_SCREENSHOTS"); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		out = abs
	}
	m := seededMain(t)

	// A hang guard: the script took 86 s in CI; its waits for the page
	// allow minutes each on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "graph.mjs", m.URL(), out)
	cmd.Dir = "tools/graph-view"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	// The camera's frame times are logged, not asserted: one round of each
	// drawing checks that both are measured (a detailed round costs about 10 s
	// of CPU with SwiftShader); FRAME_ROUNDS=3 measures them
	// (docs/benchmarks.md, "Graph view with 5,000 nodes").
	if os.Getenv("FRAME_ROUNDS") == "" {
		cmd.Env = append(cmd.Env, "FRAME_ROUNDS=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("browser: %v\n%s\n%s", err, stdout, stderr.String())
	}
	var run graphViewRun
	if err := json.Unmarshal(stdout, &run); err != nil {
		t.Fatalf("browser output: %v\n%s", err, stdout)
	}
	if run.Error != "" {
		t.Fatalf("the browser stopped: %s\nsteps: %v", run.Error, run.Steps)
	}
	if len(run.ConsoleErrors) > 0 || len(run.External) > 0 || len(run.Failed) > 0 {
		t.Errorf("console errors %q, requests leaving the server %q, failed requests %q", run.ConsoleErrors, run.External, run.Failed)
	}
	num := func(s map[string]any, k string) float64 {
		t.Helper()
		v, ok := s[k].(float64)
		if !ok {
			t.Fatalf("%v: no number %q", s["step"], k)
		}
		return v
	}
	sub := func(s map[string]any, k string) map[string]any {
		t.Helper()
		v, ok := s[k].(map[string]any)
		if !ok {
			t.Fatalf("%v: no object %q", s["step"], k)
		}
		return v
	}

	page := run.step(t, "graph page")
	if page["url"] != m.URL()+"/graph" || page["webgl"] != true {
		t.Errorf("the explorer's link led to %v (WebGL %v)", page["url"], page["webgl"])
	}

	search := run.step(t, "search and neighborhood")
	if num(search, "order") < 2 || num(search, "neighbors") < 1 || search["panelName"] != search["name"] {
		t.Errorf("search → neighborhood: %v", search)
	}

	expand := run.step(t, "double-click expands")
	if expand["hoveredBeforeDoubleClick"] != true || num(expand, "order") <= num(expand, "before") {
		t.Errorf("double-click did not expand %v: %v", expand["targetName"], expand)
	}

	panel := run.step(t, "side panel")
	if panel["selected"] != expand["target"] || panel["name"] != expand["targetName"] {
		t.Errorf("side panel: %v, want %v", panel, expand["targetName"])
	}
	if place, _ := panel["place"].(string); place == "" || strings.HasPrefix(place, "…") || strings.HasPrefix(place, "(") {
		t.Errorf("side panel place %q", panel["place"])
	}
	if prov, _ := panel["provenance"].(string); !strings.Contains(prov, "REFERENCE") && !strings.Contains(prov, "REPORTED") && !strings.Contains(prov, "GENERATED") {
		t.Errorf("side panel provenance %q", prov)
	}
	gen := run.step(t, "generated record")
	if gen["id"] == nil {
		t.Errorf("no generated record in the view to check its mark")
	} else if num(gen, "marked") != 1 || !strings.Contains(gen["text"].(string), "GENERATED") {
		t.Errorf("generated record not marked: %v", gen)
	}

	path := run.step(t, "shortest path")
	nodes, _ := path["pathNodes"].([]any)
	if len(nodes) < 3 || nodes[0] != path["from"] || nodes[len(nodes)-1] != path["to"] || num(path, "pathEdges") != float64(len(nodes)-1) {
		t.Errorf("shortest path from %v to %v: %v", path["from"], path["to"], path)
	}
	if text, _ := path["text"].(string); !strings.Contains(text, strconv.Itoa(len(nodes)-1)+" relationships") {
		t.Errorf("path text %q", text)
	}

	f := run.step(t, "filters")
	all, noGen, noRel, after := sub(f, "all"), sub(f, "withoutGenerated"), sub(f, "withoutRelationship"), sub(f, "after")
	if num(noGen, "nodes") >= num(all, "nodes") || num(noRel, "edges") >= num(all, "edges") || num(after, "nodes") != num(all, "nodes") || num(after, "edges") != num(all, "edges") {
		t.Errorf("filters: %v", f)
	}
	if prov, ok := f["province"].(map[string]any); !ok || num(prov, "nodes") > num(all, "nodes") || num(prov, "nodes") < 1 {
		t.Errorf("province filter: %v", f["province"])
	}

	look := run.step(t, "appearance")
	if !strings.Contains(look["communityLegend"].(string), "communities") || num(look, "pagerankSizes") < 2 || look["status"] != "" {
		t.Errorf("appearance: %v", look)
	}

	ex := run.step(t, "exports")
	view := sub(ex, "view")
	for _, format := range []string{"gexf", "graphml"} {
		g := sub(ex, format)
		if num(g, "nodes") != num(view, "nodes") || num(g, "edges") != num(view, "edges") {
			t.Errorf("%s export: %v nodes and %v edges, the view shows %v and %v", format, g["nodes"], g["edges"], view["nodes"], view["edges"])
		}
		sample := sub(g, "sample")
		for _, k := range []string{"nodeLabel", "provenance", "source", "name"} {
			if _, ok := sample[k]; !ok {
				t.Errorf("%s export: node attributes lack %q: %v", format, k, sample)
			}
		}
	}
	if png := sub(ex, "png"); png["signature"] != "PNG" || num(png, "bytes") < 1000 {
		t.Errorf("PNG export: %v", png)
	}

	big := run.step(t, "5000 nodes")
	if num(big, "nodes") < 5000 {
		t.Errorf("the large selection has %v nodes, want 5000 or more", big["nodes"])
	}
	// Every node and relationship of the selection is drawn (no filter, no
	// hovered node), and drawn fast: GL points and 1-pixel lines, no
	// relationships nor labels while the camera moves, no edge labels.
	if drawn := sub(big, "drawn"); num(drawn, "nodes") != num(big, "nodes") || num(drawn, "edges") != num(big, "edges") {
		t.Errorf("drawn %v of %v nodes and %v relationships", drawn, big["nodes"], big["edges"])
	}
	want := map[string]any{"defaultNodeType": "point", "defaultEdgeType": "line", "hideEdgesOnMove": true,
		"hideLabelsOnMove": true, "renderEdgeLabels": false, "zIndex": false}
	settings := sub(big, "settings")
	for k, v := range want {
		if settings[k] != v {
			t.Errorf("large view: setting %s = %v, want %v", k, settings[k], v)
		}
	}
	if big["drawing"] != "fast" || big["layoutBeforeDrag"] != true || big["layoutAfterDrag"] != false {
		t.Errorf("large view: drawing %v; layout running before a drag %v, after %v (want fast, true, false)",
			big["drawing"], big["layoutBeforeDrag"], big["layoutAfterDrag"])
	}
	camera := sub(big, "camera")
	for _, mode := range []string{"detailed", "fast"} {
		rounds, _ := camera[mode].([]any)
		if len(rounds) == 0 {
			t.Fatalf("no camera frames measured for %s", mode)
		}
		for i, r := range rounds {
			t.Logf("camera, %s drawing, round %d: %s", mode, i+1, frameText(r.(map[string]any)))
		}
	}
	t.Logf("%v nodes, %v relationships on screen (WebGL: %v, %v cores, load average %v): mouse drag and wheel %s; while ForceAtlas2 runs %s; an empty view %s",
		big["nodes"], big["edges"], big["gpu"], big["cores"], big["loadavg"], frameText(sub(big, "mouse")), frameText(sub(big, "layout")), frameText(sub(big, "emptyCamera")))

	cov := run.step(t, "coverage")
	for _, figure := range []string{"prefecture", "tours"} {
		bars, _ := cov[figure].([]any)
		if len(bars) < 31 {
			t.Errorf("coverage %s: %d bars, want one per province", figure, len(bars))
			continue
		}
		var values []float64
		for _, b := range bars {
			if v := b.(map[string]any)["value"].(string); v != "" {
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatal(err)
				}
				values = append(values, x)
			}
		}
		if len(values) < 25 || !sort.IsSorted(sort.Reverse(sort.Float64Slice(values))) || values[0] <= 0 {
			t.Errorf("coverage %s: values not sorted or missing: %v", figure, values)
		}
	}
	if clipped, _ := cov["clipped"].([]any); cov["clipped"] == nil || len(clipped) > 0 {
		t.Errorf("coverage: province names outside the chart: %v", cov["clipped"])
	}
	if pre, _ := cov["nationalPrefecture"].(string); !strings.Contains(pre, "%") || !strings.Contains(pre, "/") {
		t.Errorf("national prefecture coverage %q", cov["nationalPrefecture"])
	}
	if tours, _ := cov["nationalTours"].(string); !strings.Contains(tours, "tours /") {
		t.Errorf("national tours per county %q", cov["nationalTours"])
	}
	// The coverage view was opened while ForceAtlas2 ran on 5,000 nodes: the
	// layout waits while the graph view is hidden (sigma cannot draw into a
	// container of no size), and runs again when it is shown.
	if cov["layoutWhileHidden"] != false || cov["layoutBack"] != true {
		t.Errorf("layout while the coverage view is shown: running %v (want false); after going back: running %v (want true)", cov["layoutWhileHidden"], cov["layoutBack"])
	}

	for _, name := range []string{"graph-view.png", "graph-view-5000.png", "coverage-view.png"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || len(b) < 10000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("screenshot %s: %d bytes, %v", name, len(b), err)
		}
	}
}

func frameText(f map[string]any) string {
	ms := func(k string) string { return strconv.FormatFloat(f[k].(float64), 'f', 1, 64) }
	text := "median " + ms("medianMs") + " ms (" + strconv.FormatFloat(f["fps"].(float64), 'f', 1, 64) + " fps), p95 " +
		ms("p95Ms") + " ms, mean " + ms("meanMs") + " ms over " + strconv.FormatFloat(f["frames"].(float64), 'f', 0, 64) +
		" frames; sigma's render() " + strconv.FormatFloat(f["renderMs"].(float64), 'f', 2, 64) + " ms of main thread"
	if cpu, ok := f["cpuMsPerFrame"].(map[string]any); ok && len(cpu) > 0 {
		keys := make([]string, 0, len(cpu))
		for k := range cpu {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		text += "; CPU ms per frame:"
		for _, k := range keys {
			text += " " + k + " " + strconv.FormatFloat(cpu[k].(float64), 'f', 1, 64)
		}
	}
	return text
}
