package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Config is the server configuration. Every field is set by a flag or an
// environment variable; a flag given on the command line wins over the
// variable, and the variable over the default.
type Config struct {
	Addr        string // listen address
	DataDir     string // directory of the embedded store
	Store       string // backend: "embedded"
	LogFormat   string // "text" or "json"
	LogLevel    string // "debug", "info", "warn" or "error"
	MaxPageSize int    // largest first/last a client may ask for
	NoSeed      bool   // do not load the reference dataset into an empty store

	// The Neo4j backend (--store neo4j). Setting NEO4J_URI alone selects it
	// unless --store or KEPUGRAPH_STORE says otherwise.
	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string
	Neo4jTimeout  time.Duration // how long a query waits for an unreachable server
}

// DefaultConfig returns the configuration used when no flag or variable is set.
func DefaultConfig() Config {
	return Config{
		Addr:        "127.0.0.1:8080",
		DataDir:     "./data",
		Store:       "embedded",
		LogFormat:   "text",
		LogLevel:    "info",
		MaxPageSize: 100,

		Neo4jDatabase: "neo4j",
		Neo4jTimeout:  2 * time.Second,
	}
}

// Stores lists the accepted values of --store.
var Stores = []string{"embedded", "neo4j"}

// option describes one setting: its flag, its environment variable and its
// help text. The table drives both parsing and --help.
type option struct {
	flag, env, usage string
	bind             func(fs *flag.FlagSet, c *Config, name, usage string)
	setEnv           func(c *Config, v string) error
	def              func(c Config) string
}

func stringOpt(flagName, env, usage string, field func(c *Config) *string) option {
	return option{flag: flagName, env: env, usage: usage,
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			p := field(c)
			fs.StringVar(p, name, *p, usage)
		},
		setEnv: func(c *Config, v string) error { *field(c) = v; return nil },
		def:    func(c Config) string { return *field(&c) },
	}
}

var options = []option{
	stringOpt("addr", "KEPUGRAPH_ADDR", "address to listen on (host:port; port 0 picks a free port)",
		func(c *Config) *string { return &c.Addr }),
	stringOpt("data-dir", "KEPUGRAPH_DATA_DIR", "directory of the embedded store (created if missing)",
		func(c *Config) *string { return &c.DataDir }),
	stringOpt("store", "KEPUGRAPH_STORE", "storage backend: "+strings.Join(Stores, ", "),
		func(c *Config) *string { return &c.Store }),
	stringOpt("log-format", "KEPUGRAPH_LOG_FORMAT", "log format: text or json",
		func(c *Config) *string { return &c.LogFormat }),
	stringOpt("log-level", "KEPUGRAPH_LOG_LEVEL", "log level: debug, info, warn or error",
		func(c *Config) *string { return &c.LogLevel }),
	{flag: "max-page-size", env: "KEPUGRAPH_MAX_PAGE_SIZE", usage: "largest page (first or last) a client may ask for",
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			fs.IntVar(&c.MaxPageSize, name, c.MaxPageSize, usage)
		},
		setEnv: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("not an integer: %q", v)
			}
			c.MaxPageSize = n
			return nil
		},
		def: func(c Config) string { return strconv.Itoa(c.MaxPageSize) },
	},
	stringOpt("neo4j-uri", "NEO4J_URI", "Neo4j URI (bolt://, bolt+s://, neo4j://, neo4j+s://); selects --store neo4j when --store is not given",
		func(c *Config) *string { return &c.Neo4jURI }),
	stringOpt("neo4j-user", "NEO4J_USER", "Neo4j user",
		func(c *Config) *string { return &c.Neo4jUser }),
	{flag: "neo4j-password", env: "NEO4J_PASSWORD", usage: "Neo4j password (prefer the environment variable: flags show in process lists)",
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			fs.StringVar(&c.Neo4jPassword, name, c.Neo4jPassword, usage)
		},
		setEnv: func(c *Config, v string) error { c.Neo4jPassword = v; return nil },
		def:    func(c Config) string { return "" },
	},
	stringOpt("neo4j-database", "NEO4J_DATABASE", "Neo4j database name",
		func(c *Config) *string { return &c.Neo4jDatabase }),
	{flag: "neo4j-timeout", env: "KEPUGRAPH_NEO4J_TIMEOUT", usage: "how long a query waits for an unreachable Neo4j before SERVICE_UNAVAILABLE",
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			fs.DurationVar(&c.Neo4jTimeout, name, c.Neo4jTimeout, usage)
		},
		setEnv: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("not a duration: %q", v)
			}
			c.Neo4jTimeout = d
			return nil
		},
		def: func(c Config) string { return c.Neo4jTimeout.String() },
	},
	{flag: "no-seed", env: "KEPUGRAPH_NO_SEED", usage: "do not load the reference dataset into an empty store",
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			fs.BoolVar(&c.NoSeed, name, c.NoSeed, usage)
		},
		setEnv: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("not a boolean: %q", v)
			}
			c.NoSeed = b
			return nil
		},
		def: func(c Config) string { return strconv.FormatBool(c.NoSeed) },
	},
}

// ErrHelp is returned by ParseConfig when --help was asked for; the usage has
// been written.
var ErrHelp = flag.ErrHelp

// ParseConfig builds the configuration from the defaults, then the
// environment (getenv), then the command-line arguments. Usage and flag
// errors are written to out.
func ParseConfig(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	c := DefaultConfig()
	defaults := c
	for _, o := range options {
		if v := getenv(o.env); v != "" {
			if err := o.setEnv(&c, v); err != nil {
				return c, fmt.Errorf("%s: %w", o.env, err)
			}
		}
	}
	fs := flag.NewFlagSet("kepugraph", flag.ContinueOnError)
	fs.SetOutput(out)
	for _, o := range options {
		o.bind(fs, &c, o.flag, o.usage)
	}
	fs.Usage = func() { writeUsage(out, defaults) }
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	storeGiven := getenv("KEPUGRAPH_STORE") != ""
	fs.Visit(func(f *flag.Flag) { storeGiven = storeGiven || f.Name == "store" })
	if !storeGiven && c.Neo4jURI != "" {
		c.Store = "neo4j"
	}
	return c, c.Validate()
}

// Validate checks the values that a flag's type does not.
func (c Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr must not be empty"))
	}
	if !contains(Stores, c.Store) {
		errs = append(errs, fmt.Errorf("--store %q: want one of %s", c.Store, strings.Join(Stores, ", ")))
	}
	if c.Store == "embedded" && c.DataDir == "" {
		errs = append(errs, errors.New("--data-dir must not be empty"))
	}
	if c.Store == "neo4j" && c.Neo4jURI == "" {
		errs = append(errs, errors.New("--store neo4j needs --neo4j-uri or NEO4J_URI"))
	}
	if c.Neo4jTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--neo4j-timeout %s: must be positive", c.Neo4jTimeout))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format %q: want text or json", c.LogFormat))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.MaxPageSize < 1 {
		errs = append(errs, fmt.Errorf("--max-page-size %d: must be at least 1", c.MaxPageSize))
	}
	return errors.Join(errs...)
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// NewLogger returns the logger that the configuration asks for, writing to w.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func writeUsage(w io.Writer, defaults Config) {
	fmt.Fprintf(w, `Usage: kepugraph [flags]

kepugraph serves the graph of China's science-popularization network over
GraphQL at /query, the GraphiQL explorer at / and a health check at /healthz.
On first start with an empty store it loads the reference dataset.

Every flag can also be set by an environment variable; a flag wins.

`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tENV\tDEFAULT\tMEANING")
	for _, o := range options {
		def := o.def(defaults)
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(tw, "--%s\t%s\t%s\t%s\n", o.flag, o.env, def, o.usage)
	}
	fmt.Fprintln(tw, "--help\t\t\tprint this help")
	tw.Flush()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// osGetenv is os.Getenv; tests pass their own.
var osGetenv = os.Getenv
