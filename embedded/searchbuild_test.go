package embedded

import (
	"encoding/binary"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestKeysFieldAsAnalyzer: the offline build's analysis of the GramKeys
// fields (keysField) gives the terms, frequencies and lengths that the
// mapping's analyzer gives for the same documents.
func TestKeysFieldAsAnalyzer(t *testing.T) {
	m, err := searchMapping()
	if err != nil {
		t.Fatal(err)
	}
	names := [][2]string{{"Beijing Science Center", "北京科学中心"}, {"", ""}, {"Green K12 School", "绿色K12学校"},
		{"Xi'an No. 8 School", "西安市第八中学"}, {"AAA", "阿阿阿阿"}, {"ABC", "上海ＡＢＣ科普基地"}}
	seen := 0
	for _, n := range names {
		doc := indexDoc(kepu.School, props{{kepu.PropName, n[0]}, {kepu.PropNameZh, n[1]}})
		byAnalyzer, ours := document.NewDocument("x"), document.NewDocument("x")
		if err := m.MapDocument(byAnalyzer, doc); err != nil {
			t.Fatal(err)
		}
		if err := m.MapDocument(ours, doc); err != nil {
			t.Fatal(err)
		}
		for i, f := range byAnalyzer.Fields {
			if !keysFields[f.Name()] {
				continue
			}
			seen++
			f.Analyze()
			k := analyzeField(ours.Fields[i])
			if _, ok := k.(*keysField); !ok {
				t.Fatalf("%s: field %s analyzed as %T", n[1], f.Name(), k)
			}
			k.Analyze() // the builder's call: nothing changes
			if f.AnalyzedLength() != k.AnalyzedLength() || !reflect.DeepEqual(freqs(f.AnalyzedTokenFrequencies()), freqs(k.AnalyzedTokenFrequencies())) {
				t.Errorf("%s: field %s: analyzer %d %v, keysField %d %v", n[1], f.Name(), f.AnalyzedLength(), freqs(f.AnalyzedTokenFrequencies()),
					k.AnalyzedLength(), freqs(k.AnalyzedTokenFrequencies()))
			}
		}
	}
	if seen < 3*(len(names)-1) {
		t.Fatalf("only %d keys fields mapped", seen)
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
// and analysis) is built again at open, and answers as the new format.
func TestSearchIndexOtherFormat(t *testing.T) {
	dir := t.TempDir()
	st, _ := openLogged(t, dir, Options{})
	put(t, st, schoolNode(1, "Format School", "格式学校"))
	st.Close()

	// Rewrite the index's commit record with format 1 (same stamp).
	idx, err := bleve.OpenUsing(filepath.Join(dir, SearchDirName), runtimeConfig())
	if err != nil {
		t.Fatal(err)
	}
	v, err := idx.GetInternal(internalKey)
	if err != nil {
		t.Fatal(err)
	}
	format, n := binary.Uvarint(v)
	if format != searchFormat || n <= 0 || len(v) != n+8 {
		t.Fatalf("commit record %x", v)
	}
	old := append(binary.AppendUvarint(nil, 1), v[n:]...)
	done := make(chan error, 1)
	batch := idx.NewBatch()
	batch.SetInternal(internalKey, old)
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

	st, l := openLogged(t, dir, Options{})
	defer st.Close()
	if l.index() != "built" {
		t.Fatalf("index of format 1: %q, want built", l.index())
	}
	for _, text := range []string{"geshixuexiao", "gsxx", "format", "格式"} {
		if got := found(t, st, text); !reflect.DeepEqual(got, []string{"School:disk1"}) {
			t.Errorf("%q found %v", text, got)
		}
	}
}
