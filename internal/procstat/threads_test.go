package procstat

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestThreads reads this process's threads: at least one, every one
// named, and their run time growing by the CPU time the process spends
// (getrusage's count of the same work), whatever the machine's load.
func TestThreads(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc: not Linux")
	}
	sum := func() (d time.Duration) {
		ts := Threads(os.Getpid())
		if len(ts) == 0 {
			t.Fatal("no threads read for this process")
		}
		for _, th := range ts {
			if th.TID == "" || th.Name == "" {
				t.Fatalf("thread without ID or name: %+v", th)
			}
			d += th.Run
		}
		return d
	}
	before, cpu0 := sum(), rusage(t)
	for start := time.Now(); rusage(t)-cpu0 < 50*time.Millisecond; {
		if time.Since(start) > time.Minute {
			t.Fatal("getrusage counted under 50 ms of CPU in a minute of work")
		}
	}
	if after := sum(); after-before < 25*time.Millisecond {
		t.Errorf("the threads' run time grew by %v while the process spent at least 50 ms of CPU, want at least 25 ms", after-before)
	}
	if ts := Threads(1 << 30); ts != nil {
		t.Errorf("threads of a process that does not exist: %v", ts)
	}
}

// rusage is this process's CPU time (user and system) so far.
func rusage(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
