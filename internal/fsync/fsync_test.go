package fsync

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDir syncs a directory and fails on one that does not exist.
func TestDir(t *testing.T) {
	dir := t.TempDir()
	if err := Dir(dir); err != nil {
		t.Fatal(err)
	}
	if err := Dir(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("a missing directory: %v, want not exist", err)
	}
}
