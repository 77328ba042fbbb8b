package embedded

import (
	"slices"
	"strings"
	"sync"

	"github.com/tidwall/btree"

	"github.com/kepugraph/kepugraph/kepu"
)

// Sorted property indexes.
//
// Every orderable property of a label (every type but StringList) can have
// an in-memory B-tree of the label's nodes ordered by (value, ID), absent
// values last (kepu.CompareValues' order). An index is built the first time
// a query needs it (one sort of the label's nodes) and from then on kept
// current by every commit (applyBatch, under the write lock), so it costs
// nothing at open or during a bulk load, and memory only for the properties
// that are queried. Measured on the reference dataset, a query-time build of
// the museums' name index takes well under a millisecond; on the 1M-node
// benchmark graph see docs/benchmarks.md.
//
// Reads walk a tree under the store's read lock; writes change it only
// under the write lock, so the trees need no locks of their own.

// idxEntry is one node in a property index: the property's value (nil when
// absent) and the node.
type idxEntry struct {
	v any
	n *nodeRec
}

// maxID sorts after every node ID (IDs are valid UTF-8, which never holds
// the byte 0xff): a pivot after every entry of one value.
var maxID = &nodeRec{id: "\xff"}

// minID sorts before every node ID: a pivot before every entry of one value.
var minID = &nodeRec{id: ""}

func idxLess(a, b idxEntry) bool {
	if c := kepu.CompareValues(a.v, b.v); c != 0 {
		return c < 0
	}
	return strings.Compare(a.n.id, b.n.id) < 0
}

// propIndex is the index of one property of one label.
type propIndex struct {
	tree *btree.BTreeG[idxEntry]
}

// idxKey names an index.
type idxKey struct {
	label kepu.Label
	prop  string
}

// indexes holds the built indexes of a state.
type indexes struct {
	mu    sync.Mutex // guards m against concurrent builds by readers
	m     map[idxKey]*propIndex
	built map[kepu.Label][]string // the indexed properties of each label
}

// indexValue is the value a node is indexed under for prop: nil for an
// absent property (lists are never indexed).
func indexValue(p props, prop string) any {
	v := p.get(prop)
	if _, ok := v.([]string); ok {
		return nil
	}
	return v
}

// indexable reports whether prop of label l can have an index.
func indexable(l kepu.Label, prop string) bool {
	def := kepu.LookupLabel(l)
	if def == nil {
		return false
	}
	p := def.Prop(prop)
	return p != nil && p.Type.Ordered()
}

// index returns the index of prop for label l, building it on first use;
// nil if the property cannot be indexed. The caller holds the store's read
// (or write) lock.
func (st *state) index(l kepu.Label, prop string) *propIndex {
	if !indexable(l, prop) {
		return nil
	}
	ix := &st.idx
	ix.mu.Lock()
	defer ix.mu.Unlock()
	k := idxKey{l, prop}
	if pi := ix.m[k]; pi != nil {
		return pi
	}
	if ix.m == nil {
		ix.m = map[idxKey]*propIndex{}
		ix.built = map[kepu.Label][]string{}
	}
	ids := st.byLabel[l]
	entries := make([]idxEntry, len(ids))
	for i, id := range ids {
		n := st.nodes[id]
		entries[i] = idxEntry{v: indexValue(n.props, prop), n: n}
	}
	sortEntries(entries)
	tree := btree.NewBTreeGOptions(idxLess, btree.Options{NoLocks: true})
	for _, e := range entries {
		tree.Load(e) // sorted input: appends
	}
	pi := &propIndex{tree: tree}
	ix.m[k] = pi
	ix.built[l] = append(ix.built[l], prop)
	return pi
}

// update moves node n (label l) from its old properties to its new ones in
// every built index of l. old is nil for a new node, cur nil for a deleted
// one. Called under the write lock.
func (ix *indexes) update(l kepu.Label, n *nodeRec, old, cur props, existed, exists bool) {
	for _, prop := range ix.built[l] {
		pi := ix.m[idxKey{l, prop}]
		var ov, nv any
		if existed {
			ov = indexValue(old, prop)
		}
		if exists {
			nv = indexValue(cur, prop)
		}
		if existed && exists && kepu.CompareValues(ov, nv) == 0 && sameKindOrNil(ov, nv) {
			continue
		}
		if existed {
			pi.tree.Delete(idxEntry{v: ov, n: n})
		}
		if exists {
			pi.tree.Set(idxEntry{v: nv, n: n})
		}
	}
}

func sameKindOrNil(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return kepu.ValueEqual(a, b)
}

// ascendGroups calls fn with the index's nodes grouped by value, values in
// ascending order (absent last), each group in ID order, starting with the
// group of value from (or the first group when hasFrom is false), until fn
// returns false.
func (pi *propIndex) ascendGroups(from any, hasFrom bool, fn func(v any, group []*nodeRec) bool) {
	var group []*nodeRec
	var gv any
	more := true
	iter := func(e idxEntry) bool {
		if len(group) > 0 && kepu.CompareValues(e.v, gv) != 0 {
			if !fn(gv, group) {
				more = false
				return false
			}
			group = group[:0]
		}
		gv = e.v
		group = append(group, e.n)
		return true
	}
	if hasFrom {
		pi.tree.Ascend(idxEntry{v: from, n: minID}, iter)
	} else {
		pi.tree.Scan(iter)
	}
	if more && len(group) > 0 {
		fn(gv, group)
	}
}

// descendGroups is ascendGroups in descending order of value (absent
// first); each group still comes in ID order.
func (pi *propIndex) descendGroups(from any, hasFrom bool, fn func(v any, group []*nodeRec) bool) {
	pivot := idxEntry{v: nil, n: maxID} // after every entry
	if hasFrom {
		pivot = idxEntry{v: from, n: maxID}
	}
	var group []*nodeRec
	for {
		group = group[:0]
		var gv any
		pi.tree.Descend(pivot, func(e idxEntry) bool {
			if len(group) > 0 && kepu.CompareValues(e.v, gv) != 0 {
				return false
			}
			gv = e.v
			group = append(group, e.n)
			return true
		})
		if len(group) == 0 {
			return
		}
		for i, j := 0, len(group)-1; i < j; i, j = i+1, j-1 {
			group[i], group[j] = group[j], group[i]
		}
		if !fn(gv, group) {
			return
		}
		pivot = idxEntry{v: gv, n: minID} // before every entry of gv
	}
}

// rangeNodes calls fn with every node whose value v satisfies lo <= v
// (loInc) or lo < v, and v <= hi (hiInc) or v < hi; a nil bound is open
// (but an open upper bound stops before the absent values). It stops when
// fn returns false.
func (pi *propIndex) rangeNodes(lo any, loInc bool, hi any, hiInc bool, fn func(n *nodeRec) bool) {
	iter := func(e idxEntry) bool {
		if e.v == nil {
			return false
		}
		if hi != nil {
			c := kepu.CompareValues(e.v, hi)
			if c > 0 || (c == 0 && !hiInc) {
				return false
			}
		}
		if lo != nil && !loInc && kepu.CompareValues(e.v, lo) == 0 {
			return true
		}
		return fn(e.n)
	}
	if lo == nil {
		pi.tree.Scan(iter)
		return
	}
	pi.tree.Ascend(idxEntry{v: lo, n: minID}, iter)
}

// sortEntries sorts entries in index order.
func sortEntries(entries []idxEntry) {
	slices.SortFunc(entries, func(a, b idxEntry) int {
		if c := kepu.CompareValues(a.v, b.v); c != 0 {
			return c
		}
		return strings.Compare(a.n.id, b.n.id)
	})
}
