package embedded

import (
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
func walkPages(f io.ReaderAt, data []byte, m boltMeta) error {
	w := &pageWalker{f: f, ps: int64(m.pageSize), hwm: m.pgid, seen: make([]bool, m.pgid)}
	if uint64(len(data))/uint64(m.pageSize) >= m.pgid {
		w.data = data
	}
	w.seen[0], w.seen[1] = true, true
	if m.freelist != boltNoFreelist {
		if err := w.freelist(m.freelist); err != nil {
			return err
		}
	}
	return w.tree(m.root, "the root bucket")
}

type pageWalker struct {
	f    io.ReaderAt
	data []byte // the mapped file, or nil: read with f
	ps   int64
	hwm  uint64
	seen []bool   // by page ID
	bufs [][]byte // one page buffer per tree depth
	deep int      // current depth
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

func (w *pageWalker) freelist(id uint64) error {
	b, err := w.page(id, "the freelist")
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	if le.Uint16(b[8:]) != boltFreelistFlag {
		return fmt.Errorf("page %d, the freelist, is not a freelist page (flags %#x)", id, le.Uint16(b[8:]))
	}
	n, off := uint64(le.Uint16(b[10:])), uint64(boltPageHeader)
	if n == 0xFFFF {
		if len(b) < boltPageHeader+8 {
			return fmt.Errorf("page %d, the freelist, is too short", id)
		}
		n, off = le.Uint64(b[boltPageHeader:]), boltPageHeader+8
	}
	if n > uint64(len(b)) || off+n*8 > uint64(len(b)) {
		return fmt.Errorf("page %d, the freelist, lists %d pages, more than it holds", id, n)
	}
	for i := range n {
		if p := le.Uint64(b[off+i*8:]); p < 2 || p >= w.hwm {
			return fmt.Errorf("page %d, the freelist, names page %d, outside the file's pages", id, p)
		}
	}
	return nil
}

// tree checks the B+tree rooted at page id.
func (w *pageWalker) tree(id uint64, what string) error {
	w.deep++
	defer func() { w.deep-- }()
	if w.deep > 64 {
		return fmt.Errorf("%s is more than 64 pages deep (a damaged page ID)", what)
	}
	b, err := w.page(id, what)
	if err != nil {
		return err
	}
	return w.node(b, id, what)
}

// node checks one branch or leaf page (b holds it; id 0 for an inline
// bucket's page) and the pages below it.
func (w *pageWalker) node(b []byte, id uint64, what string) error {
	le := binary.LittleEndian
	if len(b) < boltPageHeader {
		return fmt.Errorf("%s: a page of %d bytes", what, len(b))
	}
	flags, n := le.Uint16(b[8:]), int(le.Uint16(b[10:]))
	if boltPageHeader+n*boltElementSize > len(b) {
		return fmt.Errorf("page %d (%s) has %d elements, more than it holds", id, what, n)
	}
	for i := range n {
		e := b[boltPageHeader+i*boltElementSize:]
		at := boltPageHeader + i*boltElementSize // element positions are relative to the element
		switch flags {
		case boltBranchFlag:
			pos, ksize, child := int(le.Uint32(e[0:])), int(le.Uint32(e[4:])), le.Uint64(e[8:])
			if at+pos+ksize > len(b) || pos < 0 || ksize < 0 {
				return fmt.Errorf("page %d (%s): element %d's key lies outside the page", id, what, i)
			}
			if err := w.tree(child, what); err != nil {
				return err
			}
		case boltLeafFlag:
			eflags, pos, ksize, vsize := le.Uint32(e[0:]), int(le.Uint32(e[4:])), int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
			if pos < 0 || ksize < 0 || vsize < 0 || at+pos+ksize+vsize > len(b) {
				return fmt.Errorf("page %d (%s): element %d's key or value lies outside the page", id, what, i)
			}
			if eflags&boltBucketLeafFlag == 0 {
				continue
			}
			key := b[at+pos : at+pos+ksize]
			v := b[at+pos+ksize : at+pos+ksize+vsize]
			sub := fmt.Sprintf("bucket %q", kepu.Truncate(string(key), 64))
			if len(v) < boltBucketHeader {
				return fmt.Errorf("page %d (%s): %s has a header of %d bytes", id, what, sub, len(v))
			}
			if root := le.Uint64(v); root != 0 {
				if err := w.tree(root, sub); err != nil {
					return err
				}
			} else if err := w.node(v[boltBucketHeader:], 0, sub+" (inline)"); err != nil {
				return err
			}
		default:
			return fmt.Errorf("page %d (%s) is neither a branch nor a leaf page (flags %#x)", id, what, flags)
		}
	}
	return nil
}
