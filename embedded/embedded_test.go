package embedded_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

var ctx = context.Background()

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	defer st.Close()
	start := time.Now()
	st2, err := embedded.Open(dir, embedded.Options{LockTimeout: 200 * time.Millisecond})
	if err == nil {
		st2.Close()
		t.Fatal("second Open of the same directory succeeded")
	}
	if kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("code = %q (%v), want %q", kepu.ErrorCode(err), err, kepu.Unavailable)
	}
	if elapsed := time.Since(start); elapsed > 30*time.Second { // a hang guard, not a speed check
		t.Fatalf("second Open took %v", elapsed)
	}
	t.Log(err)
	// Once the first store is closed, the directory opens again.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	openStore(t, dir).Close()
}

func TestOpenCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	st := openStore(t, dir)
	defer st.Close()
	if _, err := os.Stat(filepath.Join(dir, embedded.FileName)); err != nil {
		t.Fatal(err)
	}
}

func TestClosed(t *testing.T) {
	st := openStore(t, t.TempDir())
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Nodes(ctx, []string{"Museum:x"}); kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("Nodes after Close: %v", err)
	}
	if _, err := st.Write(ctx, nil); kepu.ErrorCode(err) != kepu.Unavailable {
		t.Fatalf("Write after Close: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func museum(i int) kepu.Node {
	return kepu.Node{ID: fmt.Sprintf("Museum:m%07d", i), Label: kepu.Museum, Props: kepu.Props{
		"name": fmt.Sprintf("Museum %d", i), "provenance": kepu.Generated, "source": "test", "kind": "STANDARD",
		"openedYear": 1950 + i%70}}
}

func TestFailingBatchLeavesFileUnchanged(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	var ok []kepu.Change
	for i := range 50 {
		ok = append(ok, kepu.Change{Kind: kepu.PutNode, Node: museum(i)})
	}
	if _, err := st.Write(ctx, ok); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, embedded.FileName)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := []kepu.Change{{Kind: kepu.PutNode, Node: museum(100)}, {Kind: kepu.DeleteNode, ID: "Museum:m0000001"},
		{Kind: kepu.UpdateNode, ID: "Museum:m0000002", Set: kepu.Props{"openedYear": "soon"}}}
	if _, err := st.Write(ctx, bad); kepu.ErrorCode(err) != kepu.BadUserInput {
		t.Fatalf("bad batch: %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("a failed batch changed the file")
	}
	st.Close()
	st = openStore(t, dir)
	defer st.Close()
	n, err := st.CountNodes(ctx, kepu.Museum, nil)
	if err != nil || n != 50 {
		t.Fatalf("after reopen: %d museums, %v", n, err)
	}
}

// TestConcurrent runs readers and writers at once; run it with -race.
func TestConcurrent(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.PutNode, Node: kepu.Node{ID: "School:s", Label: kepu.School,
		Props: kepu.Props{"name": "s", "provenance": kepu.Generated, "source": "test"}}}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				id := w*1000 + i
				m := museum(id)
				_, err := st.Write(ctx, []kepu.Change{
					{Kind: kepu.PutNode, Node: m},
					{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: m.ID, To: "School:s",
						Props: kepu.Props{"provenance": kepu.Generated, "source": "test", "since": 2000 + i}}},
				})
				if err == nil && i%3 == 0 {
					_, err = st.Write(ctx, []kepu.Change{{Kind: kepu.DeleteNode, ID: m.ID}})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 60 {
				p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: "openedYear"}}, Page: kepu.Page{First: ptrInt(5)}})
				if err == nil && len(p.Nodes) > 0 {
					p.Nodes[0].Props["name"] = "modified by a reader"
				}
				if err == nil {
					_, err = st.Neighbors(ctx, []string{"School:s"}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In,
						Order: []kepu.OrderKey{{Prop: "since", Edge: true, Desc: true}}})
				}
				if err == nil {
					_, err = st.Aggregate(ctx, kepu.AggregateQuery{Label: kepu.Museum, GroupBy: "openedYear"})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n, _ := st.CountNodes(ctx, kepu.Museum, nil)
	if n != 40 {
		t.Fatalf("museums = %d, want 40", n)
	}
	c, _ := st.CountNeighbors(ctx, []string{"School:s"}, kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.In})
	if c["School:s"] != 40 {
		t.Fatalf("partners = %d, want 40", c["School:s"])
	}
	m, _ := st.Nodes(ctx, []string{"Museum:m0000001"})
	if m["Museum:m0000001"].Props["name"] != "Museum 1" {
		t.Fatal("a reader's change to a result reached the store")
	}
}

func ptrInt(n int) *int { return &n }

// genGraph writes a graph of about nodes nodes and edges edges: counties
// under prefectures under provinces, museums and schools located in
// counties, PARTNERS_WITH and COVERS edges.
func genGraph(tb testing.TB, st *embedded.Store, nodes, edges int) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	common := func(p kepu.Props) kepu.Props {
		p["provenance"], p["source"] = kepu.Generated, "generated"
		return p
	}
	nprov, npref, ncounty := 30, max(nodes/300, 1), max(nodes/30, 1)
	nmus := (nodes - nprov - npref - ncounty) / 2
	nsch := nodes - nprov - npref - ncounty - nmus
	var batch []kepu.Change
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := st.Write(ctx, batch); err != nil {
			tb.Fatal(err)
		}
		batch = batch[:0]
	}
	add := func(c kepu.Change) {
		batch = append(batch, c)
		if len(batch) == 10000 {
			flush()
		}
	}
	node := func(id string, p kepu.Props) {
		add(kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: id, Label: kepu.LabelOf(id), Props: common(p)}})
	}
	edge := func(t kepu.RelType, from, to string, p kepu.Props) {
		add(kepu.Change{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: t, From: from, To: to, Props: common(p)}})
	}
	prov := func(i int) string { return fmt.Sprintf("Province:P%02d", i) }
	pref := func(i int) string { return fmt.Sprintf("Prefecture:%06d", i) }
	county := func(i int) string { return fmt.Sprintf("County:%07d", i) }
	mus := func(i int) string { return fmt.Sprintf("Museum:m%07d", i) }
	sch := func(i int) string { return fmt.Sprintf("School:s%07d", i) }
	kinds := kepu.MuseumKinds
	for i := range nprov {
		node(prov(i), kepu.Props{"name": fmt.Sprintf("Province %d", i), "code": fmt.Sprintf("CN-%02d", i)})
	}
	for i := range npref {
		node(pref(i), kepu.Props{"name": fmt.Sprintf("Prefecture %d", i), "gbCode": fmt.Sprint(i)})
	}
	for i := range ncounty {
		node(county(i), kepu.Props{"name": fmt.Sprintf("County %d", i), "gbCode": fmt.Sprint(i)})
	}
	for i := range nmus {
		node(mus(i), kepu.Props{"name": fmt.Sprintf("Museum %d", r.IntN(nmus)), "kind": kinds[r.IntN(len(kinds))],
			"openedYear": 1950 + r.IntN(75), "freeEntry": r.IntN(2) == 0})
	}
	for i := range nsch {
		node(sch(i), kepu.Props{"name": fmt.Sprintf("School %d", i), "rural": r.IntN(2) == 0})
	}
	flush()
	n := 0
	for i := range npref {
		edge(kepu.PartOf, pref(i), prov(i%nprov), kepu.Props{})
		n++
	}
	for i := range ncounty {
		edge(kepu.PartOf, county(i), pref(i%npref), kepu.Props{})
		n++
	}
	for i := range nmus {
		edge(kepu.LocatedIn, mus(i), county(r.IntN(ncounty)), kepu.Props{})
		n++
	}
	for i := 0; n < edges; i = (i + 1) % nmus {
		edge(kepu.PartnersWith, mus(i), sch(r.IntN(nsch)), kepu.Props{"since": 2000 + r.IntN(25)})
		edge(kepu.Covers, mus(i), county(r.IntN(ncounty)), kepu.Props{"tours": r.IntN(10)})
		n += 2
	}
	flush()
}

// TestLoadLarge measures Open on a large generated graph. It runs only when
// KEPU_LOAD_NODES is set (e.g. KEPU_LOAD_NODES=1000000 KEPU_LOAD_EDGES=5000000).
// With KEPU_LOAD_DIR set, the graph is generated there once and reused.
func TestLoadLarge(t *testing.T) {
	var nodes, edges int
	if _, err := fmt.Sscan(os.Getenv("KEPU_LOAD_NODES"), &nodes); err != nil {
		t.Skip("set KEPU_LOAD_NODES (and KEPU_LOAD_EDGES) to run")
	}
	fmt.Sscan(os.Getenv("KEPU_LOAD_EDGES"), &edges)
	dir := os.Getenv("KEPU_LOAD_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	fi, err := os.Stat(filepath.Join(dir, embedded.FileName))
	if err != nil {
		st, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		genGraph(t, st, nodes, edges)
		t.Logf("generated %d nodes, %d edges in %v", nodes, edges, time.Since(start))
		st.Close()
		runtime.GC()
		fi, _ = os.Stat(filepath.Join(dir, embedded.FileName))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap0 := ms.HeapAlloc
	start := time.Now()
	st := openStore(t, dir)
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("Open loaded %d MB file in %v; heap grew by %d MB", fi.Size()>>20, elapsed, (int64(ms.HeapAlloc)-int64(heap0))>>20)
	defer st.Close()
	n, _ := st.CountNodes(ctx, kepu.Museum, nil)
	start = time.Now()
	p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, "MOBILE"),
		Order: []kepu.OrderKey{{Prop: "openedYear", Desc: true}}, Page: kepu.Page{First: ptrInt(20)}})
	if err != nil || len(p.Nodes) != 20 {
		t.Fatalf("FindNodes: %d nodes, %v", len(p.Nodes), err)
	}
	t.Logf("%d museums; filtered, ordered FindNodes in %v", n, time.Since(start))
}

func benchStore(b *testing.B, nodes, edges int) (*embedded.Store, string) {
	b.Helper()
	dir := b.TempDir()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	genGraph(b, st, nodes, edges)
	return st, dir
}

// cpuTime is the user and system CPU time of the process so far, in
// nanoseconds: on a machine shared with other work it varies less than the
// wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkOpen loads a 10k node, 20k edge graph with every check
// (checks=all), without the record checks (every record's CRC-32C and
// UTF-8; checks=file), and without any (checks=none: only decoding, as
// before format 2). With -count N the three alternate.
func BenchmarkOpen(b *testing.B) {
	st, dir := benchStore(b, 10000, 20000)
	st.Close()
	for _, c := range []struct {
		name          string
		records, file bool
	}{{"checks=all", true, true}, {"checks=file", false, true}, {"checks=none", false, false}} {
		b.Run(c.name, func(b *testing.B) {
			defer embedded.SetChecks(c.records, c.file)()
			cpu0 := cpuTime()
			for b.Loop() {
				st, err := embedded.Open(dir, embedded.Options{})
				if err != nil {
					b.Fatal(err)
				}
				st.Close()
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

func BenchmarkFindNodes(b *testing.B) {
	st, _ := benchStore(b, 10000, 20000)
	defer st.Close()
	cases := map[string]kepu.NodeQuery{
		"first20":        {Label: kepu.Museum, Page: kepu.Page{First: ptrInt(20)}},
		"filter":         {Label: kepu.Museum, Filter: kepu.C("kind", kepu.Eq, "MOBILE"), Page: kepu.Page{First: ptrInt(20)}},
		"orderByProp":    {Label: kepu.Museum, Order: []kepu.OrderKey{{Prop: "openedYear", Desc: true}}, Page: kepu.Page{First: ptrInt(20)}},
		"orderByCount":   {Label: kepu.Museum, Order: []kepu.OrderKey{{Count: &kepu.RelCount{Rel: kepu.PartnersWith, Dir: kepu.Out}, Desc: true}}, Page: kepu.Page{First: ptrInt(20)}},
		"placeFilter":    {Label: kepu.Museum, Filter: &kepu.Filter{Place: &kepu.PlaceCond{Level: kepu.Province, Filter: kepu.C("code", kepu.Eq, "CN-07")}}, Page: kepu.Page{First: ptrInt(20)}},
		"relFilterCount": {Label: kepu.School, Filter: &kepu.Filter{Rel: &kepu.RelCond{Rel: kepu.PartnersWith, Dir: kepu.In, Quant: kepu.Some, Edge: kepu.C("since", kepu.Gte, 2020)}}},
	}
	for name, q := range cases {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := st.FindNodes(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNeighbors(b *testing.B) {
	st, _ := benchStore(b, 10000, 20000)
	defer st.Close()
	p, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: ptrInt(50)}})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for _, n := range p.Nodes {
		ids = append(ids, n.ID)
	}
	q := kepu.NeighborQuery{Rel: kepu.PartnersWith, Dir: kepu.Out, Order: []kepu.OrderKey{{Prop: "since", Edge: true, Desc: true}},
		Page: kepu.Page{First: ptrInt(10)}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := st.Neighbors(ctx, ids, q); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHubEdges: edge lookups between a hub (more than 16 edges of a type)
// and a node of small degree scan the small end's list (state.findEdge);
// create, conflict, delete and recreate must work through both ends, and
// after a reopen.
func TestHubEdges(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	school := func(i int) string { return fmt.Sprintf("School:s%03d", i) }
	edge := func(kind kepu.ChangeKind, m, s string) kepu.Change {
		return kepu.Change{Kind: kind, Edge: kepu.Edge{Type: kepu.PartnersWith, From: m, To: s,
			Props: kepu.Props{"provenance": kepu.Generated, "source": "test"}}}
	}
	var cs []kepu.Change
	for i := range 40 {
		cs = append(cs, kepu.Change{Kind: kepu.PutNode, Node: museum(i)},
			kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: school(i), Label: kepu.School,
				Props: kepu.Props{"name": school(i), "provenance": kepu.Generated, "source": "test"}}})
	}
	hubM, hubS := museum(0).ID, school(0)
	for i := 1; i < 40; i++ {
		cs = append(cs, edge(kepu.PutEdge, hubM, school(i)), edge(kepu.PutEdge, museum(i).ID, hubS))
	}
	if _, err := st.Write(ctx, cs); err != nil {
		t.Fatal(err)
	}
	// Hub to small (the To end's list is shorter), small to hub (the From
	// end's), hub to hub (both long: not there yet).
	for _, p := range [][2]string{{hubM, school(7)}, {museum(7).ID, hubS}} {
		if _, err := st.Write(ctx, []kepu.Change{edge(kepu.CreateEdge, p[0], p[1])}); kepu.ErrorCode(err) != kepu.Conflict {
			t.Fatalf("create existing %v: %v, want Conflict", p, err)
		}
		if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: p[0], To: p[1]}}}); err != nil {
			t.Fatalf("delete %v: %v", p, err)
		}
		if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.DeleteEdge, Edge: kepu.Edge{Type: kepu.PartnersWith, From: p[0], To: p[1]}}}); kepu.ErrorCode(err) != kepu.NotFound {
			t.Fatalf("delete deleted %v: %v, want NotFound", p, err)
		}
	}
	if _, err := st.Write(ctx, []kepu.Change{edge(kepu.CreateEdge, hubM, hubS), edge(kepu.CreateEdge, hubM, school(7))}); err != nil {
		t.Fatalf("create hub to hub and recreate: %v", err)
	}
	st.Close()
	st = openStore(t, dir)
	defer st.Close()
	for _, p := range [][2]string{{hubM, hubS}, {hubM, school(7)}, {museum(9).ID, hubS}} {
		if _, err := st.Write(ctx, []kepu.Change{edge(kepu.CreateEdge, p[0], p[1])}); kepu.ErrorCode(err) != kepu.Conflict {
			t.Fatalf("after reopen, create existing %v: %v, want Conflict", p, err)
		}
	}
	if _, err := st.Write(ctx, []kepu.Change{edge(kepu.CreateEdge, museum(7).ID, hubS)}); err != nil {
		t.Fatalf("after reopen, recreate deleted: %v", err)
	}
}
