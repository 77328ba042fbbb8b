// Package admin holds kepugraph's operator commands and the online backup
// endpoint:
//
//	kepugraph check   --data-dir D [--json]          examine a data file, exit 0 (sound) or 1
//	kepugraph check   --file F [--json]              the same for a backup file
//	kepugraph backup  --url URL --to FILE            fetch GET URL/admin/backup, verify it, keep it
//	kepugraph restore --data-dir D [--force] FILE    verify FILE, then make it D's data file
//	kepugraph dump    [--to FILE]                    the graph as JSON Lines (embedded or Neo4j)
//	kepugraph load    [--force] FILE                 a dump into an empty store (embedded or Neo4j)
//
// The server's main calls Run when its first argument names a command.
// Exit codes: 0 success, 1 failure (a damaged file, a refused restore, an
// unreachable server), 2 bad usage. A failure's line on standard error
// names its code (ErrorCode) after the command: "kepugraph load: CONFLICT:
// after 0 nodes and 0 edges: the store is not empty …"; check --json
// writes it as the report's "code" too.
package admin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/kepu"
)

// Env is what a command reads from its process: arguments aside, the
// environment and the standard streams.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	name, usage string
	run         func(ctx context.Context, env Env, args []string) error
}

var commands = []command{
	{"check", "check --data-dir D | --file F [--json]: examine a data file (bbolt, checksums, graph invariants); exit 0 when sound, 1 otherwise", runCheck},
	{"backup", "backup --url URL --to FILE [--force]: download a consistent copy from a running server (an admin key in KEPUGRAPH_ADMIN_TOKEN), verify it, keep it as FILE", runBackup},
	{"restore", "restore --data-dir D [--force] FILE: verify the backup FILE, then make it the data file of D (which must not hold one unless --force)", runRestore},
	{"dump", "dump [--data-dir D | NEO4J_URI] [--to FILE]: write the graph as JSON Lines (standard output by default)", runDump},
	{"load", "load [--data-dir D | NEO4J_URI] [--force] FILE: load a dump (\"-\" for standard input) into an empty store", runLoad},
}

// IsCommand reports whether name is one of the commands.
func IsCommand(name string) bool {
	return slices.ContainsFunc(commands, func(c command) bool { return c.name == name })
}

// ErrUsage marks bad usage (exit code 2).
var ErrUsage = errors.New("usage")

// Run runs the command args[0] with the rest of args and returns the exit
// code. Errors go to env.Stderr, one line, without a stack trace.
func Run(ctx context.Context, env Env, args []string) int {
	for _, c := range commands {
		if len(args) == 0 || c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, ErrUsage):
			fmt.Fprintf(env.Stderr, "kepugraph %s: %v\nusage: kepugraph %s\n", c.name, err, c.usage)
			return 2
		default:
			fmt.Fprintf(env.Stderr, "kepugraph %s: %s: %v\n", c.name, ErrorCode(err), err)
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "kepugraph: unknown command %q\n", strings.Join(args[:min(len(args), 1)], ""))
	return 2
}

// CodeDataDamaged is the code of a data or backup file that fails its
// check (check, restore, backup) or that a store refuses to open as
// damaged (dump, load: embedded.DamageError).
const CodeDataDamaged = "DATA_DAMAGED"

// ErrorCode returns the machine-readable code of a command's failure, in
// this order: CONFLICT for a data file a running server holds
// (embedded.ErrInUse in err's chain: check, dump, load and restore alike;
// the store's own error says SERVICE_UNAVAILABLE, but for a command it is
// the state of another process, which stopping it resolves, as restore's
// refusal of a file in use always said); the Code of a *kepu.Error in
// err's chain (the API's codes: BAD_USER_INPUT for a malformed dump,
// CONFLICT for a store or directory that is not empty or a file in use,
// NOT_FOUND, SERVICE_UNAVAILABLE for a store or server that cannot be
// reached, and the codes a server answered with, such as
// UNAUTHENTICATED); CodeDataDamaged for an embedded.DamageError;
// NOT_FOUND for a missing file (fs.ErrNotExist), CONFLICT for one that
// exists (fs.ErrExist); TIMEOUT when the command's deadline passed;
// INTERNAL_SERVER_ERROR for anything else (an I/O error). "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, embedded.ErrInUse) {
		return kepu.Conflict
	}
	var ke *kepu.Error
	if errors.As(err, &ke) {
		return ke.Code
	}
	var de *embedded.DamageError
	switch {
	case errors.As(err, &de):
		return CodeDataDamaged
	case errors.Is(err, fs.ErrNotExist):
		return kepu.NotFound
	case errors.Is(err, fs.ErrExist):
		return kepu.Conflict
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	}
	return kepu.Internal
}

// CodeTimeout is the code of a command whose deadline passed (backup
// --timeout), as the API's TIMEOUT.
const CodeTimeout = "TIMEOUT"

// failf returns a *kepu.Error of a command's failure with the code.
func failf(code, format string, args ...any) error {
	return kepu.Errorf(code, format, args...)
}

// inUseError is the failure of a command on a data file a running server
// holds (err: the store's, with embedded.ErrInUse in its chain): code
// CONFLICT, what is in use (what: the data directory or file the command
// was given), and then what to do instead (advice). The store's own
// message is not repeated: embedded.Check's carries check's advice, which
// another command's would then contradict.
func inUseError(what string, advice string) error {
	return inUse{failf(kepu.Conflict, "%s is in use by another kepugraph process (a running server, or another command on it): %s", what, advice)}
}

// backupHint is the online backup of a running server, as the README
// documents it, for the advice of a command refused on its data file.
const backupHint = "kepugraph backup --url http://HOST:PORT --to FILE, with an admin key in KEPUGRAPH_ADMIN_TOKEN"

// inUse is a command's failure on a data file a running server holds: its
// error, and embedded.ErrInUse in the chain.
type inUse struct{ err error }

func (e inUse) Error() string   { return e.err.Error() }
func (e inUse) Unwrap() []error { return []error{e.err, embedded.ErrInUse} }

// Usage writes the commands' usage lines (for the server's --help).
func Usage(w io.Writer) {
	fmt.Fprintln(w, "Commands (kepugraph COMMAND --help for their flags):")
	for _, c := range commands {
		fmt.Fprintf(w, "  kepugraph %s\n", c.usage)
	}
}

// flags returns a flag set for a command whose errors are usage errors.
// Its usage (-h, or after a flag error) is the command's usage line, which
// names its arguments (load's FILE), then its flags.
func flags(env Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("kepugraph "+name, flag.ContinueOnError)
	fs.SetOutput(&usageOut{stdout: env.Stdout, stderr: env.Stderr})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kepugraph %s\n\nflags:\n", usages[name])
		fs.PrintDefaults()
	}
	return fs
}

// usages are the commands' usage lines by name (for flags, which the
// commands' functions call: commands itself would be an initialization
// cycle).
var usages = map[string]string{}

func init() {
	for _, c := range commands {
		usages[c.name] = c.usage
	}
}

// usageOut is a command's flag output: the usage asked for with -h or
// -help goes to standard output (so that it pipes into less or grep), a
// flag error and its usage to standard error.
type usageOut struct {
	stdout, stderr io.Writer
	help           bool
}

func (u *usageOut) Write(p []byte) (int, error) {
	if u.help {
		return u.stdout.Write(p)
	}
	return u.stderr.Write(p)
}

// asksHelp reports whether args (before a "--") hold -h or -help, with
// one or two dashes, as the flag package reads them.
func asksHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if name, ok := strings.CutPrefix(a, "-"); ok {
			name = strings.TrimPrefix(name, "-")
			name, _, _ = strings.Cut(name, "=")
			if name == "h" || name == "help" {
				return true
			}
		}
	}
	return false
}

// parse parses args, turning flag errors into ErrUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if u, ok := fs.Output().(*usageOut); ok {
		u.help = asksHelp(args)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return nil
}

// envOr returns the variable's value, or def when it is unset or empty.
func envOr(env Env, name, def string) string {
	if v := env.Getenv(name); v != "" {
		return v
	}
	return def
}
