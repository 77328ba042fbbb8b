// Package procstat reads process figures from /proc for benchmarks and
// tests: this process's memory (/proc/self/status, for RSS) and CPU time,
// and the CPU time of another process (ProcessCPU) and of its threads
// (Threads).
package procstat

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Bytes returns the size field of /proc/self/status named field (VmRSS,
// VmHWM, …) in bytes, or 0 where the file or the field is missing (not
// Linux) or is not a size in kB.
func Bytes(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
			return 0
		}
	}
	return 0
}

// Thread is one thread of a process as the scheduler counts it
// (/proc/PID/task/TID/schedstat and comm).
type Thread struct {
	TID  string        // the thread's ID
	Name string        // its name (comm: at most 15 bytes, e.g. "neo4j.BoltWork")
	Run  time.Duration // time spent on a CPU so far
	Wait time.Duration // time spent waiting in a run queue so far
}

// Threads returns the threads of process pid that are alive now, or none
// where /proc is missing (not Linux) or the process has ended. A thread
// that ends between the listing and its reading is left out, so sums of
// Run are comparable only over a span in which the same threads live.
func Threads(pid int) []Thread {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	out := make([]Thread, 0, len(ents))
	for _, e := range ents {
		b, err := os.ReadFile(dir + "/" + e.Name() + "/schedstat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		run, _ := strconv.ParseInt(f[0], 10, 64)
		wait, _ := strconv.ParseInt(f[1], 10, 64)
		name, _ := os.ReadFile(dir + "/" + e.Name() + "/comm")
		out = append(out, Thread{TID: e.Name(), Name: strings.TrimSpace(string(name)), Run: time.Duration(run), Wait: time.Duration(wait)})
	}
	return out
}

// SelfCPU is this process's CPU time so far (user and system, every
// thread; getrusage), or 0 where the call fails. On a shared machine it
// varies less than the wall time.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ProcessCPU is the CPU time so far (user and system, every thread) of
// process pid, from /proc/PID/stat in clock ticks of 10 ms (USER_HZ 100);
// ok is false where the file is missing (not Linux, or the process has
// ended and been reaped) or unreadable.
func ProcessCPU(pid int) (d time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}
