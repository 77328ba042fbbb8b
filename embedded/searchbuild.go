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

// newKeysField returns the field f of keysAnalyzer, analyzed.
func newKeysField(f *document.TextField) *keysField {
	v := f.Value()
	k := &keysField{TextField: f, freqs: make(index.TokenFrequencies, bytes.Count(v, []byte{' '})+1)}
	for _, term := range bytes.Fields(v) {
		tf := k.freqs[string(term)]
		if tf == nil {
			tf = &index.TokenFreq{Term: term}
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

// buildDocs writes the document of every node of st with the builder b:
// workers map and analyze them in parallel, b gets them in the order they
// are done. m is the index mapping (b's is prebuilt{m}).
func buildDocs(b bleve.Builder, m *mapping.IndexMappingImpl, st *state) error {
	type item struct {
		id string
		n  *nodeRec
	}
	type done struct {
		docs []*document.Document
		err  error
	}
	work := make(chan []item, 4)
	out := make(chan done, 4)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	go func() {
		defer close(work)
		chunk := make([]item, 0, buildChunk)
		for id, n := range st.nodes {
			chunk = append(chunk, item{id, n})
			if len(chunk) == buildChunk {
				select {
				case work <- chunk:
				case <-stop:
					return
				}
				chunk = make([]item, 0, buildChunk)
			}
		}
		if len(chunk) > 0 {
			select {
			case work <- chunk:
			case <-stop:
			}
		}
	}()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range work {
				var r done
				for _, it := range chunk {
					d := document.NewDocument(it.id)
					if r.err = m.MapDocument(d, indexDoc(it.n.label, it.n.props)); r.err != nil {
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
	defer func() {
		close(stop)
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
	return nil
}
