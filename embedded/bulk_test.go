package embedded_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// records returns the node and edge buckets of a closed data directory as
// key → stored value.
func records(t *testing.T, dir string) map[string]string {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, embedded.FileName), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	err = db.View(func(tx *bolt.Tx) error {
		for _, b := range []string{"nodes", "edges"} {
			if err := tx.Bucket([]byte(b)).ForEach(func(k, v []byte) error {
				out[b+" "+string(k)] = string(v)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRecords(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d records, want %d", len(got), len(want))
	}
	bad := 0
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			if bad++; bad <= 5 {
				t.Errorf("record %s: present %v, equal %v", k, ok, g == v)
			}
		}
	}
}

// loadWithLoader loads src through an embedded.Loader and closes it.
func loadWithLoader(t *testing.T, dir string, src dataset.Source, opts dataset.LoadOptions) (dataset.Report, error) {
	t.Helper()
	l, err := embedded.OpenLoader(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := dataset.LoadSource(ctx, l, src, opts)
	if cerr := l.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	return rep, err
}

// A Loader writes the same records as Store.Write, a rerun over a complete
// or a cut-off load leaves the same file, and the store opens it with the
// counts of the dataset (Open checks the counts record against the
// records) and searches it (the index is built: the loader's commits made
// it stale).
func TestLoaderWritesWhatStoreWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset three times")
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storeDir := t.TempDir()
	st, err := embedded.Open(storeDir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	want := records(t, storeDir)

	dir := t.TempDir()
	// Cut off after about a third of the records (a context canceled
	// between writes, as a killed loader stops between commits).
	cut, cancel := context.WithCancel(ctx)
	l, err := embedded.OpenLoader(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dataset.LoadSource(cut, l, ds, dataset.LoadOptions{Batch: 500, Progress: func(done, total int) {
		if done > total/3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cut-off load: %v", err)
	}
	nodes, edges := l.Counts()
	if nodes+edges == 0 || nodes+edges >= ds.Len() {
		t.Fatalf("cut-off load wrote %d nodes and %d edges of %d records", nodes, edges, ds.Len())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for run := range 2 { // completes the cut-off load, then loads it again
		rep, err := loadWithLoader(t, dir, ds, dataset.LoadOptions{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if rep.NodeCount() != len(ds.Nodes) || rep.EdgeCount() != len(ds.Edges) {
			t.Fatalf("run %d: report %d nodes, %d edges", run, rep.NodeCount(), rep.EdgeCount())
		}
		sameRecords(t, records(t, dir), want)
	}

	st, err = embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountNodes(ctx, kepu.Museum, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantMuseums := 0
	for _, nd := range ds.Nodes {
		if nd.Label == kepu.Museum {
			wantMuseums++
		}
	}
	if n != wantMuseums {
		t.Errorf("%d museums, want %d", n, wantMuseums)
	}
	var museum kepu.Node
	for _, nd := range ds.Nodes {
		if nd.Label == kepu.Museum {
			museum = nd
			break
		}
	}
	page, err := st.Search(ctx, kepu.SearchQuery{Text: museum.Props[kepu.PropName].(string), Labels: []kepu.Label{kepu.Museum}, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range page.Hits {
		found = found || h.Node.ID == museum.ID
	}
	if !found {
		t.Errorf("search for %q does not find %s", museum.Props[kepu.PropName], museum.ID)
	}
}

// A Loader's write that fails changes nothing, with the code Store.Write
// gives for the same change.
func TestLoaderRejects(t *testing.T) {
	dir := t.TempDir()
	l, err := embedded.OpenLoader(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	museum := func(key string) kepu.Node {
		return kepu.Node{ID: "Museum:" + key, Label: kepu.Museum, Props: kepu.Props{
			kepu.PropName: "Museum " + key, "kind": "STANDARD", kepu.PropProvenance: "GENERATED", kepu.PropSource: "test"}}
	}
	partners := func(from, to string) kepu.Edge {
		return kepu.Edge{Type: kepu.HelpedEstablish, From: "Museum:" + from, To: "Museum:" + to,
			Props: kepu.Props{kepu.PropProvenance: "GENERATED", kepu.PropSource: "test"}}
	}
	if _, err := l.Write(ctx, []kepu.Change{
		{Kind: kepu.PutNode, Node: museum("a")},
		{Kind: kepu.CreateNode, Node: museum("b")},
		{Kind: kepu.CreateEdge, Edge: partners("a", "b")},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		changes []kepu.Change
		code    string
	}{
		{"edge to a missing node", []kepu.Change{{Kind: kepu.PutNode, Node: museum("c")}, {Kind: kepu.PutEdge, Edge: partners("a", "x")}}, kepu.NotFound},
		{"edge before its node", []kepu.Change{{Kind: kepu.PutEdge, Edge: partners("a", "c")}, {Kind: kepu.PutNode, Node: museum("c")}}, kepu.NotFound},
		{"create of a committed node", []kepu.Change{{Kind: kepu.PutNode, Node: museum("c")}, {Kind: kepu.CreateNode, Node: museum("a")}}, kepu.Conflict},
		{"create after a put of the write", []kepu.Change{{Kind: kepu.PutNode, Node: museum("c")}, {Kind: kepu.CreateNode, Node: museum("c")}}, kepu.Conflict},
		{"create of a committed edge", []kepu.Change{{Kind: kepu.PutNode, Node: museum("c")}, {Kind: kepu.CreateEdge, Edge: partners("a", "b")}}, kepu.Conflict},
		{"create of an edge twice", []kepu.Change{{Kind: kepu.PutEdge, Edge: partners("b", "a")}, {Kind: kepu.CreateEdge, Edge: partners("b", "a")}}, kepu.Conflict},
		{"bad property", []kepu.Change{{Kind: kepu.PutNode, Node: kepu.Node{ID: "Museum:d", Label: kepu.Museum, Props: kepu.Props{kepu.PropName: 5}}}}, kepu.BadUserInput},
		// The span rule of every write (kepu.CheckSpans): a bulk load
		// writes whole records, checked as ValidateEdge checks them.
		{"span backwards", []kepu.Change{{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.HelpedEstablish, From: "Museum:b", To: "Museum:a",
			Props: kepu.Props{kepu.PropProvenance: "GENERATED", kepu.PropSource: "test", "since": 2010, "until": 2005}}}}, kepu.BadUserInput},
		{"an update", []kepu.Change{{Kind: kepu.UpdateNode, ID: "Museum:a", Set: kepu.Props{kepu.PropName: "A"}}}, kepu.BadUserInput},
		{"a delete", []kepu.Change{{Kind: kepu.DeleteNode, ID: "Museum:a"}}, kepu.BadUserInput},
	} {
		if _, err := l.Write(ctx, tc.changes); kepu.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want code %s", tc.name, err, tc.code)
		}
		if n, e := l.Counts(); n != 2 || e != 1 {
			t.Errorf("%s: counts %d nodes, %d edges after a failed write", tc.name, n, e)
		}
	}
	// Within a write: a node then an edge to it, a create then a put of
	// the same key (the put wins).
	res, err := l.Write(ctx, []kepu.Change{
		{Kind: kepu.CreateNode, Node: museum("c")},
		{Kind: kepu.PutNode, Node: museum("c")},
		{Kind: kepu.PutEdge, Edge: partners("c", "a")},
		{Kind: kepu.PutEdge, Edge: partners("a", "b")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 || res[0].Node.ID != "Museum:c" || res[2].Edge.From != "Museum:c" {
		t.Errorf("results %+v", res)
	}
	if n, e := l.Counts(); n != 3 || e != 2 {
		t.Errorf("counts %d nodes, %d edges, want 3 and 2", n, e)
	}
	// The directory is locked while the loader holds it.
	if st, err := embedded.Open(dir, embedded.Options{LockTimeout: 100 * time.Millisecond}); err == nil {
		st.Close()
		t.Error("Open while a Loader holds the directory succeeded")
	} else if kepu.ErrorCode(err) != kepu.Unavailable {
		t.Errorf("Open while a Loader holds the directory: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Write(ctx, []kepu.Change{{Kind: kepu.PutNode, Node: museum("d")}}); kepu.ErrorCode(err) != kepu.Unavailable {
		t.Errorf("write after Close: %v", err)
	}
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.Neighbors(ctx, []string{"Museum:a"}, kepu.NeighborQuery{Rel: kepu.HelpedEstablish, Dir: kepu.Out})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p["Museum:a"].Items); got != 1 {
		t.Errorf("Museum:a has %d outgoing HELPED_ESTABLISH edges, want 1", got)
	}
}

// A loader killed (SIGKILL) in the middle of a load, with fsync on so that
// the kill often lands inside a commit, leaves a file that opens, and a
// rerun completes it: the records equal those of a load that was not
// killed. The child is this test binary, running this test with
// KEPUGRAPH_LOADER_CHILD set to its data directory.
func TestLoaderKilled(t *testing.T) {
	if dir := os.Getenv("KEPUGRAPH_LOADER_CHILD"); dir != "" {
		ds, err := dataset.Generate(dataset.Options{})
		if err != nil {
			t.Fatal(err)
		}
		l, err := embedded.OpenLoader(dir, embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = dataset.LoadSource(ctx, l, ds, dataset.LoadOptions{Batch: 100, Progress: func(done, total int) {
			fmt.Printf("done %d\n", done)
		}})
		if err != nil {
			t.Fatal(err)
		}
		select {} // the parent kills it
	}
	if testing.Short() {
		t.Skip("loads the reference dataset three times")
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	whole := t.TempDir()
	if _, err := loadWithLoader(t, whole, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	want := records(t, whole)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLoaderKilled$")
	cmd.Env = append(os.Environ(), "KEPUGRAPH_LOADER_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killAt := ds.Len()/4 + rand.IntN(ds.Len()/2)
	killed := false
	for sc.Scan() {
		var done int
		if _, err := fmt.Sscanf(sc.Text(), "done %d", &done); err == nil && done >= killAt {
			cmd.Process.Kill()
			killed = true
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child ended before it was killed")
	}
	l, err := embedded.OpenLoader(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatalf("the killed load's file: %v", err)
	}
	nodes, edges := l.Counts()
	l.Close()
	t.Logf("killed after %d records: the file holds %d nodes and %d edges", killAt, nodes, edges)
	if nodes+edges < killAt { // with fsync, every write that returned is in the file
		t.Errorf("the killed load's file holds %d records; %d were written before the kill", nodes+edges, killAt)
	}
	if _, err := loadWithLoader(t, dir, ds, dataset.LoadOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	sameRecords(t, records(t, dir), want)
}
