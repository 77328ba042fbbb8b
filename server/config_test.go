package server

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/analysis"
	"github.com/kepugraph/kepugraph/auth"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig_Defaults(t *testing.T) {
	c, err := ParseConfig(nil, env(nil), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if c != DefaultConfig() {
		t.Fatalf("got %+v, want %+v", c, DefaultConfig())
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.Store != "embedded" || c.MaxPageSize != 100 || c.NoSeed {
		t.Fatalf("unexpected defaults %+v", c)
	}
}

func TestParseConfig_EnvThenFlags(t *testing.T) {
	e := env(map[string]string{
		"KEPUGRAPH_ADDR":          "127.0.0.1:9999",
		"KEPUGRAPH_DATA_DIR":      "/tmp/from-env",
		"KEPUGRAPH_LOG_FORMAT":    "json",
		"KEPUGRAPH_LOG_LEVEL":     "debug",
		"KEPUGRAPH_MAX_PAGE_SIZE": "50",
		"KEPUGRAPH_NO_SEED":       "true",
		"KEPUGRAPH_STORE":         "embedded",
	})
	c, err := ParseConfig(nil, e, new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Addr, want.DataDir, want.Store, want.LogFormat, want.LogLevel, want.MaxPageSize, want.NoSeed =
		"127.0.0.1:9999", "/tmp/from-env", "embedded", "json", "debug", 50, true
	if c != want {
		t.Fatalf("env: got %+v, want %+v", c, want)
	}

	c, err = ParseConfig([]string{"--addr", ":0", "--data-dir=/tmp/from-flag", "--max-page-size", "7", "--no-seed=false", "--log-format", "text"}, e, new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	want.Addr, want.DataDir, want.LogFormat, want.MaxPageSize, want.NoSeed = ":0", "/tmp/from-flag", "text", 7, false
	if c != want {
		t.Fatalf("flags: got %+v, want %+v", c, want)
	}
}

// TestParseConfig_Limits checks the hardening settings: their defaults (the
// ones the issue asks for), the environment and the flags.
func TestParseConfig_Limits(t *testing.T) {
	d := DefaultConfig()
	if d.MaxBodyBytes != 1<<20 || d.MaxQueryBytes != 20480 || d.MaxTokens != 2000 || d.MaxDepth != 12 ||
		d.MaxAliases != 30 || d.MaxCost != 50000 || d.Timeout != 10*time.Second || d.RateLimit <= 0 ||
		!d.Introspection || d.OTel || d.CORSOrigins != "" || d.Tokens != "" {
		t.Fatalf("hardening defaults %+v", d)
	}
	c, err := ParseConfig([]string{"--max-depth", "5", "--introspection=false", "--rate-limit", "0", "--timeout", "3s"},
		env(map[string]string{"KEPUGRAPH_MAX_COST": "99", "KEPUGRAPH_CORS_ORIGINS": "https://a.example", "KEPUGRAPH_MAX_DEPTH": "7",
			"KEPUGRAPH_RATE_LIMIT": "2.5", "KEPUGRAPH_OTEL": "true", "KEPUGRAPH_MAX_BODY_BYTES": "4096"}), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxDepth != 5 || c.MaxCost != 99 || c.Introspection || c.RateLimit != 0 || c.Timeout != 3*time.Second ||
		c.CORSOrigins != "https://a.example" || !c.OTel || c.MaxBodyBytes != 4096 {
		t.Fatalf("limits from env and flags: %+v", c)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-depth", "-1"}, "--max-depth"},
		{[]string{"--rate-limit", "-3"}, "--rate-limit"},
		{[]string{"--timeout", "0s"}, "--timeout"},
		{[]string{"--max-body-bytes", "0"}, "--max-body-bytes"},
		{[]string{"--rate-burst", "0"}, "--rate-burst"},
	} {
		if _, err := ParseConfig(tc.args, env(nil), new(bytes.Buffer)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one mentioning %s", tc.args, err, tc.want)
		}
	}
}

// TestConfig_Keys checks that keys come from the variable and the file
// together, and that a malformed entry is an error naming its source.
func TestConfig_Keys(t *testing.T) {
	file := t.TempDir() + "/keys"
	if err := os.WriteFile(file, []byte("# keys\nbob reader "+auth.HashToken("b")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	c.Tokens = "alice:editor:" + auth.HashToken("a")
	c.TokenFile = file
	kr, err := c.LoadKeys()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := kr.Authenticate("a"); !ok || p.Role != auth.RoleEditor {
		t.Errorf("alice: %+v %v", p, ok)
	}
	if p, ok := kr.Authenticate("b"); !ok || p.Role != auth.RoleReader {
		t.Errorf("bob: %+v %v", p, ok)
	}
	c.Tokens = "alice:editor:nothex"
	if _, err := c.LoadKeys(); err == nil || !strings.Contains(err.Error(), "KEPUGRAPH_TOKENS") {
		t.Errorf("malformed token entry: %v", err)
	}
	c.Tokens, c.TokenFile = "", file+".missing"
	if _, err := c.LoadKeys(); err == nil || !strings.Contains(err.Error(), "--token-file") {
		t.Errorf("missing key file: %v", err)
	}
}

func TestParseConfig_Neo4jSelection(t *testing.T) {
	c, err := ParseConfig(nil, env(map[string]string{"NEO4J_URI": "neo4j+s://db.example:7687", "NEO4J_USER": "u", "NEO4J_PASSWORD": "p", "NEO4J_DATABASE": "kg"}), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if c.Store != "neo4j" || c.Neo4jURI != "neo4j+s://db.example:7687" || c.Neo4jUser != "u" || c.Neo4jPassword != "p" || c.Neo4jDatabase != "kg" {
		t.Errorf("NEO4J_* env: got %+v", c)
	}
	// An explicit store wins over the URI.
	c, err = ParseConfig([]string{"--store", "embedded"}, env(map[string]string{"NEO4J_URI": "bolt://x:7687"}), new(bytes.Buffer))
	if err != nil || c.Store != "embedded" {
		t.Errorf("--store embedded with NEO4J_URI: store %q, err %v", c.Store, err)
	}
	// neo4j without a URI is an error.
	if _, err := ParseConfig([]string{"--store", "neo4j"}, env(nil), new(bytes.Buffer)); err == nil {
		t.Error("--store neo4j without a URI: no error")
	}
	// The password's value never shows in --help.
	var out bytes.Buffer
	ParseConfig([]string{"--help"}, env(map[string]string{"NEO4J_PASSWORD": "hunter2"}), &out)
	if strings.Contains(out.String(), "hunter2") {
		t.Error("--help shows the password")
	}
}

func TestParseConfig_Errors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad store", []string{"--store", "mysql"}, nil, `--store "mysql"`},
		{"bad log format", []string{"--log-format", "xml"}, nil, "--log-format"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "--log-level"},
		{"zero page size", []string{"--max-page-size", "0"}, nil, "--max-page-size"},
		{"bad env int", nil, map[string]string{"KEPUGRAPH_MAX_PAGE_SIZE": "many"}, "KEPUGRAPH_MAX_PAGE_SIZE"},
		{"bad env bool", nil, map[string]string{"KEPUGRAPH_NO_SEED": "perhaps"}, "KEPUGRAPH_NO_SEED"},
		{"unknown flag", []string{"--colour"}, nil, "colour"},
		{"stray argument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"empty data dir", []string{"--data-dir", ""}, nil, "--data-dir"},
		{"not a Neo4j URI", nil, map[string]string{"NEO4J_URI": "http://db.example:7474"}, `--neo4j-uri (NEO4J_URI): scheme "http" is not one`},
		{"URI without scheme", []string{"--store", "neo4j", "--neo4j-uri", "db.example:7687"}, nil, "--neo4j-uri (NEO4J_URI): the URI has no scheme"},
		{"malformed tokens", []string{"--tokens", "alice:editor:nothex"}, nil, "--tokens (KEPUGRAPH_TOKENS): auth: key alice"},
		{"unknown role", []string{"--tokens", "alice:edtior:" + strings.Repeat("ab", 32)}, nil, `--tokens (KEPUGRAPH_TOKENS): auth: key alice: unknown role "edtior"`},
		{"malformed tokens env", nil, map[string]string{"KEPUGRAPH_TOKENS": "alice"}, "--tokens (KEPUGRAPH_TOKENS): auth: key entry 1"},
		// Found before the store opens (they were exit 1 after it, and
		// after a first start's reference load; -1 turned the limit off).
		{"address without port", []string{"--addr", "localhost"}, nil, `--addr "localhost": want host:port`},
		{"port out of range", []string{"--addr", "127.0.0.1:99999"}, nil, `--addr "127.0.0.1:99999"`},
		{"port out of range env", nil, map[string]string{"KEPUGRAPH_ADDR": ":70000"}, `--addr ":70000"`},
		{"debug address without port", []string{"--debug-addr", "127.0.0.1"}, nil, `--debug-addr "127.0.0.1"`},
		{"negative string limit", []string{"--max-string-bytes", "-1"}, nil, "--max-string-bytes -1: must not be negative"},
		{"no Neo4j connections", []string{"--neo4j-max-connections", "0"}, nil, "--neo4j-max-connections 0: want 1 to 10000"},
		{"Neo4j connections env", nil, map[string]string{"KEPUGRAPH_NEO4J_MAX_CONNECTIONS": "-3"}, "--neo4j-max-connections -3"},
		// The profiler on the API's port said "address already in use",
		// as if another process held it (break17).
		{"debug on the API's address", []string{"--addr", "127.0.0.1:24100", "--debug-addr", "127.0.0.1:24100"}, nil, `--debug-addr "127.0.0.1:24100": the port of --addr "127.0.0.1:24100"`},
		{"debug on the API's port, API on every interface", []string{"--addr", ":24100", "--debug-addr", "127.0.0.1:24100"}, nil, `--debug-addr "127.0.0.1:24100": the port of --addr ":24100"`},
		{"debug on every interface, the default port by name", []string{"--debug-addr", "[::]:http-alt"}, nil, `--debug-addr "[::]:http-alt": the port of --addr "127.0.0.1:8080"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig(tc.args, env(tc.env), new(bytes.Buffer))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestParseConfig_DebugAddrOwn: a debug address that cannot clash with
// --addr is taken: port 0 for both (two free ports), the same port on two
// distinct hosts.
func TestParseConfig_DebugAddrOwn(t *testing.T) {
	for _, pair := range [][2]string{
		{"127.0.0.1:0", "127.0.0.1:0"},
		{":0", ":0"},
		{"127.0.0.1:24100", "127.0.0.2:24100"},
		{"[::1]:24100", "127.0.0.1:24100"},
		{"127.0.0.1:24100", "127.0.0.1:24101"},
	} {
		if _, err := ParseConfig([]string{"--addr", pair[0], "--debug-addr", pair[1]}, env(nil), new(bytes.Buffer)); err != nil {
			t.Errorf("--addr %s --debug-addr %s: %v", pair[0], pair[1], err)
		}
	}
}

// TestParseConfig_Neo4jURI: a URI the Neo4j driver cannot take is a flag
// error (exit 2) naming the schemes it takes, never the URI's password; the
// driver's schemes pass.
func TestParseConfig_Neo4jURI(t *testing.T) {
	for _, uri := range []string{"http://neo4j:s3cret@db.example:7474", "neo4j:s3cret@db.example:7687"} {
		_, err := ParseConfig(nil, env(map[string]string{"NEO4J_URI": uri}), new(bytes.Buffer))
		if err == nil || !strings.Contains(err.Error(), "bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc://") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("NEO4J_URI %q: error %v, want the schemes named and no password", uri, err)
		}
	}
	for _, uri := range []string{"bolt://x:7687", "bolt+s://x:7687", "bolt+ssc://x:7687", "neo4j://x:7687", "neo4j+s://x", "neo4j+ssc://x"} {
		if _, err := ParseConfig(nil, env(map[string]string{"NEO4J_URI": uri}), new(bytes.Buffer)); err != nil {
			t.Errorf("NEO4J_URI %q: %v", uri, err)
		}
	}
}

func TestParseConfig_Help(t *testing.T) {
	var out bytes.Buffer
	_, err := ParseConfig([]string{"--help"}, env(nil), &out)
	if !errors.Is(err, ErrHelp) {
		t.Fatalf("error %v, want ErrHelp", err)
	}
	help := out.String()
	c := DefaultConfig()
	n := 0
	flagSet(&c, io.Discard).VisitAll(func(f *flag.Flag) {
		n++
		line := ""
		for _, l := range strings.Split(help, "\n") {
			if strings.HasPrefix(l, "--"+f.Name+" ") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("--help does not list --%s", f.Name)
			return
		}
		if !strings.Contains(line, EnvVar(f.Name)) {
			t.Errorf("--help line of --%s lacks %s: %q", f.Name, EnvVar(f.Name), line)
		}
		if !strings.Contains(line, f.DefValue) || !strings.Contains(line, f.Usage) {
			t.Errorf("--help line of --%s lacks its default %q or its meaning: %q", f.Name, f.DefValue, line)
		}
	})
	if n != 37 {
		t.Errorf("%d flags, want the 37 of the configuration", n)
	}
	// The DEFAULT column is narrow: a long default (--cors-headers) is
	// written after the meaning instead of padding every line to its width.
	for _, l := range strings.Split(help, "\n") {
		if strings.HasPrefix(l, "FLAG ") {
			if i := strings.Index(l, "MEANING"); i < 0 || i > 100 {
				t.Errorf("the MEANING column starts at %d: %q", i, l)
			}
		}
	}
	// The operator commands README.md documents are named too, with their
	// usage (they were only in the README: admin.Usage was never called).
	for _, cmd := range []string{"check", "backup", "restore", "dump", "load"} {
		if !strings.Contains(help, "\n  kepugraph "+cmd+" ") {
			t.Errorf("--help does not list the command %q:\n%s", cmd, help)
		}
	}
}

// TestEnvVar checks the names of the variables, which scripts and
// deployments use: they are part of the interface.
func TestEnvVar(t *testing.T) {
	for flag, want := range map[string]string{
		"addr": "KEPUGRAPH_ADDR", "data-dir": "KEPUGRAPH_DATA_DIR", "max-page-size": "KEPUGRAPH_MAX_PAGE_SIZE",
		"neo4j-uri": "NEO4J_URI", "neo4j-user": "NEO4J_USER", "neo4j-password": "NEO4J_PASSWORD",
		"neo4j-database": "NEO4J_DATABASE", "neo4j-timeout": "KEPUGRAPH_NEO4J_TIMEOUT", "cors-origins": "KEPUGRAPH_CORS_ORIGINS",
		"gc-percent": "GOGC", "memory-limit": "GOMEMLIMIT", "debug-addr": "KEPUGRAPH_DEBUG_ADDR", "otel": "KEPUGRAPH_OTEL",
		"analytics-slots": "KEPUGRAPH_ANALYTICS_SLOTS", "analytics-cache-size": "KEPUGRAPH_ANALYTICS_CACHE_SIZE",
	} {
		if got := EnvVar(flag); got != want {
			t.Errorf("EnvVar(%q) = %q, want %q", flag, got, want)
		}
	}
}

// TestAnalyticsFlags checks the bounds of the network measures: defaults,
// values from flags and variables, and the values Validate refuses.
func TestAnalyticsFlags(t *testing.T) {
	c := DefaultConfig()
	if c.AnalyticsSlots != 0 || c.AnalyticsCacheEntries != analysis.DefaultCacheEntries || c.AnalyticsCacheBytes() != analysis.DefaultCacheBytes {
		t.Errorf("defaults: slots %d, entries %d, bytes %d", c.AnalyticsSlots, c.AnalyticsCacheEntries, c.AnalyticsCacheBytes())
	}
	c, err := ParseConfig([]string{"--analytics-slots", "3", "--analytics-cache-entries", "8"},
		env(map[string]string{"KEPUGRAPH_ANALYTICS_CACHE_SIZE": "1GiB"}), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if c.AnalyticsSlots != 3 || c.AnalyticsCacheEntries != 8 || c.AnalyticsCacheBytes() != 1<<30 {
		t.Errorf("got slots %d, entries %d, bytes %d", c.AnalyticsSlots, c.AnalyticsCacheEntries, c.AnalyticsCacheBytes())
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--analytics-slots", "-1"}, "--analytics-slots -1: must not be negative"},
		{[]string{"--analytics-cache-entries", "0"}, "--analytics-cache-entries 0: must be at least 1"},
		{[]string{"--analytics-cache-size", "lots"}, `--analytics-cache-size "lots": want a size`},
		{[]string{"--analytics-cache-size", "0MiB"}, `--analytics-cache-size "0MiB": want a size`},
	} {
		_, err := ParseConfig(tt.args, env(nil), new(bytes.Buffer))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want %q", tt.args, err, tt.want)
		}
	}
}
