package analysis_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestApproxBytes: the size the analytics cache counts for networks and
// their scores (what bounds it, Analyzer.CacheBytes) is at least half the
// heap they hold, measured after a collection (undercounting would let the
// cache pass its bound), and at most four times it (the IDs may be the
// store's strings, counted but not allocated again).
func TestApproxBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads several networks")
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	var keep []any
	var approx int64
	for _, ls := range [][]kepu.Label{{kepu.Museum, kepu.School}, {kepu.School, kepu.County}, {kepu.Museum, kepu.County, kepu.Province}} {
		net, err := analysis.LoadNetwork(context.Background(), ref.store, analysis.NetSpec{Labels: ls})
		if err != nil {
			t.Fatal(err)
		}
		scores, err := analysis.Centrality(net, analysis.PageRank)
		if err != nil {
			t.Fatal(err)
		}
		keep = append(keep, net, scores)
		approx += analysis.ApproxBytes(net) + analysis.ApproxBytes(scores)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	grew := int64(ms.HeapAlloc) - int64(before)
	runtime.KeepAlive(keep)
	t.Logf("heap growth %d bytes, counted %d", grew, approx)
	if approx < grew/2 || approx > grew*4 {
		t.Errorf("counted %d bytes for a heap growth of %d", approx, grew)
	}
}
