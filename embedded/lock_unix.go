//go:build unix

package embedded

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// errLocked is returned by lockShared when another process holds the
// file's exclusive lock (a running server) for longer than the timeout.
var errLocked = errors.New("locked by another process")

// lockShared takes a shared flock on path, the lock a read-only bbolt
// takes, waiting up to timeout while a server holds its exclusive lock: a
// file is only validated while nobody writes it.
func lockShared(path string, timeout time.Duration) (unlock func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if err != syscall.EWOULDBLOCK || time.Now().After(deadline) {
			f.Close()
			if err == syscall.EWOULDBLOCK {
				return nil, errLocked
			}
			return nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
