package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/neo4jtest"
	"github.com/kepugraph/kepugraph/internal/testenv"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// asMain makes the test binary the seed command (main, with its real exit
// status) when it is run with this variable set: seedCmd.
const asMain = "KEPUGRAPH_SEED_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
		main()
		os.Exit(0) // a load that succeeded returns from main
	}
	os.Exit(m.Run())
}

// seedCmd runs the seed command (this test binary as main) with args and
// only the environment env (no NEO4J_URI unless env has it), and returns
// its exit status and output.
func seedCmd(t *testing.T, env map[string]string, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
	cmd.Env = []string{asMain + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if d := os.Getenv("GOCOVERDIR"); d != "" {
		cmd.Env = append(cmd.Env, "GOCOVERDIR="+d)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errw bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitCode()
	case err != nil:
		t.Fatalf("seed %v: %v", args, err)
	}
	return status, out.String(), errw.String()
}

// dryBackend is a store for dryRunStates: the environment and flags that
// point the seed command at it, how to open it for the edits a user makes
// through the API, and a fingerprint of what it holds that any write
// changes (with deep, one that reads the whole graph where the quick one
// does not).
type dryBackend struct {
	env         map[string]string
	args        []string
	open        func(t *testing.T) (kepu.Store, func())
	fingerprint func(t *testing.T, deep bool) string
}

// dryReport runs seed --dry-run --format json --limit 0 and decodes the
// report (numbers as json.Number), checking that the store's fingerprint
// (deep or not) did not change and that the status is want.
func dryReport(t *testing.T, b dryBackend, want int, deep bool) DryReport {
	t.Helper()
	before := b.fingerprint(t, deep)
	status, out, errOut := seedCmd(t, b.env, append([]string{"--dry-run", "--quiet", "--format", "json", "--limit", "0"}, b.args...)...)
	if after := b.fingerprint(t, deep); after != before {
		t.Fatalf("the dry run changed the store: fingerprint %s before, %s after", before, after)
	}
	if status != want {
		t.Fatalf("dry run: exit status %d, want %d; stderr:\n%s\nstdout:\n%s", status, want, errOut, kepu.Truncate(out, 2000))
	}
	var r DryReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("the report is not one JSON object: %v\n%s", err, kepu.Truncate(out, 2000))
	}
	if dec.More() {
		t.Fatalf("more than one JSON value:\n%s", kepu.Truncate(out, 2000))
	}
	if !r.DryRun || r.Status != want {
		t.Fatalf("report dryRun %v, status %d", r.DryRun, r.Status)
	}
	return r
}

func records(rs []dataset.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

func nodeRecord(id string) string { return dataset.Record{ID: id}.String() }

func edgeRecord(e kepu.Edge) string {
	return dataset.Record{Type: e.Type, From: e.From, To: e.To}.String()
}

// dryRunStates runs the dry run on the store of b (empty at the start) in
// three states, and returns the JSON report of the last one (without the
// store's name and the time), for comparing the backends:
//
//  1. empty: every record of the reference dataset to create, exit 1;
//  2. after a full seed: everything unchanged, exit 0;
//  3. after edits through the store's API (a division renamed, an edge's
//     property changed, an edge deleted, a school deleted with its edges, a
//     museum and its place added, CSTM moved to another place): exactly
//     those reported, each with its values, CSTM's move as the CONFLICT a
//     run gives, exit 3; the text report says the same.
//
// Every dry run leaves the store's fingerprint as it was.
func dryRunStates(t *testing.T, b dryBackend) string {
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	nn, ne := len(ds.Nodes), len(ds.Edges)

	// 1. Empty.
	r := dryReport(t, b, ExitChanges, false)
	if want := (dataset.Counts{Create: nn}); r.Totals.Nodes != want {
		t.Errorf("empty store: nodes %+v, want %+v", r.Totals.Nodes, want)
	}
	if want := (dataset.Counts{Create: ne}); r.Totals.Edges != want {
		t.Errorf("empty store: edges %+v, want %+v", r.Totals.Edges, want)
	}
	if len(r.Creates) != nn+ne || len(r.Changes)+len(r.StoreOnly)+len(r.Conflicts) != 0 || r.Dataset.Nodes != nn || r.Dataset.Edges != ne {
		t.Errorf("empty store: %d creates, %d changes, %d store only, %d conflicts listed; dataset %+v",
			len(r.Creates), len(r.Changes), len(r.StoreOnly), len(r.Conflicts), r.Dataset)
	}

	// 2. Seeded.
	if _, _, err := run(t, append([]string{"--quiet"}, b.args...), b.env); err != nil {
		t.Fatal(err)
	}
	r = dryReport(t, b, ExitSame, false)
	if r.Totals.Nodes != (dataset.Counts{Unchanged: nn}) || r.Totals.Edges != (dataset.Counts{Unchanged: ne}) {
		t.Errorf("after a seed: nodes %+v, edges %+v; want all %d and %d unchanged", r.Totals.Nodes, r.Totals.Edges, nn, ne)
	}
	if len(r.Creates)+len(r.Changes)+len(r.StoreOnly)+len(r.Conflicts) != 0 || r.LoadMark != "" {
		t.Errorf("after a seed: lists %v %v %v %v, mark %q", r.Creates, r.Changes, r.StoreOnly, r.Conflicts, r.LoadMark)
	}
	// The mark of a load that did not end is a change: a run removes it.
	setMark := func(v string) {
		st, done := b.open(t)
		defer done()
		if err := st.SetMeta(context.Background(), kepu.MetaReferenceLoad, v); err != nil {
			t.Fatal(err)
		}
	}
	setMark("incomplete")
	r = dryReport(t, b, ExitChanges, false)
	if r.LoadMark != "incomplete" || r.Totals.Nodes != (dataset.Counts{Unchanged: nn}) || r.Totals.Edges != (dataset.Counts{Unchanged: ne}) {
		t.Errorf("with a load mark: mark %q, nodes %+v, edges %+v", r.LoadMark, r.Totals.Nodes, r.Totals.Edges)
	}
	setMark("")

	// 3. Edited through the API.
	byID := map[string]kepu.Node{}
	for _, n := range ds.Nodes {
		byID[n.ID] = n
	}
	var school string
	for _, n := range ds.Nodes {
		if n.Label == kepu.School {
			school = n.ID
			break
		}
	}
	var covers, partner, cstmAt kepu.Edge
	var schoolEdges []string
	for _, e := range ds.Edges {
		switch {
		case e.From == school || e.To == school:
			schoolEdges = append(schoolEdges, edgeRecord(e))
		case e.Type == kepu.Covers && covers.From == "":
			covers = e
		case e.Type == kepu.PartnersWith && partner.From == "":
			partner = e
		case e.Type == kepu.LocatedIn && e.From == "Museum:cstm":
			cstmAt = e
		}
	}
	tours, _ := covers.Props.Int("tours")
	const foshan = "Prefecture:440600"
	if byID[foshan].Props.String("name") != "Foshan City" || school == "" || covers.From == "" || partner.From == "" || cstmAt.From == "" || tours == 0 {
		t.Fatalf("the dataset lacks a record the test edits: %v %q %v %v %v", byID[foshan], school, covers, partner, cstmAt)
	}
	src := kepu.Props{kepu.PropProvenance: kepu.Reported, kepu.PropSource: "user"}
	user := kepu.Props{"name": "User Museum", "kind": "STANDARD"}
	for k, v := range src {
		user[k] = v
	}
	st, done := b.open(t)
	if _, err := st.Write(context.Background(), []kepu.Change{
		{Kind: kepu.UpdateNode, ID: foshan, Set: kepu.Props{"name": "Fushan City"}},
		{Kind: kepu.UpdateEdge, Edge: covers, Set: kepu.Props{"tours": tours + 100}},
		{Kind: kepu.DeleteEdge, Edge: partner},
		{Kind: kepu.DeleteNode, ID: school},
		{Kind: kepu.CreateNode, Node: kepu.Node{ID: "Museum:user-dryrun", Label: kepu.Museum, Props: user}},
		{Kind: kepu.CreateEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:user-dryrun", To: "Province:CN-AH", Props: src}},
		{Kind: kepu.DeleteEdge, Edge: cstmAt},
		{Kind: kepu.CreateEdge, Edge: kepu.Edge{Type: kepu.LocatedIn, From: "Museum:cstm", To: "Province:CN-AH", Props: src}},
	}); err != nil {
		t.Fatal(err)
	}
	done()
	r = dryReport(t, b, ExitConflict, true)
	if want := (dataset.Counts{Create: 1, Change: 1, Unchanged: nn - 2, StoreOnly: 1}); r.Totals.Nodes != want {
		t.Errorf("after the edits: nodes %+v, want %+v", r.Totals.Nodes, want)
	}
	k := len(schoolEdges)
	if want := (dataset.Counts{Create: k + 2, Change: 1, Unchanged: ne - k - 3, StoreOnly: 2}); r.Totals.Edges != want {
		t.Errorf("after the edits: edges %+v, want %+v", r.Totals.Edges, want)
	}
	if c := r.Nodes[kepu.Prefecture]; c.Change != 1 {
		t.Errorf("Prefecture counts %+v", c)
	}
	wantCreates := append([]string{nodeRecord(school), edgeRecord(partner), edgeRecord(cstmAt)}, schoolEdges...)
	wantStoreOnly := []string{nodeRecord("Museum:user-dryrun"),
		edgeRecord(kepu.Edge{Type: kepu.LocatedIn, From: "Museum:user-dryrun", To: "Province:CN-AH"}),
		edgeRecord(kepu.Edge{Type: kepu.LocatedIn, From: "Museum:cstm", To: "Province:CN-AH"})}
	for _, c := range []struct {
		name      string
		got, want []string
	}{{"to create", records(r.Creates), wantCreates}, {"store only", records(r.StoreOnly), wantStoreOnly}} {
		slices.Sort(c.want)
		if got := slices.Sorted(slices.Values(c.got)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	wantChanges := []dataset.Change{
		{Record: dataset.Record{ID: foshan}, Props: []dataset.PropChange{{Name: "name", Store: "Fushan City", Dataset: "Foshan City"}}},
		{Record: dataset.Record{Type: covers.Type, From: covers.From, To: covers.To},
			Props: []dataset.PropChange{{Name: "tours", Store: tours + 100, Dataset: tours}}},
	}
	got, _ := json.Marshal(r.Changes)
	want, _ := json.Marshal(wantChanges)
	if string(got) != string(want) {
		t.Errorf("changes:\n%s\nwant\n%s", got, want)
	}
	// The conflict, as the run refuses it (rerunOverMovedNode's error).
	_, _, runErr := run(t, append([]string{"--quiet"}, b.args...), b.env)
	msg := "nothing loaded: the LOCATED_IN edge from Museum:cstm to " + cstmAt.To + ": Museum:cstm already has a LOCATED_IN place (an institution has one): Province:CN-AH"
	if kepu.ErrorCode(runErr) != kepu.Conflict || !strings.HasPrefix(kepu.ErrorMessage(runErr), msg) {
		t.Fatalf("the run: %v; want CONFLICT %q", runErr, msg)
	}
	msg = kepu.ErrorMessage(runErr)
	if r.ConflictCount != 1 || len(r.Conflicts) != 1 || r.Conflicts[0] != (dataset.Conflict{Type: kepu.LocatedIn, From: "Museum:cstm", To: cstmAt.To,
		StoreTo: "Province:CN-AH", Code: kepu.Conflict, Message: msg}) {
		t.Errorf("conflicts %d: %+v; want one, the run's %q", r.ConflictCount, r.Conflicts, msg)
	}

	// The text report, bounded by --limit.
	before := b.fingerprint(t, false)
	status, out, errOut := seedCmd(t, b.env, append([]string{"--dry-run", "--limit", "2"}, b.args...)...)
	if b.fingerprint(t, false) != before {
		t.Fatal("the text dry run changed the store")
	}
	for _, line := range []string{
		"  node Prefecture:440600\n    name: \"Fushan City\" → \"Foshan City\"\n",
		fmt.Sprintf("    tours: %d → %d\n", tours+100, tours),
		"  CONFLICT: " + msg + "\n",
		fmt.Sprintf("to create: %d (the first 2; --limit 0 lists all)\n", k+3),
		"only in the store (created through the API; a run leaves them as they are): 3 (the first 2; --limit 0 lists all)\n  node Museum:user-dryrun\n",
		fmt.Sprintf("a run would be refused (CONFLICT) and write nothing; once resolved, it would do the rest: %d records to create, 2 records to change, %d unchanged, 3 of the store's own left;", k+3, nn+ne-k-5),
		"exit status 3\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("the text report lacks %q:\n%s", line, out)
		}
	}
	if status != ExitConflict || !strings.Contains(errOut, "records compared (100.0 %)") {
		t.Errorf("text dry run: status %d, stderr %q", status, errOut)
	}
	if n := strings.Count(out, "\n  node ") + strings.Count(out, "\n  edge "); n != 3*2 {
		t.Errorf("--limit 2 printed %d record lines", n)
	}
	r.Store, r.Elapsed = "", ""
	b2, _ := json.Marshal(r)
	return string(b2)
}

func embeddedDry(t *testing.T) dryBackend {
	dir := filepath.Join(t.TempDir(), "data") // created by the seed, not by the dry run
	return dryBackend{
		env:  map[string]string{"KEPUGRAPH_DATA_DIR": dir, "KEPUGRAPH_STORE": "embedded"},
		args: nil,
		open: func(t *testing.T) (kepu.Store, func()) {
			st, err := embedded.Open(dir, embedded.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			return st, func() {
				if err := st.Close(); err != nil {
					t.Fatal(err)
				}
			}
		},
		fingerprint: func(t *testing.T, _ bool) string { return testenv.DirFingerprint(t, dir) },
	}
}

// neo4jDry is the Neo4j test server, emptied. Its fingerprint is the graph
// version (every write transaction of kepugraph bumps it), the load's
// mark, the numbers of nodes and edges and, deep, the canonical dump of
// the graph (neo4jtest.ReadDump): Neo4j Community does not report the last
// committed transaction (SHOW DATABASE's lastCommittedTxn is null).
func neo4jDry(t *testing.T) dryBackend {
	st := neo4jtest.Fresh(t)
	cfg := neo4jstore.ConfigFromEnv()
	return dryBackend{
		env:  neo4jEnv(),
		open: func(*testing.T) (kepu.Store, func()) { return st, func() {} },
		fingerprint: func(t *testing.T, deep bool) string {
			ctx := context.Background()
			v, err := st.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mark, err := st.Meta(ctx, kepu.MetaReferenceLoad)
			if err != nil {
				t.Fatal(err)
			}
			nodes, edges := count(t, st)
			fp := fmt.Sprintf("version %d, mark %q, %d nodes, %d edges", v, mark, nodes, edges)
			if deep {
				d, err := neo4jtest.ReadDump(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				fp += ", dump " + d.Sum()
			}
			return fp
		},
	}
}

// TestDryRun runs dryRunStates on the embedded store and, when NEO4J_URI
// names a server, on Neo4j, whose last report must equal the embedded
// one's: the same state gives the same report on both backends.
func TestDryRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the dry run's states load the reference dataset")
	}
	var reports []string
	t.Run("embedded", func(t *testing.T) { reports = append(reports, dryRunStates(t, embeddedDry(t))) })
	if neo4jtest.URI() != "" {
		t.Run("neo4j", func(t *testing.T) { reports = append(reports, dryRunStates(t, neo4jDry(t))) })
	}
	if len(reports) == 2 && reports[0] != reports[1] {
		t.Errorf("the same state gives other reports:\nembedded %s\nneo4j    %s", kepu.Truncate(reports[0], 3000), kepu.Truncate(reports[1], 3000))
	}
}

// TestDryRunFlags: flags of writing with --dry-run, and those of its report
// without it, are refused with BAD_USER_INPUT and exit status 2, naming
// the flag; a store that cannot be read is an error with its code, exit 2
// (as one JSON object with --format json); --help documents the exit
// statuses.
func TestDryRunFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	env := map[string]string{"KEPUGRAPH_DATA_DIR": dir}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--dry-run", "--no-sync"}, "--no-sync"},
		{[]string{"--dry-run", "--batch", "10"}, "--batch"},
		{[]string{"--dry-run", "--workers", "1"}, "--workers"},
		{[]string{"--format", "json"}, "--format"},
		{[]string{"--limit", "5"}, "--limit"},
		{[]string{"--dry-run", "--format", "xml"}, `--format "xml"`},
		{[]string{"--dry-run", "--limit", "-1"}, "--limit -1"},
	} {
		m := NewMain()
		m.Stderr = &bytes.Buffer{}
		err := m.ParseFlags(tc.args, func(k string) string { return env[k] })
		if kepu.ErrorCode(err) != kepu.BadUserInput || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want %s naming %s", tc.args, err, kepu.BadUserInput, tc.want)
		}
	}
	// Through the command: exit status 2 and the message; nothing created.
	status, out, errOut := seedCmd(t, env, "--dry-run", "--no-sync")
	if status != ExitError || !strings.Contains(errOut, "--no-sync") || out != "" {
		t.Errorf("--dry-run --no-sync: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("a refused dry run created %s", dir)
	}
	status, _, errOut = seedCmd(t, nil, "--help")
	if status != 0 || !strings.Contains(errOut, "With --dry-run: 0 a run would change nothing; 1 a run would create or change") {
		t.Errorf("--help: status %d, no exit statuses:\n%s", status, errOut)
	}
	// A store that cannot be read: a data file that is not one.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, embedded.FileName), []byte("not a bbolt file"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := testenv.DirFingerprint(t, bad)
	status, out, errOut = seedCmd(t, map[string]string{"KEPUGRAPH_DATA_DIR": bad}, "--dry-run", "--format", "json", "--quiet")
	var r DryError
	if err := json.Unmarshal([]byte(out), &r); err != nil || status != ExitError || r.Status != ExitError || !r.DryRun || r.Error.Code != kepu.Unavailable || !strings.Contains(r.Error.Message, "is damaged") {
		t.Errorf("dry run of a damaged file: status %d, %v, stdout %q, stderr %q", status, err, out, errOut)
	}
	if testenv.DirFingerprint(t, bad) != before {
		t.Error("the dry run of a damaged file changed it")
	}
}
