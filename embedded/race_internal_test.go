//go:build race

package embedded

// raceBuild is true under the race detector (as embedded_test's
// raceEnabled): tests of the package's internals that it slows most do
// less under it.
const raceBuild = true
