// Package fsync makes file-system changes durable.
package fsync

import "os"

// Dir syncs directory dir, so that the files created, renamed or removed
// in it so far survive a crash or a power cut (fsync(2) of the directory).
func Dir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
