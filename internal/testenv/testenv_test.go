package testenv

import (
	"runtime"
	"testing"
)

// fakeT records what Need does to a test; like testing.T, Skipf and Fatalf
// end the goroutine.
type fakeT struct {
	testing.TB
	skipped, failed bool
}

func (f *fakeT) Helper()              {}
func (f *fakeT) Skipf(string, ...any) { f.skipped = true; runtime.Goexit() }
func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	runtime.Goexit()
}

func TestNeed(t *testing.T) {
	for _, tc := range []struct {
		ci                  string
		ok                  bool
		wantSkip, wantFatal bool
	}{
		{"", true, false, false},
		{"true", true, false, false},
		{"", false, true, false},
		{"true", false, false, true},
	} {
		t.Setenv("CI", tc.ci)
		f := &fakeT{}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Need(f, "tool", "install it", tc.ok)
		}()
		<-done
		if f.skipped != tc.wantSkip || f.failed != tc.wantFatal {
			t.Errorf("CI=%q ok=%v: skipped %v failed %v, want %v %v", tc.ci, tc.ok, f.skipped, f.failed, tc.wantSkip, tc.wantFatal)
		}
	}
}
