package embedded_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestSearchAcrossCompaction: hundreds of writes, each one a segment of
// the index that scorch merges in the background: every node written
// before, during and after stays found, and renames stay seen.
func TestSearchAcrossCompaction(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const n = 600 // more than two rebuilds
	for i := range n {
		id := kepu.MakeID(kepu.School, fmt.Sprintf("s%d", i))
		node := kepu.Node{ID: id, Label: kepu.School, Props: kepu.Props{
			"name": fmt.Sprintf("Compaction School %d", i), "nameZh": "压缩测试学校",
			"provenance": kepu.Generated, "source": "test"}}
		if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.CreateNode, Node: node}}); err != nil {
			t.Fatal(err)
		}
		if i%100 == 99 {
			if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: id, Set: kepu.Props{"nameZh": "改名学校"}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for text, want := range map[string]int{"compaction school": n, "yasuo ceshi": n - 6, "gaiming": 6, "改名": 6} {
		p, err := st.Search(ctx, kepu.SearchQuery{Text: text, First: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != want {
			t.Errorf("%q: %d hits, want %d", text, p.Total, want)
		}
	}
}
