package neo4jtest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestLockHeldUntilLastHolderEnds runs two tests that hold the lock at once:
// the first to end must leave it held for the other (another process
// taking the server then would wipe its database under it).
func TestLockHeldUntilLastHolderEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "server.lock")
	aLocked, aDone := make(chan struct{}), make(chan struct{})
	t.Run("group", func(t *testing.T) {
		t.Run("a", func(t *testing.T) {
			t.Parallel()
			t.Cleanup(func() { close(aDone) }) // runs after the lock's cleanup
			lockAt(t, path)
			close(aLocked)
		})
		t.Run("b", func(t *testing.T) {
			t.Parallel()
			<-aLocked
			lockAt(t, path)
			<-aDone
			if tryLock(t, path) {
				t.Fatal("the lock was released while a test still held it")
			}
		})
	})
	if !tryLock(t, path) {
		t.Fatal("the lock is still held after every holder ended")
	}
}

// tryLock reports whether another open file description can take the
// lock at path now (it releases it at once).
func tryLock(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return true
}
