package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// The crash test: a child process (this test binary in crash mode, running
// the real server in-process) applies numbered mutations through the HTTP
// API and prints "ack N" after each 200 response without errors. The parent
// kills it with SIGKILL at a random moment, starts it again on the same
// data directory, and after the last round checks that every acknowledged
// mutation is present and that no museum is half-applied: each mutation
// creates a museum with eight properties in one Store.Write, so a museum
// either has all of them with the expected values or does not exist.

// crashProps returns the properties of museum number n as GraphQL input
// fields and as the values the store must hold.
func crashProps(n int) (input string, want map[string]any) {
	want = map[string]any{
		"name":             fmt.Sprintf("Crash Museum %d", n),
		"kind":             "STANDARD",
		"city":             fmt.Sprintf("City %d", n%97),
		"openedYear":       int64(1950 + n%70),
		"teachersTrained":  int64(n * 3),
		"personTimeServed": int64(n * 7),
		"distanceKm":       float64(n) + 0.5,
		"freeEntry":        n%2 == 0,
	}
	input = fmt.Sprintf(`key: "crash-%07d", name: %q, kind: STANDARD, city: %q, openedYear: %d, teachersTrained: %d, personTimeServed: %d, distanceKm: %g, freeEntry: %t, provenance: GENERATED, source: "crash test"`,
		n, want["name"], want["city"], want["openedYear"], want["teachersTrained"], want["personTimeServed"], want["distanceKm"], want["freeEntry"])
	return input, want
}

// runCrashChild is the child's side: it starts the server with the
// arguments of KEPUGRAPH_TEST_ARGS and applies mutations numbered from
// KEPUGRAPH_CRASH_START until it is killed.
func runCrashChild() {
	m := NewMain()
	args := strings.Split(os.Getenv("KEPUGRAPH_TEST_ARGS"), "\n")
	if err := m.ParseFlags(context.Background(), args); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	if err := m.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(1)
	}
	start, _ := strconv.Atoi(os.Getenv("KEPUGRAPH_CRASH_START"))
	token := os.Getenv("KEPUGRAPH_CRASH_TOKEN")
	fmt.Println("ready")
	for n := start; ; n++ {
		input, _ := crashProps(n)
		body, _ := json.Marshal(map[string]any{"query": "mutation { createMuseum(input: {" + input + "}) { id } }"})
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var out gqlResponse
		if res.StatusCode != http.StatusOK || json.Unmarshal(b, &out) != nil || len(out.Errors) > 0 {
			fmt.Fprintf(os.Stderr, "crash child: mutation %d: %d %s\n", n, res.StatusCode, b)
			os.Exit(1)
		}
		fmt.Printf("ack %d\n", n)
	}
}

func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the crash test takes a while")
	}
	rounds := 20
	if s := os.Getenv("KEPUGRAPH_CRASH_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	acked := map[int]bool{}
	env := []string{
		"KEPUGRAPH_TEST_CHILD=crash",
		"KEPUGRAPH_TOKENS=" + testEnv["KEPUGRAPH_TOKENS"],
		"KEPUGRAPH_RATE_LIMIT=0",
		"KEPUGRAPH_LOG_LEVEL=warn",
		"KEPUGRAPH_TEST_ARGS=" + strings.Join([]string{"--addr", "127.0.0.1:0", "--data-dir", dir, "--no-seed"}, "\n"),
		"KEPUGRAPH_CRASH_TOKEN=" + testEditorToken,
	}
	start := time.Now()
	for round := 0; round < rounds; round++ {
		first := (round + 1) * 100_000
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(childEnviron(), append(env, "KEPUGRAPH_CRASH_START="+strconv.Itoa(first))...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		// Kill at a random moment 0 to 300 ms after the server is ready
		// (so sometimes before the first mutation, mostly in the middle
		// of one). In the last round, if no mutation was acknowledged
		// yet (a machine so loaded that none took less than the rounds'
		// delays), the moment is counted from the first acknowledgement
		// instead, so that the test always checks some.
		var kill <-chan time.Time
		timeout := time.After(30 * time.Second)
		killed, afterAck := false, false
		arm := func() { kill = time.After(time.Duration(rng.IntN(300)) * time.Millisecond) }
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				switch {
				case line == "ready" && round == rounds-1 && len(acked) == 0:
					afterAck = true
				case line == "ready":
					arm()
				case strings.HasPrefix(line, "ack "):
					n, _ := strconv.Atoi(strings.TrimPrefix(line, "ack "))
					acked[n] = true
					if afterAck {
						afterAck = false
						arm()
					}
				}
			case <-kill:
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				kill = nil
			case <-timeout:
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
				t.Fatalf("round %d: the child did not get ready (or, waited for, acknowledge a mutation) in 30 s:\n%s", round, stderr.String())
			}
		}
		err = cmd.Wait()
		if !killed {
			t.Fatalf("round %d: the child stopped by itself: %v\n%s", round, err, stderr.String())
		}
	}
	took := time.Since(start)

	// The file after the last kill passes the full check.
	if r, err := embedded.Check(filepath.Join(dir, embedded.FileName), embedded.CheckOptions{}); err != nil || !r.OK() {
		t.Fatalf("check after the last kill: %+v %v", r, err)
	}

	// Open the data directory once more and check every museum.
	m, _ := mustRunMain(t, "--data-dir", dir, "--no-seed")
	ctx := context.Background()
	page, err := m.Store.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum})
	if err != nil {
		t.Fatal(err)
	}
	present := map[int]bool{}
	for _, n := range page.Nodes {
		num, err := strconv.Atoi(strings.TrimPrefix(n.ID, "Museum:crash-"))
		if err != nil {
			t.Errorf("unexpected museum %s", n.ID)
			continue
		}
		present[num] = true
		_, want := crashProps(num)
		for k, v := range want {
			if got := n.Props[k]; got != v {
				t.Errorf("museum %d is half-applied: %s = %v (%T), want %v", num, k, got, got, v)
			}
		}
	}
	lost := 0
	for n := range acked {
		if !present[n] {
			lost++
			t.Errorf("acknowledged mutation %d is lost", n)
		}
	}
	unacked := len(present) - (len(acked) - lost)
	t.Logf("crash test: %d rounds in %s, %d mutations acknowledged, %d lost, %d applied but not acknowledged (killed between the commit and the response), %d museums checked",
		rounds, took.Round(time.Millisecond), len(acked), lost, unacked, len(present))
	if len(acked) == 0 {
		t.Fatal("no mutation was acknowledged: the test proved nothing")
	}
}
