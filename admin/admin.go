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
// unreachable server), 2 bad usage.
package admin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
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
		case errors.Is(err, errReported):
			return 1
		default:
			fmt.Fprintf(env.Stderr, "kepugraph %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(env.Stderr, "kepugraph: unknown command %q\n", strings.Join(args[:min(len(args), 1)], ""))
	return 2
}

// errReported is a failure the command has already reported.
var errReported = errors.New("reported")

// Usage writes the commands' usage lines (for the server's --help).
func Usage(w io.Writer) {
	fmt.Fprintln(w, "Commands (kepugraph COMMAND --help for their flags):")
	for _, c := range commands {
		fmt.Fprintf(w, "  kepugraph %s\n", c.usage)
	}
}

// flags returns a flag set for a command whose errors are usage errors.
func flags(env Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("kepugraph "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parse parses args, turning flag errors into ErrUsage.
func parse(fs *flag.FlagSet, args []string) error {
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
