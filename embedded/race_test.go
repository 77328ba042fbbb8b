//go:build race

package embedded_test

// raceEnabled is true under the race detector, which slows the tests that
// open a store hundreds of times; they sample less.
const raceEnabled = true
