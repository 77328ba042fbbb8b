package neo4jtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/internal/procstat"
)

// Server is a Neo4j Community server of the test's own (tools/neo4j), for
// the tests that stop, kill and restart it. It keeps its home directory and
// Bolt port across restarts, so a restarted server has the same URI and
// graph.
type Server struct {
	URI, User, Password string

	tb      testing.TB
	home    string
	port    int
	classes string // the java class path
	conf    string // a file of more Neo4j settings (KEPUGRAPH_NEO4J_CONF), or ""
	cmd     *exec.Cmd
	log     *os.File
	exited  chan struct{}
}

// toolDir finds tools/neo4j from the working directory (a package
// directory of the module) upwards.
func toolDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "tools", "neo4j"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// StartServer starts a new server with an empty home directory and a free
// Bolt port, and stops it when the test ends. tools/neo4j must be built
// (make neo4j or tools/neo4j/neo4j.sh build; CI does it).
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	return StartServerConf(tb, "")
}

// StartServerConf is StartServer with a file of more Neo4j settings, in
// neo4j.conf syntax (the launcher's conf setting; "" for none).
func StartServerConf(tb testing.TB, conf string) *Server {
	tb.Helper()
	classes := launcherClasses(tb)
	// The first start binds port 0, a free port the operating system
	// chooses as Neo4j binds it, and start reads it from the URI file;
	// restarts keep it. A port found free here and closed again (as
	// before) stayed free for the JVM's whole start, tens of seconds on
	// a loaded machine, in which any outgoing connection could take it as
	// its local port: the start then failed with the address in use.
	s := &Server{
		User: "neo4j", Password: "fault-test-pw", tb: tb,
		home: tb.TempDir(), classes: classes, conf: conf,
	}
	tb.Cleanup(func() {
		if s.cmd != nil {
			s.Stop()
		}
	})
	s.Start()
	return s
}

// launcherClasses returns the class path of tools/neo4j's launcher, which
// must be built.
func launcherClasses(tb testing.TB) string {
	tb.Helper()
	tool, err := toolDir()
	if err != nil {
		tb.Fatal(err)
	}
	cp, err := os.ReadFile(filepath.Join(tool, "target", "classpath.txt"))
	if err != nil {
		tb.Fatalf("tools/neo4j is not built (run `make neo4j` or `bash tools/neo4j/neo4j.sh build`): %v", err)
	}
	return filepath.Join(tool, "target", "classes") + string(os.PathListSeparator) + strings.TrimSpace(string(cp))
}

// launcherArgs returns the java command line of a test server: classes,
// home, port, URI file and password, then the launcher's main class.
func launcherArgs(classes, home string, port int, uriFile, password, conf string) []string {
	// C1 only (-XX:TieredStopAtLevel=1): these servers live a minute or
	// two, in which C2's compiles cost more CPU than its code saves
	// (docs/neo4j.md, "CI's Neo4j stream (2026-12-02, evening)").
	return []string{"-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		"-cp", classes,
		"-Dhome=" + home, "-Dport=" + strconv.Itoa(port), "-DuriFile=" + uriFile,
		"-Dpassword=" + password, "-Dpagecache=128m", "-Dconf=" + conf,
		"kepugraph.neo4j.Server"}
}

// Start starts the server (again) and waits until it is ready. A start
// that stalls (startTimeout passed and the JVM's threads spent under
// stallBusy on a processor or waiting for one in the last stallSpan: they
// are blocked, a hang, not a slow start on a busy machine) is logged with
// a thread dump and tried once more; a start that still runs or waits to
// run is waited for up to capTimes × startTimeout.
func (s *Server) Start() {
	s.tb.Helper()
	if s.cmd != nil {
		s.tb.Fatal("neo4j test server already running")
	}
	for attempt := 1; ; attempt++ {
		diag, ok := s.start()
		if ok {
			return
		}
		if attempt == 2 || s.cmd != nil {
			s.Kill()
			s.tb.Fatalf("%s", diag)
		}
		s.tb.Logf("%s\nstarting it once more", diag)
	}
}

// A start stalls when the JVM's threads spent under stallBusy running or
// waiting in a run queue in stallSpan; it is given up after capTimes
// startTimeout (variables for the tests).
var (
	stallSpan, stallBusy = time.Minute, time.Second
	capTimes             = 3
)

// busy is each thread's time on a processor and waiting for one so far,
// by thread ID (procstat.Threads).
func busy(pid int) map[string]time.Duration {
	m := map[string]time.Duration{}
	for _, t := range procstat.Threads(pid) {
		m[t.TID] = t.Run + t.Wait
	}
	return m
}

// busyDelta is the threads' busy time from a to b (threads new in b
// count from 0; threads that ended are left out).
func busyDelta(a, b map[string]time.Duration) (d time.Duration) {
	for tid, t := range b {
		d += t - a[tid]
	}
	return d
}

// start starts the JVM and waits until it is ready (ok). Otherwise it
// returns what went wrong with the end of the server's logs; after a
// stall it has killed the JVM (s.cmd is nil), else the JVM still runs.
func (s *Server) start() (diag string, ok bool) {
	uriFile := filepath.Join(s.home, "uri")
	os.Remove(uriFile)
	logf, err := os.OpenFile(filepath.Join(s.home, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.tb.Fatal(err)
	}
	cmd := exec.Command("java", launcherArgs(s.classes, filepath.Join(s.home, "neo4j"), s.port, uriFile, s.Password, s.conf)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Killed with the test binary, even when it dies without cleaning up
	// (a test timeout).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		s.tb.Fatal(err)
	}
	s.cmd, s.log, s.exited = cmd, logf, make(chan struct{})
	go func() { cmd.Wait(); close(s.exited) }()
	wait := startTimeout()
	began := time.Now()
	// samples holds the JVM's threads' busy time at each poll of the last
	// stallSpan.
	type sample struct {
		at   time.Time
		busy map[string]time.Duration
	}
	var samples []sample
	for {
		if b, err := os.ReadFile(uriFile); err == nil && len(b) > 0 {
			if s.port == 0 {
				uri := strings.TrimSpace(string(b))
				_, p, _ := net.SplitHostPort(strings.TrimPrefix(uri, "bolt://"))
				if s.port, err = strconv.Atoi(p); err != nil || s.port <= 0 {
					s.tb.Fatalf("neo4j test server: no port in its URI file: %q", b)
				}
				s.URI = uri
			}
			if took := time.Since(began); took > wait {
				s.tb.Logf("neo4j test server ready after %v, past NEO4J_START_TIMEOUT %v", took.Round(time.Second), wait)
			}
			return "", true
		}
		select {
		case <-s.exited:
			s.log.Close()
			s.cmd = nil
			s.tb.Fatalf("neo4j test server exited while starting:\n%s", s.logTail())
		case <-time.After(200 * time.Millisecond):
		}
		now := time.Now()
		// The threads are read only from a stallSpan before the timeout
		// on, when a stall can be judged: a normal start reads none.
		if now.Sub(began) >= wait-stallSpan {
			if m := busy(cmd.Process.Pid); len(m) > 0 {
				samples = append(samples, sample{now, m})
			}
		}
		for len(samples) > 1 && now.Sub(samples[1].at) >= stallSpan {
			samples = samples[1:]
		}
		took := now.Sub(began).Round(time.Second)
		if took > time.Duration(capTimes)*wait {
			return fmt.Sprintf("neo4j test server not ready after %v (%d times NEO4J_START_TIMEOUT), still running:\n%s", took, capTimes, s.dump()), false
		}
		if took <= wait || len(samples) < 2 || now.Sub(samples[0].at) < stallSpan {
			continue
		}
		first, last := samples[0], samples[len(samples)-1]
		if d := busyDelta(first.busy, last.busy); d < stallBusy {
			diag := fmt.Sprintf("neo4j test server not ready after %v (NEO4J_START_TIMEOUT %v) and stalled: its threads ran or waited to run %v in the last %v:\n%s",
				took, wait, d.Round(time.Millisecond), last.at.Sub(first.at).Round(time.Second), s.dump())
			s.Kill()
			return diag, false
		}
	}
}

// dump asks the JVM for a thread dump (SIGQUIT: the JVM prints it to its
// standard output, the server log) and returns the end of the logs.
func (s *Server) dump() string {
	s.cmd.Process.Signal(syscall.SIGQUIT)
	time.Sleep(2 * time.Second)
	return s.logTail()
}

// logTail is the last 150 lines of the launcher's output (server.log) and
// the last 50 of Neo4j's debug.log.
func (s *Server) logTail() string {
	tail := func(name string, n int) string {
		b, err := os.ReadFile(name)
		if err != nil {
			return fmt.Sprintf("(%v)\n", err)
		}
		lines := strings.SplitAfter(string(b), "\n")
		return strings.Join(lines[max(0, len(lines)-n):], "")
	}
	return "--- server.log (end):\n" + tail(filepath.Join(s.home, "server.log"), 150) +
		"--- neo4j/logs/debug.log (end):\n" + tail(filepath.Join(s.home, "neo4j", "logs", "debug.log"), 50)
}

// startTimeout is how long Start waits for the server before it checks
// that the JVM still progresses: NEO4J_START_TIMEOUT seconds (as
// tools/neo4j/neo4j.sh), default 6 minutes. A start takes about 8 s of
// CPU; a JVM started while other tests load a shared 2-core machine (load
// average 40, go test under nice) took over 3 minutes.
func startTimeout() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("NEO4J_START_TIMEOUT")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 6 * time.Minute
}

// Stop shuts the server down with SIGTERM (a clean shutdown) and waits.
func (s *Server) Stop() { s.signal(syscall.SIGTERM) }

// Kill kills the server with SIGKILL (a crash) and waits.
func (s *Server) Kill() { s.signal(syscall.SIGKILL) }

func (s *Server) signal(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(sig)
	select {
	case <-s.exited:
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.log.Close()
	s.cmd = nil
}
