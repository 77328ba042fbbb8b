package embedded

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/kepugraph/kepugraph/kepu"
)

// walkPages checks the structure of every page reachable from the current
// meta page, reading the file with ReadAt, or from data when it is not nil
// (a read-only mapping of the file's first hwm pages, never bbolt's memory
// map): every page ID below the high-water mark, no page reached twice (a
// cycle), branch and leaf pages with element tables and keys and values
// inside the page, sub-buckets likewise, and a freelist naming only pages
// below the high-water mark. bbolt trusts all of this: a damaged page ID
// makes it read past the end of the file (a fatal fault, not a panic) or
// loop forever. After walkPages, bbolt only reads pages it has checked.
//
// It also makes every check of bbolt's own Tx.Check, in the same pass: the
// keys of every page in order and inside the range their parent branch
// element gives them (bbolt finds a key for a write or a delete through the
// branch keys: a damaged one would put or miss it in the wrong page); no
// page listed free twice or both free and in use; every page below the
// high-water mark in use or free (a damaged freelist would make a later
// write overwrite pages in use). In the buckets nodes and edges, whose
// records the store reads in key order and checks to sort strictly (see
// loadState, and Check's bbolt check), it compares only the first and the
// last key of each leaf page with the parent's range: that order check and
// these make bbolt's. Those two buckets' trees (almost every page) are
// walked last, in parts on two goroutines (see walkPlanned); the checks
// and the first problem reported are those of a walk in key order, but
// for which of two problems of different parts comes first.
func walkPages(f io.ReaderAt, data []byte, m boltMeta) error {
	w := &pageWalker{f: f, ps: int64(m.pageSize), hwm: m.pgid, seen: make([]bool, m.pgid)}
	if uint64(len(data))/uint64(m.pageSize) >= m.pgid {
		w.data = data
	}
	w.seen[0], w.seen[1] = true, true
	var free []uint64
	if m.freelist != boltNoFreelist {
		var err error
		if free, err = w.freelist(m.freelist); err != nil {
			return err
		}
	}
	if _, err := w.tree(m.root, "the root bucket", nil, nil); err != nil {
		return err
	}
	if err := w.walkPlanned(); err != nil {
		return err
	}
	if m.freelist == boltNoFreelist {
		return nil // bbolt finds the free pages by a scan: nothing to compare
	}
	freed := make([]bool, m.pgid)
	for _, p := range free {
		switch {
		case freed[p]:
			return fmt.Errorf("page %d is listed free twice in the freelist", p)
		case w.seen[p]:
			return fmt.Errorf("page %d is listed free but is in use (a damaged freelist: a write would overwrite it)", p)
		}
		freed[p] = true
	}
	for p := range m.pgid {
		if !w.seen[p] && !freed[p] {
			return fmt.Errorf("page %d is neither in use nor listed free (a damaged freelist or page ID)", p)
		}
	}
	return nil
}

type pageWalker struct {
	f    io.ReaderAt
	data []byte // the mapped file, or nil: read with f
	ps   int64
	hwm  uint64
	seen []bool   // by page ID
	bufs [][]byte // one page buffer per tree depth
	deep int      // current depth
	// level is the nesting of the bucket being walked (0: the root
	// bucket); ordered is true in the buckets whose leaf keys the caller
	// checks to sort (nodes and edges).
	level   int
	ordered bool
	// plans are the trees of the buckets nodes and edges, their top
	// branch pages read, their subtrees left for walkPlanned.
	plans []*walkPlan
}

const (
	boltBranchFlag     = 0x01
	boltLeafFlag       = 0x02
	boltFreelistFlag   = 0x10
	boltBucketLeafFlag = 0x01
	boltElementSize    = 16
	boltBucketHeader   = 16
)

// page reads page id with its overflow pages, marking them seen.
func (w *pageWalker) page(id uint64, what string) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("%s points to page %d, outside the file's pages 2 to %d", what, id, w.hwm-1)
	}
	var b []byte
	if w.data != nil {
		b = w.data[int64(id)*w.ps : int64(id+1)*w.ps]
	} else {
		for len(w.bufs) <= w.deep {
			w.bufs = append(w.bufs, make([]byte, w.ps))
		}
		b = w.bufs[w.deep][:w.ps]
		if _, err := w.f.ReadAt(b, int64(id)*w.ps); err != nil {
			return nil, fmt.Errorf("page %d (%s) cannot be read: %v", id, what, err)
		}
	}
	le := binary.LittleEndian
	overflow := uint64(le.Uint32(b[12:]))
	if le.Uint64(b[0:]) != id {
		return nil, fmt.Errorf("page %d (%s) says it is page %d", id, what, le.Uint64(b[0:]))
	}
	if overflow >= w.hwm || id+overflow >= w.hwm {
		return nil, fmt.Errorf("page %d (%s) has %d overflow pages, past the end of the file", id, what, overflow)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return nil, fmt.Errorf("page %d (%s) is reached twice (a damaged page ID)", i, what)
		}
		w.seen[i] = true
	}
	if overflow > 0 && w.data != nil {
		b = w.data[int64(id)*w.ps : int64(id+1+overflow)*w.ps]
	} else if overflow > 0 {
		b = append(b, make([]byte, int64(overflow)*w.ps)...)
		w.bufs[w.deep] = b
		if _, err := w.f.ReadAt(b[w.ps:], int64(id+1)*w.ps); err != nil {
			return nil, fmt.Errorf("page %d (%s) cannot be read: %v", id, what, err)
		}
	}
	return b, nil
}

// freelist checks the freelist page id and returns the pages it lists.
func (w *pageWalker) freelist(id uint64) ([]uint64, error) {
	b, err := w.page(id, "the freelist")
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	if le.Uint16(b[8:]) != boltFreelistFlag {
		return nil, fmt.Errorf("page %d, the freelist, is not a freelist page (flags %#x)", id, le.Uint16(b[8:]))
	}
	n, off := uint64(le.Uint16(b[10:])), uint64(boltPageHeader)
	if n == 0xFFFF {
		if len(b) < boltPageHeader+8 {
			return nil, fmt.Errorf("page %d, the freelist, is too short", id)
		}
		n, off = le.Uint64(b[boltPageHeader:]), boltPageHeader+8
	}
	if n > uint64(len(b)) || off+n*8 > uint64(len(b)) {
		return nil, fmt.Errorf("page %d, the freelist, lists %d pages, more than it holds", id, n)
	}
	free := make([]uint64, n)
	for i := range n {
		p := le.Uint64(b[off+i*8:])
		if p < 2 || p >= w.hwm {
			return nil, fmt.Errorf("page %d, the freelist, names page %d, outside the file's pages", id, p)
		}
		free[i] = p
	}
	return free, nil
}

// tree checks the B+tree rooted at page id, whose keys must lie in
// [lo, hi) (nil: unbounded); it returns the subtree's last key.
func (w *pageWalker) tree(id uint64, what string, lo, hi []byte) ([]byte, error) {
	w.deep++
	defer func() { w.deep-- }()
	if w.deep > 64 {
		return nil, fmt.Errorf("%s is more than 64 pages deep (a damaged page ID)", what)
	}
	b, err := w.page(id, what)
	if err != nil {
		return nil, err
	}
	return w.node(b, id, what, lo, hi)
}

// node checks one branch or leaf page (b holds it; id 0 for an inline
// bucket's page) and the pages below it: the keys in [lo, hi) (nil:
// unbounded), each after the last key below the element before it, as
// bbolt's Tx.Check wants them. It returns the last key of the subtree (nil
// for an empty page).
func (w *pageWalker) node(b []byte, id uint64, what string, lo, hi []byte) ([]byte, error) {
	le := binary.LittleEndian
	if len(b) < boltPageHeader {
		return nil, fmt.Errorf("%s: a page of %d bytes", what, len(b))
	}
	flags, n := le.Uint16(b[8:]), int(le.Uint16(b[10:]))
	if boltPageHeader+n*boltElementSize > len(b) {
		return nil, fmt.Errorf("page %d (%s) has %d elements, more than it holds", id, what, n)
	}
	prev := lo // the last key so far (lo before the first)
	for i := range n {
		e := b[boltPageHeader+i*boltElementSize:]
		at := boltPageHeader + i*boltElementSize // element positions are relative to the element
		switch flags {
		case boltBranchFlag:
			pos, ksize, child := int(le.Uint32(e[0:])), int(le.Uint32(e[4:])), le.Uint64(e[8:])
			if at+pos+ksize > len(b) || pos < 0 || ksize < 0 {
				return nil, fmt.Errorf("page %d (%s): element %d's key lies outside the page", id, what, i)
			}
			key := b[at+pos : at+pos+ksize]
			if err := keyInOrder(id, what, i, key, prev, hi); err != nil {
				return nil, err
			}
			next := hi
			if i+1 < n {
				ne := b[boltPageHeader+(i+1)*boltElementSize:]
				npos, nksize := int(le.Uint32(ne[0:])), int(le.Uint32(ne[4:]))
				nat := at + boltElementSize
				if nat+npos+nksize > len(b) || npos < 0 || nksize < 0 {
					return nil, fmt.Errorf("page %d (%s): element %d's key lies outside the page", id, what, i+1)
				}
				next = b[nat+npos : nat+npos+nksize]
			}
			last, err := w.tree(child, what, key, next)
			if err != nil {
				return nil, err
			}
			prev = last
		case boltLeafFlag:
			eflags, pos, ksize, vsize := le.Uint32(e[0:]), int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
			if pos < 0 || ksize < 0 || vsize < 0 || at+pos+ksize+vsize > len(b) {
				return nil, fmt.Errorf("page %d (%s): element %d's key or value lies outside the page", id, what, i)
			}
			key := b[at+pos : at+pos+ksize]
			switch {
			case !w.ordered || i == 0:
				if err := keyInOrder(id, what, i, key, prev, hi); err != nil {
					return nil, err
				}
			case i == n-1:
				if err := keyInOrder(id, what, i, key, nil, hi); err != nil {
					return nil, err
				}
			}
			prev = key
			if eflags&boltBucketLeafFlag == 0 {
				continue
			}
			v := b[at+pos+ksize : at+pos+ksize+vsize]
			sub := fmt.Sprintf("bucket %q", kepu.Truncate(string(key), 64))
			if len(v) < boltBucketHeader {
				return nil, fmt.Errorf("page %d (%s): %s has a header of %d bytes", id, what, sub, len(v))
			}
			level, ordered := w.level, w.ordered
			w.level++
			w.ordered = level == 0 && (bytes.Equal(key, bucketNodes) || bytes.Equal(key, bucketEdges))
			var err error
			if root := le.Uint64(v); root != 0 && w.ordered {
				// The large buckets' trees are walked on two
				// goroutines after the rest (see walkPlanned).
				var p *walkPlan
				if p, err = w.plan(root, sub, nil, nil, w.deep+1); err == nil {
					w.plans = append(w.plans, p)
				}
			} else if root != 0 {
				_, err = w.tree(root, sub, nil, nil)
			} else {
				_, err = w.node(v[boltBucketHeader:], 0, sub+" (inline)", nil, nil)
			}
			w.level, w.ordered = level, ordered
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("page %d (%s) is neither a branch nor a leaf page (flags %#x)", id, what, flags)
		}
	}
	if n == 0 {
		return nil, nil
	}
	return prev, nil
}

// keyInOrder checks the key of element i of a page against the key before
// it (prev: the first element's may equal it, its parent element's key)
// and the bound hi (nil: none), as bbolt's Tx.Check does.
func keyInOrder(id uint64, what string, i int, key, prev, hi []byte) error {
	if prev != nil {
		if c := bytes.Compare(prev, key); c > 0 || (c == 0 && i > 0) {
			return fmt.Errorf("page %d (%s): key %d does not sort after the key before it", id, what, i)
		}
	}
	if hi != nil && bytes.Compare(key, hi) >= 0 {
		return fmt.Errorf("page %d (%s): key %d does not sort before its parent's next key", id, what, i)
	}
	return nil
}

// A walkPlan is a subtree of the nodes or edges bucket whose walk is split
// into parts for two goroutines (walkPlanned): its top branch pages were
// read and checked (page IDs, element tables) by plan, the subtrees below
// them are tasks. The keys of its branch elements are checked against the
// last key of the subtree before them once the tasks are done, as the
// serial walk (node) checks them.
type walkPlan struct {
	id       uint64 // the page
	what     string
	lo, hi   []byte      // the range of the subtree's keys (nil: unbounded)
	keys     [][]byte    // the branch elements' keys (copies)
	children []*walkPlan // per element: a planned subtree, or nil (tasks[i] walks it)
	tasks    []*walkTask // per element: the subtree's task, or nil
	leaf     bool        // the page is a leaf: walked by plan (last, err)
	last     []byte
	err      error
}

// A walkTask is a subtree a worker walks with tree.
type walkTask struct {
	id     uint64
	what   string
	lo, hi []byte
	depth  int // the depth of its page (see pageWalker.deep)
	last   []byte
	err    error
}

// planSplit is the number of elements under which plan reads a branch
// page's children too, so that a bucket whose root has few children still
// makes enough tasks for two goroutines.
const planSplit = 32

// plan reads the page id, the root of a subtree of the bucket nodes or
// edges whose keys lie in [lo, hi) at depth depth, and plans its walk.
func (w *pageWalker) plan(id uint64, what string, lo, hi []byte, depth int) (*walkPlan, error) {
	saved := w.deep
	defer func() { w.deep = saved }()
	w.deep = depth
	if w.deep > 64 {
		return nil, fmt.Errorf("%s is more than 64 pages deep (a damaged page ID)", what)
	}
	b, err := w.page(id, what)
	if err != nil {
		return nil, err
	}
	p := &walkPlan{id: id, what: what, lo: lo, hi: hi}
	le := binary.LittleEndian
	if len(b) < boltPageHeader || le.Uint16(b[8:]) != boltBranchFlag {
		p.leaf = true
		p.last, p.err = w.node(b, id, what, lo, hi)
		return p, nil
	}
	n := int(le.Uint16(b[10:]))
	if boltPageHeader+n*boltElementSize > len(b) {
		return nil, fmt.Errorf("page %d (%s) has %d elements, more than it holds", id, what, n)
	}
	p.keys = make([][]byte, n)
	ids := make([]uint64, n)
	for i := range n {
		e := b[boltPageHeader+i*boltElementSize:]
		at := boltPageHeader + i*boltElementSize
		pos, ksize := int(le.Uint32(e[0:])), int(le.Uint32(e[4:]))
		if at+pos+ksize > len(b) || pos < 0 || ksize < 0 {
			return nil, fmt.Errorf("page %d (%s): element %d's key lies outside the page", id, what, i)
		}
		p.keys[i], ids[i] = bytes.Clone(b[at+pos:at+pos+ksize]), le.Uint64(e[8:])
	}
	p.children, p.tasks = make([]*walkPlan, n), make([]*walkTask, n)
	for i := range n {
		next := hi
		if i+1 < n {
			next = p.keys[i+1]
		}
		if n < planSplit {
			if p.children[i], err = w.plan(ids[i], what, p.keys[i], next, depth+1); err != nil {
				return nil, err
			}
		} else {
			p.tasks[i] = &walkTask{id: ids[i], what: what, lo: p.keys[i], hi: next, depth: depth + 1}
		}
	}
	return p, nil
}

// collect appends the plan's tasks to ts.
func (p *walkPlan) collect(ts []*walkTask) []*walkTask {
	for i := range p.keys {
		if p.tasks[i] != nil {
			ts = append(ts, p.tasks[i])
		} else if p.children[i] != nil {
			ts = p.children[i].collect(ts)
		}
	}
	return ts
}

// finish checks the plan's keys once its tasks are done, in the serial
// walk's order, and returns the subtree's last key (nil when empty).
func (p *walkPlan) finish() ([]byte, error) {
	if p.leaf {
		return p.last, p.err
	}
	prev := p.lo
	for i, key := range p.keys {
		if err := keyInOrder(p.id, p.what, i, key, prev, p.hi); err != nil {
			return nil, err
		}
		var last []byte
		var err error
		if t := p.tasks[i]; t != nil {
			last, err = t.last, t.err
		} else {
			last, err = p.children[i].finish()
		}
		if err != nil {
			return nil, err
		}
		prev = last
	}
	if len(p.keys) == 0 {
		return nil, nil
	}
	return prev, nil
}

// walkPlanned walks the planned subtrees on two goroutines, each with its
// own pages seen, checks the planned keys, and merges the pages seen into
// w.seen (a page reached by two walkers is reached twice).
func (w *pageWalker) walkPlanned() error {
	var tasks []*walkTask
	for _, p := range w.plans {
		tasks = p.collect(tasks)
	}
	if len(tasks) > 0 {
		workers := make([]*pageWalker, 2)
		var next atomic.Int64
		var failed atomic.Bool
		var wg sync.WaitGroup
		for i := range workers {
			c := &pageWalker{f: w.f, data: w.data, ps: w.ps, hwm: w.hwm, seen: make([]bool, w.hwm), level: 1, ordered: true}
			workers[i] = c
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
				for !failed.Load() {
					j := int(next.Add(1)) - 1
					if j >= len(tasks) {
						return
					}
					if c.walkTask(tasks[j]) != nil {
						failed.Store(true)
					}
				}
			}()
		}
		wg.Wait()
		// The keys first: a failed task's error comes in key order, as
		// in the serial walk (every task before it was done).
		for _, p := range w.plans {
			if _, err := p.finish(); err != nil {
				return err
			}
		}
		for p := range w.hwm {
			n := 0
			if w.seen[p] {
				n++
			}
			for _, c := range workers {
				if c.seen[p] {
					n++
				}
			}
			if n > 1 {
				return fmt.Errorf("page %d is reached twice (a damaged page ID)", p)
			}
			w.seen[p] = n == 1
		}
		return nil
	}
	for _, p := range w.plans {
		if _, err := p.finish(); err != nil {
			return err
		}
	}
	return nil
}

// walkTask walks t's subtree (a fault reading the file is an error).
func (w *pageWalker) walkTask(t *walkTask) (err error) {
	defer func() {
		if r := recover(); r != nil {
			t.err = fmt.Errorf("reading its pages failed (%v)", r)
		}
		err = t.err
	}()
	w.deep = t.depth - 1
	t.last, t.err = w.tree(t.id, t.what, t.lo, t.hi)
	return t.err
}
