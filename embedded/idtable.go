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

// idOwners collects each resolver's nodes with the hashes of their IDs
// while the open reads the nodes (the reader has each key in hand), so
// that a resolver builds its table without reading every node's ID again.
type idOwners struct {
	seed maphash.Seed
	own  [2][]idEntry
}

type idEntry struct {
	n *nodeRec
	h uint64 // maphash of n.id with the seed of the idOwners
}

// newIDOwners returns idOwners for about n nodes.
func newIDOwners(n int) *idOwners {
	o := &idOwners{seed: maphash.MakeSeed()}
	for r := range o.own {
		o.own[r] = make([]idEntry, 0, n/2+n/16+16)
	}
	return o
}

// add records the node n, whose ID is id.
func (o *idOwners) add(n *nodeRec, id []byte) {
	r := resolverOf(id)
	o.own[r] = append(o.own[r], idEntry{n: n, h: maphash.Bytes(o.seed, id)})
}

// table returns the table of resolver r's nodes, with at most half of its
// slots used.
func (o *idOwners) table(r int) *idTable {
	own := o.own[r]
	size := uint64(1) << bits.Len(uint(max(2*len(own), 16)))
	t := &idTable{seed: o.seed, slots: make([]idSlot, size), mask: size - 1}
	for _, e := range own {
		i := e.h & t.mask
		for t.slots[i].n != nil {
			i = (i + 1) & t.mask
		}
		t.slots[i] = idSlot{n: e.n, tag: uint32(e.h >> 32)}
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
