//go:build !linux

package embedded

import (
	"os"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped does nothing outside Linux (see mmap_linux.go).
func releaseMapped(*bolt.DB) {}

// mapFile maps nothing outside Linux: the caller reads the file with
// ReadAt (see mmap_linux.go).
func mapFile(*os.File, int64) ([]byte, func()) { return nil, nil }
