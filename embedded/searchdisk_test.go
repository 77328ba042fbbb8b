package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// searchLog records whether Open reused the index on disk or built it.
type searchLog struct {
	mu      sync.Mutex
	msgs    []string
	reasons []string // the reason attribute of each record that has one
}

func (l *searchLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *searchLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.msgs = append(l.msgs, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "reason" {
			l.reasons = append(l.reasons, a.Value.String())
		}
		return true
	})
	l.mu.Unlock()
	return nil
}
func (l *searchLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *searchLog) WithGroup(string) slog.Handler      { return l }

// index returns "opened" or "built": what the last open or close did with
// the full-text index.
func (l *searchLog) index() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.msgs) - 1; i >= 0; i-- {
		switch l.msgs[i] {
		case "search index opened":
			return "opened"
		case "search index built":
			return "built"
		}
	}
	return ""
}

func openLogged(t *testing.T, dir string, opts Options) (*Store, *searchLog) {
	t.Helper()
	l := &searchLog{}
	opts.Logger = slog.New(l)
	opts.NoSync = true
	st, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st, l
}

func schoolNode(i int, name, zh string) kepu.Node {
	return kepu.Node{ID: kepu.MakeID(kepu.School, fmt.Sprintf("disk%d", i)), Label: kepu.School, Props: kepu.Props{
		"name": name, "nameZh": zh, "provenance": kepu.Generated, "source": "test"}}
}

func put(t *testing.T, st *Store, nodes ...kepu.Node) {
	t.Helper()
	var cs []kepu.Change
	for _, n := range nodes {
		cs = append(cs, kepu.Change{Kind: kepu.PutNode, Node: n})
	}
	if _, err := st.Write(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
}

// found returns the IDs of the hits of text, best first.
func found(t *testing.T, st *Store, text string) []string {
	t.Helper()
	p, err := st.Search(context.Background(), kepu.SearchQuery{Text: text, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, h := range p.Hits {
		ids = append(ids, h.Node.ID)
	}
	return ids
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.RemoveAll(dst); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// TestSearchIndexOnDisk: the index written by the writes of one session is
// reused by the next open (no rebuild) and finds what they wrote, renames
// included; an index that is missing, damaged, or behind the data file (a
// crash between the data file's commit and the index's write, simulated
// by putting back an older copy of the index) is rebuilt, and finds the
// same.
func TestSearchIndexOnDisk(t *testing.T) {
	dir := t.TempDir()
	idxDir := filepath.Join(dir, SearchDirName)
	st, l := openLogged(t, dir, Options{})
	if l.index() != "built" {
		t.Fatalf("new store: index %q, want built", l.index())
	}
	put(t, st, schoolNode(1, "Disk School", "磁盘学校"), schoolNode(2, "Other Place", "别处"))
	put(t, st, schoolNode(2, "Renamed School", "改名学校"))
	want := map[string][]string{
		"disk school": {"School:disk1"}, "cipan": {"School:disk1"}, "学校": {"School:disk1", "School:disk2"},
		"renamed": {"School:disk2"}, "别处": {}, "other place": {},
	}
	check := func(st *Store, when string) {
		t.Helper()
		for text, ids := range want {
			if got := found(t, st, text); !reflect.DeepEqual(got, ids) {
				t.Errorf("%s: %q found %v, want %v", when, text, got, ids)
			}
		}
	}
	check(st, "first session")
	st.Close()

	st, l = openLogged(t, dir, Options{})
	if l.index() != "opened" {
		t.Fatalf("reopen: index %q, want opened (reused)", l.index())
	}
	check(st, "reopened")
	st.Close()
	behind := filepath.Join(t.TempDir(), "behind")
	copyDir(t, idxDir, behind)

	// A write the index copy has not seen.
	st, _ = openLogged(t, dir, Options{})
	put(t, st, schoolNode(3, "Later School", "后来学校"))
	st.Close()
	want["later"] = []string{"School:disk3"}
	want["学校"] = []string{"School:disk1", "School:disk2", "School:disk3"}

	copyDir(t, behind, idxDir)
	st, l = openLogged(t, dir, Options{})
	if l.index() != "built" {
		t.Fatalf("index behind the data file: %q, want built", l.index())
	}
	check(st, "rebuilt after an index behind")
	st.Close()

	if err := os.RemoveAll(idxDir); err != nil {
		t.Fatal(err)
	}
	st, l = openLogged(t, dir, Options{})
	if l.index() != "built" {
		t.Fatalf("index missing: %q, want built", l.index())
	}
	check(st, "rebuilt after a missing index")
	st.Close()

	// Damage: every file of the index overwritten with zeros.
	filepath.WalkDir(idxDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			os.WriteFile(p, make([]byte, fi.Size()), 0o600)
		}
		return nil
	})
	st, l = openLogged(t, dir, Options{})
	if l.index() != "built" {
		t.Fatalf("index damaged: %q, want built", l.index())
	}
	check(st, "rebuilt after a damaged index")
	st.Close()
}

// TestSearchIndexAfterRestore: a backup restored into a data directory
// whose index holds later writes (the same history, diverged: the backup
// was then written to elsewhere, reaching the same version) gets its own
// index built; check and the backup ignore the index directory.
func TestSearchIndexAfterRestore(t *testing.T) {
	dir := t.TempDir()
	st, _ := openLogged(t, dir, Options{})
	put(t, st, schoolNode(1, "Kept School", "保留学校"))
	var backup bytes.Buffer
	if _, err := st.Backup(&backup, nil); err != nil {
		t.Fatal(err)
	}
	put(t, st, schoolNode(2, "Lost School", "丢失学校"))
	st.Close()

	// The backup, restored elsewhere, gets a different write: same
	// version as dir's file, other contents.
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, FileName), backup.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ = openLogged(t, other, Options{})
	put(t, st, schoolNode(3, "Fork School", "分叉学校"))
	if st.version.Load() != 2 {
		t.Fatalf("fork at version %d, want 2", st.version.Load())
	}
	st.Close()
	for _, file := range []string{filepath.Join(other, FileName)} {
		if r, err := Check(file, CheckOptions{}); err != nil || !r.OK() {
			t.Fatalf("Check(%s): %+v %v", file, r, err)
		}
	}
	forked, err := os.ReadFile(filepath.Join(other, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), forked, 0o600); err != nil {
		t.Fatal(err)
	}
	st, l := openLogged(t, dir, Options{})
	defer st.Close()
	if l.index() != "built" {
		t.Fatalf("after the restore: index %q, want built", l.index())
	}
	for text, ids := range map[string][]string{"kept": {"School:disk1"}, "lost": {}, "fork": {"School:disk3"}} {
		if got := found(t, st, text); !reflect.DeepEqual(got, ids) {
			t.Errorf("%q found %v, want %v", text, got, ids)
		}
	}
}

// TestSearchIndexBulkLoad: with BulkLoad the writes leave the index alone
// and Close builds it once; a search in between sees every write; the next
// open reuses the index.
func TestSearchIndexBulkLoad(t *testing.T) {
	dir := t.TempDir()
	st, _ := openLogged(t, dir, Options{BulkLoad: true})
	for i := range 30 {
		put(t, st, schoolNode(i, fmt.Sprintf("Bulk School %d", i), "批量学校"))
	}
	if got := found(t, st, "批量"); len(got) != 30 {
		t.Fatalf("during the load: %d hits, want 30", len(got))
	}
	put(t, st, schoolNode(30, "Bulk School 30", "批量学校"), schoolNode(0, "Renamed", "改名"))
	st.Close()
	st, l := openLogged(t, dir, Options{})
	defer st.Close()
	if l.index() != "opened" {
		t.Fatalf("after a bulk load: index %q, want opened (built at close)", l.index())
	}
	if got := found(t, st, "批量"); len(got) != 30 {
		t.Fatalf("after the load: %d hits, want 30", len(got))
	}
	if got := found(t, st, "gaiming"); !reflect.DeepEqual(got, []string{"School:disk0"}) {
		t.Fatalf("renamed during the load: %v", got)
	}
}

// TestSearchIndexSameResults: on the reference dataset, the index kept
// current by the writes of the load, the same index reopened from disk,
// and an index built from the graph by the offline builder give the same
// pages (hits, scores, totals) for the benchmark's and the texts,
// with and without labels.
func TestSearchIndexSameResults(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset")
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, _ := openLogged(t, dir, Options{})
	ctx := context.Background()
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	pages := func(st *Store) []kepu.SearchPage { return samePagesTexts(t, st) }
	written := pages(st)
	st.Close()
	st, l := openLogged(t, dir, Options{})
	if l.index() != "opened" {
		t.Fatalf("reopen: %q", l.index())
	}
	reopened := pages(st)
	st.Close()
	os.RemoveAll(filepath.Join(dir, SearchDirName))
	st, l = openLogged(t, dir, Options{})
	defer st.Close()
	if l.index() != "built" {
		t.Fatalf("after removing the index: %q", l.index())
	}
	built := pages(st)
	for i := range written {
		if !reflect.DeepEqual(written[i], reopened[i]) {
			t.Fatalf("%q: pages differ: written %d hits of %d, reopened %d of %d", sameResultsTexts[i/2],
				len(written[i].Hits), written[i].Total, len(reopened[i].Hits), reopened[i].Total)
		}
	}
	samePages(t, written, built)
}

// sameResultsTexts are the benchmark's and the texts.
var sameResultsTexts = []string{"北京科学中心", "北京科学", "beijing kexue zhongxin", "beijingkexuezhongxin", "bjkxzx",
	"beijing science center", "Beijing Scince Center", "北京 kexue", "science", "school", "科技馆",
	"科学技术馆", "museum anhui", "kexue", "zhongxin"}

// samePagesTexts returns the first 20 hits of every sameResultsTexts,
// with and without a label.
func samePagesTexts(t *testing.T, st *Store) []kepu.SearchPage {
	t.Helper()
	var out []kepu.SearchPage
	for _, text := range sameResultsTexts {
		for _, labels := range [][]kepu.Label{nil, {kepu.Museum}} {
			p, err := st.Search(context.Background(), kepu.SearchQuery{Text: text, Labels: labels, First: 20})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
	}
	return out
}

// samePages fails unless the pages of two indexes of the same graph are
// equal (hits, scores, totals): every candidate is ranked, so the index's
// own document order (which differs between an index written batch by
// batch and one built at once) does not show.
func samePages(t *testing.T, want, got []kepu.SearchPage) {
	t.Helper()
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			t.Fatalf("%q: pages differ: %d hits of %d, want %d of %d", sameResultsTexts[i/2],
				len(got[i].Hits), got[i].Total, len(want[i].Hits), want[i].Total)
		}
	}
}

// TestSearchIndexFromLoader: a Loader's Close builds the index from the
// file with its last commit stamp, so that Open uses it; it gives the same
// pages as the index kept by a Store's writes. A load cut off and then
// completed by a rerun ends with the index of the whole graph, and after
// a Loader that writes nothing the index is still used and right.
func TestSearchIndexFromLoader(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset three times")
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	storeDir := t.TempDir()
	st, _ := openLogged(t, storeDir, Options{})
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	want := samePagesTexts(t, st)
	st.Close()

	dir := t.TempDir()
	l, err := OpenLoader(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	cut, cancel := context.WithCancel(ctx)
	// Cut off half-way through the nodes (written before the edges): the
	// half-loaded index lacks about half of them.
	_, err = dataset.LoadSource(cut, l, ds, dataset.LoadOptions{Batch: 500, Progress: func(done, total int) {
		if done > len(ds.Nodes)/2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cut-off load: %v", err)
	}
	if err := l.Close(); err != nil { // the index of the half-loaded file
		t.Fatal(err)
	}
	st, lg := openLogged(t, dir, Options{})
	if lg.index() != "opened" {
		t.Fatalf("after a cut-off load: index %q, want opened", lg.index())
	}
	if reflect.DeepEqual(samePagesTexts(t, st), want) {
		t.Fatal("half the graph gives the pages of the whole graph: the test cannot tell the indexes apart")
	}
	st.Close()
	for run := range 2 { // completes the load, then opens a Loader that writes nothing
		if l, err = OpenLoader(dir, Options{NoSync: true}); err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			if _, err := dataset.LoadSource(ctx, l, ds, dataset.LoadOptions{Workers: 2}); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		st, lg = openLogged(t, dir, Options{})
		if lg.index() != "opened" {
			t.Fatalf("run %d: index %q, want opened", run, lg.index())
		}
		got := samePagesTexts(t, st)
		st.Close()
		samePages(t, want, got)
	}
}

// BenchmarkSearchIndexBuild builds the full-text index of the reference
// dataset on disk from the graph (what Open does when the index does not
// hold the last commit, and Close after a bulk load), reporting the CPU
// time of the process per build.
//
//	go test ./embedded -run XXX -bench 'SearchIndexBuild$' -benchtime 5x
func BenchmarkSearchIndexBuild(b *testing.B) {
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := Open(b.TempDir(), Options{NoSync: true, BulkLoad: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := dataset.Load(context.Background(), st, ds, dataset.LoadOptions{}); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), SearchDirName)
	cpu := procstat.SelfCPU()
	for b.Loop() {
		idx, err := buildIndexAt(path, len(st.st.nodes), nodeDocs(st.st), 1)
		if err != nil {
			b.Fatal(err)
		}
		idx.Close()
	}
	b.ReportMetric(float64(procstat.SelfCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op")
}

// TestSearchIndexConcurrentRebuilds: in a bulk load every search after a
// write rebuilds the index while other searches read the old one; searches
// racing the rebuilds and the store's Close either answer (seeing every
// write before them) or fail with a clear error, never panic.
func TestSearchIndexConcurrentRebuilds(t *testing.T) {
	st, _ := openLogged(t, t.TempDir(), Options{BulkLoad: true})
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := st.Search(ctx, kepu.SearchQuery{Text: "race school", First: 5})
				if err != nil && kepu.ErrorCode(err) != kepu.Unavailable {
					t.Errorf("search: %v", err)
					return
				}
			}
		}()
	}
	for i := range 20 {
		put(t, st, schoolNode(i, fmt.Sprintf("Race School %d", i), "竞赛学校"))
		p, err := st.Search(ctx, kepu.SearchQuery{Text: "race school", First: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != i+1 {
			t.Fatalf("after %d writes: %d hits", i+1, p.Total)
		}
	}
	st.Close()
	close(stop)
	wg.Wait()
}
