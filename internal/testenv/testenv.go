// Package testenv says whether the tools a test needs outside Go are
// present: Node.js, the npm packages of a tools/ directory, Chromium, a
// built web bundle. When one is missing the test skips, saying what is
// missing and how to install it, so that `go test ./...` passes on a
// machine with Go alone; when the environment variable CI is set (.ci/run
// sets it) the test fails instead, so that CI never skips silently.
package testenv

import (
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
