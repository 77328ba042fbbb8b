package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"runtime/debug"
)

// Integrity of the data file.
//
// bbolt checksums its two meta pages but neither its other pages nor the
// values stored in them, so the store adds its own layer:
//
//   - every record (node, edge, and the meta records) carries a CRC-32C
//     (Castagnoli) of its key and its value, checked whenever the record is
//     read: when the store opens (it loads every record), by Check and by
//     Verify;
//   - records are read in key order and a key that does not sort after the
//     previous one is damage (a bbolt page that points back into the tree);
//   - the meta bucket's counts record holds the number of node and edge
//     records, so a page whose records went missing is noticed;
//   - before bbolt opens an existing file, validateFile reads both meta pages
//     and the file's length: a file that is empty, shorter than its meta page
//     says, or whose meta pages fail their checksum is refused. bbolt would
//     initialize an empty file as a new store, fall back silently to the
//     older meta page, or crash on memory past the end of a truncated file.
//
// A damaged file is never repaired, rewritten or replaced by the store: the
// operator restores a backup (see the README).

// castagnoli is the CRC-32C table (hardware accelerated on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordVersion is the first byte of every stored value in format 2: the
// version byte, a little-endian CRC-32C of the key and the body, the body.
const (
	recordVersion = 2
	recordHeader  = 5
)

// FormatVersion is the data file format this package writes: 2, records with
// CRC-32C checksums. Format 1 (kepugraph before checksums: the same records
// without the checksum) is migrated when the store opens (see Open).
const FormatVersion = 2

// recordSum is the CRC-32C of a record's key followed by its body.
func recordSum(key, body []byte) uint32 {
	return crc32.Update(crc32.Update(0, castagnoli, key), castagnoli, body)
}

// newRecord returns a buffer with room for the header; append the body to
// it and pass it to seal.
func newRecord(capacity int) []byte {
	b := make([]byte, recordHeader, recordHeader+capacity)
	b[0] = recordVersion
	return b
}

// seal writes the checksum of key and the body of rec into rec's header.
func seal(key, rec []byte) []byte {
	binary.LittleEndian.PutUint32(rec[1:recordHeader], recordSum(key, rec[recordHeader:]))
	return rec
}

// Record damage.
var (
	errChecksum      = errors.New("checksum mismatch (the stored CRC-32C does not match the key and value)")
	errRecordVersion = errors.New("unknown record version")
)

// openRecord checks a stored value against its key and returns its body.
func openRecord(key, v []byte) ([]byte, error) {
	if len(v) < recordHeader {
		return nil, fmt.Errorf("%w: value of %d bytes is shorter than the record header", errCorrupt, len(v))
	}
	if v[0] != recordVersion {
		return nil, fmt.Errorf("%w %d", errRecordVersion, v[0])
	}
	body := v[recordHeader:]
	if binary.LittleEndian.Uint32(v[1:recordHeader]) != recordSum(key, body) {
		return nil, errChecksum
	}
	return body, nil
}

// DamageError reports a damaged data file: what is wrong, where, and how to
// recover. The store refuses to open such a file and never writes to it.
type DamageError struct {
	Path    string // the data file
	Record  string // the record at fault ("node Museum:x", "edge ..."), or ""
	Problem string // what is wrong
}

func (e *DamageError) Error() string {
	where := ""
	if e.Record != "" {
		where = " in " + e.Record
	}
	dir := filepath.Dir(e.Path)
	return fmt.Sprintf("data file %s is damaged%s: %s. The store refuses to open it and does not change it. "+
		"Restore the last backup with `kepugraph restore --data-dir %s --force BACKUP` (it keeps the damaged file aside), "+
		"or run `kepugraph check --data-dir %s` for a full report",
		e.Path, where, e.Problem, dir, dir)
}

// bbolt's file layout (go.etcd.io/bbolt/internal/common, format version 2):
// a page starts with a 16-byte header (id uint64, flags uint16, count
// uint16, overflow uint32); pages 0 and 1 are meta pages whose body is
// magic, version, pageSize, flags (uint32 each), root bucket (root pgid,
// sequence), freelist pgid, high-water-mark pgid, txid (uint64 each) and an
// FNV-64a checksum of the fields before it. Integers are little-endian on
// every platform kepugraph builds for.
const (
	boltPageHeader   = 16
	boltMetaSize     = 64
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	boltMetaFlag     = 0x04
	boltNoFreelist   = ^uint64(0)
	boltMinPageSize  = 512
	boltMaxPageSize  = 1 << 16
	boltReadMetaSize = boltPageHeader + boltMetaSize
)

// boltMeta is a decoded meta page.
type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64 // high-water mark: pages in use
	txid     uint64
}

// readMeta reads and validates the meta page n (0 or 1) at offset off.
func readMeta(f io.ReaderAt, n int, off int64) (boltMeta, error) {
	var b [boltReadMetaSize]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return boltMeta{}, fmt.Errorf("meta page %d cannot be read: %v", n, err)
	}
	le := binary.LittleEndian
	body := b[boltPageHeader:]
	h := fnv.New64a()
	h.Write(body[:boltMetaSize-8])
	switch {
	case le.Uint32(body[0:]) != boltMagic:
		return boltMeta{}, fmt.Errorf("meta page %d does not start with the bbolt magic number (not a kepugraph data file, or its start was overwritten)", n)
	case le.Uint32(body[4:]) != boltVersion:
		return boltMeta{}, fmt.Errorf("meta page %d has bbolt format version %d, want %d", n, le.Uint32(body[4:]), boltVersion)
	case le.Uint64(body[boltMetaSize-8:]) != h.Sum64():
		return boltMeta{}, fmt.Errorf("meta page %d fails its checksum", n)
	case le.Uint64(b[0:]) != uint64(n) || le.Uint16(b[8:])&boltMetaFlag == 0:
		return boltMeta{}, fmt.Errorf("meta page %d has a wrong page header", n)
	}
	m := boltMeta{pageSize: le.Uint32(body[8:]), root: le.Uint64(body[16:]), freelist: le.Uint64(body[32:]),
		pgid: le.Uint64(body[40:]), txid: le.Uint64(body[48:])}
	if m.pageSize < boltMinPageSize || m.pageSize > boltMaxPageSize || bits.OnesCount32(m.pageSize) != 1 {
		return boltMeta{}, fmt.Errorf("meta page %d has an impossible page size %d", n, m.pageSize)
	}
	if m.root < 2 || m.root >= m.pgid || (m.freelist != boltNoFreelist && (m.freelist < 2 || m.freelist >= m.pgid)) {
		return boltMeta{}, fmt.Errorf("meta page %d points outside the file's %d pages", n, m.pgid)
	}
	return m, nil
}

// validateFile checks an existing data file before bbolt opens it: not
// empty, both meta pages valid and agreeing on the page size, the file at
// least as long as the pages the newer meta page says are in use, and the
// structure of every page in use (walkPages). Both
// meta pages must be valid: bbolt writes them alternately and fsyncs each,
// so a bad one means damage, and falling back to the older one (as bbolt
// does) would silently drop the last acknowledged write.
func validateFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	damaged := func(format string, args ...any) error {
		return &DamageError{Path: path, Problem: fmt.Sprintf(format, args...)}
	}
	if size == 0 {
		return damaged("the file is empty (0 bytes) although it exists; a new store is only created when the file is missing")
	}
	m0, err := readMeta(f, 0, 0)
	if err != nil {
		return damaged("%v (file of %d bytes)", err, size)
	}
	m1, err := readMeta(f, 1, int64(m0.pageSize))
	if err != nil {
		return damaged("%v (file of %d bytes)", err, size)
	}
	if m1.pageSize != m0.pageSize {
		return damaged("the meta pages disagree on the page size (%d and %d)", m0.pageSize, m1.pageSize)
	}
	if m0.txid == m1.txid {
		return damaged("both meta pages name transaction %d", m0.txid)
	}
	cur := m0
	if m1.txid > m0.txid {
		cur = m1
	}
	if need := int64(cur.pgid) * int64(cur.pageSize); size < need {
		return damaged("the file is %d bytes but holds %d pages of %d bytes (%d bytes): it was truncated", size, cur.pgid, cur.pageSize, need)
	}
	if !checkFile {
		return nil
	}
	// Mapped, the walk reads the pages without a system call and a copy
	// each (a fault in the mapping, such as the file shrinking meanwhile,
	// is damage).
	var data []byte
	if mapPages {
		var unmap func()
		if data, unmap = mapFile(f, int64(cur.pgid)*int64(cur.pageSize)); unmap != nil {
			defer unmap()
		}
	}
	err = func() (err error) {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("reading its pages failed (%v)", r)
			}
		}()
		return walkPages(f, data, cur)
	}()
	if err != nil {
		return damaged("%v", err)
	}
	return nil
}
