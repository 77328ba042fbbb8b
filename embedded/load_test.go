package embedded

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// TestSeekNode compares seekNode, from every starting index, with a linear
// search, for IDs in the list and IDs between, before and after them.
func TestSeekNode(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 7, 64, 300} {
		var ids []string
		for len(ids) < n {
			ids = append(ids, fmt.Sprintf("School:%05d", r.IntN(100000)*2))
			slices.Sort(ids)
			ids = slices.Compact(ids)
		}
		sorted := make([]*nodeRec, len(ids))
		for i, id := range ids {
			sorted[i] = &nodeRec{id: id}
		}
		queries := []string{"", "A", "School:", "Z"}
		for _, id := range ids {
			queries = append(queries, id, id+"0", id[:len(id)-1])
		}
		for _, q := range queries {
			want := slices.Index(ids, q)
			for at := -1; at <= len(ids); at++ {
				if got := seekNode(sorted, at, []byte(q)); got != want {
					t.Fatalf("%d IDs: seekNode(at %d, %q) = %d, want %d", n, at, q, got, want)
				}
			}
		}
	}
}

// TestResolverOf checks that both resolvers get a share of sequential IDs.
func TestResolverOf(t *testing.T) {
	var n [2]int
	for i := range 10000 {
		n[resolverOf(fmt.Appendf(nil, "School:sch-%07d", i))]++
	}
	if n[0] < 4000 || n[1] < 4000 {
		t.Fatalf("resolvers got %d and %d of 10,000 IDs", n[0], n[1])
	}
	for _, id := range []string{"", "a", "Place:p1"} {
		if r := resolverOf([]byte(id)); r != 0 && r != 1 {
			t.Fatalf("resolverOf(%q) = %d", id, r)
		}
	}
}

// TestSplitEdgeKeyLike checks that splitEdgeKeyLike splits as splitEdgeKey
// whatever type it is given.
func TestSplitEdgeKeyLike(t *testing.T) {
	keys := []string{"LOCATED_IN|School:1|Place:2", "LOCATED_IN|School:1|", "LOCATED_IN||Place:2", "LOCATED_IN|",
		"LOCATED_IN", "PARTNERS_WITH|Museum:1|School:2|x", "NOPE|a|b", "|a|b", "LOCATED_INX|a|b", ""}
	for _, k := range keys {
		wt, wf, wto, wok := splitEdgeKey([]byte(k))
		for _, typ := range []string{"", "LOCATED_IN", "PARTNERS_WITH", "LOCATED"} {
			gt, gf, gto, gok := splitEdgeKeyLike([]byte(k), kepu.RelType(typ))
			if gt != wt || string(gf) != string(wf) || string(gto) != string(wto) || gok != wok {
				t.Errorf("splitEdgeKeyLike(%q, %q) = %q %q %q %v, splitEdgeKey %q %q %q %v", k, typ, gt, gf, gto, gok, wt, wf, wto, wok)
			}
		}
	}
}
