// Package testenv says whether the tools a test needs outside Go are
// present: Node.js, the npm packages of a tools/ directory, Chromium, a
// built web bundle. When one is missing the test skips, saying what is
// missing and how to install it, so that `go test ./...` passes on a
// machine with Go alone; when the environment variable CI is set (.ci/run
// sets it) the test fails instead, so that CI never skips silently. It
// also holds DirFingerprint, which tests of several packages use to prove
// that a command wrote nothing.
package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need skips t (or fails it when CI is set) unless ok, naming what is
// missing and how to get it (hint).
func Need(t testing.TB, what, hint string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing (CI is set, so this is a failure): %s", what, hint)
	}
	t.Skipf("%s is missing: %s (set CI to make this a failure)", what, hint)
}

// Node returns the path of the node command (Node.js 20 or later).
func Node(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	Need(t, "node (Node.js)", "install Node.js 20 or later", err == nil)
	return node
}

// NPMPackage checks that the npm package pkg is installed in dir (by
// `npm ci` there; `make test-tools` does it for every tools/ directory).
func NPMPackage(t testing.TB, dir, pkg string) {
	t.Helper()
	_, err := os.Stat(filepath.Join(dir, "node_modules", filepath.FromSlash(pkg)))
	Need(t, "npm package "+pkg+" in "+dir, "run npm ci in "+dir+" (make test-tools does)", err == nil)
}

// Chromium returns the path of the browser: $CHROMIUM, else Debian's
// /usr/bin/chromium.
func Chromium(t testing.TB) string {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	_, err := os.Stat(path)
	Need(t, "Chromium at "+path, "apt-get install chromium, or set CHROMIUM", err == nil)
	return path
}

// DirFingerprint hashes every entry under dir (relative path, mode, size,
// modification time and content), so that any write to the directory (a
// new file, a changed byte, a touched file) changes it; "missing" when dir
// does not exist.
func DirFingerprint(t testing.TB, dir string) string {
	t.Helper()
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return "missing"
	}
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fmt.Fprintf(h, "%s %v %d %d\n", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}
