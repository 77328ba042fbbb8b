//go:build !unix

package embedded

import (
	"errors"
	"time"
)

var errLocked = errors.New("locked by another process")

// lockShared does nothing on this platform: bbolt's own lock still keeps a
// second process out.
func lockShared(path string, timeout time.Duration) (unlock func(), err error) { return func() {}, nil }
