package embedded

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// Loader writes a large graph into a data directory without holding it in
// memory: where a Store keeps the whole graph (records, properties,
// adjacency) in memory and the garbage collector marks it again in every
// cycle of a load, a Loader keeps only the IDs of the committed nodes (to
// check edge endpoints and to count new nodes) and the file's counts. Its
// writes are Store writes, in the same file format and one bbolt
// transaction each. Close builds the full-text index from the node
// records of the file (not from a graph in memory), with the file's last
// commit stamp, so that the next Open uses it; a load cut off before that
// leaves a stale index (the commit stamps differ), which the next Open, or
// the Close of a rerun, builds again.
//
// A Loader takes only puts and creates of nodes and edges (what a load
// needs); they are validated, applied and counted as Store.Write does, so
// loading the same records twice leaves the same file, and a load cut off
// between two writes is completed by running it again.
type Loader struct {
	s              *Store              // the file; s.st is nil (the graph is not kept)
	mu             sync.Mutex          // serializes writes
	ids            map[string]struct{} // IDs of the committed nodes
	nnodes, nedges int                 // the committed counts
	closed         bool
}

// OpenLoader opens the data directory dir for a bulk load, as Open does
// (creating a new file, checking and migrating an existing one, the same
// errors) but without the full-text index; a file that already holds
// records (a load that was cut off) is read once to take its node IDs.
// Only opts.Logger, opts.LockTimeout and opts.NoSync apply.
func OpenLoader(dir string, opts Options) (*Loader, error) {
	s, err := openFile(dir, opts)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]struct{}, len(s.st.nodes))
	for id := range s.st.nodes {
		ids[id] = struct{}{}
	}
	l := &Loader{s: s, ids: ids, nnodes: len(s.st.nodes), nedges: s.st.nedges}
	s.st = nil
	return l, nil
}

// Close builds the full-text index of the file, unless the index on disk
// already holds the file's last commit (see searchdisk.go), and closes the
// file. Errors: Internal when the index cannot be built (the graph is
// written; the next Open builds the index), Unavailable when the file
// cannot be closed.
func (l *Loader) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	l.ids = nil // the build does not need them
	err := l.buildSearchIndex()
	if cerr := l.s.db.Close(); cerr != nil && err == nil {
		err = kepu.Errorf(kepu.Unavailable, "cannot close %s: %v", l.s.db.Path(), cerr)
	}
	return err
}

// buildSearchIndex writes the full-text index of the file's nodes with the
// file's commit stamp: the parts of the build read the node records
// straight from the file, each in a read transaction of its own (see
// fileDocs). A file without a stamp (no commit yet) is left to Open.
func (l *Loader) buildSearchIndex() error {
	path := filepath.Join(l.s.dir, SearchDirName)
	start := time.Now()
	var stamp uint64
	var ok, current bool
	err := l.s.db.View(func(tx *bolt.Tx) error {
		if stamp, ok = readStamp(tx); !ok {
			return nil
		}
		if idx, _ := openIndexAt(path, stamp); idx != nil {
			current = true
			return idx.Close()
		}
		return nil
	})
	if err == nil && ok && !current {
		var idx bleve.Index
		if idx, err = buildIndexAt(path, l.nnodes, fileDocs(l.s.db, stamp, l.nnodes), stamp); err == nil {
			err = idx.Close()
		}
	}
	if err != nil {
		l.s.log.Error("bulk load: cannot build the search index (the next open builds it)", "path", path, "err", fmt.Sprint(err))
		return kepu.Errorf(kepu.Internal, "cannot build the search index of %s (the graph is written; the next open builds it): %v", l.s.dir, err)
	}
	if ok && !current {
		l.s.log.Info("search index built", "path", path, "nodes", l.nnodes, "duration", time.Since(start))
	}
	return nil
}

// SetMeta writes or deletes ("") a metadata entry of the file as
// Store.SetMeta does (one bbolt transaction; fsync on commit unless
// Options.NoSync): the seed command marks its load with
// kepu.MetaReferenceLoad, as server.Seed does. Errors: those of
// Store.SetMeta; Unavailable after Close.
func (l *Loader) SetMeta(ctx context.Context, key, value string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return kepu.Errorf(kepu.Unavailable, "the loader is closed")
	}
	return l.s.SetMeta(ctx, key, value)
}

// Meta reads a metadata entry of the file as Store.Meta does.
func (l *Loader) Meta(ctx context.Context, key string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return "", kepu.Errorf(kepu.Unavailable, "the loader is closed")
	}
	return l.s.Meta(ctx, key)
}

// Counts returns the numbers of nodes and edges in the file.
func (l *Loader) Counts() (nodes, edges int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nnodes, l.nedges
}

// loadRec is one record of a Loader's write.
type loadRec struct {
	key    string
	val    []byte // the stored value
	change int    // index of the change in the write
	create bool   // a CreateNode or CreateEdge: the key must be new
}

// Write applies changes all or nothing, like Store.Write, and returns the
// same results. Changes other than PutNode, CreateNode, PutEdge and
// CreateEdge are refused (BadUserInput): a Loader cannot read the graph.
func (l *Loader) Write(ctx context.Context, changes []kepu.Change) ([]kepu.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Validating and encoding need nothing of the file: concurrent writes
	// (dataset.LoadOptions.Workers) do it in parallel, and only the checks
	// of endpoints and the commit hold the lock.
	results := make([]kepu.Result, len(changes))
	var nodes, edges []loadRec
	var buf props
	for i, c := range changes {
		if i%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var err error
		switch c.Kind {
		case kepu.CreateNode, kepu.PutNode:
			n := c.Node
			if err = kepu.ValidateNode(&n); err != nil {
				break
			}
			buf = sortedProps(buf, n.Props)
			nodes = append(nodes, loadRec{key: n.ID, val: encodeRecord([]byte(n.ID), buf), change: i, create: c.Kind == kepu.CreateNode})
			results[i] = kepu.Result{Node: kepu.Node{ID: n.ID, Label: n.Label, Props: n.Props}}
		case kepu.CreateEdge, kepu.PutEdge:
			e := c.Edge
			if err = kepu.ValidateEdge(&e, kepu.LabelOf(e.From), kepu.LabelOf(e.To)); err != nil {
				break
			}
			k := string(e.Type) + "|" + e.From + "|" + e.To
			buf = sortedProps(buf, e.Props)
			edges = append(edges, loadRec{key: k, val: encodeRecord([]byte(k), buf), change: i, create: c.Kind == kepu.CreateEdge})
			results[i] = kepu.Result{Edge: kepu.Edge{Type: e.Type, From: e.From, To: e.To, Props: e.Props}}
		default:
			err = kepu.Errorf(kepu.BadUserInput, "a bulk load writes only %s, %s, %s and %s changes", kepu.PutNode, kepu.CreateNode, kepu.PutEdge, kepu.CreateEdge)
		}
		if err != nil {
			return nil, changeError(i, c, err)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, kepu.Errorf(kepu.Unavailable, "store is closed")
	}
	// An edge's ends are committed nodes or nodes of this write that come
	// before it.
	var inBatch map[string]struct{} // the write's node IDs so far, made on first need
	ni := 0
	for _, r := range edges {
		for ; ni < len(nodes) && nodes[ni].change < r.change; ni++ {
			if inBatch != nil {
				inBatch[nodes[ni].key] = struct{}{}
			}
		}
		e := changes[r.change].Edge
		for _, id := range []string{e.From, e.To} {
			if _, ok := l.ids[id]; ok {
				continue
			}
			if inBatch == nil {
				inBatch = make(map[string]struct{}, ni)
				for _, n := range nodes[:ni] {
					inBatch[n.key] = struct{}{}
				}
			}
			if _, ok := inBatch[id]; !ok {
				return nil, changeError(r.change, changes[r.change], kepu.Errorf(kepu.NotFound, "node %s not found", id))
			}
		}
	}
	if len(nodes) == 0 && len(edges) == 0 {
		return results, nil
	}
	nodes, err := lastOfEachKey(nodes, changes)
	if err != nil {
		return nil, err
	}
	edges, err = lastOfEachKey(edges, changes)
	if err != nil {
		return nil, err
	}
	newNodes, newEdges := 0, 0
	err = l.s.db.Update(func(tx *bolt.Tx) error {
		newNodes, newEdges = 0, 0
		nb, eb := tx.Bucket(bucketNodes), tx.Bucket(bucketEdges)
		if len(nodes)+len(edges) >= bulkBatch {
			nb.FillPercent, eb.FillPercent = bulkFill, bulkFill
		}
		for _, r := range nodes {
			if _, ok := l.ids[r.key]; !ok {
				newNodes++
			} else if r.create {
				c := changes[r.change]
				return changeError(r.change, c, kepu.Errorf(kepu.Conflict, "node %s already exists", r.key))
			}
			if err := nb.Put([]byte(r.key), r.val); err != nil {
				return err
			}
		}
		held := holds(eb, edges)
		for i, r := range edges {
			k := []byte(r.key)
			if !held[i] {
				newEdges++
			} else if r.create {
				c := changes[r.change]
				return changeError(r.change, c, edgeExists(c.Edge))
			}
			if err := eb.Put(k, r.val); err != nil {
				return err
			}
		}
		if err := checkOnesInFile(eb, edges, changes); err != nil {
			return err
		}
		if err := putVersion(tx, l.s.version.Load()+1); err != nil {
			return err
		}
		if err := putStamp(tx, &batch{}); err != nil {
			return err
		}
		return putCounts(tx, l.nnodes+newNodes, l.nedges+newEdges)
	})
	if err != nil {
		if _, ok := err.(*kepu.Error); ok {
			return nil, err
		}
		l.s.log.Error("embedded bulk load commit failed", "err", err)
		return nil, kepu.Errorf(kepu.Unavailable, "cannot write to the data directory: %v", err)
	}
	for _, r := range nodes {
		l.ids[r.key] = struct{}{}
	}
	l.nnodes += newNodes
	l.nedges += newEdges
	l.s.version.Add(1)
	return results, nil
}

// holds reports which of recs (sorted by key) the bucket holds. A cursor
// walks forward from the first key instead of searching the tree for each
// (a load in key order finds its keys past the cursor or just before it);
// it seeks when the next key is more than a few keys ahead.
func holds(b *bolt.Bucket, recs []loadRec) []bool {
	out := make([]bool, len(recs))
	c := b.Cursor()
	var at []byte
	for i, r := range recs {
		if i == 0 {
			at, _ = c.Seek([]byte(r.key))
		}
		for steps := 0; at != nil && string(at) < r.key; steps++ {
			if steps == 16 {
				at, _ = c.Seek([]byte(r.key))
				break
			}
			at, _ = c.Next()
		}
		out[i] = at != nil && string(at) == r.key
	}
	return out
}

// changeError names the change in a validation error, as Store.Write does.
func changeError(i int, c kepu.Change, err error) error {
	if ke, ok := err.(*kepu.Error); ok {
		return &kepu.Error{Code: ke.Code, Field: ke.Field, Message: fmt.Sprintf("change %d (%s): %s", i+1, c.Kind, ke.Message)}
	}
	return err
}

func edgeExists(e kepu.Edge) error {
	return kepu.Errorf(kepu.Conflict, "%s edge from %s to %s already exists", e.Type, e.From, e.To)
}

// lastOfEachKey sorts a write's records by key and keeps the last change of
// each key (a later put replaces an earlier one, as in Store.Write); a
// create after an earlier change of the same key is a Conflict.
func lastOfEachKey(recs []loadRec, changes []kepu.Change) ([]loadRec, error) {
	slices.SortStableFunc(recs, func(a, b loadRec) int { return strings.Compare(a.key, b.key) })
	out := recs[:0]
	for i, r := range recs {
		if i > 0 && recs[i-1].key == r.key {
			if r.create {
				c := changes[r.change]
				if c.Kind == kepu.CreateNode {
					return nil, changeError(r.change, c, kepu.Errorf(kepu.Conflict, "node %s already exists", r.key))
				}
				return nil, changeError(r.change, c, edgeExists(c.Edge))
			}
			// The first of the key decides whether it must be new.
			r.create = out[len(out)-1].create
			out[len(out)-1] = r
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// sortedProps returns normalized properties as props sorted by name (in
// buf's array; nil values dropped), for encodeRecord.
func sortedProps(buf props, m kepu.Props) props {
	buf = buf[:0]
	for k, v := range m {
		if v != nil {
			buf = append(buf, kv{k, v})
		}
	}
	slices.SortFunc(buf, func(a, b kv) int { return cmp.Compare(a.k, b.k) })
	return buf
}
