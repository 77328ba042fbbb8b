package embedded

import (
	"bytes"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// The One rule of the registry (kepu.RelDef.One, kepu/hierarchy.go): a
// node has at most one PART_OF parent and at most one LOCATED_IN place.
// A Store checks it for every edge a write creates or puts, under the
// writer lock (so two concurrent writes cannot both pass it); a Loader
// checks it in the transaction of each write, against the file.

// checkOne returns kepu.OneConflict when e is of a One type and its From
// node already has such an edge to another node, in the committed graph
// (less the edges this batch deletes) or among the edges this batch has
// put; else it records e as put. e is valid (kepu.ValidateEdge).
func (b *batch) checkOne(e kepu.Edge) error {
	if !kepu.LookupRel(e.Type).One {
		return nil
	}
	live := func(to string) bool {
		p, ok := b.edges[string(e.Type)+"|"+e.From+"|"+to]
		return !ok || !p.gone
	}
	if n := b.st.nodes[e.From]; n != nil {
		for _, old := range n.edges(e.Type, kepu.Out) {
			if old.to.id != e.To && live(old.to.id) {
				return kepu.OneConflict(e.Type, e.From, old.to.id)
			}
		}
	}
	k := string(e.Type) + "|" + e.From
	for _, to := range b.ones[k] {
		if to != e.To {
			if p := b.edges[k+"|"+to]; p != nil && !p.gone {
				return kepu.OneConflict(e.Type, e.From, to)
			}
		}
	}
	if b.ones == nil {
		b.ones = map[string][]string{}
	}
	b.ones[k] = append(b.ones[k], e.To)
	return nil
}

// checkOnesInFile checks the One rule for the edges of a Loader's write,
// after they are put in the transaction's edge bucket: the records of a
// One type whose From node has another edge of the type in the bucket
// (committed or of this write) make a Conflict naming the other. recs
// are sorted by key; changes are the write's.
func checkOnesInFile(eb *bolt.Bucket, recs []loadRec, changes []kepu.Change) error {
	c := eb.Cursor()
	for _, r := range recs {
		e := changes[r.change].Edge
		if !kepu.LookupRel(e.Type).One {
			continue
		}
		prefix := []byte(string(e.Type) + "|" + e.From + "|")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if string(k) != r.key {
				return changeError(r.change, changes[r.change], kepu.OneConflict(e.Type, e.From, strings.TrimPrefix(string(k), string(prefix))))
			}
		}
	}
	return nil
}
