package embedded_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// TestErrInUse: Open, OpenLoader and Check of a data file another store
// holds return an error with embedded.ErrInUse in its chain (errors.Is),
// still a *kepu.Error with code Unavailable naming the file; an error that
// is not about the lock (a directory that cannot be created) is not.
func TestErrInUse(t *testing.T) {
	dir := t.TempDir()
	st, err := embedded.Open(dir, embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wait := 50 * time.Millisecond
	_, errOpen := embedded.Open(dir, embedded.Options{LockTimeout: wait})
	_, errLoader := embedded.OpenLoader(dir, embedded.Options{LockTimeout: wait})
	_, errCheck := embedded.Check(filepath.Join(dir, embedded.FileName), embedded.CheckOptions{LockTimeout: wait})
	for what, err := range map[string]error{"Open": errOpen, "OpenLoader": errLoader, "Check": errCheck} {
		var ke *kepu.Error
		if !errors.Is(err, embedded.ErrInUse) || !errors.As(err, &ke) || ke.Code != kepu.Unavailable || kepu.ErrorCode(err) != kepu.Unavailable {
			t.Errorf("%s of a data file in use: %v (%T); want ErrInUse in the chain and code Unavailable", what, err, err)
		}
	}
	_, err = embedded.Open(filepath.Join(dir, embedded.FileName, "sub"), embedded.Options{})
	if err == nil || errors.Is(err, embedded.ErrInUse) {
		t.Errorf("Open under a file: %v; want an error without ErrInUse", err)
	}
}
