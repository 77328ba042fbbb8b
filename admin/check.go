package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/kepugraph/kepugraph/embedded"
)

func runCheck(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "check")
	dataDir := fs.String("data-dir", envOr(env, "KEPUGRAPH_DATA_DIR", "./data"), "data directory whose data file to check (env KEPUGRAPH_DATA_DIR)")
	file := fs.String("file", "", "a data file to check instead, such as a backup")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	path := *file
	if path == "" {
		path = filepath.Join(*dataDir, embedded.FileName)
	}
	r, err := embedded.Check(path, embedded.CheckOptions{})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			OK bool `json:"ok"`
			*embedded.Report
		}{r.OK(), r}); err != nil {
			return err
		}
	} else {
		printReport(env.Stdout, r)
	}
	if !r.OK() {
		return errReported
	}
	return nil
}

// printReport writes a Report as text.
func printReport(w io.Writer, r *embedded.Report) {
	fmt.Fprintf(w, "%s: format %d, %d bytes, %d nodes, %d edges (checked in %s)\n", r.Path, r.Format, r.Bytes, r.Nodes, r.Edges, r.Duration)
	fmt.Fprintf(w, "checks run: %v\n", r.Checks)
	if r.OK() {
		fmt.Fprintln(w, "OK: no problem found")
		return
	}
	fmt.Fprintf(w, "PROBLEMS: %d\n", len(r.Problems))
	for _, p := range r.Problems {
		if p.Record != "" {
			fmt.Fprintf(w, "  %-8s %s: %s\n", p.Check, p.Record, p.Message)
		} else {
			fmt.Fprintf(w, "  %-8s %s\n", p.Check, p.Message)
		}
	}
	fmt.Fprintln(w, "Restore the last good backup: kepugraph restore --data-dir DIR --force BACKUP (see README, \"Integrity and backups\").")
}
