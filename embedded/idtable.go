package embedded

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// idTable finds node records by ID while the open links the edges' To
// ends: an open-addressing table (linear probing) of node pointers, each
// with 32 bits of its ID's hash, built for one resolver's nodes and
// dropped after the open. A lookup reads one slot and then the node, where
// the ID map (st.nodes) reads a control word, a slot and the key's bytes
// before the node: on a table larger than the caches each read is a miss,
// and the open makes one lookup per edge (5 M at 1M nodes).
type idTable struct {
	seed  maphash.Seed
	slots []idSlot
	mask  uint64
}

// idSlot is one entry of an idTable: n is nil in an empty slot.
type idSlot struct {
	n   *nodeRec
	tag uint32 // the high 32 bits of the hash of n.id
}

// newIDTable returns the table of the nodes of sorted that resolver r owns
// (see resolverOf), with at most half of its slots used.
func newIDTable(sorted []*nodeRec, r int) *idTable {
	count := 0
	for _, n := range sorted {
		if resolverOf(idBytes(n.id)) == r {
			count++
		}
	}
	size := uint64(1) << bits.Len(uint(max(2*count, 16)))
	t := &idTable{seed: maphash.MakeSeed(), slots: make([]idSlot, size), mask: size - 1}
	for _, n := range sorted {
		if resolverOf(idBytes(n.id)) != r {
			continue
		}
		h := maphash.String(t.seed, n.id)
		i := h & t.mask
		for t.slots[i].n != nil {
			i = (i + 1) & t.mask
		}
		t.slots[i] = idSlot{n: n, tag: uint32(h >> 32)}
	}
	return t
}

// candidate returns the first node of the probe sequence of id whose hash
// tag matches, or nil: the node with the ID id in all but rare cases
// (equal tags of different IDs: see find). It reads no node.
func (t *idTable) candidate(id []byte) *nodeRec {
	h := maphash.Bytes(t.seed, id)
	tag := uint32(h >> 32)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.n == nil || s.tag == tag {
			return s.n
		}
	}
}

// find returns the node with the ID id, or nil.
func (t *idTable) find(id []byte) *nodeRec {
	h := maphash.Bytes(t.seed, id)
	tag := uint32(h >> 32)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.n == nil {
			return nil
		}
		if s.tag == tag && s.n.id == string(id) {
			return s.n
		}
	}
}

// idBytes returns the bytes of s without a copy (they must not be changed).
func idBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
