package embedded_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/storetest"
)

// openStore opens a store in dir.
func openStore(t testing.TB, dir string) *embedded.Store {
	t.Helper()
	st, err := embedded.Open(dir, embedded.Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return st
}

func TestConformance(t *testing.T) {
	dirs := map[kepu.Store]string{}
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) kepu.Store {
			dir := t.TempDir()
			st := openStore(t, dir)
			dirs[st] = dir
			return st
		},
		Reopen: func(t *testing.T, st kepu.Store) kepu.Store {
			dir := dirs[st]
			if err := st.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			st2 := openStore(t, dir)
			dirs[st2] = dir
			return st2
		},
		OpenNewer: func(t *testing.T, st kepu.Store) (func() kepu.Store, error) {
			dir := dirs[st]
			path := filepath.Join(dir, embedded.FileName)
			if err := st.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := embedded.WriteFormat(path, embedded.FormatVersion+1); err != nil {
				t.Fatal(err)
			}
			file := func() []byte {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			before := file()
			st2, err := embedded.Open(dir, embedded.Options{})
			if err == nil {
				st2.Close()
			}
			if !bytes.Equal(file(), before) {
				t.Error("the refused open changed the data file")
			}
			return func() kepu.Store {
				if err := embedded.WriteFormat(path, embedded.FormatVersion); err != nil {
					t.Fatal(err)
				}
				st3 := openStore(t, dir)
				dirs[st3] = dir
				return st3
			}, err
		},
	})
}
