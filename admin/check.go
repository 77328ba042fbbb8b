package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
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
	r, err := checkFile(path)
	if errors.Is(err, embedded.ErrInUse) {
		err = inUseError(path, "check a backup of it instead ("+backupHint+", then kepugraph check --file FILE), or stop the server first")
	}
	if err != nil {
		if *asJSON {
			// The failure as the report's fields: ok, code and error.
			if jerr := writeJSON(env.Stdout, checkJSON{OK: false, Code: ErrorCode(err), Error: err.Error()}); jerr != nil {
				return jerr
			}
		}
		return err
	}
	var failure error
	if !r.OK() {
		failure = failf(CodeDataDamaged, "%s: %s (the report is on standard output)", path, problems(len(r.Problems)))
	}
	if *asJSON {
		if err := writeJSON(env.Stdout, checkJSON{OK: r.OK(), Code: ErrorCode(failure), Report: r}); err != nil {
			return err
		}
	} else {
		advice := adviceDataFile
		if *file != "" {
			advice = adviceBackup
		}
		printReport(env.Stdout, r, advice)
	}
	return failure
}

// The last line of a report with problems, for what was checked: a data
// directory's data file (restore a backup over it), a file given with
// check --file, most often a backup (not one to restore), and the backup
// restore was given (nothing was restored).
const (
	adviceDataFile = "Restore the last good backup: kepugraph restore --data-dir DIR --force BACKUP (see README, \"Integrity and backups\")."
	adviceBackup   = "Do not restore this file: check another backup (kepugraph check --file BACKUP) and restore the last good one (kepugraph restore --data-dir DIR --force BACKUP; see README, \"Integrity and backups\")."
	adviceRestore  = "Nothing was restored: check another backup (kepugraph check --file BACKUP), then restore that one."
)

// problems is "1 problem" or "N problems".
func problems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

// checkJSON is check --json's output: ok, and for a failure its code
// (ErrorCode: DATA_DAMAGED for a file with problems) and, when the file
// could not be examined at all, error (the message); then the report's
// fields (embedded.Report) when there is one.
type checkJSON struct {
	OK    bool   `json:"ok"`
	Code  string `json:"code,omitempty"`
	Error string `json:"error,omitempty"`
	*embedded.Report
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// checkFile is embedded.Check, a missing file being NOT_FOUND (Check
// cannot read it: SERVICE_UNAVAILABLE).
func checkFile(path string) (*embedded.Report, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, failf(kepu.NotFound, "%s does not exist", path)
	}
	return embedded.Check(path, embedded.CheckOptions{})
}

// printReport writes a Report as text; a report with problems ends with
// advice, what to do about them (adviceDataFile, adviceBackup,
// adviceRestore).
func printReport(w io.Writer, r *embedded.Report, advice string) {
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
	fmt.Fprintln(w, advice)
}
