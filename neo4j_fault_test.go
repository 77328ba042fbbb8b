package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// TestNeo4jFaults runs the API on a Neo4j server of the test's own and
// breaks it: wrong password and missing database at start; the server
// stopped (SIGTERM) and killed (SIGKILL) while the API serves, then started
// again; and large writes in flight when it is killed (the same kill: each
// start of the server's JVM costs CI about a minute of CPU, so the server
// starts three times). The API serves a database of four nodes written by
// the test (not the reference dataset). Recovering means answering as
// before within recoverBound of the server being back, TIMEOUT or
// SERVICE_UNAVAILABLE meanwhile: the first statements of a new JVM under
// CI's load can pass the request deadline, which is no wrong answer. Runs
// when NEO4J_URI is set (the Neo4j runs of make test-neo4j and CI), which
// also means tools/neo4j is built.
func TestNeo4jFaults(t *testing.T) {
	if neo4jtest.URI() == "" {
		t.Skip("NEO4J_URI is not set: the Neo4j fault tests run with the Neo4j tests (make test-neo4j, CI)")
	}
	srv := neo4jtest.StartServer(t)
	flags := func(extra ...string) []string {
		return append([]string{"--neo4j-uri", srv.URI, "--neo4j-user", srv.User, "--neo4j-password", srv.Password}, extra...)
	}

	t.Run("start errors", func(t *testing.T) {
		// A server that does not answer within --neo4j-timeout counts as
		// down, and the API starts anyway (TestNeo4jDownAtStart): under
		// CI's load the first logins of a new JVM took longer than the
		// default 2 s and the wrong password started the API. A long
		// timeout makes the answer, not its speed, decide.
		bad, logs, err := runMain(t, "--neo4j-uri", srv.URI, "--neo4j-user", "neo4j", "--neo4j-password", "not-the-password", "--neo4j-timeout", "2m")
		if bad != nil {
			bad.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "authentication failed") {
			t.Errorf("wrong password: start error %v, want one saying authentication failed", err)
		}
		if strings.Contains(fmt.Sprint(err)+logs.String(), "not-the-password") {
			t.Error("the password shows in the error or the log")
		}
		bad, _, err = runMain(t, flags("--neo4j-database", "nope", "--neo4j-timeout", "2m")...)
		if bad != nil {
			bad.Close()
		}
		if err == nil || !strings.Contains(err.Error(), `database "nope" not found`) {
			t.Errorf("missing database: start error %v, want one naming the database", err)
		}
		// Community locks a user for 5 s after 3 failed logins (one above,
		// whatever the driver retried): let that pass.
		time.Sleep(6 * time.Second)
	})

	// An empty database (no reference dataset: loading it cost CI four
	// minutes of this test) with a few nodes written through a store of
	// the test's own, in one write retried while the server is slow to
	// answer (puts: a retry changes nothing): a province and three
	// museums, two of them located in it.
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: srv.URI, User: srv.User, Password: srv.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fixture := []kepu.Change{{Kind: kepu.PutNode, Node: kepu.Node{ID: "Province:CN-FT", Label: kepu.Province,
		Props: kepu.Props{"name": "Faultland", "code": "CN-FT", "provenance": "REPORTED", "source": "fault test"}}}}
	for _, key := range []string{"a", "b", "c"} {
		fixture = append(fixture, kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{ID: "Museum:fault-" + key, Label: kepu.Museum,
			Props: kepu.Props{"name": "Fault Museum " + strings.ToUpper(key), "kind": "STANDARD", "provenance": "REPORTED", "source": "fault test"}}})
		if key != "c" {
			fixture = append(fixture, kepu.Change{Kind: kepu.PutEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:fault-" + key, To: "Province:CN-FT",
				Props: kepu.Props{"provenance": "REPORTED", "source": "fault test"}}})
		}
	}
	for deadline := time.Now().Add(recoverBound); ; {
		_, err := st.Write(ctx, fixture)
		if err == nil {
			break
		}
		if kepu.ErrorCode(err) != kepu.Unavailable || time.Now().After(deadline) {
			t.Fatalf("writing the fixture: %v", err)
		}
		t.Logf("writing the fixture: %v (again)", err)
	}
	m, logs := mustRunMain(t, flags("--no-seed")...)
	// The museums written above (the writes in flight below add museums
	// of their own sources).
	const q = `{ museums(first: 3, orderBy: [{field: NAME}], where: {source: {eq: "fault test"}}) { totalCount nodes { id name province { name } } } }`
	before := answer(untilAnswered(t, m, q, time.Now().Add(recoverBound)))
	for _, want := range []string{`"totalCount":3`, `"Fault Museum A","province":{"name":"Faultland"}`, `"Fault Museum C","province":null`} {
		if !strings.Contains(before, want) {
			t.Fatalf("the written museums: got %s, want %s in it", before, want)
		}
	}
	ready := func() int {
		resp, _ := get(t, m.URL()+"/readyz")
		return resp.StatusCode
	}
	if c := ready(); c != http.StatusOK {
		t.Fatalf("/readyz = %d with Neo4j up", c)
	}
	http.DefaultClient.CloseIdleConnections()
	runtime.GC()
	baseline := runtime.NumGoroutine()

	// whileDown checks the API with Neo4j down: every request answers
	// SERVICE_UNAVAILABLE, not TIMEOUT (its deadline, 10 s, did not end
	// it), and /readyz is 503. Within 2 s (issue 10) is how the store
	// gives up, checked by what it did rather than by the wall clock,
	// which a loaded machine stretches (the first request after the kill
	// took 1.51 s of a 2 s bound at load 25; TestNeo4jDownAtStart's query
	// once took 5.06 s for a 0.75 s budget): a call that cannot reach the
	// server gives up after its reach budget, 3/4 of --neo4j-timeout (2 s
	// here), logging "not reached within 1.5s", and once a call has found
	// the server down the next ones are answered by the store's gate, at
	// once, waiting out no budget: the second and third requests log no
	// "not reached within". (A store that waited out the budget on every
	// call, or the driver's retries, failed the old 2 s check and fails
	// this one.) The wall clock only guards against a hang.
	whileDown := func(t *testing.T, how string) {
		t.Helper()
		for i, req := range []string{q, fmt.Sprintf(`{ node(id: %q) { id } }`, kepu.GlobalID("Museum:fault-a")),
			`mutation { createMuseum(input: {key: "while-down", name: "Down", kind: STANDARD, provenance: REPORTED, source: "fault test, down"}) { id } }`} {
			budgets := strings.Count(logs.String(), "not reached within")
			start := time.Now()
			mustFail(t, m, req, nil, "SERVICE_UNAVAILABLE")
			took := time.Since(start)
			waited := strings.Count(logs.String(), "not reached within") - budgets
			t.Logf("request %d with Neo4j %s: SERVICE_UNAVAILABLE after %s (%d reach budgets waited out)", i+1, how, took.Round(time.Millisecond), waited)
			if took > 30*time.Second { // a hang guard, not a speed check
				t.Errorf("request %d: SERVICE_UNAVAILABLE after %s", i+1, took)
			}
			if i > 0 && waited > 0 {
				t.Errorf("request %d with Neo4j %s: %d store calls waited out the reach budget although an earlier request found the server down (the gate should answer at once):\n%s", i+1, how, waited, logs)
			}
		}
		if n, all := strings.Count(logs.String(), "not reached within 1.5s"), strings.Count(logs.String(), "not reached within"); n != all {
			t.Errorf("%d of %d reach budgets are not 1.5 s (3/4 of the default --neo4j-timeout, 2 s):\n%s", all-n, all, logs)
		}
		if c := ready(); c != http.StatusServiceUnavailable {
			t.Errorf("/readyz = %d with Neo4j %s, want 503", c, how)
		}
	}
	// recovered starts Neo4j again and checks that the API, not
	// restarted, recovers: within recoverBound of Neo4j being back it
	// answers what it answered before, writes again, and the write
	// refused while Neo4j was down is absent. Until then an answer may
	// be TIMEOUT or SERVICE_UNAVAILABLE (the first statements after a
	// start plan every query again on a cold JVM: under CI's load the
	// first request passed its 10 s deadline); any other answer fails.
	recovered := func(t *testing.T, how string) {
		t.Helper()
		srv.Start()
		back := time.Now()
		deadline := back.Add(recoverBound)
		for ready() != http.StatusOK {
			if time.Now().After(deadline) {
				t.Fatalf("/readyz not 200 %s after Neo4j came back", recoverBound)
			}
			time.Sleep(200 * time.Millisecond)
		}
		for tries := 1; ; tries++ {
			res := post(t, m, q, nil)
			after := answer(res)
			if after == before {
				t.Logf("Neo4j %s and back: /readyz 200 and the same answer after %s (%d requests)", how, time.Since(back).Round(time.Millisecond), tries)
				break
			}
			if !transient(res) {
				t.Fatalf("after Neo4j came back:\n%s\nbefore:\n%s", after, before)
			}
			if time.Now().After(deadline) {
				t.Fatalf("still %s %s after Neo4j came back (%d requests)", after, recoverBound, tries)
			}
			t.Logf("request %d after Neo4j came back: %s", tries, after)
		}
		// A write too, under the same rule (the first write statement of
		// a restarted JVM passed the deadline at load 24). A TIMEOUT may
		// come after the commit: a CONFLICT on a later try means an
		// earlier one wrote the museum.
		key := "after-" + how
		create := fmt.Sprintf(`mutation { createMuseum(input: {key: %q, name: "After", kind: STANDARD, provenance: REPORTED, source: %q}) { id } }`, key, "fault test, "+key)
		for tries := 1; ; tries++ {
			res := post(t, m, create, nil)
			if len(res.Errors) == 0 && strings.Contains(string(res.Data), kepu.GlobalID("Museum:"+key)) {
				break
			}
			if tries > 1 && len(res.Errors) == 1 && res.Errors[0].Code() == kepu.Conflict {
				break
			}
			if !transient(res) || time.Now().After(deadline) {
				t.Fatalf("write after Neo4j came back (try %d): %s", tries, answer(res))
			}
			t.Logf("write %d after Neo4j came back: %s", tries, answer(res))
		}
		res := untilAnswered(t, m, fmt.Sprintf(`{ down: museums(where: {source: {eq: "fault test, down"}}) { totalCount } after: museums(where: {source: {eq: %q}}) { totalCount } }`, "fault test, "+key), deadline)
		var counts struct{ Down, After struct{ TotalCount int } }
		if err := json.Unmarshal(res.Data, &counts); err != nil || len(res.Errors) > 0 {
			t.Fatalf("counts after Neo4j came back: %s %+v", res.Data, res.Errors)
		}
		if counts.Down.TotalCount != 0 {
			t.Errorf("the write refused while Neo4j was down is there: %s", res.Data)
		}
		if counts.After.TotalCount != 1 {
			t.Errorf("the write after Neo4j came back: %s, want it there once", res.Data)
		}
	}

	t.Run("stopped", func(t *testing.T) {
		srv.Stop()
		whileDown(t, "stopped")
		recovered(t, "stopped")
	})

	// Killed with two large writes in flight (through a store of the
	// test's own): one started 8 s before the kill (mostly acknowledged
	// by then), one 100 ms before. Each is all there or all absent, and
	// an acknowledged one is all there.
	t.Run("killed", func(t *testing.T) {
		const n = 20000
		delays := []time.Duration{8 * time.Second, 100 * time.Millisecond}
		done := make([]chan error, len(delays))
		kill := time.Now().Add(delays[0])
		for round, delay := range delays {
			source := fmt.Sprintf("in-flight round %d", round)
			changes := make([]kepu.Change, 0, n)
			for i := 0; i < n; i++ {
				changes = append(changes, kepu.Change{Kind: kepu.PutNode, Node: kepu.Node{
					ID: fmt.Sprintf("Museum:inflight-%d-%05d", round, i), Label: kepu.Museum,
					Props: kepu.Props{"name": fmt.Sprintf("In flight %d", i), "kind": "STANDARD", "provenance": "GENERATED", "source": source}}})
			}
			time.Sleep(time.Until(kill.Add(-delay)))
			done[round] = make(chan error, 1)
			go func(ch chan error) {
				_, err := st.Write(ctx, changes)
				ch <- err
			}(done[round])
		}
		time.Sleep(time.Until(kill))
		srv.Kill()
		whileDown(t, "killed")
		werrs := make([]error, len(delays))
		for round := range delays {
			werrs[round] = <-done[round]
		}
		recovered(t, "killed")

		outcomes := map[string]int{}
		for round, delay := range delays {
			source := fmt.Sprintf("in-flight round %d", round)
			var got int
			var err error
			for try := 0; ; try++ {
				got, err = st.CountNodes(ctx, kepu.Museum, kepu.C("source", kepu.Eq, source))
				if err == nil || try > 100 {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("round %d: count after restart: %v", round, err)
			}
			werr := werrs[round]
			switch {
			case got != 0 && got != n:
				t.Errorf("round %d (killed after %s): %d of %d nodes of one write are there", round, delay, got, n)
			case werr == nil && got != n:
				t.Errorf("round %d: the write was acknowledged but %d of %d nodes are there", round, got, n)
			case werr != nil && kepu.ErrorCode(werr) != kepu.Unavailable:
				t.Errorf("round %d: write error %v, want SERVICE_UNAVAILABLE", round, werr)
			}
			outcome := "absent"
			if got == n {
				outcome = "all there"
			}
			outcomes[fmt.Sprintf("%s, acknowledged=%v", outcome, werr == nil)]++
			t.Logf("round %d: killed %s into the write: %s (write error: %v)", round, delay, outcome, werr)
		}
		t.Logf("outcomes: %v", outcomes)
	})

	// No goroutine stays behind (the driver's connections to the old
	// server are gone). A minute only bounds the wait for goroutines
	// that are ending (10 s was a budget a niced test binary on a loaded
	// machine could pass); one that stays fails the test after it.
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(time.Minute)
	for {
		runtime.GC()
		n := runtime.NumGoroutine()
		if n <= baseline+2 {
			t.Logf("goroutines: %d before the faults, %d after", baseline, n)
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Errorf("goroutines: %d before the faults, %d after:\n%s", baseline, n, buf[:runtime.Stack(buf, true)])
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// recoverBound is how long after Neo4j is back the API must answer
// correctly again (TestNeo4jFaults).
const recoverBound = 2 * time.Minute

// transient reports whether a response failed only with the codes of a
// server that is not (yet) answering in time: TIMEOUT or
// SERVICE_UNAVAILABLE, with no data.
func transient(res gqlResponse) bool {
	if len(res.Errors) == 0 {
		return false
	}
	for _, e := range res.Errors {
		if c := e.Code(); c != httpx.CodeTimeout && c != kepu.Unavailable {
			return false
		}
	}
	var data any
	json.Unmarshal(res.Data, &data)
	return data == nil
}

// untilAnswered posts q until the answer is not transient or the deadline
// passes, and returns the last response.
func untilAnswered(t *testing.T, m *Main, q string, deadline time.Time) gqlResponse {
	t.Helper()
	for {
		res := post(t, m, q, nil)
		if !transient(res) || time.Now().After(deadline) {
			return res
		}
		t.Logf("%s: %s (again)", q, answer(res))
	}
}

// TestTransient checks what TestNeo4jFaults lets pass while Neo4j comes
// back: only answers without data whose every error is TIMEOUT or
// SERVICE_UNAVAILABLE.
func TestTransient(t *testing.T) {
	errs := func(codes ...string) []gqlError {
		var out []gqlError
		for _, c := range codes {
			out = append(out, gqlError{Message: c, Extensions: map[string]any{"code": c}})
		}
		return out
	}
	for _, c := range []struct {
		name string
		res  gqlResponse
		want bool
	}{
		{"timeout", gqlResponse{Data: json.RawMessage("null"), Errors: errs(httpx.CodeTimeout, httpx.CodeTimeout)}, true},
		{"unavailable", gqlResponse{Errors: errs(kepu.Unavailable)}, true},
		{"answer", gqlResponse{Data: json.RawMessage(`{"museums":{"totalCount":3}}`)}, false},
		{"partial answer", gqlResponse{Data: json.RawMessage(`{"museums":{"totalCount":2}}`), Errors: errs(httpx.CodeTimeout)}, false},
		{"internal error", gqlResponse{Data: json.RawMessage("null"), Errors: errs(httpx.CodeTimeout, kepu.Internal)}, false},
	} {
		if got := transient(c.res); got != c.want {
			t.Errorf("%s: transient = %v, want %v", c.name, got, c.want)
		}
	}
}
