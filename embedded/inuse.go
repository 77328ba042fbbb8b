package embedded

import (
	"errors"

	"github.com/kepugraph/kepugraph/kepu"
)

// ErrInUse is in the chain of the error that Open, OpenLoader and Check
// return when another process (a running server) holds the data file's
// lock for longer than the lock timeout (bbolt's flock, Options.LockTimeout,
// CheckOptions.LockTimeout): test it with errors.Is. The error is also a
// *kepu.Error (errors.As) with code Unavailable, as before, whose message
// names the file or directory and what to do.
var ErrInUse = errors.New("the data file is in use by another kepugraph process")

// inUseError is the error of a data file another process holds: its
// *kepu.Error, with ErrInUse in the chain.
type inUseError struct{ e *kepu.Error }

func (e *inUseError) Error() string   { return e.e.Message }
func (e *inUseError) Unwrap() []error { return []error{e.e, ErrInUse} }

// inUse returns the error of a data file another process holds, with the
// message (code Unavailable).
func inUse(format string, args ...any) error {
	return &inUseError{kepu.Errorf(kepu.Unavailable, format, args...)}
}
