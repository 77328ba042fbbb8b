// Package pypi fetches the pinned PyPI releases that textsearch's table
// generators (phrasegen, t2sgen) read, with pip; each generator checks
// the SHA-256 of what it reads.
package pypi

import (
	"fmt"
	"os"
	"os/exec"
)

// Download runs `pip download --no-deps <format> -d DIR reqs...` into a new
// temporary directory DIR and returns it, with a function that removes
// it. format chooses wheels ("--only-binary=:all:") or source archives
// ("--no-binary=:all:"); reqs are requirements ("opencc==1.4.2"). pip's
// output goes to stderr.
func Download(format string, reqs ...string) (dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "pypi")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	cmd := exec.Command("pip", append([]string{"download", "--no-deps", format, "-d", dir}, reqs...)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("pip download: %w", err)
	}
	return dir, cleanup, nil
}
