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
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
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

// analyzedField is a field analyzed by a part's goroutine: the builder's
// own call of Analyze does nothing.
type analyzedField struct{ document.Field }

func (analyzedField) Analyze() {}

// termsField is a text field analyzed by this file's code rather than by
// its analyzer, to the same terms, frequencies and length (no term
// vectors: the index keeps no positions): the builder's call of Analyze
// does nothing.
type termsField struct {
	*document.TextField
	length int
	freqs  index.TokenFrequencies
}

// newTermsField returns f analyzed to terms (in any order; repeated terms
// count once each time).
func newTermsField(f *document.TextField, terms [][]byte) *termsField {
	k := &termsField{TextField: f, length: len(terms), freqs: make(index.TokenFrequencies, len(terms))}
	tfs := make([]index.TokenFreq, 0, len(terms))
	for _, term := range terms {
		tf := k.freqs[string(term)]
		if tf == nil {
			tfs = append(tfs, index.TokenFreq{Term: term})
			tf = &tfs[len(tfs)-1]
			k.freqs[string(term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
	}
	return k
}

func (k *termsField) Analyze()                                         {}
func (k *termsField) AnalyzedLength() int                              { return k.length }
func (k *termsField) AnalyzedTokenFrequencies() index.TokenFrequencies { return k.freqs }

// keysTerms cuts a value of keysAnalyzer at spaces, as the analyzer's
// whitespace tokenizer does for the keys (textsearch.PrefixKeys: folded
// runs separated by single spaces).
func keysTerms(v []byte, terms [][]byte) [][]byte {
	for len(v) > 0 {
		term := v
		if i := bytes.IndexByte(v, ' '); i >= 0 {
			term, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		if len(term) > 0 {
			terms = append(terms, term)
		}
	}
	return terms
}

// docField is a text field of searchDoc in the index mapping.
type docField struct {
	name     string
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer
}

// docFieldsOf returns the fields of searchDoc in m, in the order in which
// m.MapDocument adds them (the struct's).
func docFieldsOf(m *mapping.IndexMappingImpl) ([]docField, error) {
	var out []docField
	for _, name := range []string{"label", "name", "nameZh", "pinyin", "initials"} {
		dm := m.DefaultMapping.Properties[name]
		if dm == nil || len(dm.Fields) != 1 || dm.Fields[0].Type != "text" {
			return nil, fmt.Errorf("search index build: the mapping has no text field %s", name)
		}
		fm := dm.Fields[0]
		an := m.AnalyzerNamed(fm.Analyzer)
		if an == nil {
			return nil, fmt.Errorf("search index build: field %s: no analyzer %s", name, fm.Analyzer)
		}
		out = append(out, docField{name: name, options: fm.Options(), analyzer: an})
	}
	return out, nil
}

// mapDoc adds the fields of sd to d as m.MapDocument does for the mapping
// of fields (docFieldsOf), without walking the struct by reflection
// (TestMapDoc).
func mapDoc(d *document.Document, sd searchDoc, fields []docField) {
	for i, v := range [...]string{sd.Label, sd.Name, sd.NameZh, sd.Pinyin, sd.Initials} {
		f := fields[i]
		d.AddField(document.NewTextFieldCustom(f.name, noPositions, []byte(v), f.options, f.analyzer))
	}
	d.SetIndexed()
}

// noPositions are the array positions of a field that is not in an array.
var noPositions = []uint64{}

// analyzeField analyzes a mapped field and returns it as the builder gets
// it.
func analyzeField(f document.Field) document.Field {
	if tf, ok := f.(*document.TextField); ok {
		if keysFields[tf.Name()] {
			return newTermsField(tf, keysTerms(tf.Value(), nil))
		}
	}
	f.Analyze()
	return analyzedField{f}
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
	docs := 0
	var ierr error
	err = part(func(src docSource) bool {
		if stop.Load() {
			ierr = errors.New("stopped")
			return false
		}
		id, sd, err := docOf(src, in)
		if err == nil {
			d := document.NewDocument(id)
			mapDoc(d, sd, fields)
			for i, f := range d.Fields {
				d.Fields[i] = analyzeField(f)
			}
			d.AddIDField()
			d.Fields[len(d.Fields)-1].Analyze()
			batch = append(batch, d)
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
