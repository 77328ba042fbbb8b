package analysis_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

var ctx = context.Background()

// ref is the reference dataset in an embedded store, loaded once.
var ref struct {
	store kepu.Store
	ds    *dataset.Dataset
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if dir := os.Getenv("KEPUGRAPH_BENCH_DATA_DIR"); dir != "" {
		// A seeded data directory (go run ./seed --scale N --data-dir DIR),
		// for the benchmarks only: the tests need the reference dataset.
		st, err := embedded.Open(dir, embedded.Options{NoSync: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer st.Close()
		ref.store = st
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "analysis-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer st.Close()
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := dataset.Load(ctx, st, ds, dataset.LoadOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ref.store, ref.ds = st, ds
	return m.Run()
}
