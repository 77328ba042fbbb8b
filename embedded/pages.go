package embedded

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

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
// these make bbolt's.
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
			if root := le.Uint64(v); root != 0 {
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
