//go:build unix

package admin

import (
	"os"
	"syscall"
)

// lockFile takes the exclusive lock bbolt takes on a data file (flock),
// without waiting: it fails while a server has the file open.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
