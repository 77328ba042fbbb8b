package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kepugraph/kepugraph/admin"
	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/neo4jstore"
)

// Config is the server configuration. Every field is set by a flag (see
// flagSet, where each is described and given its default) or by the
// environment variable that EnvVar names; a flag given on the command line
// wins over the variable, and the variable over the default.
type Config struct {
	Addr, DataDir, Store string
	LogFormat, LogLevel  string
	MaxPageSize          int
	NoSeed               bool

	// The Neo4j backend (--store neo4j). Setting NEO4J_URI alone selects it
	// unless --store or KEPUGRAPH_STORE says otherwise.
	Neo4jURI, Neo4jUser, Neo4jPassword, Neo4jDatabase string
	Neo4jTimeout                                      time.Duration
	Neo4jMaxConnections                               int

	// Limits (see docs/hardening.md). A limit of 0 is off.
	MaxBodyBytes                                   int64
	MaxQueryBytes, MaxTokens, MaxDepth, MaxAliases int
	MaxCost, MaxStringBytes                        int
	Timeout, ExportTimeout                         time.Duration
	RateLimit                                      float64
	RateBurst, TrustedProxies                      int
	CORSOrigins, CORSHeaders                       string

	Tokens, TokenFile string // API keys as SHA-256 hashes of their tokens
	Introspection     bool
	OTel              bool

	GCPercent, MemoryLimit string // GOGC and GOMEMLIMIT with the server's defaults (see ApplyGC)
	DebugAddr              string // the Go profiler's own listener; empty: off

	// Network measures (see graph.Options): computations at once (0: one
	// per core), results kept, their approximate memory (a size such as
	// 256MiB; see AnalyticsCacheBytes).
	AnalyticsSlots, AnalyticsCacheEntries int
	AnalyticsCacheSize                    string
}

// AnalyticsCacheBytes is AnalyticsCacheSize in bytes (0 when it is not a
// valid size: Validate says so).
func (c Config) AnalyticsCacheBytes() int64 {
	n, err := parseSize(c.AnalyticsCacheSize)
	if err != nil {
		return 0
	}
	return n
}

// DefaultConfig returns the configuration used when no flag or variable is set.
func DefaultConfig() Config {
	var c Config
	flagSet(&c, io.Discard)
	return c
}

// Stores lists the accepted values of --store.
var Stores = []string{"embedded", "neo4j"}

// ErrHelp is returned by ParseConfig when --help was asked for; the usage has
// been written.
var ErrHelp = flag.ErrHelp

// flagSet returns the flags of the configuration, each bound to its field
// of c, which it sets to the flag's default.
func flagSet(c *Config, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("kepugraph", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free port)")
	fs.StringVar(&c.DataDir, "data-dir", "./data", "directory of the embedded store (created if missing)")
	fs.StringVar(&c.Store, "store", "embedded", "storage backend: "+strings.Join(Stores, ", "))
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.IntVar(&c.MaxPageSize, "max-page-size", 100, "largest page (first or last) a client may ask for")
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", "", "Neo4j URI (bolt://, bolt+s://, neo4j://, neo4j+s://); selects --store neo4j when --store is not given")
	fs.StringVar(&c.Neo4jUser, "neo4j-user", "", "Neo4j user")
	fs.StringVar(&c.Neo4jPassword, "neo4j-password", "", "Neo4j password (prefer the environment variable: flags show in process lists)")
	fs.StringVar(&c.Neo4jDatabase, "neo4j-database", "neo4j", "Neo4j database name")
	fs.DurationVar(&c.Neo4jTimeout, "neo4j-timeout", 2*time.Second, "how long a query waits for an unreachable Neo4j before SERVICE_UNAVAILABLE")
	fs.IntVar(&c.Neo4jMaxConnections, "neo4j-max-connections", neo4jstore.DefaultMaxConnections, "most Neo4j queries at once (the driver's pool); the others wait their turn within the request's --timeout")
	fs.BoolVar(&c.NoSeed, "no-seed", false, "do not load the reference dataset into an empty store")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest request body in bytes (413 PAYLOAD_TOO_LARGE above)")
	fs.IntVar(&c.MaxQueryBytes, "max-query-bytes", 20<<10, "largest query text in bytes (QUERY_TOO_LARGE); 0 turns the limit off")
	fs.IntVar(&c.MaxTokens, "max-tokens", 2000, "most lexical tokens in a query (TOKEN_LIMIT_EXCEEDED); 0 turns the limit off")
	fs.IntVar(&c.MaxDepth, "max-depth", 12, "deepest field nesting (DEPTH_LIMIT_EXCEEDED); 0 turns the limit off")
	fs.IntVar(&c.MaxAliases, "max-aliases", 30, "most aliased fields in an operation (ALIAS_LIMIT_EXCEEDED); 0 turns the limit off")
	fs.IntVar(&c.MaxCost, "max-cost", 50_000, "highest computed query cost, reported in extensions.cost (COMPLEXITY_LIMIT_EXCEEDED); 0 turns the limit off")
	fs.DurationVar(&c.Timeout, "timeout", 10*time.Second, "deadline of each request; store work stops when it passes (TIMEOUT: a field error in a 200 response, or 503 when nothing was written yet)")
	fs.DurationVar(&c.ExportTimeout, "export-timeout", 10*time.Minute, "deadline of each /export request (graph files); a file still being written then is cut off")
	fs.Float64Var(&c.RateLimit, "rate-limit", 50, "requests per second per client (API key, else IP) before 429 RATE_LIMITED; 0 turns rate limiting off")
	fs.IntVar(&c.RateBurst, "rate-burst", 100, "requests a client may make at once before the rate limit applies")
	fs.IntVar(&c.TrustedProxies, "trusted-proxies", 0, "reverse proxies in front of the server whose X-Forwarded-For names the client; 0 ignores the header")
	fs.StringVar(&c.CORSOrigins, "cors-origins", "", "comma-separated origins allowed to call the API from a browser, or *; empty turns CORS off")
	fs.StringVar(&c.CORSHeaders, "cors-headers", strings.Join(httpx.DefaultCORSHeaders, ","), "comma-separated request headers a browser may send with --cors-origins (answered in preflights), or *")
	fs.IntVar(&c.MaxStringBytes, "max-string-bytes", 10<<10, "longest String or ID input value in bytes (BAD_USER_INPUT above; not a variable given as a connection's after or before: the server's cursors hold sort keys and may be longer); 0 turns the limit off")
	fs.StringVar(&c.Tokens, "tokens", "", "API keys as name:role:sha256hex entries separated by commas (the hash of the token, never the token); role editor may run mutations")
	fs.StringVar(&c.TokenFile, "token-file", "", "file of API keys, one \"name role sha256hex\" per line (# comments)")
	fs.BoolVar(&c.Introspection, "introspection", true, "answer introspection queries; false also turns off field suggestions in errors")
	fs.BoolVar(&c.OTel, "otel", false, "export OpenTelemetry traces of operations and store calls over OTLP/HTTP (endpoint from OTEL_EXPORTER_OTLP_ENDPOINT)")
	fs.StringVar(&c.GCPercent, "gc-percent", strconv.Itoa(DefaultGCPercent), "garbage-collector target: heap growth between collections in percent of the live heap, or off (see docs/benchmarks.md)")
	fs.StringVar(&c.MemoryLimit, "memory-limit", "auto", "soft memory limit of the process: auto (90% of the cgroup limit or of the machine's memory), off, or a size such as 4GiB")
	fs.IntVar(&c.AnalyticsSlots, "analytics-slots", 0, "network measures (centrality, communities, coverage, systemStats) computed at once; 0: one per core")
	fs.IntVar(&c.AnalyticsCacheEntries, "analytics-cache-entries", analysis.DefaultCacheEntries, "most network measures kept per graph version (least recently used out)")
	fs.StringVar(&c.AnalyticsCacheSize, "analytics-cache-size", "256MiB", "approximate memory of the kept network measures, a size such as 256MiB; a larger result is answered, not kept")
	fs.StringVar(&c.DebugAddr, "debug-addr", "", "serve the Go profiler (/debug/pprof/) on this separate address (host:port); empty: off")
	return fs
}

// envNames holds the environment variables not named KEPUGRAPH_ and their
// flag (see EnvVar).
var envNames = map[string]string{
	"neo4j-uri": "NEO4J_URI", "neo4j-user": "NEO4J_USER", "neo4j-password": "NEO4J_PASSWORD",
	"neo4j-database": "NEO4J_DATABASE", "gc-percent": "GOGC", "memory-limit": "GOMEMLIMIT",
}

// EnvVar returns the environment variable that sets the flag name:
// KEPUGRAPH_ and the name in upper case with _ for -, except the NEO4J_
// variables of the connection and Go's own GOGC and GOMEMLIMIT.
func EnvVar(name string) string {
	if v, ok := envNames[name]; ok {
		return v
	}
	return "KEPUGRAPH_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// ParseConfig builds the configuration from the defaults, then the
// environment (getenv), then the command-line arguments. Usage and flag
// errors are written to out.
func ParseConfig(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	fs := flagSet(&c, out)
	fs.Usage = func() { writeUsage(out, fs) }
	// Each variable that is set becomes its flag's value before the command
	// line is parsed; the flag's default shown by --help stays the built-in one.
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(EnvVar(f.Name)); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: not a valid value of --%s", EnvVar(f.Name), v, f.Name))
			}
		}
	})
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	storeGiven := getenv(EnvVar("store")) != ""
	fs.Visit(func(f *flag.Flag) { storeGiven = storeGiven || f.Name == "store" })
	if !storeGiven && c.Neo4jURI != "" {
		c.Store = "neo4j"
	}
	return c, c.Validate()
}

// maxDefaultColumn is the longest default --help shows in its DEFAULT
// column.
const maxDefaultColumn = 20

// writeUsage writes --help: what the program serves, one line per flag
// with its variable and default, then the operator commands (check,
// backup, restore, dump, load).
func writeUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: kepugraph [flags]

kepugraph serves the graph of China's science-popularization network over
GraphQL at /query, the GraphiQL explorer at /, health checks at /healthz and
/readyz and Prometheus metrics at /metrics.
On first start with an empty store it loads the reference dataset.

Every flag can also be set by an environment variable; a flag wins.

`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FLAG\tENV\tDEFAULT\tMEANING")
	fs.VisitAll(func(f *flag.Flag) {
		def, usage := f.DefValue, f.Usage
		if def == "" {
			def = `""`
		}
		// A long default (--cors-headers: 240 characters) goes after the
		// meaning, so that it does not widen the column of every line.
		if len(def) > maxDefaultColumn {
			def, usage = "(below)", usage+"; default: "+def
		}
		fmt.Fprintf(tw, "--%s\t%s\t%s\t%s\n", f.Name, EnvVar(f.Name), def, usage)
	})
	fmt.Fprintln(tw, "--help\t\t\tprint this help")
	tw.Flush()
	fmt.Fprintln(w)
	admin.Usage(w)
}

// neo4jSchemes are the URI schemes the Neo4j Go driver accepts.
var neo4jSchemes = []string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}

// Validate checks the values that a flag's type does not.
func (c Config) Validate() error {
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Addr == "", "--addr must not be empty")
	// An address Listen cannot take is a bad flag (exit 2), found before
	// the store opens (it was exit 1 after the store opened, and after a
	// first start's reference load).
	if c.Addr != "" {
		errs = append(errs, checkAddr("--addr", c.Addr))
	}
	if c.DebugAddr != "" {
		errs = append(errs, checkAddr("--debug-addr", c.DebugAddr))
		check(samePort(c.Addr, c.DebugAddr), "--debug-addr %q: the port of --addr %q; the profiler needs an address of its own", c.DebugAddr, c.Addr)
	}
	check(!slices.Contains(Stores, c.Store), "--store %q: want one of %s", c.Store, strings.Join(Stores, ", "))
	check(c.Store == "embedded" && c.DataDir == "", "--data-dir must not be empty")
	check(c.Store == "neo4j" && c.Neo4jURI == "", "--store neo4j needs --neo4j-uri or NEO4J_URI")
	if c.Store == "neo4j" && c.Neo4jURI != "" {
		// Only the scheme is named: the URI may hold a password.
		want := strings.Join(neo4jSchemes, "://, ") + "://"
		scheme, _, ok := strings.Cut(c.Neo4jURI, "://")
		check(!ok, "--neo4j-uri (NEO4J_URI): the URI has no scheme: want %s followed by host:port", want)
		check(ok && !slices.Contains(neo4jSchemes, scheme), "--neo4j-uri (NEO4J_URI): scheme %q is not one the Neo4j driver takes: want %s", scheme, want)
	}
	check(c.Neo4jTimeout <= 0, "--neo4j-timeout %s: must be positive", c.Neo4jTimeout)
	check(c.Neo4jMaxConnections < 1 || c.Neo4jMaxConnections > 10000, "--neo4j-max-connections %d: want 1 to 10000", c.Neo4jMaxConnections)
	check(c.LogFormat != "text" && c.LogFormat != "json", "--log-format %q: want text or json", c.LogFormat)
	_, errLevel := parseLevel(c.LogLevel)
	_, errGC := parseGCPercent(c.GCPercent)
	_, errMem := parseMemoryLimit(c.MemoryLimit)
	errs = append(errs, errLevel, errGC, errMem)
	check(c.MaxBodyBytes < 1, "--max-body-bytes %d: must be at least 1", c.MaxBodyBytes)
	check(c.Timeout <= 0, "--timeout %s: must be positive", c.Timeout)
	check(c.ExportTimeout <= 0, "--export-timeout %s: must be positive", c.ExportTimeout)
	check(c.RateLimit < 0, "--rate-limit %g: must not be negative", c.RateLimit)
	check(c.RateLimit > 0 && c.RateBurst < 1, "--rate-burst %d: must be at least 1", c.RateBurst)
	check(c.TrustedProxies < 0, "--trusted-proxies %d: must not be negative", c.TrustedProxies)
	for _, l := range []struct {
		name string
		v    int
	}{{"max-query-bytes", c.MaxQueryBytes}, {"max-tokens", c.MaxTokens}, {"max-depth", c.MaxDepth}, {"max-aliases", c.MaxAliases}, {"max-cost", c.MaxCost}, {"max-string-bytes", c.MaxStringBytes}} {
		check(l.v < 0, "--%s %d: must not be negative (0 turns the limit off)", l.name, l.v)
	}
	check(c.MaxPageSize < 1, "--max-page-size %d: must be at least 1", c.MaxPageSize)
	check(c.AnalyticsSlots < 0, "--analytics-slots %d: must not be negative (0: one per core)", c.AnalyticsSlots)
	check(c.AnalyticsCacheEntries < 1, "--analytics-cache-entries %d: must be at least 1", c.AnalyticsCacheEntries)
	_, errCache := parseSize(c.AnalyticsCacheSize)
	check(errCache != nil, "--analytics-cache-size %q: want a size such as 256MiB", c.AnalyticsCacheSize)
	// A malformed --tokens is a bad flag value (exit 2), found before the
	// store opens; the key file is read when the server starts (LoadKeys).
	if c.Tokens != "" {
		if _, err := auth.ParseKeys(c.Tokens); err != nil {
			errs = append(errs, fmt.Errorf("--tokens (KEPUGRAPH_TOKENS): %w", err))
		}
	}
	return errors.Join(errs...)
}

// checkAddr checks the syntax of a listen address given as flag name:
// host:port (the host may be empty: every interface), the port a number
// from 0 to 65535 or a service name. A host that does not resolve is found
// when the server listens.
func checkAddr(name, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("%s %q: want host:port, the port from 0 to 65535 (%v)", name, addr, err)
	}
	return nil
}

// samePort reports whether two listen addresses (valid for checkAddr) ask
// for the same port, not 0, on hosts that overlap: the same host, or either
// one every interface (an empty host, 0.0.0.0 or ::). The second listen
// would fail with "address already in use", as if another process held it.
// Hosts are compared as written: localhost and 127.0.0.1 are not resolved.
func samePort(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil {
		return false
	}
	na, errA := net.LookupPort("tcp", pa)
	nb, errB := net.LookupPort("tcp", pb)
	if errA != nil || errB != nil || na == 0 || na != nb {
		return false
	}
	any := func(h string) bool {
		ip := net.ParseIP(h)
		return h == "" || ip != nil && ip.IsUnspecified()
	}
	if any(ha) || any(hb) {
		return true
	}
	ia, ib := net.ParseIP(ha), net.ParseIP(hb)
	if ia != nil && ib != nil {
		return ia.Equal(ib)
	}
	return strings.EqualFold(ha, hb)
}

// LoadKeys returns the API keys of Tokens and TokenFile together (an empty
// keyring when neither is set: every mutation is then refused).
func (c Config) LoadKeys() (*auth.Keyring, error) {
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
