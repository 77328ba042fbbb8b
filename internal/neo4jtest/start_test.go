package neo4jtest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a testing.TB that records what a Server reports: Fatalf
// ends the calling goroutine as testing's does.
type recorder struct {
	testing.TB
	mu    sync.Mutex
	logs  []string
	fatal string
}

func (r *recorder) Helper() {}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatal = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

// fakeJava puts a java on PATH that runs script (bash) with the
// launcher's arguments; $uri is the URI file named by -DuriFile.
func fakeJava(t *testing.T, script string) {
	bin := t.TempDir()
	prog := "#!/bin/bash\nfor a; do case $a in -DuriFile=*) uri=${a#-DuriFile=};; esac; done\n" + script
	if err := os.WriteFile(filepath.Join(bin, "java"), []byte(prog), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// startFake runs Start of a server whose java is fake, with a start
// timeout of timeout seconds, stalls judged over span and a cap of 30
// times the timeout, and returns
// what it recorded.
func startFake(t *testing.T, timeout string, span time.Duration) *recorder {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc: not Linux")
	}
	t.Setenv("NEO4J_START_TIMEOUT", timeout)
	oldSpan, oldBusy, oldCap := stallSpan, stallBusy, capTimes
	stallSpan, stallBusy, capTimes = span, 20*time.Millisecond, 30
	t.Cleanup(func() { stallSpan, stallBusy, capTimes = oldSpan, oldBusy, oldCap })
	rec := &recorder{TB: t}
	s := &Server{User: "neo4j", Password: "fake-test-pw", tb: rec, home: t.TempDir(), port: 1, classes: "none"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Start()
	}()
	<-done
	if s.cmd != nil {
		s.Kill()
	}
	return rec
}

// TestStartStalled: a JVM that never becomes ready and uses no CPU is
// taken for a hang once the start timeout has passed: Start logs a thread
// dump (SIGQUIT) and the server's log, tries once more, then fails naming
// the stall.
//
// The fake JVM blocks in a read of a FIFO that nobody writes (bash runs
// the QUIT trap then): it never runs until signalled. It slept in a loop
// of `sleep 0.2` before, and on a loaded machine each of its five wakeups
// a second waited for a processor: its time waiting to run (which Start
// counts as progress, rightly) passed stallBusy, the stall was not seen
// and the test failed after capTimes (2 of 3 runs beside four busy loops).
func TestStartStalled(t *testing.T) {
	fakeJava(t, `d=$(mktemp -d) && mkfifo "$d/idle" && exec 3<>"$d/idle" && rm -r "$d" || exit 1
echo fake jvm starting
trap 'echo fake thread dump' QUIT
while :; do read -r -u 3 _; done
`)
	rec := startFake(t, "1", 2*time.Second)
	if !strings.Contains(rec.fatal, "stalled") || !strings.Contains(rec.fatal, "fake thread dump") || !strings.Contains(rec.fatal, "fake jvm starting") {
		t.Errorf("Start's failure does not name the stall with the thread dump and the log:\n%s", rec.fatal)
	}
	if len(rec.logs) != 1 || !strings.Contains(rec.logs[0], "stalled") || !strings.Contains(rec.logs[0], "starting it once more") {
		t.Errorf("Start logged %q, want the first stall and a second try", rec.logs)
	}
}

// TestStartSlowButProgressing: a JVM that keeps running past the start
// timeout (1 s, stalls judged over 1 s; it is ready after 3.5 s of a busy
// loop) is waited for, not killed: Start logs how long it took and
// returns once it is ready.
func TestStartSlowButProgressing(t *testing.T) {
	fakeJava(t, `end=$(( ${EPOCHREALTIME/./} + 3500000 ))
while (( ${EPOCHREALTIME/./} < end )); do :; done
echo bolt://127.0.0.1:1 > "$uri"
while :; do sleep 0.2; done
`)
	rec := startFake(t, "1", time.Second)
	if rec.fatal != "" || len(rec.logs) != 1 || !strings.Contains(rec.logs[0], "ready after") {
		t.Errorf("a start that progressed past the timeout failed or was not logged: %s %q", rec.fatal, rec.logs)
	}
}

// TestStartExited: a JVM that exits while starting fails the start at
// once, with its output.
func TestStartExited(t *testing.T) {
	fakeJava(t, "echo fake: no such setting >&2\nexit 2\n")
	rec := startFake(t, "1", time.Minute)
	if !strings.Contains(rec.fatal, "exited while starting") || !strings.Contains(rec.fatal, "fake: no such setting") {
		t.Errorf("Start's failure does not say the server exited, with its output:\n%s", rec.fatal)
	}
}
