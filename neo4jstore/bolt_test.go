package neo4jstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/neo4jstore/bolttest"
)

const testPassword = "s3cret-Pa55word"

// router answers RUNs by the first prefix of the statement that matches.
type router struct {
	mu     sync.Mutex
	routes []route
}

type route struct {
	prefix string
	reply  func(bolttest.Run) bolttest.Reply
}

func (r *router) on(prefix string, f func(bolttest.Run) bolttest.Reply) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.routes = append(r.routes, route{prefix, f})
}

func (r *router) script(run bolttest.Run) bolttest.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rt := range r.routes {
		if strings.HasPrefix(run.Cypher, rt.prefix) {
			return rt.reply(run)
		}
	}
	if run.Cypher == "RETURN 1 AS ok" {
		return bolttest.Reply{Keys: []string{"ok"}, Records: [][]any{{int64(1)}}}
	}
	return bolttest.Reply{FailureCode: "Neo.ClientError.Statement.SyntaxError", FailureMessage: "unscripted: " + run.Cypher}
}

func startServer(t *testing.T, addr string) (*bolttest.Server, *router) {
	t.Helper()
	rt := &router{}
	srv, err := bolttest.Start(addr, &bolttest.Server{User: "neo4j", Password: testPassword, Script: rt.script})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, rt
}

// openStore opens a store on the scripted server at uri. Its
// ConnectTimeout is a minute: a call gives up when it has not reached the
// server within three quarters of it, and the scripted server, in this
// process, answers as slowly as the machine lets it (at 500 ms, a loaded
// machine had 375 ms for a connection and its handshake). Only
// TestBoltServerGoneAndBack, which waits out the budget on a server that
// is down, sets a short one.
func openStore(t *testing.T, uri string, logs *bytes.Buffer, mod ...func(*neo4jstore.Config)) (*neo4jstore.Store, error) {
	t.Helper()
	if logs == nil {
		logs = &bytes.Buffer{}
	}
	cfg := neo4jstore.Config{URI: uri, User: "neo4j", Password: testPassword, ConnectTimeout: time.Minute,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, m := range mod {
		m(&cfg)
	}
	st, err := neo4jstore.Open(context.Background(), cfg)
	if err == nil {
		t.Cleanup(func() { st.Close() })
	}
	return st, err
}

func TestBoltNodesDecoding(t *testing.T) {
	srv, rt := startServer(t, "127.0.0.1:0")
	rt.on("UNWIND $ids AS id MATCH (n:KG {id: id}) USING INDEX SEEK n:KG(id) RETURN n", func(run bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"n"}, Records: [][]any{
			{bolttest.Node(1, []string{"KG", "Museum"}, map[string]any{
				"id": "Museum:cstm", "name": "China Science and Technology Museum", "provenance": "REPORTED", "source": "seed:000",
				"kind": "STANDARD", "openedYear": int64(1988), "distanceKm": 12.5, "freeEntry": true,
				"offlineVisits": int64(1) << 40, "resourcesTB": int64(3)})},
			{bolttest.Node(2, []string{"KG", "Program"}, map[string]any{
				"id": "Program:p1", "name": "Month", "provenance": "REPORTED", "source": "seed:001",
				"monthlyThemes": []any{"space", "ocean"}, "audience": int64(-5)})},
			{bolttest.Node(3, []string{"KG", "Forum"}, map[string]any{
				"id": "Forum:f1", "name": "Forum", "series": "S", "provenance": "REPORTED", "source": "seed:002",
				"date": bolttest.Date(19497)})},
		}}
	})
	st, err := openStore(t, srv.URI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	before, sent := st.RoundTrips(), len(srv.Messages())
	ids := []string{"Museum:cstm", "Program:p1", "Forum:f1", "Museum:none", "bad id"}
	got, err := st.Nodes(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if d := st.RoundTrips() - before; d != 1 {
		t.Fatalf("Nodes took %d round trips, want 1", d)
	}
	want := map[string]kepu.Node{
		"Museum:cstm": {ID: "Museum:cstm", Label: kepu.Museum, Props: kepu.Props{
			"name": "China Science and Technology Museum", "provenance": "REPORTED", "source": "seed:000",
			"kind": "STANDARD", "openedYear": int64(1988), "distanceKm": 12.5, "freeEntry": true,
			"offlineVisits": int64(1) << 40, "resourcesTB": 3.0}},
		"Program:p1": {ID: "Program:p1", Label: kepu.Program, Props: kepu.Props{
			"name": "Month", "provenance": "REPORTED", "source": "seed:001",
			"monthlyThemes": []string{"space", "ocean"}, "audience": int64(-5)}},
		"Forum:f1": {ID: "Forum:f1", Label: kepu.Forum, Props: kepu.Props{
			"name": "Forum", "series": "S", "provenance": "REPORTED", "source": "seed:002", "date": "2023-05-20"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Nodes:\n got %#v\nwant %#v", got, want)
	}
	runs := srv.Runs()
	last := runs[len(runs)-1]
	params := last.Fields[1].(map[string]any)
	if !reflect.DeepEqual(params["ids"], []any{"Museum:cstm", "Program:p1", "Forum:f1", "Museum:none"}) {
		t.Fatalf("ids sent: %#v", params["ids"])
	}
	// A read is an auto-commit transaction: the RUN carries the database,
	// the access mode and the transaction timeout, and no BEGIN is sent.
	meta := last.Fields[2].(map[string]any)
	if meta["db"] != "neo4j" || meta["mode"] != "r" {
		t.Fatalf("RUN metadata: %v", meta)
	}
	if _, ok := meta["tx_timeout"].(int64); !ok {
		t.Fatalf("RUN without tx_timeout: %v", meta)
	}
	for _, m := range srv.Messages()[sent:] {
		if m.Sig == bolttest.MsgBegin {
			t.Fatalf("a read sent BEGIN: %v", m.Fields)
		}
	}
}

func TestBoltNeighborsOneRoundTrip(t *testing.T) {
	srv, rt := startServer(t, "127.0.0.1:0")
	museum := func(id int64, key string) bolttest.Struct {
		return bolttest.Node(id, []string{"KG", "Museum"}, map[string]any{"id": "Museum:" + key, "name": key, "kind": "STANDARD", "provenance": "REPORTED", "source": "s"})
	}
	rt.on("UNWIND $ids AS pid CALL", func(run bolttest.Run) bolttest.Reply {
		edge := func(id, a, b int64, since int64) bolttest.Struct {
			return bolttest.Relationship(id, a, b, "PARTNERS_WITH", map[string]any{"provenance": "REPORTED", "source": "s", "since": since})
		}
		// One record per parent: its items [r, n, k0] in order.
		return bolttest.Reply{Keys: []string{"pid", "items"}, Records: [][]any{
			{"School:s1", []any{
				[]any{edge(10, 1, 100, 2019), museum(1, "m1"), "m1"},
				[]any{edge(11, 2, 100, 2020), museum(2, "m2"), "m2"},
				[]any{edge(12, 3, 100, 2021), museum(3, "m3"), "m3"},
			}},
			{"School:s2", []any{[]any{edge(13, 1, 101, 2022), museum(1, "m1"), "m1"}}},
			{"School:xc", []any{}},
		}}
	})
	st, err := openStore(t, srv.URI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, 50)
	ids = append(ids, "School:s1", "School:s2")
	for len(ids) < 50 {
		ids = append(ids, "School:x"+string(rune('a'+len(ids)%26))+string(rune('a'+len(ids)/26)))
	}
	two := 2
	before := st.RoundTrips()
	got, err := st.Neighbors(context.Background(), ids, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In,
		Order: []kepu.OrderKey{{Prop: "name"}}, Page: kepu.Page{First: &two}})
	if err != nil {
		t.Fatal(err)
	}
	if d := st.RoundTrips() - before; d != 1 {
		t.Fatalf("Neighbors of 50 nodes took %d round trips, want 1", d)
	}
	if len(got) != 50 {
		t.Fatalf("got %d pages, want 50", len(got))
	}
	p1 := got["School:s1"]
	if len(p1.Items) != 2 || !p1.HasNext || p1.HasPrev {
		t.Fatalf("page of s1: %d items, next %v prev %v", len(p1.Items), p1.HasNext, p1.HasPrev)
	}
	e := p1.Items[0].Edge
	if e.From != "Museum:m1" || e.To != "School:s1" || e.Type != kepu.PartnersWith || e.Props["since"] != int64(2019) {
		t.Fatalf("edge: %#v", e)
	}
	if p := got["School:s2"]; len(p.Items) != 1 || p.HasNext {
		t.Fatalf("page of s2: %#v", p)
	}
	// The cursor of an item continues after it.
	c, err := kepu.DecodeCursor(kepu.OrderSignature("neighbors:PARTNERS_WITH:IN", []kepu.OrderKey{{Prop: "name"}}), 1, p1.Items[1].Cursor)
	if err != nil || c.ID != "Museum:m2" || c.Keys[0] != "m2" {
		t.Fatalf("cursor: %#v %v", c, err)
	}
	runs := srv.Runs()
	params := runs[len(runs)-1].Fields[1].(map[string]any)
	if n := len(params["ids"].([]any)); n != 50 {
		t.Fatalf("sent %d ids, want 50", n)
	}
}

func TestBoltTransientErrorIsRetried(t *testing.T) {
	srv, rt := startServer(t, "127.0.0.1:0")
	var mu sync.Mutex
	calls := 0
	rt.on("MATCH (n:`Museum`)", func(run bolttest.Run) bolttest.Reply {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls == 1 {
			return bolttest.Reply{FailureCode: "Neo.TransientError.Transaction.DeadlockDetected", FailureMessage: "deadlock"}
		}
		return bolttest.Reply{Keys: []string{"c"}, Records: [][]any{{int64(42)}}}
	})
	st, err := openStore(t, srv.URI(), nil, func(c *neo4jstore.Config) { c.RetryTime = 5 * time.Second })
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.CountNodes(context.Background(), kepu.Museum, nil)
	if err != nil || n != 42 {
		t.Fatalf("CountNodes = %d, %v; want 42 after a retry", n, err)
	}
	if calls != 2 {
		t.Fatalf("statement ran %d times, want 2", calls)
	}
}

func TestBoltBookmarksAndBatchedWrites(t *testing.T) {
	srv, rt := startServer(t, "127.0.0.1:0")
	rt.on("UNWIND $rows AS row MERGE (n:KG {id: row.id})", func(run bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"c"}, Records: [][]any{{int64(len(run.Params["rows"].([]any)))}}}
	})
	rt.on("MATCH (n:`School`)", func(run bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"c"}, Records: [][]any{{int64(1)}}}
	})
	rt.on(neo4jstore.CypherBumpVersion, func(run bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"version"}, Records: [][]any{{int64(1)}}}
	})
	st, err := openStore(t, srv.URI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var changes []kepu.Change
	for i := range 1000 {
		l, key := kepu.School, "s"
		if i%2 == 1 {
			l, key = kepu.Museum, "m"
		}
		props := kepu.Props{"name": "N 'quoted' `x`", "provenance": "GENERATED", "source": "test"}
		if l == kepu.Museum {
			props["kind"] = "STANDARD"
		}
		changes = append(changes, kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: kepu.MakeID(l, key+string(rune('a'+i%26))+itoa(i)), Label: l, Props: props}})
	}
	before := len(srv.Runs())
	res, err := st.Write(context.Background(), changes)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1000 || res[1].Node.Label != kepu.Museum {
		t.Fatalf("results: %d", len(res))
	}
	runs := srv.Runs()[before:]
	if len(runs) != 3 || runs[2].Fields[0].(string) != neo4jstore.CypherBumpVersion {
		t.Fatalf("1000 puts of 2 labels sent %d statements, want 2 and the version bump", len(runs))
	}
	for _, r := range runs[:2] {
		cy := r.Fields[0].(string)
		if strings.Contains(cy, "quoted") {
			t.Fatalf("client text in Cypher: %s", cy)
		}
		if n := len(r.Fields[1].(map[string]any)["rows"].([]any)); n != 500 {
			t.Fatalf("batch of %d rows, want 500", n)
		}
	}
	// The read after the write carries the write's bookmark.
	if _, err := st.CountNodes(context.Background(), kepu.School, nil); err != nil {
		t.Fatal(err)
	}
	var lastBegin map[string]any
	for _, m := range srv.Messages() {
		if m.Sig == bolttest.MsgBegin {
			lastBegin = m.Fields[0].(map[string]any)
		}
	}
	bms, _ := lastBegin["bookmarks"].([]any)
	if len(bms) == 0 {
		t.Fatalf("read after write sent no bookmarks: %v", lastBegin)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestBoltConstraintIsConflict(t *testing.T) {
	srv, rt := startServer(t, "127.0.0.1:0")
	rt.on("OPTIONAL MATCH (x:KG {id: $id})", func(run bolttest.Run) bolttest.Reply {
		return bolttest.Reply{FailureCode: "Neo.ClientError.Schema.ConstraintValidationFailed", FailureMessage: "Node(1) already exists with label `KG` and property `id` = 'Person:a'"}
	})
	st, err := openStore(t, srv.URI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Write(context.Background(), []kepu.Change{{Kind: kepu.CreateNode, Node: kepu.Node{ID: "Person:a", Label: kepu.Person,
		Props: kepu.Props{"name": "A", "provenance": "REPORTED", "source": "s"}}}})
	if kepu.ErrorCode(err) != kepu.Conflict {
		t.Fatalf("got %v (%s), want CONFLICT", err, kepu.ErrorCode(err))
	}
}

func TestBoltWrongCredentialsAndDatabase(t *testing.T) {
	srv, _ := startServer(t, "127.0.0.1:0")
	var logs bytes.Buffer
	_, err := openStore(t, srv.URI(), &logs, func(c *neo4jstore.Config) { c.Password = "wrong-" + testPassword })
	if err == nil || !strings.Contains(err.Error(), "authentication failed") || kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("wrong password: got %v", err)
	}
	if strings.Contains(err.Error(), testPassword) || strings.Contains(logs.String(), testPassword) {
		t.Fatalf("password leaked:\nerror: %v\nlogs: %s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "authentication failed") {
		t.Fatalf("no log of the failure: %s", logs.String())
	}
	logs.Reset()
	_, err = openStore(t, srv.URI(), &logs, func(c *neo4jstore.Config) { c.Database = "nope" })
	if err == nil || !strings.Contains(err.Error(), `database "nope" not found`) {
		t.Fatalf("wrong database: got %v", err)
	}
	if strings.Contains(logs.String(), testPassword) {
		t.Fatalf("password leaked in logs: %s", logs.String())
	}
}

func TestBoltServerGoneAndBack(t *testing.T) {
	// Reserve a port, then free it: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	// The product's default ConnectTimeout (2 s): each call on the
	// server while it is down waits out its budget, 1.5 s, in which the
	// calls on it once it is up must reach it.
	var logs bytes.Buffer
	st, err := openStore(t, "bolt://"+addr, &logs, func(c *neo4jstore.Config) { c.ConnectTimeout = 2 * time.Second })
	if err != nil {
		t.Fatalf("Open with the server down: %v", err)
	}
	if err := st.Ready(context.Background()); kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("Ready with the server down: %v", err)
	}
	start := time.Now()
	_, err = st.CountNodes(context.Background(), kepu.Museum, nil)
	if kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("query with the server down: %v", err)
	}
	// ConnectTimeout is 2 s here; allow for a loaded machine.
	if d := time.Since(start); d > 30*time.Second { // a hang guard, not a speed check
		t.Fatalf("query took %v to fail", d)
	}

	srv, rt := startServer(t, addr)
	rt.on("MATCH (n:`Museum`)", func(bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"c"}, Records: [][]any{{int64(7)}}}
	})
	if err := st.Ready(context.Background()); err != nil {
		t.Fatalf("Ready after the server came up: %v", err)
	}
	if n, err := st.CountNodes(context.Background(), kepu.Museum, nil); err != nil || n != 7 {
		t.Fatalf("query after the server came up: %d %v", n, err)
	}

	// Stop it again, then restart it on the same port.
	srv.Close()
	if _, err := st.CountNodes(context.Background(), kepu.Museum, nil); kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("query after the server stopped: %v", err)
	}
	_, rt = startServer(t, addr)
	rt.on("MATCH (n:`Museum`)", func(bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"c"}, Records: [][]any{{int64(8)}}}
	})
	if n, err := st.CountNodes(context.Background(), kepu.Museum, nil); err != nil || n != 8 {
		t.Fatalf("query after the restart: %d %v", n, err)
	}
	if strings.Contains(logs.String(), testPassword) {
		t.Fatalf("password leaked in logs")
	}
}

func TestBoltPlaceNodesOneRoundTrip(t *testing.T) {
	srv, rt := startServer(t, "127.0.0.1:0")
	museum := func(id int64, key, name string) bolttest.Struct {
		return bolttest.Node(id, []string{"KG", "Museum"}, map[string]any{"id": "Museum:" + key, "name": name, "kind": "STANDARD", "provenance": "REPORTED", "source": "s"})
	}
	rt.on("UNWIND $places AS pid CALL", func(run bolttest.Run) bolttest.Reply {
		// Rows of one place come together, in the page's order; with
		// last: 2 the store reads the order backwards.
		return bolttest.Reply{Keys: []string{"pid", "n", "k0"}, Records: [][]any{
			{"Province:AH", museum(3, "m3", "C"), "C"},
			{"Province:AH", museum(2, "m2", "B"), "B"},
			{"Province:AH", museum(1, "m1", "A"), "A"},
			{"County:110105", museum(4, "m4", "D"), "D"},
			{"Province:XX", museum(5, "m5", "E"), "E"}, // not asked for: ignored
		}}
	})
	rt.on("UNWIND $places AS pid MATCH", func(run bolttest.Run) bolttest.Reply {
		return bolttest.Reply{Keys: []string{"pid", "c"}, Records: [][]any{
			{"Province:AH", int64(12)},
			{"County:110105", int64(1)},
		}}
	})
	st, err := openStore(t, srv.URI(), nil)
	if err != nil {
		t.Fatal(err)
	}
	places := []string{"Province:AH", "County:110105", "Province:AH"}
	for len(places) < 40 {
		places = append(places, "County:x"+itoa(len(places)))
	}
	byName := []kepu.OrderKey{{Prop: "name"}}
	two := 2
	before := st.RoundTrips()
	got, err := st.PlaceNodes(context.Background(), places, kepu.NodeQuery{Label: kepu.Museum,
		Filter: kepu.C("kind", kepu.Eq, "STANDARD"), Order: byName, Page: kepu.Page{Last: &two}})
	if err != nil {
		t.Fatal(err)
	}
	if d := st.RoundTrips() - before; d != 1 {
		t.Fatalf("PlaceNodes of 40 places took %d round trips, want 1", d)
	}
	if len(got) != 39 {
		t.Fatalf("got %d pages, want 39 (one per distinct place)", len(got))
	}
	ah := got["Province:AH"]
	if ids := nodeIDList(ah.Nodes); ids != "Museum:m2 Museum:m3" || !ah.HasPrev || ah.HasNext {
		t.Fatalf("page of Anhui: %s, next %v prev %v", ids, ah.HasNext, ah.HasPrev)
	}
	if p := got["County:110105"]; nodeIDList(p.Nodes) != "Museum:m4" || p.HasPrev {
		t.Fatalf("page of Chaoyang: %+v", p)
	}
	if p, ok := got["County:x5"]; !ok || len(p.Nodes) != 0 || p.HasPrev || p.HasNext {
		t.Fatalf("page of an empty place: %+v %v", p, ok)
	}
	if _, ok := got["Province:XX"]; ok {
		t.Fatal("a place not asked for has a page")
	}
	// The cursors are those of FindNodes.
	c, err := kepu.DecodeCursor(kepu.OrderSignature("nodes:Museum", byName), 1, ah.Cursors[0])
	if err != nil || c.ID != "Museum:m2" || c.Keys[0] != "B" {
		t.Fatalf("cursor: %#v %v", c, err)
	}
	runs := srv.Runs()
	last := runs[len(runs)-1]
	params := last.Fields[1].(map[string]any)
	if n := len(params["places"].([]any)); n != 39 {
		t.Fatalf("sent %d places, want 39", n)
	}
	cy := last.Fields[0].(string)
	if !strings.Contains(cy, "ORDER BY k0 DESC, n.id DESC LIMIT") || strings.Contains(cy, "STANDARD") {
		t.Fatalf("statement: %s", cy)
	}

	before = st.RoundTrips()
	counts, err := st.CountPlaceNodes(context.Background(), places, kepu.Museum, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := st.RoundTrips() - before; d != 1 {
		t.Fatalf("CountPlaceNodes of 40 places took %d round trips, want 1", d)
	}
	if len(counts) != 39 || counts["Province:AH"] != 12 || counts["County:110105"] != 1 || counts["County:x5"] != 0 {
		t.Fatalf("counts: %v", counts)
	}

	// Bad places never reach the server.
	before = st.RoundTrips()
	if _, err := st.PlaceNodes(context.Background(), []string{"Museum:m1"}, kepu.NodeQuery{Label: kepu.Museum}); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Fatalf("a museum as a place: %v", err)
	}
	if _, err := st.CountPlaceNodes(context.Background(), []string{"nope"}, kepu.Museum, nil); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Fatalf("a malformed place: %v", err)
	}
	if d := st.RoundTrips() - before; d != 0 {
		t.Fatalf("bad input took %d round trips", d)
	}
}

func nodeIDList(ns []kepu.Node) string {
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return strings.Join(ids, " ")
}

// A server of another major version (or a 5.x older than 5.23, which lacks
// the CALL (x) { ... } subqueries the store sends) is refused at Open with
// an error naming the version; supported ones open.
func TestBoltServerVersion(t *testing.T) {
	for _, tc := range []struct {
		agent string
		ok    bool
	}{
		{"Neo4j/4.4.30", false},
		{"Neo4j/3.5.35", false},
		{"Neo4j/5.22.0", false},
		{"Memgraph/2.0", false},
		{"Neo4j/5.23.0", true},
		{"Neo4j/5.26.30", true},
		{"Neo4j/2025.10.1", true},
	} {
		rt := &router{}
		srv, err := bolttest.Start("127.0.0.1:0", &bolttest.Server{User: "neo4j", Password: testPassword, Script: rt.script, Agent: tc.agent})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		st, err := openStore(t, srv.URI(), &logs)
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: %v", tc.agent, err)
		case !tc.ok && err == nil:
			t.Errorf("%s: opened, want an error", tc.agent)
		case !tc.ok:
			v := strings.TrimPrefix(tc.agent, "Neo4j/")
			if !strings.Contains(err.Error(), v) || !strings.Contains(err.Error(), "5.23 or later") {
				t.Errorf("%s: error %q does not name the version and what is needed", tc.agent, err)
			}
		}
		if st != nil {
			if err := st.Ready(context.Background()); err != nil {
				t.Errorf("%s: Ready: %v", tc.agent, err)
			}
		}
		srv.Close()
	}
}
