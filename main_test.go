package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/internal/testenv"
	"github.com/kepugraph/kepugraph/web"
)

// The tests start the whole program, as main does, on 127.0.0.1:0 with a
// temporary data directory, and talk to it over HTTP (like wtf's
// cmd/wtfd/main_test.go).

// syncBuffer collects a program's log output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// API tokens of the test servers: testEnv configures their hashes.
const (
	testEditorToken = "test-editor-token"
	testReaderToken = "test-reader-token"
)

// testEnv is the environment of the test servers: an editor key and a
// reader key, and no rate limit (the tests send many requests from one
// address; the rate-limit tests turn it on with flags, which win).
var testEnv = map[string]string{
	"KEPUGRAPH_TOKENS":     "tester:editor:" + auth.HashToken(testEditorToken) + ",viewer:reader:" + auth.HashToken(testReaderToken),
	"KEPUGRAPH_RATE_LIMIT": "0",
}

// runMain parses args (plus --addr 127.0.0.1:0) and runs the program. It
// returns the running Main and its log; Close is left to the caller.
func runMain(tb testing.TB, args ...string) (*Main, *syncBuffer, error) {
	tb.Helper()
	return runMainWith(tb, nil, args...)
}

// runMainWith is runMain with a hook that may change the Main (for example
// set WrapStore or Tracing) before Run.
func runMainWith(tb testing.TB, setup func(*Main), args ...string) (*Main, *syncBuffer, error) {
	tb.Helper()
	logs := new(syncBuffer)
	m := NewMain()
	m.Stderr = logs
	m.Getenv = func(k string) string { return testEnv[k] }
	if err := m.ParseFlags(context.Background(), append([]string{"--addr", "127.0.0.1:0"}, args...)); err != nil {
		return nil, logs, err
	}
	if setup != nil {
		setup(m)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		return nil, logs, err
	}
	return m, logs, nil
}

// mustRunMain is runMain that fails the test on error and closes the
// program at the end of the test.
func mustRunMain(tb testing.TB, args ...string) (*Main, *syncBuffer) {
	tb.Helper()
	m, logs, err := runMain(tb, args...)
	if err != nil {
		tb.Fatalf("run: %v\nlog:\n%s", err, logs)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return m, logs
}

// The seeded server is shared by the read-only tests: loading the
// reference dataset once per test binary keeps the tests fast.
var seeded struct {
	once    sync.Once
	m       *Main
	logs    *syncBuffer
	dir     string
	reopen  string // the log of the second start on the same directory
	err     error
	elapsed time.Duration
}

// seededMain returns the shared program running on a data directory into
// which its first start loaded the reference dataset; it was stopped and
// started again on the same directory before being returned.
func seededMain(t *testing.T) *Main {
	t.Helper()
	seeded.once.Do(func() {
		seeded.dir, seeded.err = os.MkdirTemp("", "kepugraph-test-")
		if seeded.err != nil {
			return
		}
		start := time.Now()
		m, logs, err := runMain(t, "--data-dir", seeded.dir)
		seeded.elapsed = time.Since(start)
		if err != nil {
			seeded.err = fmt.Errorf("first start: %v\n%s", err, logs)
			return
		}
		seeded.logs = logs
		if err := m.Close(); err != nil {
			seeded.err = fmt.Errorf("close after first start: %v", err)
			return
		}
		m, logs, err = runMain(t, "--data-dir", seeded.dir)
		if err != nil {
			seeded.err = fmt.Errorf("second start: %v\n%s", err, logs)
			return
		}
		seeded.m, seeded.reopen = m, logs.String()
	})
	if seeded.err != nil {
		t.Fatal(seeded.err)
	}
	return seeded.m
}

func TestMain(m *testing.M) {
	switch os.Getenv("KEPUGRAPH_TEST_CHILD") {
	case "1":
		runChild()
		return
	case "crash":
		runCrashChild()
		return
	}
	code := m.Run()
	if seeded.m != nil {
		seeded.m.Close()
	}
	if seeded.dir != "" {
		os.RemoveAll(seeded.dir)
	}
	os.Exit(code)
}

// runChild runs the real main with the arguments in KEPUGRAPH_TEST_ARGS
// (one per line): the tests use it to check a second process and signals.
func runChild() {
	os.Args = append([]string{"kepugraph"}, strings.Split(os.Getenv("KEPUGRAPH_TEST_ARGS"), "\n")...)
	main()
	os.Exit(0)
}

// child returns a command running the real main in a child process.
func child(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(childEnviron(), "KEPUGRAPH_TEST_CHILD=1", "KEPUGRAPH_TEST_ARGS="+strings.Join(args, "\n"))
	return cmd
}

// childEnviron is the environment of the test's child processes: this
// process's, without the NEO4J_* variables, which would select the Neo4j
// store (the children run on the data directory their arguments name).
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_") {
			env = append(env, kv)
		}
	}
	return env
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) Code() string { s, _ := e.Extensions["code"].(string); return s }

type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

// post sends a GraphQL request and decodes the response. Mutations carry
// the editor token; queries are sent anonymously.
func post(t *testing.T, m *Main, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, m.URL()+"/query", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if httpx.OperationType(query, "", 0) == "mutation" {
		req.Header.Set("Authorization", "Bearer "+testEditorToken)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out gqlResponse
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("status %s, body not JSON: %v\n%s", res.Status, err, b)
	}
	return out
}

// query sends a GraphQL request that must succeed and decodes its data
// into v.
func query(t *testing.T, m *Main, q string, vars map[string]any, v any) {
	t.Helper()
	res := post(t, m, q, vars)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v\nquery: %s", res.Errors, q)
	}
	if err := json.Unmarshal(res.Data, v); err != nil {
		t.Fatalf("decode data: %v\n%s", err, res.Data)
	}
}

// mustFail sends a GraphQL request that must fail with the code.
func mustFail(t *testing.T, m *Main, q string, vars map[string]any, code string) gqlError {
	t.Helper()
	res := post(t, m, q, vars)
	if len(res.Errors) == 0 {
		t.Fatalf("no error, want %s; data: %s", code, res.Data)
	}
	if res.Errors[0].Code() != code {
		t.Fatalf("error %+v, want code %s", res.Errors[0], code)
	}
	return res.Errors[0]
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestHealthz(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	res, body := get(t, m.URL()+"/healthz")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(body), &v); err != nil || v["status"] != "ok" {
		t.Fatalf("body %q", body)
	}
}

func TestRequestLog(t *testing.T) {
	m, logs := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed", "--log-format", "json")
	get(t, m.URL()+"/healthz")
	// The log line is written after the response: wait for it (a minute
	// is a hang guard; a loaded machine can take longer than 2 s).
	deadline := time.Now().Add(time.Minute)
	for {
		found := false
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatalf("log line is not JSON: %q", sc.Text())
			}
			if rec["msg"] == "request" && rec["path"] == "/healthz" {
				if rec["method"] != "GET" || rec["status"] != float64(200) || rec["duration"] == nil {
					t.Fatalf("request log line %v", rec)
				}
				found = true
			}
		}
		if found {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no request line in the log:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var assetRef = regexp.MustCompile(`(?i)<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*"([^"]*)"`)

func TestExplorerPage(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	res, page := get(t, m.URL()+"/")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Errorf("the page references another host:\n%s", page)
	}
	refs := assetRef.FindAllStringSubmatch(page, -1)
	if !web.Built() {
		// Without the bundle, / explains how to build it.
		if !strings.Contains(page, "make web") || !strings.Contains(page, "/query") {
			t.Fatalf("fallback page does not say how to build the explorer:\n%s", page)
		}
		testenv.Need(t, "the explorer bundle web/dist", "run make web (needs Node.js and npm) to test the bundled page", false)
	}
	if len(refs) < 2 {
		t.Fatalf("page has %d script/style references, want the bundle's js and css:\n%s", len(refs), page)
	}
	want := map[string]string{".js": "text/javascript", ".css": "text/css"}
	for _, ref := range refs {
		u := ref[1]
		if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			t.Errorf("reference %q is not a local path", u)
			continue
		}
		res, body := get(t, m.URL()+u)
		if res.StatusCode != http.StatusOK || body == "" {
			t.Errorf("%s: status %d, %d bytes", u, res.StatusCode, len(body))
			continue
		}
		for ext, ct := range want {
			if strings.HasSuffix(u, ext) && !strings.HasPrefix(res.Header.Get("Content-Type"), ct) {
				t.Errorf("%s: content type %q, want %s", u, res.Header.Get("Content-Type"), ct)
			}
		}
	}
	// The bundle talks to /query and loads nothing from elsewhere at run
	// time: no absolute asset URLs in the stylesheet.
	for _, ref := range refs {
		if strings.HasSuffix(ref[1], ".css") {
			_, css := get(t, m.URL()+ref[1])
			if regexp.MustCompile(`url\(\s*["']?https?://`).MatchString(css) || strings.Contains(css, "@import url(http") {
				t.Errorf("%s loads from another host", ref[1])
			}
		}
	}
}

func TestSecondProcessFailsFast(t *testing.T) {
	dir := t.TempDir()
	mustRunMain(t, "--data-dir", dir, "--no-seed")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := child(ctx, "--addr", "127.0.0.1:0", "--data-dir", dir, "--no-seed")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("the second process did not give up within 30s:\n%s", stderr.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("second process: %v, want exit code 1\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), dir) {
		t.Errorf("the message does not name the data directory:\n%s", stderr.String())
	}
	t.Logf("second process failed after %s: %s", took.Round(time.Millisecond), strings.TrimSpace(lastLine(stderr.String())))
}

func TestSignalShutdown(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) { signalShutdown(t, sig) })
	}
}

// signalShutdown stops a child with sig (Ctrl-C is SIGINT) and checks the
// clean stop: exit code 0 and a last log line "stopped".
func signalShutdown(t *testing.T, sig os.Signal) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := child(ctx, "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--no-seed", "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var url string
	var logged []string
	sc := bufio.NewScanner(stderr)
	for url == "" && sc.Scan() {
		logged = append(logged, sc.Text())
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == "listening" {
			url, _ = rec["url"].(string)
		}
	}
	if url == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child never listened:\n%s", strings.Join(logged, "\n"))
	}
	if res, _ := get(t, url+"/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	rest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(stderr); rest <- string(b) }()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	tail := <-rest
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after %s: %v, want exit code 0", sig, err)
	}
	var last map[string]any
	if err := json.Unmarshal([]byte(lastLine(tail)), &last); err != nil || last["msg"] != "stopped" {
		t.Errorf("last log line %q, want msg=stopped", lastLine(tail))
	}
}

// TestHelpExitsZero checks that --help exits 0 and prints the usage on
// standard output (so that `kepugraph --help | less` pages it), and that a
// bad flag exits 2 with its message and the usage on standard error.
func TestHelpExitsZero(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := child(ctx, "--help")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("--help: %v\n%s%s", err, stdout.Bytes(), stderr.Bytes())
	}
	for _, s := range []string{"--data-dir", "KEPUGRAPH_DATA_DIR", "./data", "--no-seed", "kepugraph check"} {
		if !bytes.Contains(stdout.Bytes(), []byte(s)) {
			t.Errorf("--help's standard output lacks %q; standard error:\n%s", s, stderr.Bytes())
		}
	}
	if bytes.Contains(stderr.Bytes(), []byte("--data-dir")) {
		t.Errorf("--help wrote the usage to standard error:\n%s", stderr.Bytes())
	}
	stdout.Reset()
	stderr.Reset()
	cmd = child(ctx, "--nosuch-flag")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("bad flag: %v, want exit code 2\n%s%s", err, stdout.Bytes(), stderr.Bytes())
	}
	if !bytes.Contains(stderr.Bytes(), []byte("nosuch-flag")) || !bytes.Contains(stderr.Bytes(), []byte("--data-dir")) || stdout.Len() > 0 {
		t.Errorf("bad flag: want its message and the usage on standard error, nothing on standard output; stdout:\n%s\nstderr:\n%s", stdout.Bytes(), stderr.Bytes())
	}
	stderr.Reset()
	cmd = child(ctx, "--store", "nosuch")
	cmd.Stderr = &stderr
	err = cmd.Run()
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("bad flag value: %v, want exit code 2\n%s", err, stderr.Bytes())
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
