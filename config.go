package main

import (
	"github.com/kepugraph/kepugraph/httpx"

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

	"github.com/kepugraph/kepugraph/auth"
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

	// Limits (see docs/hardening.md). A query limit of 0 or less is off.
	MaxBodyBytes  int64         // request body; larger: 413
	MaxQueryBytes int           // query text
	MaxTokens     int           // lexical tokens of the query
	MaxDepth      int           // field nesting
	MaxAliases    int           // aliased fields per operation
	MaxCost       int           // computed cost (connections count first/last times their children)
	Timeout       time.Duration // per-request deadline
	ExportTimeout time.Duration // deadline of a /export request (a whole-graph file takes longer than a query)
	RateLimit     float64       // requests per second per client; 0 turns rate limiting off
	RateBurst     int           // token-bucket size per client
	// TrustedProxies is the number of reverse proxies in front of the
	// server whose X-Forwarded-For entries are trusted to name the client.
	TrustedProxies int
	CORSOrigins    string // comma-separated allowed origins, or "*"; empty: CORS off
	CORSHeaders    string // comma-separated request headers a browser may send (preflight)
	MaxStringBytes int    // longest String input value in bytes; 0: no limit

	// Access control: API keys as SHA-256 hashes of their tokens.
	Tokens    string // name:role:sha256hex entries separated by commas
	TokenFile string // file of "name role sha256hex" lines

	Introspection bool // serve __schema/__type (and field suggestions)
	OTel          bool // export OpenTelemetry traces (OTLP over HTTP)

	// The garbage collector (see gc.go): GOGC and GOMEMLIMIT, with the
	// server's own defaults.
	GCPercent   string // a percentage, or "off"
	MemoryLimit string // "auto", "off", or a size such as 4GiB

	// DebugAddr is where the Go profiler (net/http/pprof) listens; empty:
	// off. It is a separate listener so that it is never exposed with the
	// API by accident.
	DebugAddr string
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

		MaxBodyBytes:   1 << 20,
		MaxQueryBytes:  20 << 10,
		MaxTokens:      2000,
		MaxDepth:       12,
		MaxAliases:     30,
		MaxCost:        50_000,
		MaxStringBytes: 10 << 10,
		CORSHeaders:    strings.Join(httpx.DefaultCORSHeaders, ","),
		Timeout:        10 * time.Second,
		ExportTimeout:  10 * time.Minute,
		RateLimit:      50,
		RateBurst:      100,
		Introspection:  true,

		GCPercent:   strconv.Itoa(DefaultGCPercent),
		MemoryLimit: "auto",
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

func intOpt(flagName, env, usage string, field func(c *Config) *int) option {
	return option{flag: flagName, env: env, usage: usage,
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			p := field(c)
			fs.IntVar(p, name, *p, usage)
		},
		setEnv: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("not an integer: %q", v)
			}
			*field(c) = n
			return nil
		},
		def: func(c Config) string { return strconv.Itoa(*field(&c)) },
	}
}

func boolOpt(flagName, env, usage string, field func(c *Config) *bool) option {
	return option{flag: flagName, env: env, usage: usage,
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			p := field(c)
			fs.BoolVar(p, name, *p, usage)
		},
		setEnv: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("not a boolean: %q", v)
			}
			*field(c) = b
			return nil
		},
		def: func(c Config) string { return strconv.FormatBool(*field(&c)) },
	}
}

func durationOpt(flagName, env, usage string, field func(c *Config) *time.Duration) option {
	return option{flag: flagName, env: env, usage: usage,
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			p := field(c)
			fs.DurationVar(p, name, *p, usage)
		},
		setEnv: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("not a duration: %q", v)
			}
			*field(c) = d
			return nil
		},
		def: func(c Config) string { return field(&c).String() },
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
	{flag: "max-body-bytes", env: "KEPUGRAPH_MAX_BODY_BYTES", usage: "largest request body in bytes (413 PAYLOAD_TOO_LARGE above)",
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			fs.Int64Var(&c.MaxBodyBytes, name, c.MaxBodyBytes, usage)
		},
		setEnv: func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("not an integer: %q", v)
			}
			c.MaxBodyBytes = n
			return nil
		},
		def: func(c Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) },
	},
	intOpt("max-query-bytes", "KEPUGRAPH_MAX_QUERY_BYTES", "largest query text in bytes (QUERY_TOO_LARGE); 0 turns the limit off",
		func(c *Config) *int { return &c.MaxQueryBytes }),
	intOpt("max-tokens", "KEPUGRAPH_MAX_TOKENS", "most lexical tokens in a query (TOKEN_LIMIT_EXCEEDED); 0 turns the limit off",
		func(c *Config) *int { return &c.MaxTokens }),
	intOpt("max-depth", "KEPUGRAPH_MAX_DEPTH", "deepest field nesting (DEPTH_LIMIT_EXCEEDED); 0 turns the limit off",
		func(c *Config) *int { return &c.MaxDepth }),
	intOpt("max-aliases", "KEPUGRAPH_MAX_ALIASES", "most aliased fields in an operation (ALIAS_LIMIT_EXCEEDED); 0 turns the limit off",
		func(c *Config) *int { return &c.MaxAliases }),
	intOpt("max-cost", "KEPUGRAPH_MAX_COST", "highest computed query cost, reported in extensions.cost (COMPLEXITY_LIMIT_EXCEEDED); 0 turns the limit off",
		func(c *Config) *int { return &c.MaxCost }),
	durationOpt("timeout", "KEPUGRAPH_TIMEOUT", "deadline of each request; store work stops when it passes (503 TIMEOUT)",
		func(c *Config) *time.Duration { return &c.Timeout }),
	durationOpt("export-timeout", "KEPUGRAPH_EXPORT_TIMEOUT", "deadline of each /export request (graph files); a file still being written then is cut off",
		func(c *Config) *time.Duration { return &c.ExportTimeout }),
	{flag: "rate-limit", env: "KEPUGRAPH_RATE_LIMIT", usage: "requests per second per client (API key, else IP) before 429 RATE_LIMITED; 0 turns rate limiting off",
		bind: func(fs *flag.FlagSet, c *Config, name, usage string) {
			fs.Float64Var(&c.RateLimit, name, c.RateLimit, usage)
		},
		setEnv: func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("not a number: %q", v)
			}
			c.RateLimit = f
			return nil
		},
		def: func(c Config) string { return strconv.FormatFloat(c.RateLimit, 'g', -1, 64) },
	},
	intOpt("rate-burst", "KEPUGRAPH_RATE_BURST", "requests a client may make at once before the rate limit applies",
		func(c *Config) *int { return &c.RateBurst }),
	intOpt("trusted-proxies", "KEPUGRAPH_TRUSTED_PROXIES", "reverse proxies in front of the server whose X-Forwarded-For names the client; 0 ignores the header",
		func(c *Config) *int { return &c.TrustedProxies }),
	stringOpt("cors-origins", "KEPUGRAPH_CORS_ORIGINS", "comma-separated origins allowed to call the API from a browser, or *; empty turns CORS off",
		func(c *Config) *string { return &c.CORSOrigins }),
	stringOpt("cors-headers", "KEPUGRAPH_CORS_HEADERS", "comma-separated request headers a browser may send with --cors-origins (answered in preflights), or *",
		func(c *Config) *string { return &c.CORSHeaders }),
	intOpt("max-string-bytes", "KEPUGRAPH_MAX_STRING_BYTES", "longest String input value in bytes (BAD_USER_INPUT above); 0 turns the limit off",
		func(c *Config) *int { return &c.MaxStringBytes }),
	stringOpt("tokens", "KEPUGRAPH_TOKENS", "API keys as name:role:sha256hex entries separated by commas (the hash of the token, never the token); role editor may run mutations",
		func(c *Config) *string { return &c.Tokens }),
	stringOpt("token-file", "KEPUGRAPH_TOKEN_FILE", "file of API keys, one \"name role sha256hex\" per line (# comments)",
		func(c *Config) *string { return &c.TokenFile }),
	boolOpt("introspection", "KEPUGRAPH_INTROSPECTION", "answer introspection queries; false also turns off field suggestions in errors",
		func(c *Config) *bool { return &c.Introspection }),
	boolOpt("otel", "KEPUGRAPH_OTEL", "export OpenTelemetry traces of operations and store calls over OTLP/HTTP (endpoint from OTEL_EXPORTER_OTLP_ENDPOINT)",
		func(c *Config) *bool { return &c.OTel }),
	stringOpt("gc-percent", "GOGC", "garbage-collector target: heap growth between collections in percent of the live heap, or off (see docs/benchmarks.md)",
		func(c *Config) *string { return &c.GCPercent }),
	stringOpt("memory-limit", "GOMEMLIMIT", "soft memory limit of the process: auto (90% of the cgroup limit or of the machine's memory), off, or a size such as 4GiB",
		func(c *Config) *string { return &c.MemoryLimit }),
	stringOpt("debug-addr", "KEPUGRAPH_DEBUG_ADDR", "serve the Go profiler (/debug/pprof/) on this separate address (host:port); empty: off",
		func(c *Config) *string { return &c.DebugAddr }),
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
	if _, err := parseGCPercent(c.GCPercent); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseMemoryLimit(c.MemoryLimit); err != nil {
		errs = append(errs, err)
	}
	if c.MaxBodyBytes < 1 {
		errs = append(errs, fmt.Errorf("--max-body-bytes %d: must be at least 1", c.MaxBodyBytes))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout %s: must be positive", c.Timeout))
	}
	if c.ExportTimeout <= 0 {
		errs = append(errs, fmt.Errorf("--export-timeout %s: must be positive", c.ExportTimeout))
	}
	if c.RateLimit < 0 {
		errs = append(errs, fmt.Errorf("--rate-limit %g: must not be negative", c.RateLimit))
	}
	if c.RateLimit > 0 && c.RateBurst < 1 {
		errs = append(errs, fmt.Errorf("--rate-burst %d: must be at least 1", c.RateBurst))
	}
	if c.TrustedProxies < 0 {
		errs = append(errs, fmt.Errorf("--trusted-proxies %d: must not be negative", c.TrustedProxies))
	}
	for _, l := range []struct {
		name string
		v    int
	}{{"max-query-bytes", c.MaxQueryBytes}, {"max-tokens", c.MaxTokens}, {"max-depth", c.MaxDepth}, {"max-aliases", c.MaxAliases}, {"max-cost", c.MaxCost}} {
		if l.v < 0 {
			errs = append(errs, fmt.Errorf("--%s %d: must not be negative (0 turns the limit off)", l.name, l.v))
		}
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

// NewLogger returns the logger that the configuration asks for, writing to
// w. When w buffers (it has a Sync method, see newLogSink), records at Warn
// and above are flushed at once.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	if s, ok := w.(syncer); ok {
		h = syncingHandler{h, s}
	}
	return slog.New(h)
}

func writeUsage(w io.Writer, defaults Config) {
	fmt.Fprintf(w, `Usage: kepugraph [flags]

kepugraph serves the graph of China's science-popularization network over
GraphQL at /query, the GraphiQL explorer at /, health checks at /healthz and
/readyz and Prometheus metrics at /metrics.
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

// loadKeys returns the API keys of Tokens and TokenFile together (an empty
// keyring when neither is set: every mutation is then refused).
func (c Config) loadKeys() (*auth.Keyring, error) {
	var keys []auth.Key
	if c.Tokens != "" {
		kr, err := auth.ParseKeys(c.Tokens)
		if err != nil {
			return nil, fmt.Errorf("--tokens (KEPUGRAPH_TOKENS): %w", err)
		}
		keys = append(keys, kr.Keys()...)
	}
	if c.TokenFile != "" {
		kr, err := auth.LoadKeyFile(c.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("--token-file %s: %w", c.TokenFile, err)
		}
		keys = append(keys, kr.Keys()...)
	}
	kr, err := auth.NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("API keys: %w", err)
	}
	return kr, nil
}

// osGetenv is os.Getenv; tests pass their own.
var osGetenv = os.Getenv
