//go:build !linux

package embedded

import bolt "go.etcd.io/bbolt"

// releaseMapped does nothing outside Linux (see mmap_linux.go).
func releaseMapped(*bolt.DB) {}
