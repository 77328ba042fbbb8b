package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAddressInUseBeforeStore: an address another process listens on is
// refused before the store is opened: the data directory is not created
// and no reference dataset is loaded (it was loaded, a minute on Neo4j,
// and only then was the port found taken). The debug address likewise.
func TestAddressInUseBeforeStore(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, flag := range []string{"--addr", "--debug-addr"} {
		dir := filepath.Join(t.TempDir(), "data")
		m, logs, err := runMain(t, "--data-dir", dir, flag, busy.Addr().String())
		if err == nil {
			m.Close()
			t.Fatalf("%s %s (in use): ran", flag, busy.Addr())
		}
		if !strings.Contains(err.Error(), busy.Addr().String()) {
			t.Errorf("%s in use: error %q does not name the address", flag, err)
		}
		if _, statErr := os.Stat(dir); !os.IsNotExist(statErr) {
			t.Errorf("%s in use: the data directory was made (%v); log:\n%s", flag, statErr, logs)
		}
		if strings.Contains(logs.String(), "store open") {
			t.Errorf("%s in use: the store was opened first; log:\n%s", flag, logs)
		}
	}
}
