package neo4jstore_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/internal/procstat"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/textsearch"
)

// TestProfileMutation splits a single mutation on a graph already loaded
// into the Neo4j at NEO4J_URI (bench/scale's mutation rows: a museum of
// the first 5,000 by ID renamed, " (renamed)" appended, and named back by
// its next draw). Each variant of the update runs in an explicit
// transaction, so that BEGIN, the statement (RUN and PULL, with the
// server's own ResultAvailableAfter and ResultConsumedAfter) and the
// COMMIT (the transaction log's write and fsync, the index updates) are
// timed apart; the variants leave out parts of the row's statement (the
// edge log's pruning, its entry, the version bump, the search keys) and
// run in alternating rounds. With KEPUGRAPH_NEO4J_PID set to the server's
// process, each variant's Neo4j CPU per call is read from /proc, in all
// and by thread (/proc/PID/task/*/schedstat, threads grouped by name with
// trailing digits dropped), over each round's calls and the full-text
// index's refresh after them (awaitEventuallyConsistentIndexRefresh, so
// that the eventually consistent kg_search's background work is counted
// with the writes that queued it). Every museum renamed is named back by
// the store's Write at the end.
//
// It runs only when KEPUGRAPH_PROFILE_MUTATION names the Markdown file
// to write; KEPUGRAPH_PROFILE_ROUNDS (4) and KEPUGRAPH_PROFILE_CALLS (50)
// size it; KEPUGRAPH_PROFILE_VARIANTS (a regular expression) picks
// variants. It asserts nothing about time.
func TestProfileMutation(t *testing.T) {
	out := os.Getenv("KEPUGRAPH_PROFILE_MUTATION")
	if out == "" || os.Getenv("NEO4J_URI") == "" {
		t.Skip("KEPUGRAPH_PROFILE_MUTATION and NEO4J_URI are not set: no loaded graph to profile")
	}
	rounds, calls := envInt(t, "KEPUGRAPH_PROFILE_ROUNDS", 4), envInt(t, "KEPUGRAPH_PROFILE_CALLS", 50)
	pid := envInt(t, "KEPUGRAPH_NEO4J_PID", 0)
	var pick *regexp.Regexp
	if v := os.Getenv("KEPUGRAPH_PROFILE_VARIANTS"); v != "" {
		pick = regexp.MustCompile(v)
	}
	ctx := context.Background()
	cfg := neo4jstore.ConfigFromEnv()
	st := openLoaded(t, cfg)
	drv, _ := neo4jtest.Driver(t)
	sess := drv.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database})
	defer sess.Close(ctx)

	first := 5000
	all, err := st.FindNodes(ctx, kepu.NodeQuery{Label: kepu.Museum, Page: kepu.Page{First: &first}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Nodes) < 100 {
		t.Fatalf("%d museums: too few", len(all.Nodes))
	}

	zhOf := map[string]string{}
	for _, n := range all.Nodes {
		zhOf[n.ID], _ = n.Props[kepu.PropNameZh].(string)
	}
	// The row's statement, in parts (checked against the store's own).
	const (
		match = "MATCH (n:KG {id: $id}) SET n += $set WITH n "
		bump  = "MERGE (v:" + neo4jstore.VersionLabel + " {id: 'graph'}) ON CREATE SET v." + neo4jstore.VersionProp + " = timestamp() ON MATCH SET v." +
			neo4jstore.VersionProp + " = v." + neo4jstore.VersionProp + " + 1"
		entry = " CREATE (:" + neo4jstore.ChangeLabel + " {version: v." + neo4jstore.VersionProp + ", changes: $changes})"
		prune = " WITH n, v CALL (v) { MATCH (o:" + neo4jstore.ChangeLabel + ") WHERE o.version <= v." + neo4jstore.VersionProp + " - $keep DELETE o }"
	)
	ret := " RETURN " + neo4jstore.NodeLookups(kepu.Museum) + " AS n"
	rowStmt, _ := neo4jstore.UpdateAlone(all.Nodes[0].ID, kepu.Props{kepu.PropName: "x"})
	if rowStmt != match+bump+entry+prune+ret {
		t.Fatalf("the row's statement is not the one profiled here:\n%s\n%s", rowStmt, match+bump+entry+prune+ret)
	}
	// params are the row's parameters for setting the name to name.
	params := func(id, name string) map[string]any {
		_, p := neo4jstore.UpdateAlone(id, kepu.Props{kepu.PropName: name})
		return p
	}
	without := func(p map[string]any, key string) map[string]any {
		set := maps.Clone(p["set"].(map[string]any))
		delete(set, key)
		p["set"] = set
		return p
	}
	type variant struct {
		name   string
		rename bool                                           // toggles the name (else sets it to itself)
		stmt   func(id, name string) (string, map[string]any) // nil: the store's Write
	}
	variants := []variant{
		{"rename: the store's Write (auto-commit, one round trip)", true, nil},
		{"rename: the row's statement", true, func(id, name string) (string, map[string]any) { return rowStmt, params(id, name) }},
		{"rename: the row's statement, $keep = 100 (an entry deleted by every write, the log's steady state)", true, func(id, name string) (string, map[string]any) {
			p := params(id, name)
			p["keep"] = int64(100)
			return rowStmt, p
		}},
		{"rename, no pruning of the edge log", true, func(id, name string) (string, map[string]any) {
			return match + bump + entry + ret, params(id, name)
		}},
		{"rename, pruning the one entry $keep versions ago (an equality seek)", true, func(id, name string) (string, map[string]any) {
			return match + bump + entry + " WITH n, v CALL (v) { MATCH (o:" + neo4jstore.ChangeLabel + " {version: v." + neo4jstore.VersionProp + " - $keep}) DELETE o }" + ret, params(id, name)
		}},
		{"rename, pruning every 256th version", true, func(id, name string) (string, map[string]any) {
			return match + bump + entry + " WITH n, v CALL (v) { WITH v WHERE v." + neo4jstore.VersionProp + " % 256 = 0 MATCH (o:" + neo4jstore.ChangeLabel + ") WHERE o.version <= v." +
				neo4jstore.VersionProp + " - $keep DELETE o }" + ret, params(id, name)
		}},
		{"rename, no edge-log entry (the version bump only)", true, func(id, name string) (string, map[string]any) {
			return match + bump + " WITH n" + ret, params(id, name)
		}},
		{"rename, no version bump, no entry", true, func(id, name string) (string, map[string]any) {
			return match + "WITH n" + ret, params(id, name)
		}},
		{"rename, the name only (search words not written)", true, func(id, name string) (string, map[string]any) {
			return rowStmt, without(params(id, name), neo4jstore.PropSearchWords)
		}},
		{"rename, each property SET by name (no map)", true, func(id, name string) (string, map[string]any) {
			p := params(id, name)
			set := p["set"].(map[string]any)
			p["name"], p["words"] = set[kepu.PropName], set[neo4jstore.PropSearchWords]
			delete(p, "set")
			return "MATCH (n:KG {id: $id}) SET n.name = $name, n." + neo4jstore.PropSearchWords + " = $words WITH n " + bump + entry + prune + ret, p
		}},
		{"rename, the search words only (the name unchanged: kg_search, no range index)", true, func(id, name string) (string, map[string]any) {
			p := params(id, name)
			set := p["set"].(map[string]any)
			delete(set, kepu.PropName)
			return rowStmt, p
		}},
		{"probe: one full-text field of all keys, tagged (kg_probe1, the sample's museums)", true, func(id, name string) (string, map[string]any) {
			p := params(id, name)
			p["set"] = map[string]any{"probeAll": probeAll(name, zhOf[id])}
			return rowStmt, p
		}},
		{"probe: four full-text fields as kg_search's, the words changed (kg_probe4, the sample's museums)", true, func(id, name string) (string, map[string]any) {
			p := params(id, name)
			p["set"] = map[string]any{"probeW": textsearch.WordKeys(name)}
			return rowStmt, p
		}},
		{"probe: one full-text field of the words only (kg_probew, the sample's museums)", true, func(id, name string) (string, map[string]any) {
			p := params(id, name)
			p["set"] = map[string]any{"probeWords": textsearch.WordKeys(name)}
			return rowStmt, p
		}},
		{"name set to itself (the row's statement)", false, func(id, name string) (string, map[string]any) { return rowStmt, params(id, name) }},
		{"read only (the node, nothing to commit)", false, func(id, name string) (string, map[string]any) {
			return "MATCH (n:KG {id: $id})" + ret, map[string]any{"id": id}
		}},
	}
	if pick != nil {
		variants = slices.DeleteFunc(variants, func(v variant) bool { return !pick.MatchString(v.name) })
	}
	if slices.ContainsFunc(variants, func(v variant) bool { return strings.HasPrefix(v.name, "probe:") }) {
		setUpProbes(t, ctx, drv, cfg.Database, all.Nodes, zhOf)
	}

	type call struct {
		at                        time.Time
		wall, begin, stmt, commit time.Duration
		available, consumed       time.Duration // the server's, from the summary
	}
	type result struct {
		calls   []call
		cpu     []time.Duration          // Neo4j CPU per call, one per round
		threads map[string]time.Duration // Neo4j CPU by thread group, all rounds
	}
	results := make([]result, len(variants))
	// Each variant renames museums of its own (every len(variants)-th).
	renamed := map[string]bool{}
	names := map[string]string{}
	for _, n := range all.Nodes {
		names[n.ID], _ = n.Props[kepu.PropName].(string)
	}
	r := rand.New(rand.NewPCG(11, 11))
	await := func() {
		if _, err := neo4j.ExecuteQuery(ctx, drv, "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()", nil,
			neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(cfg.Database)); err != nil {
			t.Fatal(err)
		}
	}
	load0 := loadAverage()
	for round := range rounds {
		for vi, v := range variants {
			await()
			cpu0, th0 := processTicks(pid), threadTicks(pid)
			for range calls {
				n := all.Nodes[len(variants)*r.IntN(len(all.Nodes)/len(variants))+vi]
				name := names[n.ID]
				if v.rename && !renamed[n.ID] {
					name += " (renamed)"
				}
				c := call{at: time.Now()}
				if v.stmt == nil {
					if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: n.ID, Set: kepu.Props{kepu.PropName: name}}}); err != nil {
						t.Fatal(err)
					}
				} else {
					q, p := v.stmt(n.ID, name)
					tx, err := sess.BeginTransaction(ctx)
					if err != nil {
						t.Fatal(err)
					}
					c.begin = time.Since(c.at)
					res, err := tx.Run(ctx, q, p)
					if err != nil {
						t.Fatal(err)
					}
					recs, err := res.Collect(ctx)
					if err != nil || len(recs) != 1 {
						t.Fatalf("%s: %d records, %v", v.name, len(recs), err)
					}
					sum, err := res.Consume(ctx)
					if err != nil {
						t.Fatal(err)
					}
					c.stmt = time.Since(c.at) - c.begin
					c.available, c.consumed = sum.ResultAvailableAfter(), sum.ResultConsumedAfter()
					if err := tx.Commit(ctx); err != nil {
						t.Fatal(err)
					}
					c.commit = time.Since(c.at) - c.begin - c.stmt
				}
				c.wall = time.Since(c.at)
				if v.rename {
					renamed[n.ID] = !renamed[n.ID]
				}
				results[vi].calls = append(results[vi].calls, c)
			}
			await()
			if pid != 0 {
				results[vi].cpu = append(results[vi].cpu, (processTicks(pid)-cpu0)/time.Duration(calls))
				if results[vi].threads == nil {
					results[vi].threads = map[string]time.Duration{}
				}
				for g, d := range threadDelta(th0, threadTicks(pid)) {
					results[vi].threads[g] += d
				}
			}
		}
		t.Logf("round %d of %d done", round+1, rounds)
	}
	load1 := loadAverage()
	for id, was := range renamed {
		if was {
			if _, err := st.Write(ctx, []kepu.Change{{Kind: kepu.UpdateNode, ID: id, Set: kepu.Props{kepu.PropName: names[id]}}}); err != nil {
				t.Fatal(err)
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%d rounds of %d calls per variant, alternating; load average %s at the start, %s at the end; %s\n\n", rounds, calls, load0, load1, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "| variant | p50 | p90 | p99 | max | BEGIN p50 | statement p50 (server: available + consumed) | COMMIT p50, p99 | Neo4j CPU per call (median of rounds) |\n|---|---|---|---|---|---|---|---|---|\n")
	for vi, v := range variants {
		cs := results[vi].calls
		wall := pick50(cs, func(c call) time.Duration { return c.wall })
		parts := "— | — | —" // the store's Write: one round trip, not split
		if v.stmt != nil {
			parts = fmt.Sprintf("%s | %s (%s + %s) | %s, %s",
				msText(pick50(cs, func(c call) time.Duration { return c.begin })(50)),
				msText(pick50(cs, func(c call) time.Duration { return c.stmt })(50)),
				msText(pick50(cs, func(c call) time.Duration { return c.available })(50)),
				msText(pick50(cs, func(c call) time.Duration { return c.consumed })(50)),
				msText(pick50(cs, func(c call) time.Duration { return c.commit })(50)),
				msText(pick50(cs, func(c call) time.Duration { return c.commit })(99)))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", v.name,
			msText(wall(50)), msText(wall(90)), msText(wall(99)), msText(wall(100)), parts, msText(median(results[vi].cpu)))
	}
	if pid != 0 {
		fmt.Fprintf(&b, "\nNeo4j CPU per call by thread (all rounds; groups of at least 0.05 ms per call):\n\n")
		for vi, v := range variants {
			th := results[vi].threads
			n := time.Duration(len(results[vi].calls))
			groups := slices.SortedFunc(maps.Keys(th), func(a, b string) int { return -cmp.Compare(th[a], th[b]) })
			var parts []string
			for _, g := range groups {
				if th[g]/n >= 50*time.Microsecond {
					parts = append(parts, fmt.Sprintf("%s %s", g, msText(th[g]/n)))
				}
			}
			fmt.Fprintf(&b, "* %s: %s\n", v.name, strings.Join(parts, ", "))
		}
	}
	fmt.Fprintf(&b, "\nThe 5 slowest calls of each variant (wall = BEGIN + statement [server: available + consumed] + COMMIT; UTC):\n\n")
	for vi, v := range variants {
		cs := slices.Clone(results[vi].calls)
		slices.SortFunc(cs, func(a, b call) int { return -cmp.Compare(a.wall, b.wall) })
		var parts []string
		for _, c := range cs[:min(5, len(cs))] {
			parts = append(parts, fmt.Sprintf("%s = %s + %s [%s + %s] + %s at %s", msText(c.wall), msText(c.begin), msText(c.stmt), msText(c.available), msText(c.consumed), msText(c.commit), c.at.UTC().Format("15:04:05.000")))
		}
		fmt.Fprintf(&b, "* %s: %s\n", v.name, strings.Join(parts, "; "))
	}
	t.Log("\n" + b.String())
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// envInt is the integer in environment variable k, def when unset.
// pick50 returns the percentile function (0–100, nearest rank) of f over cs.
func pick50[T any](cs []T, f func(T) time.Duration) func(p int) time.Duration {
	ds := make([]time.Duration, len(cs))
	for i, c := range cs {
		ds[i] = f(c)
	}
	slices.Sort(ds)
	return func(p int) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		return ds[min(len(ds)-1, len(ds)*p/100)]
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	return s[len(s)/2]
}

// msText is d in milliseconds with two decimals and its unit.
func msText(d time.Duration) string { return msf(d) + " ms" }

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// processTicks is process pid's CPU time (0 when pid is 0 or unknown).
func processTicks(pid int) time.Duration {
	d, _ := procstat.ProcessCPU(pid)
	return d
}

// threadTicks is each thread of process pid by thread ID (none when pid is 0).
func threadTicks(pid int) map[string]procstat.Thread {
	out := map[string]procstat.Thread{}
	if pid == 0 {
		return out
	}
	for _, t := range procstat.Threads(pid) {
		out[t.TID] = t
	}
	return out
}

var digits = regexp.MustCompile(`[0-9]+$`)

// threadDelta is the CPU time of each group of threads (the name with its
// trailing digits dropped) from a to b; threads new in b count from 0.
func threadDelta(a, b map[string]procstat.Thread) map[string]time.Duration {
	out := map[string]time.Duration{}
	for k, t := range b {
		if d := t.Run - a[k].Run; d > 0 {
			out[digits.ReplaceAllString(t.Name, "#")] += d
		}
	}
	return out
}

// probeAll is the four search keys of a name and nameZh in one string:
// the words, then the Han bigrams', pinyin keys' and initials' terms each
// tagged (__h, __p, __i), a field of one property for the probes.
func probeAll(name, zh string) string {
	k := textsearch.NewPrefixKeys(zh)
	parts := []string{textsearch.WordKeys(name)}
	for i, s := range []string{textsearch.HanKeys(zh), k.Pinyin, k.Initials} {
		for _, t := range strings.Fields(s) {
			parts = append(parts, []string{"__h", "__p", "__i"}[i]+t)
		}
	}
	return strings.Join(parts, " ")
}

// setUpProbes gives the museums of nodes the probe properties (probeAll;
// probeW, probeH, probeP, probeI: the four keys as stored) and two
// eventually consistent full-text indexes over them (kg_probe1 on
// probeAll, kg_probe4 on the four, kg_search's analyzer), so that the
// probe variants compare a document of one field with one of four on
// indexes of the same size, and with one of the words alone (kg_probew on
// probeWords); it removes the indexes and the properties when the
// test ends.
func setUpProbes(t *testing.T, ctx context.Context, drv neo4j.DriverWithContext, db string, nodes []kepu.Node, zhOf map[string]string) {
	t.Helper()
	run := func(q string, p map[string]any) {
		if _, err := neo4j.ExecuteQuery(ctx, drv, q, p, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db)); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows := make([]any, len(nodes))
	for i, n := range nodes {
		name, _ := n.Props[kepu.PropName].(string)
		zh := zhOf[n.ID]
		k := textsearch.NewPrefixKeys(zh)
		rows[i] = map[string]any{"id": n.ID, "all": probeAll(name, zh), "w": textsearch.WordKeys(name), "h": textsearch.HanKeys(zh), "p": k.Pinyin, "i": k.Initials}
	}
	run("UNWIND $rows AS r MATCH (n:KG {id: r.id}) SET n.probeAll = r.all, n.probeW = r.w, n.probeH = r.h, n.probeP = r.p, n.probeI = r.i, n.probeWords = r.w", map[string]any{"rows": rows})
	cfg := " OPTIONS {indexConfig: {`fulltext.analyzer`: 'unicode_whitespace', `fulltext.eventually_consistent`: true}}"
	run("CREATE FULLTEXT INDEX kg_probe1 IF NOT EXISTS FOR (n:Museum) ON EACH [n.probeAll]"+cfg, nil)
	run("CREATE FULLTEXT INDEX kg_probe4 IF NOT EXISTS FOR (n:Museum) ON EACH [n.probeW, n.probeH, n.probeP, n.probeI]"+cfg, nil)
	run("CREATE FULLTEXT INDEX kg_probew IF NOT EXISTS FOR (n:Museum) ON EACH [n.probeWords]"+cfg, nil)
	run("CALL db.awaitIndexes(600)", nil)
	t.Cleanup(func() {
		ctx := context.Background()
		for _, q := range []string{"DROP INDEX kg_probe1 IF EXISTS", "DROP INDEX kg_probe4 IF EXISTS", "DROP INDEX kg_probew IF EXISTS",
			"MATCH (n:Museum) WHERE n.probeAll IS NOT NULL REMOVE n.probeAll, n.probeW, n.probeH, n.probeP, n.probeI, n.probeWords"} {
			if _, err := neo4j.ExecuteQuery(ctx, drv, q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db)); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
}
