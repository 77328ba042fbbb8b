package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
)

// Exit statuses of a dry run, as diff's: same, different, trouble; and
// one of its own for a run that would be refused.
const (
	ExitSame     = 0 // a run would change nothing
	ExitChanges  = 1 // a run would create or change records (or remove the load's mark)
	ExitError    = 2 // bad flags, or the store could not be read
	ExitConflict = 3 // a run would write nothing: CONFLICT (a node moved)
)

// DefaultLimit is the default of --limit.
const DefaultLimit = 50

// usageExit ends --help.
const usageExit = `
Exit status: 0 loaded; 1 the load failed (a CONFLICT too); 2 bad flags.
With --dry-run: 0 a run would change nothing; 1 a run would create or change
records; 2 bad flags, or the store cannot be read; 3 a run would be refused
(CONFLICT: a node moved) and write nothing. See seed/README.md.
`

// checkDryRunFlags refuses the combinations of flags that make no sense:
// the flags of writing with --dry-run, and those of the dry run's report
// without it. Flags set in the environment (KEPUGRAPH_SEED_BATCH, ...)
// are ignored by a dry run.
func checkDryRunFlags(fs *flag.FlagSet, c *Config) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.DryRun {
		for _, name := range []string{"no-sync", "batch", "workers"} {
			if set[name] {
				return kepu.Errorf(kepu.BadUserInput, "--dry-run writes nothing: --%s (a flag of writing) cannot be used with it", name)
			}
		}
	} else {
		for _, name := range []string{"format", "limit"} {
			if set[name] {
				return kepu.Errorf(kepu.BadUserInput, "--%s is a flag of --dry-run's report: use it with --dry-run", name)
			}
		}
	}
	if c.Format != "text" && c.Format != "json" {
		return kepu.Errorf(kepu.BadUserInput, "--format %q: want text or json", kepu.Truncate(c.Format, 40))
	}
	if c.Limit < 0 {
		return kepu.Errorf(kepu.BadUserInput, "--limit %d: want 0 (all) or more", c.Limit)
	}
	return nil
}

// dryTarget is what a dry run reads: a store opened read-only (embedded),
// a Neo4j store it only reads, or noStore.
type dryTarget interface {
	dataset.Reader
	Meta(ctx context.Context, key string) (string, error)
	Close() error
}

// openDry opens the store of the configuration for reading only, and says
// which store it is. The embedded store is opened read-only: nothing in
// the data directory is created or written, not even a new directory or
// the search index (embedded.Options.ReadOnly); a directory without a data
// file is an empty store (noStore). Neo4j is only read (the store's reads
// are read transactions).
func openDry(ctx context.Context, c Config) (dryTarget, string, error) {
	if c.Store == "neo4j" {
		st, err := openNeo4j(ctx, c.Neo4j)
		if err != nil {
			return nil, "", err
		}
		db := c.Neo4j.Database
		if db == "" {
			db = "neo4j"
		}
		return st, fmt.Sprintf("Neo4j at %s, database %s (read transactions only)", neo4jstore.RedactURI(c.Neo4j.URI), db), nil
	}
	path := filepath.Join(c.DataDir, embedded.FileName)
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return noStore{}, fmt.Sprintf("%s: no data file (%s), an empty store", c.DataDir, embedded.FileName), nil
	}
	st, err := embedded.Open(c.DataDir, embedded.Options{ReadOnly: true})
	if err != nil {
		return nil, "", err
	}
	return st, fmt.Sprintf("the embedded store in %s (opened read-only)", c.DataDir), nil
}

// noStore is the empty store of a data directory without a data file: a
// run creates one and writes every record.
type noStore struct{}

func (noStore) Nodes(context.Context, []string) (map[string]kepu.Node, error) {
	return map[string]kepu.Node{}, nil
}

func (noStore) Neighbors(context.Context, []string, kepu.NeighborQuery) (map[string]kepu.NeighborPage, error) {
	return map[string]kepu.NeighborPage{}, nil
}

func (noStore) CountNodes(context.Context, kepu.Label, *kepu.Filter) (int, error) { return 0, nil }

func (noStore) AggregateEdges(context.Context, kepu.EdgeAggregateQuery) (kepu.EdgeAggregate, error) {
	return kepu.EdgeAggregate{}, nil
}

func (noStore) WalkNodes(context.Context, kepu.Label, *kepu.Filter, func(*kepu.Node, kepu.Location) error) error {
	return nil
}

func (noStore) WalkEdges(context.Context, kepu.RelType, func(*kepu.Edge) error) error { return nil }

func (noStore) Meta(context.Context, string) (string, error) { return "", nil }

func (noStore) Close() error { return nil }

// DryReport is the dry run's report; with --format json it is printed as
// one JSON object (seed/README.md describes it).
type DryReport struct {
	DryRun  bool `json:"dryRun"` // always true: nothing was written
	Dataset struct {
		Scale int    `json:"scale"` // 0: the reference dataset
		Seed  uint64 `json:"seed"`
		Nodes int    `json:"nodes"`
		Edges int    `json:"edges"`
	} `json:"dataset"`
	Store  string                          `json:"store"` // which store was read
	Nodes  map[kepu.Label]dataset.Counts   `json:"nodes"`
	Edges  map[kepu.RelType]dataset.Counts `json:"edges"`
	Totals struct {
		Nodes dataset.Counts `json:"nodes"`
		Edges dataset.Counts `json:"edges"`
	} `json:"totals"`
	Limit         int                `json:"limit"` // the most records per list; 0: all
	Creates       []dataset.Record   `json:"creates"`
	Changes       []dataset.Change   `json:"changes"`
	StoreOnly     []dataset.Record   `json:"storeOnly"`
	Conflicts     []dataset.Conflict `json:"conflicts"`
	ConflictCount int                `json:"conflictCount"`
	// LoadMark is the value of the store's kepu.MetaReferenceLoad entry: a
	// load that did not end; a run removes it. "" when there is none.
	LoadMark string `json:"loadMark"`
	Status   int    `json:"status"`  // the exit status
	Elapsed  string `json:"elapsed"` // time of the dry run (Go duration)
}

// DryError is the JSON report of a dry run that failed (exit status 2).
type DryError struct {
	DryRun bool `json:"dryRun"` // true: nothing was written
	Status int  `json:"status"` // ExitError
	Error  struct {
		Code    string `json:"code"` // a kepu error code: SERVICE_UNAVAILABLE, BAD_USER_INPUT, ...
		Message string `json:"message"`
	} `json:"error"`
}

// errorCode is the code of a dry run's error: kepu's, with a damaged data
// file (embedded.DamageError) SERVICE_UNAVAILABLE, as the store cannot be
// read.
func errorCode(err error) string {
	var de *embedded.DamageError
	if errors.As(err, &de) {
		return kepu.Unavailable
	}
	return kepu.ErrorCode(err)
}

// DryRun generates the graph, compares it with the store without writing
// anything (dataset.Compare), prints the report (text or JSON) to Stdout
// and returns the exit status (ExitSame, ExitChanges, ExitConflict) or,
// with ExitError, the error, which it has printed too (to Stderr; with
// --format json also as the report's "error" on Stdout).
func (m *Main) DryRun(ctx context.Context) (status int, err error) {
	c := m.Config
	start := time.Now()
	rep, err := m.dryRun(ctx)
	if err != nil {
		code := errorCode(err)
		fmt.Fprintf(m.Stderr, "seed: --dry-run: %s (%s)\n", err, code)
		if c.Format == "json" {
			r := DryError{DryRun: true, Status: ExitError}
			r.Error.Code, r.Error.Message = code, err.Error()
			writeJSON(m.Stdout, &r)
		}
		return ExitError, err
	}
	rep.Elapsed = time.Since(start).Round(time.Millisecond).String()
	if c.Format == "json" {
		writeJSON(m.Stdout, rep)
	} else {
		m.printDry(rep)
	}
	return rep.Status, nil
}

func writeJSON(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Props hold strings, numbers, booleans and lists only.
		b = []byte(`{"dryRun":true,"status":2,"error":{"code":"INTERNAL_SERVER_ERROR","message":` + strconv.Quote(err.Error()) + `}}`)
	}
	w.Write(append(b, '\n'))
}

func (m *Main) dryRun(ctx context.Context) (*DryReport, error) {
	c := m.Config
	start := time.Now()
	src, err := m.source()
	if err != nil {
		return nil, err
	}
	st, which, err := openDry(ctx, c)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	mark, err := st.Meta(ctx, kepu.MetaReferenceLoad)
	if err != nil {
		return nil, fmt.Errorf("read the load's mark: %w", err)
	}
	var last time.Time
	plan, err := dataset.Compare(ctx, st, src, dataset.CompareOptions{Limit: c.Limit, Progress: func(done, total int) {
		if c.Quiet || (done < total && time.Since(last) < time.Second) {
			return
		}
		last = time.Now()
		fmt.Fprintf(m.Stderr, "seed: --dry-run: %d/%d records compared (%.1f %%), %s\n",
			done, total, 100*float64(done)/float64(total), time.Since(start).Round(time.Millisecond))
	}})
	if err != nil {
		return nil, err
	}
	r := &DryReport{DryRun: true, Store: which, Nodes: plan.Nodes, Edges: plan.Edges, Limit: c.Limit,
		Creates: plan.Creates, Changes: plan.Changes, StoreOnly: plan.StoreOnly,
		Conflicts: plan.Conflicts, ConflictCount: plan.ConflictCount, LoadMark: mark}
	r.Dataset.Scale = c.Scale
	r.Dataset.Seed = c.Seed
	if r.Dataset.Seed == 0 {
		r.Dataset.Seed = dataset.DefaultSeed
	}
	r.Totals.Nodes, r.Totals.Edges = plan.NodeTotals(), plan.EdgeTotals()
	r.Dataset.Nodes = r.Totals.Nodes.Create + r.Totals.Nodes.Change + r.Totals.Nodes.Unchanged
	r.Dataset.Edges = r.Totals.Edges.Create + r.Totals.Edges.Change + r.Totals.Edges.Unchanged
	switch {
	case plan.ConflictCount > 0:
		r.Status = ExitConflict
	case plan.Writes() || mark != "":
		r.Status = ExitChanges
	default:
		r.Status = ExitSame
	}
	return r, nil
}

// Text report bounds: a value is cut to maxValueBytes.
const maxValueBytes = 80

// formatValue is a property value in the text report: strings quoted (Go
// syntax), lists as JSON, absent as (absent), cut to maxValueBytes.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "(absent)"
	case string:
		return strconv.Quote(kepu.Truncate(x, maxValueBytes))
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []string:
		b, _ := json.Marshal(x)
		return kepu.Truncate(string(b), maxValueBytes)
	}
	return kepu.Truncate(fmt.Sprint(v), maxValueBytes)
}

// printDry prints the text report.
func (m *Main) printDry(r *DryReport) {
	w := m.Stdout
	what := "the reference dataset"
	if r.Dataset.Scale > 0 {
		what = fmt.Sprintf("the benchmark graph of %d nodes", r.Dataset.Scale)
	}
	fmt.Fprintf(w, "seed --dry-run: nothing written. What a run would do to %s\n", r.Store)
	fmt.Fprintf(w, "with %s (seed %d): %d nodes, %d edges.\n\n", what, r.Dataset.Seed, r.Dataset.Nodes, r.Dataset.Edges)
	row := func(name string, c dataset.Counts) {
		fmt.Fprintf(w, "%-20s %9d %9d %10d %11d\n", name, c.Create, c.Change, c.Unchanged, c.StoreOnly)
	}
	fmt.Fprintf(w, "%-20s %9s %9s %10s %11s\n", "", "create", "change", "unchanged", "store only")
	row("nodes", r.Totals.Nodes)
	for _, d := range kepu.LabelDefs() {
		if c, ok := r.Nodes[d.Label]; ok {
			row("  "+string(d.Label), c)
		}
	}
	row("edges", r.Totals.Edges)
	for _, d := range kepu.RelDefs() {
		if c, ok := r.Edges[d.Type]; ok {
			row("  "+string(d.Type), c)
		}
	}
	listed := func(kind string, shown, total int) {
		fmt.Fprintf(w, "\n%s: %d", kind, total)
		if shown < total {
			fmt.Fprintf(w, " (the first %d; --limit 0 lists all)", shown)
		}
		fmt.Fprintln(w)
	}
	if r.ConflictCount > 0 {
		listed("CONFLICT, a run would write nothing (unlink the moved node, or load into an empty store)", len(r.Conflicts), r.ConflictCount)
		for _, c := range r.Conflicts {
			fmt.Fprintf(w, "  %s: %s\n", c.Code, c.Message)
		}
	}
	n, e := r.Totals.Nodes, r.Totals.Edges
	if total := n.Change + e.Change; total > 0 {
		listed("to change, store → dataset", len(r.Changes), total)
		for _, c := range r.Changes {
			fmt.Fprintf(w, "  %s\n", c.Record)
			for _, p := range c.Props {
				fmt.Fprintf(w, "    %s: %s → %s\n", p.Name, formatValue(p.Store), formatValue(p.Dataset))
			}
		}
	}
	if total := n.Create + e.Create; total > 0 {
		listed("to create", len(r.Creates), total)
		for _, c := range r.Creates {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
	if total := n.StoreOnly + e.StoreOnly; total > 0 {
		listed("only in the store (created through the API; a run leaves them as they are)", len(r.StoreOnly), total)
		for _, c := range r.StoreOnly {
			fmt.Fprintf(w, "  %s\n", c)
		}
	}
	if r.LoadMark != "" {
		fmt.Fprintf(w, "\nthe store is marked as holding a load that did not end (%s = %q): a run removes the mark\n", kepu.MetaReferenceLoad, r.LoadMark)
	}
	fmt.Fprintln(w)
	var verdict string
	switch r.Status {
	case ExitSame:
		verdict = "a run would change nothing"
	case ExitChanges:
		verdict = "a run would change the store"
	case ExitConflict:
		verdict = "a run would be refused (CONFLICT) and write nothing; once resolved, it would do the rest"
	}
	fmt.Fprintf(w, "%s: %s, %s, %s unchanged, %s of the store's own left; compared in %s; exit status %d\n", verdict,
		plural(n.Create+e.Create, "record to create", "records to create"),
		plural(n.Change+e.Change, "record to change", "records to change"),
		strconv.Itoa(n.Unchanged+e.Unchanged), strconv.Itoa(n.StoreOnly+e.StoreOnly), r.Elapsed, r.Status)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
