package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// TestSeedCompletesAKilledLoad: a first start killed while it loads the
// reference dataset leaves part of it and Seed's marker in the data
// directory; the next start completes the load (every label's count is
// the dataset's) and removes the marker. Without the marker a store that
// holds data is never loaded over.
func TestSeedCompletesAKilledLoad(t *testing.T) {
	ctx := context.Background()
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[kepu.Label]int{}
	for _, n := range ds.Nodes {
		want[n.Label]++
	}
	counts := func(st kepu.Store) map[kepu.Label]int {
		got := map[kepu.Label]int{}
		for _, d := range kepu.LabelDefs() {
			n, err := st.CountNodes(ctx, d.Label, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				got[d.Label] = n
			}
		}
		return got
	}
	same := func(a, b map[kepu.Label]int) bool {
		if len(a) != len(b) {
			return false
		}
		for l, n := range a {
			if b[l] != n {
				return false
			}
		}
		return true
	}
	log := slog.New(slog.DiscardHandler)

	for _, marked := range []bool{true, false} {
		dir := t.TempDir()
		st, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		// The killed start: its marker, then a fifth of the records.
		if marked {
			if err := writeMarker(filepath.Join(dir, embedded.SeedMarker)); err != nil {
				t.Fatal(err)
			}
		}
		cut, cancel := context.WithCancel(ctx)
		_, err = dataset.Load(cut, st, ds, dataset.LoadOptions{Progress: func(done, total int) {
			if done*5 >= total {
				cancel()
			}
		}})
		cancel()
		if err == nil {
			t.Fatal("the cut load ended without an error")
		}
		partial := counts(st)
		if same(partial, want) {
			t.Fatalf("the cut load wrote the whole dataset: %v", partial)
		}

		if err := Seed(ctx, st, dir, false, log); err != nil {
			t.Fatalf("marked %v: %v", marked, err)
		}
		got := counts(st)
		if marked && !same(got, want) {
			t.Errorf("after a killed load, Seed left %v, want the dataset's %v", got, want)
		}
		if !marked && !same(got, partial) {
			t.Errorf("Seed loaded over a store that holds data without the marker: %v, was %v", got, partial)
		}
		if _, err := os.Stat(filepath.Join(dir, embedded.SeedMarker)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("marked %v: the marker is left after Seed (%v)", marked, err)
		}
		st.Close()
	}
}
