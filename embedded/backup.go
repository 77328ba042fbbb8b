package embedded

import (
	"io"

	bolt "go.etcd.io/bbolt"

	"github.com/kepugraph/kepugraph/kepu"
)

// Backup writes a consistent copy of the data file to w: the file as of
// the last write committed before the call, in one bbolt read transaction
// (Tx.WriteTo). Readers and writers go on meanwhile (writers wait only if
// the file outgrows its memory map, see initialMmapSize). size, when not
// nil, is called with the copy's length in bytes before the first byte is
// written. It returns the bytes written. The copy is a data file: restore
// puts it in a data directory, and Check verifies it.
func (s *Store) Backup(w io.Writer, size func(int64)) (int64, error) {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return 0, kepu.Errorf(kepu.Unavailable, "store is closed")
	}
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		if size != nil {
			size(tx.Size())
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}
