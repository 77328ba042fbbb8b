package embedded

import (
	"fmt"
	"hash/maphash"
	"testing"
)

// TestIDTable: find returns the node of every ID of the resolver's nodes
// and nil for any other ID; candidate agrees with find except after a
// slot whose tag is equal and whose ID is not (made here on purpose),
// where find goes on probing.
func TestIDTable(t *testing.T) {
	var sorted []*nodeRec
	for i := range 3000 {
		sorted = append(sorted, &nodeRec{id: fmt.Sprintf("School:s%07d", i)})
	}
	for r := range 2 {
		tab := newIDTable(sorted, r)
		owned := 0
		for _, n := range sorted {
			id := []byte(n.id)
			want := n
			if resolverOf(id) != r {
				want = nil
			} else {
				owned++
			}
			if got := tab.find(id); got != want {
				t.Fatalf("resolver %d: find(%s) = %v, want %v", r, id, got, want)
			}
			if want != nil && tab.candidate(id) != want {
				t.Fatalf("resolver %d: candidate(%s) is not its node", r, id)
			}
		}
		if owned == 0 || owned == len(sorted) {
			t.Fatalf("resolver %d owns %d of %d nodes", r, owned, len(sorted))
		}
		for _, id := range []string{"School:s9999999", "", "School:s000000", "Museum:s0000001"} {
			if n := tab.find([]byte(id)); n != nil {
				t.Fatalf("find(%q) = %s, want nil", id, n.id)
			}
		}
	}
	// A slot with the tag of an ID but another node, first in its probe
	// sequence.
	tab := &idTable{seed: maphash.MakeSeed(), slots: make([]idSlot, 16), mask: 15}
	id := "School:s0000001"
	h := maphash.String(tab.seed, id)
	other, real := &nodeRec{id: "School:other"}, &nodeRec{id: id}
	tab.slots[h&tab.mask] = idSlot{n: other, tag: uint32(h >> 32)}
	tab.slots[(h+1)&tab.mask] = idSlot{n: real, tag: uint32(h >> 32)}
	if tab.candidate([]byte(id)) != other {
		t.Fatal("candidate did not stop at the first equal tag")
	}
	if tab.find([]byte(id)) != real {
		t.Fatal("find stopped at a slot of another ID with an equal tag")
	}
}

// newIDTable returns the table (as the open builds it) of the nodes of sorted that resolver r owns
// (see resolverOf), with at most half of its slots used.
func newIDTable(sorted []*nodeRec, r int) *idTable {
	o := newIDOwners(len(sorted))
	for _, n := range sorted {
		o.add(n, idBytes(n.id))
	}
	return o.table(r)
}
