package neo4jstore_test

// End-to-end round-trip test of the Neo4j backend: the GraphQL handler of
// package graph serves over HTTP from a real *neo4jstore.Store, which talks
// Bolt to the scripted server of package bolttest. The script answers every
// statement from an in-memory graph, computing each answer from the
// parameters the store sends (the $ids list, the kind value, the page
// limit), so a statement that covered only some parents would give a wrong
// response. The test counts the Cypher round trips of the load benchmark's
// queries (bench/queries) and checks that they are one per nesting level,
// the same for 5 parents as for 50, and equal to the graph layer's store
// calls. The same graph loaded into the embedded store gives the same data
// with the same number of store calls.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/neo4jstore/bolttest"
)

// rtGraph is the in-memory graph the Bolt script answers from.
type rtGraph struct {
	nodes map[string]*rtNode    // by kepu ID
	out   map[string][]rtEdge   // outgoing relationships by start node
	up    map[string][]string   // LOCATED_IN and PART_OF targets by start node
	std   []string              // IDs of the STANDARD museums, sorted
	names map[string]bool       // every ID and name of the fixture
	order []string              // node IDs in creation order
	edges []kepu.Edge           // every relationship, for the embedded store
	props map[string]kepu.Props // node properties without the id, for the embedded store
}

type rtNode struct {
	num   int64
	label kepu.Label
	props map[string]any // as stored in Neo4j: with the id
}

type rtEdge struct {
	num   int64
	typ   kepu.RelType
	to    string
	props map[string]any
}

func (g *rtGraph) addNode(l kepu.Label, key string, props kepu.Props) string {
	id := kepu.MakeID(l, key)
	p := map[string]any{neo4jstore.IDKey: id, "provenance": "GENERATED", "source": "test:roundtrip"}
	for k, v := range props {
		p[k] = v
	}
	g.nodes[id] = &rtNode{num: int64(len(g.order) + 1), label: l, props: p}
	g.order = append(g.order, id)
	kp := kepu.Props{}
	for k, v := range p {
		if k != neo4jstore.IDKey {
			kp[k] = v
		}
	}
	g.props[id] = kp
	g.names[id] = true
	g.names[props.String(kepu.PropName)] = true
	return id
}

func (g *rtGraph) addEdge(t kepu.RelType, from, to string, props kepu.Props) {
	p := map[string]any{"provenance": "GENERATED", "source": "test:roundtrip"}
	for k, v := range props {
		p[k] = v
	}
	g.out[from] = append(g.out[from], rtEdge{num: int64(len(g.edges) + 1), typ: t, to: to, props: p})
	if t == kepu.LocatedIn || t == kepu.PartOf {
		g.up[from] = append(g.up[from], to)
	}
	g.edges = append(g.edges, kepu.Edge{Type: t, From: from, To: to, Props: kepu.Props(p)})
}

// Sizes of the fixture.
const (
	rtMuseums     = 50 // STANDARD museums
	rtPartners    = 20 // schools per museum
	rtSchools     = 300
	rtCounties    = 40
	rtPrefectures = 10
	rtProvinces   = 5
)

// newRTGraph builds 50 STANDARD museums (one is Museum:cstm, the museum of
// bench/queries/museum.json), each partnering with 20 schools (schools are
// shared between museums), five MOBILE museums whose IDs sort among the
// STANDARD ones (a statement that ignored the kind filter would return
// them), and the places: every museum and school is located in a county,
// every county is part of a prefecture, every prefecture of a province.
func newRTGraph() *rtGraph {
	g := &rtGraph{nodes: map[string]*rtNode{}, out: map[string][]rtEdge{}, up: map[string][]string{},
		names: map[string]bool{}, props: map[string]kepu.Props{}}
	var provinces, prefectures, counties, schools []string
	for i := range rtProvinces {
		provinces = append(provinces, g.addNode(kepu.Province, fmt.Sprintf("rtp%d", i),
			kepu.Props{"name": fmt.Sprintf("Roundtrip Province %d", i), "code": fmt.Sprintf("CN-RT%d", i)}))
	}
	for i := range rtPrefectures {
		id := g.addNode(kepu.Prefecture, fmt.Sprintf("rtf%02d", i),
			kepu.Props{"name": fmt.Sprintf("Roundtrip Prefecture %02d", i), "gbCode": fmt.Sprintf("9%02d100", i)})
		g.addEdge(kepu.PartOf, id, provinces[i%rtProvinces], nil)
		prefectures = append(prefectures, id)
	}
	for i := range rtCounties {
		id := g.addNode(kepu.County, fmt.Sprintf("rtc%02d", i),
			kepu.Props{"name": fmt.Sprintf("Roundtrip County %02d", i), "gbCode": fmt.Sprintf("9%02d1%02d", i%rtPrefectures, i)})
		g.addEdge(kepu.PartOf, id, prefectures[i%rtPrefectures], nil)
		counties = append(counties, id)
	}
	for i := range rtSchools {
		id := g.addNode(kepu.School, fmt.Sprintf("rts%03d", i),
			kepu.Props{"name": fmt.Sprintf("Roundtrip School %03d", i), "stage": "PRIMARY", "rural": i%3 == 0})
		g.addEdge(kepu.LocatedIn, id, counties[(i*7)%rtCounties], nil)
		schools = append(schools, id)
	}
	museum := func(key, kind string, i int) string {
		id := g.addNode(kepu.Museum, key, kepu.Props{"name": fmt.Sprintf("Roundtrip Museum %s", key),
			"nameZh": fmt.Sprintf("往返科技馆%s", key), "kind": kind})
		g.addEdge(kepu.LocatedIn, id, counties[(i*3)%rtCounties], nil)
		return id
	}
	for i := range rtMuseums {
		key := fmt.Sprintf("m%02d", i)
		if i == 0 {
			key = "cstm"
		}
		id := museum(key, "STANDARD", i)
		g.std = append(g.std, id)
		for j := range rtPartners {
			g.addEdge(kepu.PartnersWith, id, schools[(i*6+j*7)%rtSchools], kepu.Props{"since": int64(2010 + j%10)})
		}
	}
	for i, key := range []string{"a1", "m10b", "m25b", "m40b", "m49b"} {
		id := museum(key, "MOBILE", i)
		for j := range 3 {
			g.addEdge(kepu.PartnersWith, id, schools[(i+j*11)%rtSchools], nil)
		}
	}
	slices.Sort(g.std)
	return g
}

func (g *rtGraph) boltNode(id string) bolttest.Struct {
	n := g.nodes[id]
	return bolttest.Node(n.num, []string{neo4jstore.CommonLabel, string(n.label)}, n.props)
}

// The statements the script understands. Each is recognized by its full
// text; the parts it reads (label, relationship type, parameter names) are
// captured. Anything else fails as unscripted, so a change in the store's
// Cypher shows here.
var (
	rtFindNodes = regexp.MustCompile("^MATCH \\(n:`(\\w+)`\\) WHERE \\(n\\.`kind` IS NOT NULL AND n\\.`kind` = \\$(p\\d+)\\) AND n\\.id IS NOT NULL " +
		"WITH n ORDER BY n\\.id ASC LIMIT \\$(limit) RETURN collect\\((" + rtList + ")\\) AS rows$")
	rtNeighbors = regexp.MustCompile("^UNWIND \\$ids AS pid CALL \\(pid\\) \\{ MATCH \\(p:KG \\{id: pid\\}\\) USING INDEX SEEK p:KG\\(id\\) WITH pid, p MATCH \\(p\\)-\\[r:`(\\w+)`\\]->\\(n\\) " +
		"WITH r, n WITH r, n ORDER BY n\\.id ASC LIMIT \\$(p\\d+) RETURN collect\\(\\[properties\\(r\\), (" + rtList + ")\\]\\) AS items \\} RETURN pid, items$")
	// Nodes: the whole nodes, or the properties of their one label.
	rtNodes = regexp.MustCompile("^UNWIND \\$ids AS id MATCH \\(n:KG \\{id: id\\}\\) USING INDEX SEEK n:KG\\(id\\) RETURN (n|(" + rtList + ") AS n)$")
)

// rtList is a node as the store returns it: a list of its properties
// read from a map projection, [n_p IN [n_n IN [n] | n_n{.`id`, .`name`,
// ...}] | [n_p.`id`, n_p.`name`, ...]][0] (rtColumns reads their keys).
const rtList = "\\[n_p IN \\[n_n IN \\[n\\] \\| n_n\\{\\.`id`(?:, \\.`\\w+`)*\\}\\] \\| \\[n_p\\.`id`(?:, n_p\\.`\\w+`)*\\]\\]\\[0\\]"

var rtColumn = regexp.MustCompile("n_p\\.`(\\w+)`")

// rtColumns returns the property keys of a node list (rtList).
func rtColumns(list string) []string {
	var out []string
	for _, m := range rtColumn.FindAllStringSubmatch(list, -1) {
		out = append(out, m[1])
	}
	return out
}

// listNode answers a node as a list of the properties cols (null when
// absent), as nodeReturn's list is answered.
func (g *rtGraph) listNode(id string, cols []string) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = g.nodes[id].props[c]
	}
	return out
}

const (
	rtLocate = "UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) RETURN id, [(n)-[:LOCATED_IN|PART_OF*0..3]->(pl) | pl.id] AS places"
)

// kindOf names the store call behind a statement ("" when unknown).
func kindOf(cypher string) string {
	switch {
	case cypher == "RETURN 1 AS ok":
		return "Ping"
	case rtNodes.MatchString(cypher):
		return "Nodes"
	case cypher == rtLocate:
		return "Locate"
	case rtFindNodes.MatchString(cypher):
		return "FindNodes"
	case rtNeighbors.MatchString(cypher):
		return "Neighbors"
	}
	return ""
}

func unscripted(format string, args ...any) bolttest.Reply {
	return bolttest.Reply{FailureCode: "Neo.ClientError.Statement.SyntaxError", FailureMessage: "unscripted: " + fmt.Sprintf(format, args...)}
}

// stringList reads a list parameter of strings.
func stringList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		if out[i], ok = e.(string); !ok {
			return nil, false
		}
	}
	return out, true
}

// script answers one RUN from the graph, as Neo4j would.
func (g *rtGraph) script(run bolttest.Run) bolttest.Reply {
	switch kindOf(run.Cypher) {
	case "Ping":
		return bolttest.Reply{Keys: []string{"ok"}, Records: [][]any{{int64(1)}}}
	case "Nodes":
		ids, ok := stringList(run.Params["ids"])
		if !ok {
			return unscripted("Nodes without a list of ids: %v", run.Params)
		}
		r := bolttest.Reply{Keys: []string{"n"}}
		m := rtNodes.FindStringSubmatch(run.Cypher)
		for _, id := range ids {
			if _, ok := g.nodes[id]; ok {
				if m[2] != "" {
					r.Records = append(r.Records, []any{g.listNode(id, rtColumns(m[2]))})
				} else {
					r.Records = append(r.Records, []any{g.boltNode(id)})
				}
			}
		}
		return r
	case "Locate":
		ids, ok := stringList(run.Params["ids"])
		if !ok {
			return unscripted("Locate without a list of ids: %v", run.Params)
		}
		r := bolttest.Reply{Keys: []string{"id", "places"}}
		for _, id := range ids {
			if _, ok := g.nodes[id]; !ok {
				continue
			}
			// Zero to three LOCATED_IN|PART_OF hops (the store keeps the places).
			var places []any
			seen := map[string]bool{}
			level := []string{id}
			for hop := 0; hop <= 3 && len(level) > 0; hop++ {
				var next []string
				for _, x := range level {
					if !seen[x] {
						places = append(places, x)
					}
					seen[x] = true
					next = append(next, g.up[x]...)
				}
				level = next
			}
			if len(places) > 0 {
				r.Records = append(r.Records, []any{id, places})
			}
		}
		return r
	case "FindNodes":
		m := rtFindNodes.FindStringSubmatch(run.Cypher)
		kind, ok1 := run.Params[m[2]].(string)
		limit, ok2 := run.Params[m[3]].(int64)
		if !ok1 || !ok2 || len(run.Params) != 2 {
			return unscripted("FindNodes parameters: %v", run.Params)
		}
		var ids []string
		for id, n := range g.nodes {
			if string(n.label) == m[1] && n.props["kind"] == kind {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		rows := []any{}
		for _, id := range ids[:min(len(ids), int(limit))] {
			rows = append(rows, g.listNode(id, rtColumns(m[4])))
		}
		return bolttest.Reply{Keys: []string{"rows"}, Records: [][]any{{rows}}}
	case "Neighbors":
		m := rtNeighbors.FindStringSubmatch(run.Cypher)
		ids, ok1 := stringList(run.Params["ids"])
		limit, ok2 := run.Params[m[2]].(int64)
		if !ok1 || !ok2 || len(run.Params) != 2 {
			return unscripted("Neighbors parameters: %v", run.Params)
		}
		r := bolttest.Reply{Keys: []string{"pid", "items"}}
		for _, pid := range ids {
			_, ok := g.nodes[pid]
			if !ok {
				continue
			}
			var es []rtEdge
			for _, e := range g.out[pid] {
				if string(e.typ) == m[1] {
					es = append(es, e)
				}
			}
			slices.SortFunc(es, func(a, b rtEdge) int { return strings.Compare(a.to, b.to) })
			items := []any{}
			for _, e := range es[:min(len(es), int(limit))] {
				props := map[string]any{}
				for k, v := range e.props {
					props[k] = v
				}
				items = append(items, []any{props, g.listNode(e.to, rtColumns(m[3]))})
			}
			r.Records = append(r.Records, []any{pid, items})
		}
		return r
	}
	return unscripted("%s", run.Cypher)
}

// rtEnv is the Neo4j side (Bolt server, store, GraphQL over HTTP) and the
// embedded side (the same graph in the embedded store, GraphQL over HTTP).
type rtEnv struct {
	g        *rtGraph
	srv      *bolttest.Server
	st       *neo4jstore.Store
	url      string
	embedded string
}

func newRTEnv(t *testing.T) *rtEnv {
	t.Helper()
	g := newRTGraph()
	srv, err := bolttest.Start("127.0.0.1:0", &bolttest.Server{User: "neo4j", Password: testPassword, Script: g.script})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A minute to reach the scripted server (see openStore).
	st, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: srv.URI(), User: "neo4j", Password: testPassword,
		ConnectTimeout: time.Minute, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	hs := httptest.NewServer(graph.New(st, graph.Options{}))
	t.Cleanup(hs.Close)

	es, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { es.Close() })
	var changes []kepu.Change
	for _, id := range g.order {
		changes = append(changes, kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: id, Label: kepu.LabelOf(id), Props: g.props[id]}})
	}
	for _, e := range g.edges {
		changes = append(changes, kepu.Change{Kind: kepu.PutEdge, Edge: e})
	}
	if _, err := es.Write(context.Background(), changes); err != nil {
		t.Fatal(err)
	}
	he := httptest.NewServer(graph.New(es, graph.Options{}))
	t.Cleanup(he.Close)
	return &rtEnv{g: g, srv: srv, st: st, url: hs.URL, embedded: he.URL}
}

// rtResponse is a GraphQL response.
type rtResponse struct {
	Data       json.RawMessage
	Errors     []json.RawMessage
	Extensions struct {
		StoreCalls int64 `json:"storeCalls"`
	}
}

func postGraphQL(t *testing.T, url string, body []byte) rtResponse {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var r rtResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", b)
	}
	return r
}

// rtMeasure is what one query cost on Neo4j.
type rtMeasure struct {
	resp       rtResponse
	trips      int64              // RoundTrips delta of the store
	runs       []bolttest.Message // RUN messages the Bolt server received
	txs        int                // BEGIN messages the Bolt server received
	embedCalls int64              // store calls of the same query on the embedded store
}

// measure runs body on Neo4j and on the embedded store, checks that both
// give the same data, and returns the Neo4j figures.
func (e *rtEnv) measure(t *testing.T, body []byte) rtMeasure {
	t.Helper()
	trips, msgs := e.st.RoundTrips(), len(e.srv.Messages())
	resp := postGraphQL(t, e.url, body)
	m := rtMeasure{resp: resp, trips: e.st.RoundTrips() - trips}
	for _, msg := range e.srv.Messages()[msgs:] {
		switch msg.Sig {
		case bolttest.MsgRun:
			m.runs = append(m.runs, msg)
		case bolttest.MsgBegin:
			m.txs++
		}
	}
	emb := postGraphQL(t, e.embedded, body)
	if !bytes.Equal(resp.Data, emb.Data) {
		t.Errorf("Neo4j and embedded data differ:\nneo4j:    %.600s\nembedded: %.600s", resp.Data, emb.Data)
	}
	m.embedCalls = emb.Extensions.StoreCalls
	return m
}

// check asserts that the query cost want store calls (in order), each one
// Cypher round trip, with every value sent as a parameter.
func (e *rtEnv) check(t *testing.T, m rtMeasure, want []string) {
	t.Helper()
	var got []string
	for _, r := range m.runs {
		cy, _ := r.Fields[0].(string)
		got = append(got, kindOf(cy))
		for name := range e.g.names {
			if strings.Contains(cy, name) {
				t.Errorf("fixture text %q in the Cypher text: %s", name, cy)
			}
		}
		for _, v := range []string{"STANDARD", "MOBILE", "GENERATED"} {
			if strings.Contains(cy, v) {
				t.Errorf("value %q in the Cypher text: %s", v, cy)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("statements %v, want %v", got, want)
	}
	n := int64(len(want))
	if m.resp.Extensions.StoreCalls != n || m.trips != n || int64(len(m.runs)) != n {
		t.Errorf("store calls %d, round trips %d, RUN messages %d; want %d of each",
			m.resp.Extensions.StoreCalls, m.trips, len(m.runs), n)
	}
	if m.embedCalls != n {
		t.Errorf("embedded store calls %d, want %d", m.embedCalls, n)
	}
}

// params returns the parameters of the i-th RUN.
func params(m rtMeasure, i int) map[string]any {
	if i >= len(m.runs) {
		return nil
	}
	p, _ := m.runs[i].Fields[1].(map[string]any)
	return p
}

// sameSet reports whether the ids parameter holds exactly want (any order,
// no repeats).
func sameSet(v any, want []string) bool {
	got, ok := stringList(v)
	if !ok {
		return false
	}
	got = slices.Clone(got)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// readBench returns the request body of a load benchmark query.
func readBench(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "bench", "queries", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGraphQLRoundTrips(t *testing.T) {
	e := newRTEnv(t)
	nested := readBench(t, "nested.json")

	t.Run("nested", func(t *testing.T) {
		var trips []int64
		for _, n := range []int{rtMuseums, 5} {
			body := nested
			if n != rtMuseums {
				var req map[string]any
				if err := json.Unmarshal(nested, &req); err != nil {
					t.Fatal(err)
				}
				q, _ := req["query"].(string)
				from, to := fmt.Sprintf("museums(first: %d,", rtMuseums), fmt.Sprintf("museums(first: %d,", n)
				if !strings.Contains(q, from) {
					t.Fatalf("bench/queries/nested.json does not ask for %q: %s", from, q)
				}
				req["query"] = strings.Replace(q, from, to, 1)
				body, _ = json.Marshal(req)
			}
			m := e.measure(t, body)
			e.check(t, m, []string{"FindNodes", "Neighbors", "Locate", "Nodes"})
			trips = append(trips, m.trips)

			var data struct {
				Museums struct {
					Nodes []struct {
						ID, Name       string
						SchoolPartners struct {
							Nodes []struct {
								ID, Name string
								County   *struct{ ID, Name string }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(m.resp.Data, &data); err != nil {
				t.Fatal(err)
			}
			var museums, schools, counties []string
			seenS, seenC := map[string]bool{}, map[string]bool{}
			for _, mu := range data.Museums.Nodes {
				id, err := kepu.ParseGlobalID(mu.ID)
				if err != nil {
					t.Fatal(err)
				}
				museums = append(museums, id)
				var want []string
				for _, ed := range e.g.out[id] {
					if ed.typ == kepu.PartnersWith {
						want = append(want, ed.to)
					}
				}
				slices.Sort(want) // the store's order: by node ID
				var got []string
				for _, s := range mu.SchoolPartners.Nodes {
					sid, err := kepu.ParseGlobalID(s.ID)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, sid)
					county := e.g.up[sid][0]
					if s.County == nil || s.County.ID != kepu.GlobalID(county) || s.County.Name != e.g.props[county].String(kepu.PropName) {
						t.Fatalf("school %s: county %+v, want %s", sid, s.County, county)
					}
					if !seenS[sid] {
						seenS[sid] = true
						schools = append(schools, sid)
					}
					if !seenC[county] {
						seenC[county] = true
						counties = append(counties, county)
					}
				}
				if len(got) != rtPartners || !slices.Equal(got, want) {
					t.Fatalf("museum %s: %d school partners %v, want %v", id, len(got), got, want)
				}
			}
			if !slices.Equal(museums, e.g.std[:n]) {
				t.Fatalf("museums %v, want the first %d STANDARD museums %v", museums, n, e.g.std[:n])
			}
			// One statement per level carried every parent of the level.
			if p := params(m, 0); !reflect.DeepEqual(p, map[string]any{"p0": "STANDARD", "limit": int64(n + 1)}) {
				t.Errorf("FindNodes parameters %v", p)
			}
			if p := params(m, 1); !sameSet(p["ids"], museums) || p["p0"] != int64(rtPartners+1) {
				ids, _ := stringList(p["ids"])
				t.Errorf("Neighbors parameters: %d ids, limit %v; want the %d museums, limit %d", len(ids), p["p0"], n, rtPartners+1)
			}
			if p := params(m, 2); !sameSet(p["ids"], schools) {
				t.Errorf("Locate sent %v, want the %d distinct schools", p["ids"], len(schools))
			}
			if p := params(m, 3); !sameSet(p["ids"], counties) {
				t.Errorf("Nodes sent %v, want the %d distinct counties", p["ids"], len(counties))
			}
			t.Logf("nested (bench/queries/nested.json, first: %d): %d museums × %d school partners (%d distinct schools, %d counties): "+
				"%d store calls, %d Cypher round trips (%d RUN messages, %d transactions) on Neo4j via the Bolt test server; embedded: %d store calls",
				n, len(museums), rtPartners, len(schools), len(counties), m.resp.Extensions.StoreCalls, m.trips, len(m.runs), m.txs, m.embedCalls)
		}
		if trips[0] != trips[1] {
			t.Errorf("round trips: %d for %d museums, %d for 5", trips[0], rtMuseums, trips[1])
		}
	})

	t.Run("museum by ID", func(t *testing.T) {
		m := e.measure(t, readBench(t, "museum.json"))
		e.check(t, m, []string{"Nodes", "Locate", "Nodes"})
		var data struct {
			Node struct {
				ID, Name, NameZh, Kind string
				Province               *struct{ ID, Name, Code string }
			}
		}
		if err := json.Unmarshal(m.resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		const cstm = "Museum:cstm"
		county := e.g.up[cstm][0]
		prefecture := e.g.up[county][0]
		province := e.g.up[prefecture][0]
		pp := e.g.props[province]
		if data.Node.ID != kepu.GlobalID(cstm) || data.Node.Name != e.g.props[cstm].String(kepu.PropName) || data.Node.Kind != "STANDARD" ||
			data.Node.Province == nil || *data.Node.Province != (struct{ ID, Name, Code string }{kepu.GlobalID(province), pp.String("name"), pp.String("code")}) {
			t.Fatalf("node: %+v province %+v; want %s in %s", data.Node, data.Node.Province, cstm, province)
		}
		if p := params(m, 0); !sameSet(p["ids"], []string{cstm}) {
			t.Errorf("Nodes sent %v", p)
		}
		if p := params(m, 1); !sameSet(p["ids"], []string{cstm}) {
			t.Errorf("Locate sent %v", p)
		}
		if p := params(m, 2); !sameSet(p["ids"], []string{province}) {
			t.Errorf("Nodes sent %v, want %s", p, province)
		}
		t.Logf("museum by ID (bench/queries/museum.json): %d store calls, %d Cypher round trips (%d RUN messages, %d transactions) "+
			"on Neo4j via the Bolt test server; embedded: %d store calls", m.resp.Extensions.StoreCalls, m.trips, len(m.runs), m.txs, m.embedCalls)
	})
}
