package procstat

import (
	"os"
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
	before := sum()
	spin(t, 50*time.Millisecond)
	if after := sum(); after-before < 25*time.Millisecond {
		t.Errorf("the threads' run time grew by %v while the process spent at least 50 ms of CPU, want at least 25 ms", after-before)
	}
	if ts := Threads(1 << 30); ts != nil {
		t.Errorf("threads of a process that does not exist: %v", ts)
	}
}

// spin spends at least d of CPU time in this process, as getrusage
// (SelfCPU) counts it.
func spin(t *testing.T, d time.Duration) {
	t.Helper()
	cpu0 := SelfCPU()
	for start := time.Now(); SelfCPU()-cpu0 < d; {
		if time.Since(start) > time.Minute {
			t.Fatalf("getrusage counted under %v of CPU in a minute of work", d)
		}
	}
}

// TestProcessCPU reads this process's CPU time from /proc/PID/stat: it
// grows by what getrusage counts (to the 10 ms tick), and a process that
// does not exist has none.
func TestProcessCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc: not Linux")
	}
	before, ok := ProcessCPU(os.Getpid())
	if !ok {
		t.Fatal("no CPU time read for this process")
	}
	spin(t, 100*time.Millisecond)
	after, ok := ProcessCPU(os.Getpid())
	if !ok || after-before < 80*time.Millisecond {
		t.Errorf("ProcessCPU grew by %v (ok %v) while getrusage counted at least 100 ms, want at least 80 ms", after-before, ok)
	}
	if self := SelfCPU(); after > self+20*time.Millisecond {
		t.Errorf("ProcessCPU %v is ahead of getrusage's %v", after, self)
	}
	if d, ok := ProcessCPU(1 << 30); ok {
		t.Errorf("CPU time %v of a process that does not exist", d)
	}
}
