package embedded

import (
	"slices"
	"strings"
	"sync"

	"github.com/tidwall/btree"

	"github.com/kepugraph/kepugraph/kepu"
)

// Sorted indexes.
//
// An index holds the nodes of one label in one order: a list of keys, each
// an orderable property (every type but StringList) or the ID, ascending
// or descending, then the ID ascending, exactly as FindNodes orders them
// (kepu.CompareValues, absent values last ascending and first descending).
// The index of one property ascending serves the equality, list, range and
// prefix conditions on it too.
//
// An index is built the first time a query needs it (one sort of the
// label's nodes) and from then on kept current by every commit (applyBatch,
// under the write lock, in the same step that changes the in-memory graph),
// so it costs nothing at open or during a bulk load, and memory only for
// the orders that are queried. At most maxOrderIndexes indexes of more than
// one key exist per store; beyond that such orders are sorted per query.
//
// Reads walk a tree under the store's read lock; writes change it only
// under the write lock, so the trees need no locks of their own. A node's
// entry is found by comparing its properties, which are never changed in
// place (see props): a commit removes the node from each index whose keys
// change, replaces its properties, then inserts it again.

// maxOrderIndexes bounds the indexes of two or more keys (the orders a
// client can ask for are many; the single-key indexes are bounded by the
// schema).
const maxOrderIndexes = 32

// idxKeyDef is one key of an index's order.
type idxKeyDef struct {
	prop string // a property or kepu.PropID
	desc bool
}

// idxEntry is one node in an index: the value of its first key (nil when
// absent), kept to save a property lookup per comparison, and the node.
type idxEntry struct {
	v any
	n *nodeRec
}

// propIndex is one index.
type propIndex struct {
	keys []idxKeyDef
	tree *btree.BTreeG[idxEntry]
}

// keyValue is the value of key prop of node n: its ID, or the property
// (nil when absent; lists are not orderable and count as absent).
func keyValue(n *nodeRec, prop string) any {
	if prop == kepu.PropID {
		return n.id
	}
	v := n.props.get(prop)
	if _, ok := v.([]string); ok {
		return nil
	}
	return v
}

func (pi *propIndex) entry(n *nodeRec) idxEntry {
	return idxEntry{v: keyValue(n, pi.keys[0].prop), n: n}
}

// compare orders two entries as FindNodes orders their nodes.
func (pi *propIndex) compare(a, b idxEntry) int {
	c := kepu.CompareValues(a.v, b.v)
	if pi.keys[0].desc {
		c = -c
	}
	if c != 0 {
		return c
	}
	for _, k := range pi.keys[1:] {
		c = kepu.CompareValues(keyValue(a.n, k.prop), keyValue(b.n, k.prop))
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.n.id, b.n.id)
}

// sameKeys reports whether a node with properties a and one with b (same
// ID) sit at the same place in the index.
func (pi *propIndex) sameKeys(id string, a, b props) bool {
	na, nb := &nodeRec{id: id, props: a}, &nodeRec{id: id, props: b}
	for _, k := range pi.keys {
		va, vb := keyValue(na, k.prop), keyValue(nb, k.prop)
		if kepu.CompareValues(va, vb) != 0 || !sameKindOrNil(va, vb) {
			return false
		}
	}
	return true
}

func sameKindOrNil(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return kepu.ValueEqual(a, b)
}

// idxKey names an index: a label and its order's signature.
type idxKey struct {
	label kepu.Label
	order string
}

// indexes holds the built indexes of a state.
type indexes struct {
	mu      sync.Mutex // guards m, byLabel and multi against concurrent builds by readers
	m       map[idxKey]*propIndex
	byLabel map[kepu.Label][]*propIndex
	multi   int // indexes of two or more keys
}

// orderKeys returns the index keys of a node order, or false when one of
// its keys cannot be indexed (a relationship count, an edge property, an
// unknown or list property).
func orderKeys(l kepu.Label, order []kepu.OrderKey) ([]idxKeyDef, bool) {
	if len(order) == 0 {
		return nil, false
	}
	def := kepu.LookupLabel(l)
	if def == nil {
		return nil, false
	}
	keys := make([]idxKeyDef, 0, len(order))
	for _, k := range order {
		if k.Count != nil || k.Edge {
			return nil, false
		}
		if k.Prop != kepu.PropID {
			if p := def.Prop(k.Prop); p == nil || !p.Type.Ordered() {
				return nil, false
			}
		}
		keys = append(keys, idxKeyDef{prop: k.Prop, desc: k.Desc})
		if k.Prop == kepu.PropID {
			break // IDs are distinct: later keys never decide
		}
	}
	return keys, true
}

func keysSignature(keys []idxKeyDef) string {
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k.prop)
		if k.desc {
			b.WriteString(" desc")
		}
	}
	return b.String()
}

// index returns the index of label l in the order of keys, building it on
// first use; nil when keys is empty or the index would pass
// maxOrderIndexes. The caller holds the store's read (or write) lock.
func (st *state) index(l kepu.Label, keys []idxKeyDef) *propIndex {
	if len(keys) == 0 {
		return nil
	}
	ix := &st.idx
	ix.mu.Lock()
	defer ix.mu.Unlock()
	k := idxKey{l, keysSignature(keys)}
	if pi := ix.m[k]; pi != nil {
		return pi
	}
	if len(keys) > 1 && ix.multi >= maxOrderIndexes {
		return nil
	}
	if ix.m == nil {
		ix.m = map[idxKey]*propIndex{}
		ix.byLabel = map[kepu.Label][]*propIndex{}
	}
	pi := &propIndex{keys: slices.Clone(keys)}
	ids := st.byLabel[l]
	entries := make([]idxEntry, len(ids))
	for i, id := range ids {
		entries[i] = pi.entry(st.nodes[id])
	}
	slices.SortFunc(entries, pi.compare)
	pi.tree = btree.NewBTreeGOptions(func(a, b idxEntry) bool { return pi.compare(a, b) < 0 }, btree.Options{NoLocks: true})
	for _, e := range entries {
		pi.tree.Load(e) // sorted input: appends
	}
	ix.m[k] = pi
	ix.byLabel[l] = append(ix.byLabel[l], pi)
	if len(keys) > 1 {
		ix.multi++
	}
	return pi
}

// propIndex returns the index of one property ascending (the one for
// conditions), or nil if the property cannot be indexed.
func (st *state) propIndex(l kepu.Label, prop string) *propIndex {
	if prop == kepu.PropID {
		return nil
	}
	keys, ok := orderKeys(l, []kepu.OrderKey{{Prop: prop}})
	if !ok {
		return nil
	}
	return st.index(l, keys)
}

// move updates every index of n's label for a commit that gives n the
// properties cur: existed says n was in the graph (its props are still the
// old ones), exists that it stays (when false, n is being deleted). It sets
// n.props to cur. Called under the write lock.
func (ix *indexes) move(n *nodeRec, cur props, existed, exists bool) {
	var changed []*propIndex
	for _, pi := range ix.byLabel[n.label] {
		if existed && exists && pi.sameKeys(n.id, n.props, cur) {
			continue
		}
		if existed {
			pi.tree.Delete(pi.entry(n))
		}
		changed = append(changed, pi)
	}
	if !exists {
		return
	}
	n.props = cur
	for _, pi := range changed {
		pi.tree.Set(pi.entry(n))
	}
}

// rangeNodes calls fn with every node of an ascending one-property index
// whose value v satisfies lo <= v (loInc) or lo < v, and v <= hi (hiInc) or
// v < hi; a nil bound is open (but an open upper bound stops before the
// absent values). It stops when fn returns false.
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
	pi.tree.Ascend(idxEntry{v: lo, n: &nodeRec{}}, iter) // the empty ID sorts first
}

// after calls fn with the index's nodes that come after the cursor (all of
// them when c is nil), in order, until fn returns false.
func (pi *propIndex) after(order []kepu.OrderKey, c *kepu.Cursor, fn func(n *nodeRec) bool) {
	if c == nil {
		pi.tree.Scan(func(e idxEntry) bool { return fn(e.n) })
		return
	}
	// A node standing for the cursor: its ID and its key values.
	pivot := &nodeRec{id: c.ID}
	for i, k := range order {
		if i >= len(pi.keys) {
			break
		}
		if k.Prop != kepu.PropID && c.Keys[i] != nil {
			pivot.props = append(pivot.props, kv{k: k.Prop, v: c.Keys[i]})
		}
	}
	slices.SortFunc(pivot.props, func(a, b kv) int { return strings.Compare(a.k, b.k) })
	pe := pi.entry(pivot)
	pi.tree.Ascend(pe, func(e idxEntry) bool {
		if pi.compare(e, pe) == 0 {
			return true // the cursor's own node
		}
		return fn(e.n)
	})
}
