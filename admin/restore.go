package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/internal/fsync"
	"github.com/kepugraph/kepugraph/kepu"
)

// ReplacedSuffix precedes the time in the name under which restore --force
// keeps the data file it replaces.
const ReplacedSuffix = ".replaced-"

func runRestore(ctx context.Context, env Env, args []string) error {
	fset := flags(env, "restore")
	dataDir := fset.String("data-dir", envOr(env, "KEPUGRAPH_DATA_DIR", "./data"), "data directory to restore into (env KEPUGRAPH_DATA_DIR)")
	force := fset.Bool("force", false, "restore into a directory that is not empty; its data file is kept as kepugraph.db"+ReplacedSuffix+"TIME")
	if err := parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		return fmt.Errorf("%w: name one backup file", ErrUsage)
	}
	return Restore(env.Stdout, fset.Arg(0), *dataDir, *force)
}

// Restore makes the backup file src the data file of dir. It checks src
// first (embedded.Check: a damaged backup is refused), refuses a directory
// that is not empty unless force, and refuses a data file that a running
// server holds. With force, the data file it replaces is renamed, not
// deleted. The copy is written next to its final name, synced, then renamed
// into place, so an interrupted restore leaves no half-written data file.
func Restore(out io.Writer, src, dir string, force bool) error {
	r, err := checkFile(src)
	if errors.Is(err, embedded.ErrInUse) {
		// src is the live data file of a running server, not a backup.
		return inUseError(src, "it is a running server's live data file, not a backup: restore a backup of it instead ("+backupHint+"), or stop the server first")
	}
	if err != nil {
		return err
	}
	if !r.OK() {
		printReport(out, r, adviceRestore)
		return failf(CodeDataDamaged, "%s is not a sound backup: nothing restored", src)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if len(entries) > 0 && !force {
		return failf(kepu.Conflict, "%s is not empty (%d entries): restore into an empty or new directory, or pass --force (the current data file is kept aside)", dir, len(entries))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(dir, embedded.FileName)
	tmp := dst + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("copy %s to %s: %w", src, tmp, err)
	}
	replaced := ""
	if _, err := os.Stat(dst); err == nil {
		unlock, err := lockFile(dst)
		if err != nil {
			os.Remove(tmp)
			return inUseError(dst, fmt.Sprintf("stop the server that holds it, then restore again (%v)", err))
		}
		replaced = dst + ReplacedSuffix + time.Now().UTC().Format("20060102T150405Z")
		err = os.Rename(dst, replaced)
		unlock()
		if err != nil {
			os.Remove(tmp)
			return err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	// A first start of a version before 2026-12-03 killed while it loaded
	// the reference dataset left its marker file: the restored file is
	// whole, so no start must load over it. (The mark of later versions is
	// in the data file: the replaced file keeps it.)
	if err := os.Remove(filepath.Join(dir, embedded.SeedMarker)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := fsync.Dir(dir); err != nil {
		return err
	}
	fmt.Fprintf(out, "restored %s into %s (%d nodes, %d edges, checked)\n", src, dst, r.Nodes, r.Edges)
	if replaced != "" {
		fmt.Fprintf(out, "the previous data file is kept as %s\n", replaced)
	}
	return nil
}

// copyFile copies src to a new file dst and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
