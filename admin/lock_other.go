//go:build !unix

package admin

// lockFile cannot tell whether a server holds the file on this platform.
func lockFile(path string) (unlock func(), err error) { return func() {}, nil }
