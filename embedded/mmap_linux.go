//go:build linux

package embedded

import (
	"os"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped drops the pages of the database file that reading it at
// open mapped into this process (every page: loadState reads the whole
// file). They stay in the page cache; a later read maps them
// again. Without this the resident set would hold the whole file besides
// the in-memory graph. Errors are ignored: this only returns memory.
func releaseMapped(db *bolt.DB) {
	fi, err := os.Stat(db.Path())
	if err != nil || fi.Size() == 0 {
		return
	}
	data := db.Info().Data
	if data == 0 {
		return
	}
	// bbolt maps at least the file's size, from the start of the file
	// (page-aligned: mmap's address).
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(fi.Size()), syscall.MADV_DONTNEED)
}

// mapFile maps the first n bytes of f read-only (n > 0, at most the file's
// size) and returns them with the function that unmaps them, or nil when
// the file cannot be mapped (the caller then reads it with ReadAt).
func mapFile(f *os.File, n int64) ([]byte, func()) {
	if n <= 0 || int64(int(n)) != n {
		return nil, nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(n), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	_ = syscall.Madvise(b, syscall.MADV_SEQUENTIAL)
	return b, func() { _ = syscall.Munmap(b) }
}
