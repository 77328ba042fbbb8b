package embedded

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// The offline build of the full-text index, in parallel.
//
// The nodes are cut into parts (contiguous runs of the file's key order,
// one per processor), and each part is written at once by a goroutine of
// its own: it decodes its nodes, maps every document with the index
// mapping, analyzes its fields and writes them as zapx segments, as
// bleve's offline builder (bleve.NewBuilder) does but without its lock
// (which writes one segment at a time) and without its merge of each
// part's segments. The segments of all parts are then merged into one in a
// single pass, in the parts' order (mergeSegments, zapx's merge), into the
// index a builder writes for its root and mapping: every document is
// written once and merged once. The documents of a segment are in the
// nodes' order (a builder's are in map order).

// docField is a text field of searchDoc in the index mapping.
type docField struct {
	name    string
	options index.FieldIndexingOptions
	// keys: the field's analyzer is keysAnalyzer (the value's terms are
	// cut at spaces); otherwise it is the keyword analyzer (the value is
	// one term).
	keys bool
}

// docFieldNames are the fields of searchDoc in the order in which
// m.MapDocument adds them (the struct's).
var docFieldNames = [...]string{"label", "name", "nameZh", "pinyin", "initials"}

// docFieldsOf returns the fields of searchDoc in m (docFieldNames). Each
// must be a text field analyzed by keysAnalyzer or the keyword analyzer,
// which buildDoc.set analyzes itself.
func docFieldsOf(m *mapping.IndexMappingImpl) ([]docField, error) {
	var out []docField
	for _, name := range docFieldNames {
		dm := m.DefaultMapping.Properties[name]
		if dm == nil || len(dm.Fields) != 1 || dm.Fields[0].Type != "text" {
			return nil, fmt.Errorf("search index build: the mapping has no text field %s", name)
		}
		fm := dm.Fields[0]
		if fm.Analyzer != keysAnalyzer && fm.Analyzer != keyword.Name {
			return nil, fmt.Errorf("search index build: field %s: analyzer %s, want %s or %s", name, fm.Analyzer, keysAnalyzer, keyword.Name)
		}
		out = append(out, docField{name: name, options: fm.Options(), keys: fm.Analyzer == keysAnalyzer})
	}
	return out, nil
}

// noPositions are the array positions of a field that is not in an array.
var noPositions = []uint64{}

// buildDoc is a document of an index build's batch, analyzed: the fields
// of the mapping (docFieldsOf) and the _id field, with the terms,
// frequencies and lengths that the mapping's analyzers and bleve's
// AddIDField give (TestBuildDocAsMapping). A part reuses its batch's
// buildDocs for the next batch (writePart), so that a build allocates
// almost nothing per document: the fields' values share one buffer, the
// terms one slice of TokenFreq, and each field keeps its map of terms (the
// maps' keys are substrings of one string per document).
type buildDoc struct {
	doc    document.Document
	fields [len(docFieldNames) + 1]keyField
	list   [len(docFieldNames) + 1]document.Field // &fields[i]
	text   []byte                                 // the fields' values, one after another
	tfs    []index.TokenFreq
}

// keyField is a text field of a buildDoc, analyzed already (Analyze does
// nothing).
type keyField struct {
	name      string
	positions []uint64
	options   index.FieldIndexingOptions
	value     []byte
	length    int
	freqs     index.TokenFrequencies
}

func (f *keyField) Name() string                                     { return f.name }
func (f *keyField) ArrayPositions() []uint64                         { return f.positions }
func (f *keyField) Options() index.FieldIndexingOptions              { return f.options }
func (f *keyField) Analyze()                                         {}
func (f *keyField) Value() []byte                                    { return f.value }
func (f *keyField) NumPlainTextBytes() uint64                        { return uint64(len(f.value)) }
func (f *keyField) EncodedFieldType() byte                           { return 't' }
func (f *keyField) AnalyzedLength() int                              { return f.length }
func (f *keyField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// Size is the field's memory, about as bleve's TextField counts it.
func (f *keyField) Size() int {
	return 64 + len(f.name) + len(f.value) + 8*len(f.positions) + f.freqs.Size()
}

// set makes bd the document of the node id with the search document sd,
// for the mapping's fields (docFieldsOf): the fields of sd in their order,
// then _id (indexed and stored, as AddIDField adds it).
func (bd *buildDoc) set(id string, sd searchDoc, fields []docField) {
	values := [len(bd.fields)]string{sd.Label, sd.Name, sd.NameZh, sd.Pinyin, sd.Initials, id}
	bd.text = bd.text[:0]
	var ends [len(values)]int
	terms := len(values) // at most: a term per field, and one more per space
	for i, v := range values {
		bd.text = append(bd.text, v...)
		ends[i] = len(bd.text)
		if i < len(fields) && fields[i].keys {
			terms += strings.Count(v, " ")
		}
	}
	// The TokenFreqs are not moved while the maps point at them.
	if cap(bd.tfs) < terms {
		bd.tfs = make([]index.TokenFreq, 0, max(terms, 2*cap(bd.tfs)))
	}
	bd.tfs = bd.tfs[:0]
	keys := string(bd.text)
	from := 0
	for i := range values {
		f := &bd.fields[i]
		if i < len(fields) {
			f.name, f.positions, f.options = fields[i].name, noPositions, fields[i].options
		} else {
			f.name, f.positions, f.options = "_id", nil, index.IndexField|index.StoreField
		}
		f.value = bd.text[from:ends[i]:ends[i]]
		if f.freqs == nil {
			f.freqs = make(index.TokenFrequencies)
		}
		clear(f.freqs)
		f.length = 0
		if i < len(fields) && fields[i].keys {
			// keysAnalyzer: the whitespace tokenizer's terms of keys
			// (folded runs separated by single spaces).
			for j := from; j < ends[i]; {
				k := j
				for k < ends[i] && bd.text[k] != ' ' {
					k++
				}
				if k > j {
					bd.add(f, keys, j, k)
				}
				j = k + 1
			}
		} else {
			// The keyword analyzer, and _id: the value is one term.
			bd.add(f, keys, from, ends[i])
		}
		bd.list[i] = f
		from = ends[i]
	}
	bd.doc = document.Document{Fields: bd.list[:]}
	bd.doc.SetID(id)
	bd.doc.SetIndexed()
}

// add counts the term text[i:j] (keys[i:j]) in the field f.
func (bd *buildDoc) add(f *keyField, keys string, i, j int) {
	f.length++
	key := keys[i:j]
	tf := f.freqs[key]
	if tf == nil {
		bd.tfs = append(bd.tfs, index.TokenFreq{Term: bd.text[i:j:j]})
		tf = &bd.tfs[len(bd.tfs)-1]
		f.freqs[key] = tf
	}
	tf.SetFrequency(tf.Frequency() + 1)
}

// prebuilt is the index mapping as the builder sees it: documents arrive
// mapped and analyzed (*document.Document); everything else, the stored
// mapping included, is the real mapping's.
type prebuilt struct{ *mapping.IndexMappingImpl }

// MapDocument gives doc the fields of data, a *document.Document.
func (m prebuilt) MapDocument(doc *document.Document, data any) error {
	d, ok := data.(*document.Document)
	if !ok {
		return fmt.Errorf("search index build: document %s is a %T, not an analyzed document", doc.ID(), data)
	}
	doc.Fields = append(doc.Fields, d.Fields...)
	doc.SetIndexed()
	return nil
}

// MarshalJSON stores the real mapping in the index.
func (m prebuilt) MarshalJSON() ([]byte, error) { return json.Marshal(m.IndexMappingImpl) }

// docSource is a node of the index build: from the graph in memory (n) or
// a record of the bbolt file (key and val, valid while its transaction is
// open).
type docSource struct {
	n        *nodeRec
	key, val []byte
}

// nodeSet is the set of nodes an index build writes, cut into parts that
// are written at once. parts(n) returns at most n parts (at least one for
// a set with nodes): each calls emit with the nodes of its part, in the
// set's order, until emit returns false. The parts are contiguous runs of
// the set's order (together: every node once), none empty; each runs in a
// goroutine of its own.
type nodeSet func(n int) ([]func(emit func(docSource) bool) error, error)

// nodeDocs is the set of the nodes of st, in the map's order.
func nodeDocs(st *state) nodeSet {
	return func(n int) ([]func(emit func(docSource) bool) error, error) {
		all := make([]*nodeRec, 0, len(st.nodes))
		for _, nd := range st.nodes {
			all = append(all, nd)
		}
		n = max(min(n, len(all)), 1)
		parts := make([]func(emit func(docSource) bool) error, n)
		for k := range n {
			run := all[len(all)*k/n : len(all)*(k+1)/n]
			parts[k] = func(emit func(docSource) bool) error {
				for _, nd := range run {
					if !emit(docSource{n: nd}) {
						break
					}
				}
				return nil
			}
		}
		return parts, nil
	}
}

// fileDocs is the set of the node records of the bbolt file db (about
// count of them) whose last commit has the stamp, in key order. The
// records are decoded by the part's goroutine (docOf). Each part reads the
// file in a read transaction of its own, open while the part is written,
// and fails if the file's stamp is no longer the one given.
func fileDocs(db *bolt.DB, stamp uint64, count int) nodeSet {
	return func(n int) ([]func(emit func(docSource) bool) error, error) {
		// The first key of every part but the first: the keys at
		// count*k/n.
		var bounds [][]byte
		err := db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketNodes).Cursor()
			i, k := 0, 1
			for key, _ := c.First(); key != nil && k < n; key, _ = c.Next() {
				if i > 0 && i >= count*k/n {
					bounds = append(bounds, bytes.Clone(key))
					k++
				}
				i++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		bounds = append(bounds, nil)
		parts := make([]func(emit func(docSource) bool) error, len(bounds))
		var from []byte
		for k, to := range bounds {
			lo := from
			parts[k] = func(emit func(docSource) bool) error {
				return db.View(func(tx *bolt.Tx) error {
					if s, ok := readStamp(tx); !ok || s != stamp {
						return fmt.Errorf("the file was written during the index build")
					}
					c := tx.Bucket(bucketNodes).Cursor()
					key, val := c.First()
					if lo != nil {
						key, val = c.Seek(lo)
					}
					for ; key != nil && (to == nil || bytes.Compare(key, to) < 0); key, val = c.Next() {
						if !emit(docSource{key: key, val: val}) {
							break
						}
					}
					return nil
				})
			}
			from = to
		}
		return parts, nil
	}
}

// docOf returns the ID and the search document of a node; in decodes the
// file's records (one per goroutine).
func docOf(src docSource, in *interner) (string, searchDoc, error) {
	if src.n != nil {
		return src.n.id, indexDoc(src.n.label, src.n.props), nil
	}
	l := kepu.LabelOf(string(src.key))
	if l == "" {
		return "", searchDoc{}, fmt.Errorf("node record %q: the key is not a node ID", src.key)
	}
	body, err := recordBody(src.key, src.val)
	var p props
	if err == nil {
		p, err = decodeProps(body, in, nil)
	}
	if err != nil {
		return "", searchDoc{}, fmt.Errorf("node record %q: %v", src.key, err)
	}
	return string(src.key), indexDoc(l, p), nil
}

// maxBuildParts bounds the parts of an index build (each holds a segment
// of builderBatch documents in memory).
const maxBuildParts = 4

// partDocs is the fewest documents per part of an index build: a set of
// fewer than 2*partDocs documents is written in one part (of one segment
// when it has at most builderBatch: no merge).
// Tests lower it.
var partDocs = builderBatch

// segmentConfig makes the builder of the index's root write zapx v17
// segments, the version writePart and mergeSegments write (bleve's
// default). The version is an int: scorch reads it as an int or a float64
// and ignores the setting silently otherwise (a uint32 such as zap.Version
// itself was ignored, and the builders wrote bleve's default version,
// which happens to be v17).
var segmentConfig = map[string]any{"forceSegmentType": zap.Type, "forceSegmentVersion": int(zap.Version)}

// buildParts writes the index of the count nodes of nodes at dir (which
// must exist and be empty) with the mapping m. The nodes are cut into parts
// (nodeSet), one per processor (at most maxBuildParts, at least partDocs
// nodes each); each part is written at once by a goroutine of its own,
// which decodes, maps and analyzes its documents and writes them as zapx
// segments of builderBatch documents (writePart). The segments of all parts
// are then merged into one in a single pass, in the parts' order (see
// mergeSegments): every document is merged once.
func buildParts(dir string, m *mapping.IndexMappingImpl, count int, nodes nodeSet) error {
	n := max(1, min(runtime.GOMAXPROCS(0), maxBuildParts, count/partDocs))
	parts, err := nodes(n)
	if err != nil {
		return err
	}
	segs := make([][]string, len(parts))
	errs := make([]error, len(parts))
	var stop atomic.Bool
	var wg sync.WaitGroup
	for k, part := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			segs[k], errs[k] = writePart(filepath.Join(dir, fmt.Sprintf("part-%d", k)), m, part, &stop)
			if errs[k] != nil {
				stop.Store(true)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := mergeSegments(dir, m, slices.Concat(segs...)); err != nil {
		return err
	}
	for k := range parts {
		if err := os.RemoveAll(filepath.Join(dir, fmt.Sprintf("part-%d", k))); err != nil {
			return err
		}
	}
	return nil
}

// writePart writes the documents of the nodes of part as zapx segments of
// builderBatch documents in dir, as bleve's offline builder writes its
// segments (the _id field added and analyzed, no composite fields), and
// returns their files in the part's order. The documents of a segment keep
// the part's order. stop, set by another part's failure, ends it early
// (with an error).
func writePart(dir string, m *mapping.IndexMappingImpl, part func(emit func(docSource) bool) error, stop *atomic.Bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fields, err := docFieldsOf(m)
	if err != nil {
		return nil, err
	}
	var plugin zap.ZapPlugin
	var paths []string
	batch := make([]index.Document, 0, builderBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		seg, _, err := plugin.New(batch)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, fmt.Sprintf("%06d.zap", len(paths)))
		us, ok := seg.(segment.UnpersistedSegment)
		if !ok {
			return fmt.Errorf("search index build: a new segment is a %T, not unpersisted", seg)
		}
		if err := us.Persist(path); err != nil {
			return err
		}
		paths = append(paths, path)
		clear(batch)
		batch = batch[:0]
		return nil
	}
	in := newInterner()
	// The documents of a batch, reused by the next (zap.New keeps none of
	// them).
	var docsOf []*buildDoc
	docs := 0
	var ierr error
	err = part(func(src docSource) bool {
		if stop.Load() {
			ierr = errors.New("stopped")
			return false
		}
		id, sd, err := docOf(src, in)
		if err == nil {
			if len(batch) == len(docsOf) {
				docsOf = append(docsOf, &buildDoc{})
			}
			bd := docsOf[len(batch)]
			bd.set(id, sd, fields)
			batch = append(batch, &bd.doc)
			docs++
			if len(batch) >= builderBatch {
				err = flush()
			}
		}
		if err != nil {
			ierr = err
			return false
		}
		return true
	})
	if err == nil {
		err = ierr
	}
	if err == nil {
		err = flush()
	}
	if err == nil && docs == 0 {
		err = errors.New("a part of the index build has no nodes")
	}
	if err != nil {
		// The files are under dir, which the caller removes.
		return nil, err
	}
	return paths, nil
}

// mergeSegments makes dir an index of one segment that holds the
// documents of the segment files segs, in their order: bleve's offline
// builder writes the index (its root and the stored mapping m) for one
// empty document, and zapx merges the segments, in one pass, into the file
// that replaces the builder's segment (the root names the segment's file,
// not its contents). segs are removed.
func mergeSegments(dir string, m *mapping.IndexMappingImpl, segs []string) error {
	config := map[string]any{"buildPathPrefix": dir}
	maps.Copy(config, segmentConfig)
	b, err := bleve.NewBuilder(dir, prebuilt{m}, config)
	if err != nil {
		return err
	}
	if err := b.Index("root", document.NewDocument("root")); err != nil {
		return err
	}
	if err := b.Close(); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return fmt.Errorf("search index build: the builder wrote %d segments, want 1", len(files))
	}
	final := files[0]
	if len(segs) == 1 {
		return os.Rename(segs[0], final)
	}
	var plugin zap.ZapPlugin
	opened := make([]segment.Segment, 0, len(segs))
	defer func() {
		for _, s := range opened {
			s.Close()
		}
	}()
	for _, path := range segs {
		s, err := plugin.Open(path)
		if err != nil {
			return err
		}
		opened = append(opened, s)
	}
	merged := final + ".merged"
	if _, _, err := plugin.Merge(opened, make([]*roaring.Bitmap, len(opened)), merged, nil, nil); err != nil {
		return err
	}
	for _, s := range opened {
		s.Close()
	}
	opened = nil
	if err := os.Rename(merged, final); err != nil {
		return err
	}
	for _, path := range segs {
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	return nil
}
