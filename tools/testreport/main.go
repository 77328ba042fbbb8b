// Command testreport runs `go test -json ...` and prints what plain
// `go test` prints (the output of failed tests and packages, a line per
// package), then where the time went: every package's elapsed seconds and
// the slowest top-level tests. CI runs the tests through it (make ci, .ci/run);
// the JSON events are appended to a file as well when -json names one, and
// -summary FILE prints the summary of such a file (every run appended to it).
//
//	go run ./tools/testreport [-top 15] [-json FILE] [-show REGEXP] -- go test -json ./...
//	go run ./tools/testreport [-top 15] -summary FILE
//
// -show prints the output of passing tests too when it matches REGEXP
// (CI: the tests' Neo4j servers that started only after a retry or past
// their timeout, with the thread dump of the one that stalled).
//
// Times are the elapsed (wall-clock) seconds that go test reports: a test's
// includes its subtests and any wait for the Neo4j lock (internal/neo4jtest).
// The exit status is the command's.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
	// ImportPath and Action "build-output"/"build-fail" come with build errors.
	ImportPath string
}

// timing is one finished test or package.
type timing struct {
	name    string
	elapsed float64
	result  string
}

func main() {
	top := flag.Int("top", 15, "how many of the slowest tests to list")
	jsonOut := flag.String("json", "", "also append the JSON events to this file")
	from := flag.String("summary", "", "print the summary of the JSON events in this file, run nothing")
	show := flag.String("show", "", "also print the output of passing tests that matches this regular expression")
	flag.Parse()
	var showRE *regexp.Regexp
	if *show != "" {
		re, err := regexp.Compile(*show)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testreport: -show:", err)
			os.Exit(2)
		}
		showRE = re
	}
	if *from != "" {
		f, err := os.Open(*from)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer f.Close()
		tests, pkgs := report(f, io.Discard, nil)
		summary(os.Stdout, tests, pkgs, *top)
		return
	}
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: testreport [-top N] [-json FILE] -- go test -json ...")
		os.Exit(2)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var sink io.Writer = io.Discard
	if *jsonOut != "" {
		f, err := os.OpenFile(*jsonOut, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer f.Close()
		sink = f
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	tests, pkgs := report(io.TeeReader(out, sink), os.Stdout, showRE)
	waitErr := cmd.Wait()
	summary(os.Stdout, tests, pkgs, *top)
	if waitErr != nil {
		if x, ok := waitErr.(*exec.ExitError); ok {
			os.Exit(x.ExitCode())
		}
		fmt.Fprintln(os.Stderr, waitErr)
		os.Exit(1)
	}
}

// report reads the events, prints the output of what failed as it ends
// (and of passing tests whose output show matches, if show is not nil),
// and returns the timings of the top-level tests and of the packages.
func report(r io.Reader, w io.Writer, show *regexp.Regexp) (tests, pkgs []timing) {
	// Output kept until the test (or package) ends; printed if it failed.
	buf := map[string]*strings.Builder{}
	key := func(e event) string { return e.Package + "\x00" + e.Test }
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event (e.g. a line of go vet): pass it on.
			fmt.Fprintf(w, "%s\n", line)
			continue
		}
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "output":
			b := buf[key(e)]
			if b == nil {
				b = &strings.Builder{}
				buf[key(e)] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			k := key(e)
			if e.Test == "" {
				// The package's own output ends with its "ok"/"FAIL" line;
				// a passing package prints only that line, as go test does.
				text := buf[k].String()
				if e.Action == "fail" {
					fmt.Fprint(w, text)
				} else if i := strings.LastIndex(strings.TrimSuffix(text, "\n"), "\n"); i >= 0 {
					fmt.Fprint(w, text[i+1:])
				} else {
					fmt.Fprint(w, text)
				}
				pkgs = append(pkgs, timing{e.Package, e.Elapsed, e.Action})
			} else {
				if text := buf[k].String(); e.Action == "fail" {
					fmt.Fprint(w, text)
				} else if e.Action == "pass" && show != nil && show.MatchString(text) {
					fmt.Fprintf(w, "testreport: %s %s passed; its output matches -show:\n%s", short(e.Package), e.Test, text)
				}
				if !strings.Contains(e.Test, "/") {
					tests = append(tests, timing{short(e.Package) + " " + e.Test, e.Elapsed, e.Action})
				}
			}
			delete(buf, k)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(w, "testreport:", err)
	}
	return tests, pkgs
}

// short drops the module path from a package path.
func short(pkg string) string {
	const mod = "github.com/kepugraph/kepugraph"
	if pkg == mod {
		return "."
	}
	return strings.TrimPrefix(pkg, mod+"/")
}

func summary(w io.Writer, tests, pkgs []timing, top int) {
	byTime := func(ts []timing) {
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].elapsed > ts[j].elapsed })
	}
	byTime(pkgs)
	fmt.Fprintf(w, "\ntestreport: packages by elapsed seconds (wall clock, including waits for the Neo4j lock)\n")
	for _, p := range pkgs {
		if p.elapsed >= 1 {
			fmt.Fprintf(w, "%8.1f  %s %s\n", p.elapsed, p.result, short(p.name))
		}
	}
	byTime(tests)
	fmt.Fprintf(w, "testreport: the %d slowest tests (a test run twice, as graph's on both backends, is listed twice)\n", min(top, len(tests)))
	for i, t := range tests {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%8.1f  %s %s\n", t.elapsed, t.result, t.name)
	}
}
