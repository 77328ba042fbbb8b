package embedded

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	zap "github.com/blevesearch/zapx/v17"
	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/textsearch"
)

// TestBuildDocAsMapping: the offline build's documents (buildDoc.set: the
// keys of textsearch, WordKeys, HanKeys and PrefixKeys, split at spaces,
// the label and _id as one term each) have the fields that the mapping's
// MapDocument and AddIDField give the same search documents (names,
// values, options, array positions, in the same order) and the terms,
// frequencies and lengths that their analyzers give: for the names of the
// reference dataset, names as the benchmark graph writes them, hand-picked
// ones and random texts of letters, digits, ideographs and punctuation.
// One buildDoc is reused for every name, as a build reuses its batch's.
func TestBuildDocAsMapping(t *testing.T) {
	m, err := searchMapping()
	if err != nil {
		t.Fatal(err)
	}
	fields, err := docFieldsOf(m)
	if err != nil {
		t.Fatal(err)
	}
	names := [][2]string{{"Beijing Science Center", "北京科学中心"}, {"", ""}, {"Green K12 School", "绿色K12学校"},
		{"Xi'an No. 8 School", "西安市第八中学"}, {"AAA", "阿阿阿阿"}, {"ABC", "上海ＡＢＣ科普基地"},
		{"1,000 Ideas 3.5 (a.b) U.S. Mc'Donald", "科技、馆 北 京·市（朝阳区）1,000"}, {"Generated Benchmark Museum 0000123 (Chaoyang District, Beijing)", "生成的基准测试科技馆 0000123（北京市朝阳区）"},
		{"École Ünïcode ß", "ｶﾀｶﾅ カタカナ ひらがな 한국어 豈"}, {"a_b a-b a/b", "中_文 中-文 中1文"}, {"a a a b", "北京北京北京"}}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ds.Nodes {
		name, _ := n.Props[kepu.PropName].(string)
		zh, _ := n.Props[kepu.PropNameZh].(string)
		names = append(names, [2]string{name, zh})
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aZ09 北京科学中心馆,.'-()（）、，·")
	for range 3000 {
		var b [2][]rune
		for k := range b {
			for range rnd.IntN(12) {
				b[k] = append(b[k], alphabet[rnd.IntN(len(alphabet))])
			}
		}
		names = append(names, [2]string{string(b[0]), string(b[1])})
	}
	labels := []kepu.Label{kepu.School, kepu.Museum, kepu.County}
	var bd buildDoc
	for i, n := range names {
		id := fmt.Sprintf("%s:%d", labels[i%len(labels)], i)
		sd := indexDoc(labels[i%len(labels)], props{{kepu.PropName, n[0]}, {kepu.PropNameZh, n[1]}})
		want := document.NewDocument(id)
		if err := m.MapDocument(want, sd); err != nil {
			t.Fatal(err)
		}
		want.AddIDField()
		bd.set(id, sd, fields)
		got := &bd.doc
		if got.ID() != id || !got.Indexed() {
			t.Fatalf("%q: document %q, indexed %v", n, got.ID(), got.Indexed())
		}
		if len(got.Fields) != len(want.Fields) || len(want.Fields) != 6 {
			t.Fatalf("%q: %d fields, MapDocument and AddIDField %d", n, len(got.Fields), len(want.Fields))
		}
		for k, w := range want.Fields {
			w.Analyze()
			g := got.Fields[k]
			g.Analyze() // the builder's call: nothing changes
			if g.Name() != w.Name() || string(g.Value()) != string(w.Value()) || g.Options() != w.Options() ||
				!reflect.DeepEqual(g.ArrayPositions(), w.ArrayPositions()) || g.EncodedFieldType() != w.EncodedFieldType() ||
				g.NumPlainTextBytes() != w.NumPlainTextBytes() {
				t.Errorf("%q: field %d: %s %q %v %#v, want %s %q %v %#v", n, k, g.Name(), g.Value(), g.Options(), g.ArrayPositions(),
					w.Name(), w.Value(), w.Options(), w.ArrayPositions())
			}
			if g.AnalyzedLength() != w.AnalyzedLength() || !reflect.DeepEqual(freqs(g.AnalyzedTokenFrequencies()), freqs(w.AnalyzedTokenFrequencies())) {
				t.Errorf("%q: field %s: analyzer %d %v, ours %d %v", n, w.Name(), w.AnalyzedLength(), freqs(w.AnalyzedTokenFrequencies()),
					g.AnalyzedLength(), freqs(g.AnalyzedTokenFrequencies()))
			}
		}
		if t.Failed() {
			return
		}
	}
}

func freqs(tf index.TokenFrequencies) map[string]int {
	out := map[string]int{}
	for term, f := range tf {
		if term != string(f.Term) || len(f.Locations) > 0 {
			out["bad "+term] = -1
		}
		out[term] = f.Frequency()
	}
	return out
}

// TestSearchIndexOtherFormat: an index on disk that holds the last commit
// but was written with another searchFormat (an older kepugraph's mapping
// and analysis: format 5's name field held the tokens of bleve's cjk
// analyzer, o'brien and 12,000 whole; format 6 read 重庆 by characters,
// zhongqing; format 7 keyed a name in traditional characters as written,
// 重慶 by its characters, and read it zhongqing) is built again at open,
// and answers as the new format (chongqing finds 重庆 and 重慶, zhongqing
// nothing, 重庆格式学校 the name written 重慶格式學校).
func TestSearchIndexOtherFormat(t *testing.T) {
	dir := t.TempDir()
	st, _ := openLogged(t, dir, Options{})
	node := schoolNode(1, "O'Brien Format School 12,000", "格式学校")
	cq := schoolNode(2, "Second Format School", "重庆格式学校")
	tr := schoolNode(3, "Third Format School", "重慶格式學校")
	put(t, st, node, cq, tr)
	st.Close()

	// Rewrite the index's commit record with the previous format (same
	// stamp), the node's name field with format 5's terms, and 重庆's
	// keys as format 6 read it: by characters, zhongqing.
	sd := indexDoc(node.Label, props{{kepu.PropName, node.Props[kepu.PropName]}, {kepu.PropNameZh, node.Props[kepu.PropNameZh]}})
	sd.Name = "o'brien format school 12,000"
	sdq := indexDoc(cq.Label, props{{kepu.PropName, cq.Props[kepu.PropName]}, {kepu.PropNameZh, cq.Props[kepu.PropNameZh]}})
	sdq.Pinyin = "zhongqinggeshixuexiao qinggeshixuexiao geshixuexiao shixuexiao xuexiao xiao"
	sdq.Initials = "zqgsxx qgsxx gsxx sxx xx x"
	// 重慶格式學校 as format 7 keyed it: its own characters, by character.
	sdt := indexDoc(tr.Label, props{{kepu.PropName, tr.Props[kepu.PropName]}, {kepu.PropNameZh, tr.Props[kepu.PropNameZh]}})
	sdt.NameZh = "重慶 慶格 格式 式學 學校"
	sdt.Pinyin = sdq.Pinyin
	sdt.Initials = sdq.Initials
	stampIndexFormat(t, dir, searchFormat-1, map[string]searchDoc{node.ID: sd, cq.ID: sdq, tr.ID: sdt})

	st, l := openLogged(t, dir, Options{})
	defer st.Close()
	if l.index() != "built" {
		t.Fatalf("index of format %d: %q, want built", searchFormat-1, l.index())
	}
	// The log says it is an upgrade, naming both formats (it said "does
	// not hold the last commit", as after a crash).
	want := fmt.Sprintf("written in search index format %d; this version uses format %d", searchFormat-1, searchFormat)
	if len(l.reasons) != 1 || !strings.HasPrefix(l.reasons[0], want) {
		t.Errorf("rebuild reasons %q, want one starting %q", l.reasons, want)
	}
	for _, text := range []string{"geshixuexiao", "gsxx", "format", "格式", "brien", "000", "O'Brien"} {
		if got := found(t, st, text); !slices.Contains(got, "School:disk1") {
			t.Errorf("%q found %v", text, got)
		}
	}
	for text, want := range map[string][]string{"brien": {"School:disk1"}, "000": {"School:disk1"}, "chongqing": {"School:disk2", "School:disk3"},
		"cqgsxx": {"School:disk2", "School:disk3"}, "zhongqing": {}, "zqgs": {},
		"重庆格式学校": {"School:disk2", "School:disk3"}, "重慶格式學校": {"School:disk2", "School:disk3"}, "慶格": {"School:disk2", "School:disk3"}} {
		if got := found(t, st, text); !reflect.DeepEqual(got, want) {
			t.Errorf("%q found %v, want %v", text, got, want)
		}
	}
}

// stampIndexFormat rewrites the commit record of the search index in dir
// (the store closed) with format in place of searchFormat, the same
// stamp, and indexes docs (by node ID) in the same batch: an index as
// another kepugraph would have left it.
func stampIndexFormat(t *testing.T, dir string, format uint64, docs map[string]searchDoc) {
	t.Helper()
	idx, err := bleve.OpenUsing(filepath.Join(dir, SearchDirName), runtimeConfig())
	if err != nil {
		t.Fatal(err)
	}
	v, err := idx.GetInternal(internalKey)
	if err != nil {
		t.Fatal(err)
	}
	was, n := binary.Uvarint(v)
	if was != searchFormat || n <= 0 || len(v) != n+8 {
		t.Fatalf("commit record %x", v)
	}
	batch := idx.NewBatch()
	for id, d := range docs {
		if err := batch.Index(id, d); err != nil {
			t.Fatal(err)
		}
	}
	batch.SetInternal(internalKey, append(binary.AppendUvarint(nil, format), v[n:]...))
	done := make(chan error, 1)
	batch.SetPersistedCallback(func(err error) { done <- err })
	if err := idx.Batch(batch); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSearchIndexNewerFormat: an index written by a newer kepugraph (a
// format above searchFormat, the stamp of the last commit: a downgrade,
// the data directory opened by an older binary after a newer one) is
// built again at open in this version's format, and the log's reason says
// so: a downgrade by a newer kepugraph, not an upgrade (it said "an
// upgrade"). The next open reuses the index built.
func TestSearchIndexNewerFormat(t *testing.T) {
	dir := t.TempDir()
	st, _ := openLogged(t, dir, Options{})
	put(t, st, schoolNode(1, "Newer Format School", "重庆新格式学校"))
	st.Close()

	stampIndexFormat(t, dir, searchFormat+1, nil)

	st, l := openLogged(t, dir, Options{})
	if l.index() != "built" {
		t.Fatalf("index of format %d: %q, want built", searchFormat+1, l.index())
	}
	want := fmt.Sprintf("written in search index format %d by a newer kepugraph; this version uses format %d (a downgrade:", searchFormat+1, searchFormat)
	if len(l.reasons) != 1 || !strings.HasPrefix(l.reasons[0], want) || strings.Contains(l.reasons[0], "upgrade") {
		t.Errorf("rebuild reasons %q, want one starting %q and not saying upgrade", l.reasons, want)
	}
	if got := found(t, st, "chongqing"); !reflect.DeepEqual(got, []string{"School:disk1"}) {
		t.Errorf("chongqing found %v", got)
	}
	st.Close()
	st, l = openLogged(t, dir, Options{})
	defer st.Close()
	if l.index() != "opened" {
		t.Errorf("the index rebuilt in format %d: %q at the next open, want opened", searchFormat, l.index())
	}
}

// TestSearchIndexParts: an index built in several parts at once (merged
// into one segment) holds the same documents as one built in a single
// part, from the file and from the graph in memory, and every search text
// gets the same candidates (bleve's builder orders the documents of a
// segment as a map does, so the texts that reach the candidate bound get
// as many, not the same). Under the race detector, which multiplies its
// CPU by six, it builds the indexes of the reference dataset without its
// schools, the most numerous label (without; the parts' goroutines are
// the same); CI runs it both ways (CI_PLAIN_EMBEDDED in the Makefile), the
// whole dataset without the race detector.
func TestSearchIndexParts(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the reference dataset")
	}
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if raceBuild {
		ds = without(ds, kepu.School)
	}
	ctx := context.Background()
	dir := t.TempDir()
	l, err := OpenLoader(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadSource(ctx, l, ds, dataset.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	count, _ := l.Counts()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var stamp uint64
	st.db.View(func(tx *bolt.Tx) error { stamp, _ = readStamp(tx); return nil })

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	oldPartDocs := partDocs
	defer func() { partDocs = oldPartDocs }()
	// docs returns the sorted IDs of the index's documents and the sorted
	// candidates of every text.
	docs := func(parts int, nodes nodeSet) ([]string, [][]string) {
		t.Helper()
		partDocs = count / parts
		if parts == 1 {
			partDocs = count
		}
		idx, err := buildIndexAt(filepath.Join(t.TempDir(), SearchDirName), count, nodes, stamp)
		if err != nil {
			t.Fatal(err)
		}
		defer idx.Close()
		if n, err := idx.DocCount(); err != nil || n != uint64(count) {
			t.Fatalf("%d parts: %d documents (%v), want %d", parts, n, err, count)
		}
		si := &searchIndex{idx: idx}
		all, err := si.collect(ctx, query.NewMatchAllQuery(), count+1, nil)
		if err != nil {
			t.Fatal(err)
		}
		var cands [][]string
		for _, text := range sameResultsTexts {
			q, err := textsearch.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			ids, err := si.collect(ctx, indexQuery(q, nil), textsearch.MaxCandidates+1, nil)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			cands = append(cands, ids)
		}
		slices.Sort(all)
		return all, cands
	}
	one, oneCands := docs(1, fileDocs(st.db, stamp, count))
	if len(one) != count {
		t.Fatalf("one part: %d documents, want %d", len(one), count)
	}
	for i, c := range oneCands {
		if len(c) == 0 {
			t.Fatalf("%q: no candidates", sameResultsTexts[i])
		}
	}
	// One part in segments of 1,000 documents: the batches after the
	// first reuse the first's documents (buildDoc).
	oldBatch := builderBatch
	builderBatch = 1000
	got, gotCands := docs(1, fileDocs(st.db, stamp, count))
	builderBatch = oldBatch
	if !slices.Equal(got, one) {
		t.Fatalf("one part in batches of 1,000: %d documents, other documents than one batch's", len(got))
	}
	for i := range gotCands {
		if !slices.Equal(gotCands[i], oneCands[i]) {
			t.Fatalf("one part in batches of 1,000: %q: %d candidates, want %d", sameResultsTexts[i], len(gotCands[i]), len(oneCands[i]))
		}
	}
	for _, parts := range []int{2, 3} {
		for src, nodes := range map[string]nodeSet{"file": fileDocs(st.db, stamp, count), "graph": nodeDocs(st.st)} {
			got, gotCands := docs(parts, nodes)
			if !slices.Equal(got, one) {
				t.Fatalf("%d parts from the %s: %d documents, other documents than one part's", parts, src, len(got))
			}
			for i := range gotCands {
				if !slices.Equal(gotCands[i], oneCands[i]) {
					t.Fatalf("%d parts from the %s: %q: %d candidates, want %d", parts, src, sameResultsTexts[i], len(gotCands[i]), len(oneCands[i]))
				}
			}
		}
	}
}

// without returns the nodes of ds but those of label and the edges
// between them.
func without(ds *dataset.Dataset, label kepu.Label) *dataset.Dataset {
	out := &dataset.Dataset{}
	kept := map[string]bool{}
	for _, nd := range ds.Nodes {
		if nd.Label != label {
			out.Nodes = append(out.Nodes, nd)
			kept[nd.ID] = true
		}
	}
	for _, e := range ds.Edges {
		if kept[e.From] && kept[e.To] {
			out.Edges = append(out.Edges, e)
		}
	}
	return out
}

// BenchmarkSearchIndexBuildScaled writes the full-text index of the benchmark
// graph's KEPUGRAPH_BENCH_SCALE nodes (dataset.Scaled, default 20,000)
// from memory, as an open's rebuild does (buildParts over the graph's
// nodes; no graph load, no bbolt file), and reports the process's CPU time
// per build (cpu-s/op, user + system) and the index's size on disk.
//
//	KEPUGRAPH_BENCH_SCALE=100000 go test ./embedded -run XXX -bench SearchIndexBuildScaled -benchtime 3x
func BenchmarkSearchIndexBuildScaled(b *testing.B) {
	n := 20000
	if v := os.Getenv("KEPUGRAPH_BENCH_SCALE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	sg, err := dataset.Scaled(dataset.Options{}, n)
	if err != nil {
		b.Fatal(err)
	}
	st := &state{nodes: map[string]*nodeRec{}}
	in := newInterner()
	if err := sg.Each(func(nd kepu.Node) error {
		st.nodes[nd.ID] = &nodeRec{id: nd.ID, label: nd.Label, props: fromMap(nd.Props, in)}
		return nil
	}, func(kepu.Edge) error { return nil }); err != nil {
		b.Fatal(err)
	}
	m, err := searchMapping()
	if err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	var size int64
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), "index")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		c0 := procstat.SelfCPU()
		if err := buildParts(dir, m, len(st.nodes), nodeDocs(st)); err != nil {
			b.Fatal(err)
		}
		cpu += procstat.SelfCPU() - c0
		size = 0
		filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				size += fi.Size()
			}
			return nil
		})
		os.RemoveAll(dir)
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(size)/(1<<20), "index-MB")
}

// TestSegmentConfigHonored: bleve's builder honours segmentConfig's form
// of the forced segment version (scorch ignores a value that is not an int
// or a float64, silently). The same config with version 16 in the same Go
// type must make the builder write a segment that zapx v17 refuses.
func TestSegmentConfigHonored(t *testing.T) {
	m, err := searchMapping()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	v := segmentConfig["forceSegmentVersion"]
	config := map[string]any{"buildPathPrefix": dir, "forceSegmentType": segmentConfig["forceSegmentType"],
		"forceSegmentVersion": reflect.ValueOf(16).Convert(reflect.TypeOf(v)).Interface()}
	b, err := bleve.NewBuilder(filepath.Join(dir, "index"), m, config)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Index("Museum:1", searchDoc{Label: "Museum", Name: "Science Museum", NameZh: "科学馆"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
	if err != nil || len(files) != 1 {
		t.Fatalf("segments %v, %v; want one", files, err)
	}
	var plugin zap.ZapPlugin
	if s, err := plugin.Open(files[0]); err == nil {
		s.Close()
		t.Fatalf("the builder wrote a zapx v%d segment with forceSegmentVersion %v (%T): the setting was ignored", zap.Version, v, v)
	}
}

// TestSearchFormatDoc writes down what searchFormat's analysis stores for
// a node (indexDoc). When it fails because textsearch's keys changed
// (another reading of a name, other words), bump searchFormat, so that
// indexes on disk are built again at open, and write the new fields here.
func TestSearchFormatDoc(t *testing.T) {
	got := indexDoc(kepu.Museum, props{{kepu.PropName, "O'Brien Museum of 12,000 Stars"}, {kepu.PropNameZh, "重庆市科技馆 K12"}})
	want := searchDoc{Label: "Museum", Name: "o brien museum 12 000 stars", NameZh: "重庆 庆市 市科 科技 技馆",
		Pinyin:   "chongqingshikejiguank qingshikejiguank shikejiguank kejiguank jiguank guank k 12",
		Initials: "cqskjgk qskjgk skjgk kjgk jgk gk k"}
	if got != want {
		t.Errorf("indexDoc = %+v\nwant %+v: the index's analysis changed; bump searchFormat (now %d)", got, want, searchFormat)
	}
	// Format 8: a name in traditional characters is stored as its
	// simplified form (textsearch.Fold).
	want.Name = "o brien museum 12 000 stars"
	if got := indexDoc(kepu.Museum, props{{kepu.PropName, "O'Brien Museum of 12,000 Stars"}, {kepu.PropNameZh, "重慶市科技館 K12"}}); got != want {
		t.Errorf("indexDoc of 重慶市科技館 = %+v\nwant %+v: the index's analysis changed; bump searchFormat (now %d)", got, want, searchFormat)
	}
}
