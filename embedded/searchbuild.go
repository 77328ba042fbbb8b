package embedded

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// The offline build of the full-text index, in parallel.
//
// bleve's offline builder (bleve.NewBuilder) maps, analyzes and writes its
// documents in one goroutine. Here analysis workers (one per processor)
// map every node's document with the index mapping and analyze its fields
// (the tokenizers and token filters: about 40% of the build), while the
// builder writes the segments of the documents analyzed so far. The
// builder gets each document already analyzed: its mapping (prebuilt)
// copies the fields, whose Analyze then does nothing. The index is the one
// bleve.NewBuilder writes from the same documents (the same mapping is
// stored with it).

// analyzedField is a field analyzed by a worker: the builder's own call of
// Analyze does nothing.
type analyzedField struct{ document.Field }

func (analyzedField) Analyze() {}

// keysField is a field of GramKeys (analyzer keysAnalyzer): its analysis
// cuts the value at spaces, as the analyzer's whitespace tokenizer does,
// without the tokenizer's token objects.
type keysField struct {
	*document.TextField
	length int
	freqs  index.TokenFrequencies
}

// newKeysField returns the field f of keysAnalyzer, analyzed. The keys
// (textsearch.GramKeys) are separated by single spaces; the token
// frequencies are carved from one array.
func newKeysField(f *document.TextField) *keysField {
	v := f.Value()
	n := bytes.Count(v, []byte{' '}) + 1
	k := &keysField{TextField: f, freqs: make(index.TokenFrequencies, n)}
	tfs := make([]index.TokenFreq, 0, n)
	for len(v) > 0 {
		term := v
		if i := bytes.IndexByte(v, ' '); i >= 0 {
			term, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		if len(term) == 0 {
			continue
		}
		tf := k.freqs[string(term)]
		if tf == nil {
			tfs = append(tfs, index.TokenFreq{Term: term})
			tf = &tfs[len(tfs)-1]
			k.freqs[string(term)] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
		k.length++
	}
	return k
}

func (k *keysField) Analyze()                                         {}
func (k *keysField) AnalyzedLength() int                              { return k.length }
func (k *keysField) AnalyzedTokenFrequencies() index.TokenFrequencies { return k.freqs }

// analyzeField analyzes a mapped field and returns it as the builder gets
// it.
func analyzeField(f document.Field) document.Field {
	if tf, ok := f.(*document.TextField); ok && keysFields[tf.Name()] {
		return newKeysField(tf)
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

// buildChunk is the number of documents a worker analyzes at a time.
const buildChunk = 256

// docSource is a node of the index build: from the graph in memory (n) or
// a record of the bbolt file (key and val, valid while its transaction is
// open).
type docSource struct {
	n        *nodeRec
	key, val []byte
}

// nodeDocs calls emit with every node of st, in the map's order, until
// emit returns false.
func nodeDocs(st *state) func(emit func(docSource) bool) error {
	return func(emit func(docSource) bool) error {
		for _, n := range st.nodes {
			if !emit(docSource{n: n}) {
				break
			}
		}
		return nil
	}
}

// fileDocs calls emit with every node record of the file's transaction
// tx, in key order, until emit returns false. The records are decoded by
// the workers (docOf): the transaction stays open during the build.
func fileDocs(tx *bolt.Tx) func(emit func(docSource) bool) error {
	return func(emit func(docSource) bool) error {
		c := tx.Bucket(bucketNodes).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !emit(docSource{key: k, val: v}) {
				break
			}
		}
		return nil
	}
}

// docOf returns the ID and the search document of a node; in decodes the
// file's records (one per worker).
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

// buildDocs writes the document of every node that nodes emits with the
// builder b: workers decode, map and analyze them in parallel, b gets them
// in the order they are done. m is the index mapping (b's is prebuilt{m}).
func buildDocs(b bleve.Builder, m *mapping.IndexMappingImpl, nodes func(emit func(docSource) bool) error) error {
	type done struct {
		docs []*document.Document
		err  error
	}
	work := make(chan []docSource, 4)
	out := make(chan done, 4)
	stop := make(chan struct{})
	fed := make(chan error, 1)
	var wg sync.WaitGroup
	go func() {
		defer close(work)
		chunk := make([]docSource, 0, buildChunk)
		send := func() bool {
			select {
			case work <- chunk:
				chunk = make([]docSource, 0, buildChunk)
				return true
			case <-stop:
				return false
			}
		}
		err := nodes(func(src docSource) bool {
			chunk = append(chunk, src)
			return len(chunk) < buildChunk || send()
		})
		if err == nil && len(chunk) > 0 {
			send()
		}
		fed <- err
	}()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := newInterner()
			for chunk := range work {
				var r done
				for _, src := range chunk {
					id, sd, err := docOf(src, in)
					if err != nil {
						r.err = err
						break
					}
					d := document.NewDocument(id)
					if r.err = m.MapDocument(d, sd); r.err != nil {
						break
					}
					for i, f := range d.Fields {
						d.Fields[i] = analyzeField(f)
					}
					r.docs = append(r.docs, d)
				}
				select {
				case out <- r:
				case <-stop:
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	stopped := false
	defer func() {
		if !stopped {
			close(stop)
		}
		for range out {
		}
	}()
	for r := range out {
		if r.err != nil {
			return r.err
		}
		for _, d := range r.docs {
			if err := b.Index(d.ID(), d); err != nil {
				return err
			}
		}
	}
	// Every worker is done: the feeder has returned.
	close(stop)
	stopped = true
	return <-fed
}
