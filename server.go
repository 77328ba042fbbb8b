// Command kepugraph serves the graph of China's science-popularization
// network over GraphQL.
//
// Run `kepugraph --help` for its flags. The program is laid out like
// benbjohnson/wtf's cmd/wtfd: a Main struct parses the configuration, opens
// the store and starts the HTTP server in Run, and stops everything in Close;
// main only wires signals and exit codes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kepugraph/kepugraph/admin"
	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/metrics"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/web"
)

// ShutdownTimeout bounds the graceful shutdown: requests still running after
// it are cut off.
const ShutdownTimeout = 10 * time.Second

func main() {
	os.Exit(run())
}

// run is main, returning the exit status, so that the buffered log output
// is flushed before the process exits.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && admin.IsCommand(os.Args[1]) {
		return admin.Run(ctx, admin.Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}, os.Args[1:])
	}

	sink := newLogSink(os.Stderr)
	defer sink.Stop()
	m := NewMain()
	m.Stderr = sink
	if err := m.ParseFlags(ctx, os.Args[1:]); errors.Is(err, ErrHelp) {
		return 0
	} else if err != nil {
		sink.Stop()
		fmt.Fprintln(os.Stderr, "kepugraph:", err)
		return 2
	}
	if m.Config.DebugAddr == "" {
		// No one can read a heap profile without the profiler: do not
		// sample allocations for it (about 1% of the CPU under load).
		runtime.MemProfileRate = 0
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		sink.Stop()
		fmt.Fprintln(os.Stderr, "kepugraph:", err)
		return 1
	}

	<-ctx.Done()
	stop() // a second signal kills the process at once
	m.Logger.Info("shutting down", "timeout", ShutdownTimeout.String())
	if err := m.Close(); err != nil {
		sink.Stop()
		fmt.Fprintln(os.Stderr, "kepugraph:", err)
		return 1
	}
	m.Logger.Info("stopped")
	return 0
}

// Main is the program: its configuration and the resources it opened.
type Main struct {
	Config Config
	Logger *slog.Logger

	// Stderr receives logs and usage; Getenv reads the environment. Tests
	// replace them.
	Stderr io.Writer
	Getenv func(string) string

	// Store is the open store. The GraphQL layer sees it wrapped: by
	// WrapStore when set, by tracing when on, and by the metrics.
	Store kepu.Store

	// WrapStore, when set before Run, wraps the store the GraphQL layer
	// uses (a test hook: for example a store that panics or fails).
	WrapStore func(kepu.Store) kepu.Store

	// Tracing, when set, records OpenTelemetry spans of operations and
	// store calls. Run sets it up with the OTLP exporter for --otel; tests
	// set their own before Run. Nil (the default) traces nothing.
	Tracing *metrics.Tracing

	metrics *metrics.Metrics
	keys    *auth.Keyring

	ln     net.Listener
	server *http.Server
	done   chan error   // the result of server.Serve
	debug  *http.Server // the profiler (--debug-addr), nil when off
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main {
	return &Main{
		Config: DefaultConfig(),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Stderr: os.Stderr,
		Getenv: osGetenv,
	}
}

// ParseFlags sets the configuration from the environment and args. It
// returns ErrHelp after printing the usage for --help.
func (m *Main) ParseFlags(ctx context.Context, args []string) error {
	c, err := ParseConfig(args, m.Getenv, m.Stderr)
	if err != nil {
		return err
	}
	m.Config = c
	m.Logger = c.NewLogger(m.Stderr)
	return nil
}

// Run opens the store, loads the reference dataset into it when it is empty,
// and starts serving HTTP in the background. It returns once the server
// listens (see URL) or when something failed; call Close in both cases.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	log := m.Logger
	applyGC(m.Config, log)
	start := time.Now()
	st, err := openStore(ctx, m.Config, log)
	if err != nil {
		return err
	}
	m.Store = st
	if m.keys, err = m.Config.loadKeys(); err != nil {
		return err
	}
	m.metrics = metrics.New(metrics.Config{})
	if m.Config.OTel && m.Tracing == nil {
		if m.Tracing, err = metrics.NewOTLPTracing(ctx); err != nil {
			return fmt.Errorf("set up OpenTelemetry: %w", err)
		}
		log.Info("OpenTelemetry tracing on (OTLP over HTTP)")
	}
	log.Info("store open", "store", m.Config.Store, "dataDir", m.Config.DataDir, "took", time.Since(start).Round(time.Millisecond).String())

	if err := m.seed(ctx); err != nil {
		return err
	}

	if m.Config.DebugAddr != "" {
		if m.debug, err = startDebug(m.Config.DebugAddr, log); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.ln = ln
	m.server = &http.Server{
		Handler:           m.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(ln) }()

	explorer := "built"
	if !web.Built() {
		explorer = "not built (run make web)"
	}
	log.Info("listening", "url", m.URL(), "graphql", m.URL()+"/query", "explorer", explorer)
	return nil
}

// URL returns the base URL the server listens on, "" before Run.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	return "http://" + m.ln.Addr().String()
}

// Close stops the HTTP server gracefully (waiting up to ShutdownTimeout for
// requests in flight), then closes the store. It is safe to call more than
// once and after a failed Run.
func (m *Main) Close() error {
	var errs []error
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down http server: %w", err))
			m.server.Close()
		}
		if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		m.server = nil
	}
	if m.debug != nil {
		m.debug.Close()
		m.debug = nil
	}
	if m.Tracing != nil {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		if err := m.Tracing.Shutdown(ctx); err != nil {
			// A collector that is down must not fail the shutdown.
			m.Logger.Warn("could not flush traces", "error", err.Error())
		}
		m.Tracing = nil
	}
	if m.Store != nil {
		if err := m.Store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
		m.Store = nil
	}
	return errors.Join(errs...)
}

// openStore opens the backend that the configuration names. Adding a backend
// is one case here and its value in Stores.
func openStore(ctx context.Context, c Config, log *slog.Logger) (kepu.Store, error) {
	switch c.Store {
	case "embedded":
		if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		st, err := embedded.Open(c.DataDir, embedded.Options{Logger: log})
		if err != nil {
			return nil, fmt.Errorf("open embedded store in %s: %w", c.DataDir, err)
		}
		return st, nil
	case "neo4j":
		st, err := neo4jstore.Open(ctx, neo4jstore.Config{
			URI: c.Neo4jURI, User: c.Neo4jUser, Password: c.Neo4jPassword, Database: c.Neo4jDatabase,
			ConnectTimeout: c.Neo4jTimeout, Logger: log,
		})
		if err != nil {
			return nil, fmt.Errorf("open neo4j store: %w", err)
		}
		if err := st.EnsureSchema(ctx); err != nil {
			// The server may be down: start anyway; /readyz tells.
			log.Warn("neo4j schema not ensured yet", "error", kepu.ErrorMessage(err))
		}
		return st, nil
	default:
		return nil, fmt.Errorf("unknown store %q", c.Store)
	}
}

// seed loads the reference dataset when the store holds no node at all (a
// new data directory), unless NoSeed is set. A store with any record is
// never seeded over.
func (m *Main) seed(ctx context.Context) error {
	log := m.Logger
	for _, d := range kepu.LabelDefs() {
		n, err := m.Store.CountNodes(ctx, d.Label, nil)
		if kepu.ErrorCode(err) == kepu.Unavailable {
			// A server backend that is down at start: serve anyway (/readyz says
			// not ready); load the dataset with the seed command once it is up.
			log.Warn("store unreachable; not checking for the reference dataset", "error", kepu.ErrorMessage(err))
			return nil
		}
		if err != nil {
			return fmt.Errorf("count %s nodes: %w", d.Label, err)
		}
		if n > 0 {
			log.Info("store holds data; not loading the reference dataset", "label", d.Label, "nodes", n)
			return nil
		}
	}
	if m.Config.NoSeed {
		log.Info("store is empty; not loading the reference dataset (--no-seed)")
		return nil
	}
	start := time.Now()
	log.Info("store is empty; loading the reference dataset")
	ds, err := dataset.Generate(dataset.Options{})
	if err != nil {
		return fmt.Errorf("generate reference dataset: %w", err)
	}
	lastPct := -1
	rep, err := dataset.Load(ctx, m.Store, ds, dataset.LoadOptions{
		Progress: func(done, total int) {
			if total <= 0 {
				return
			}
			if pct := done * 100 / total; pct/10 != lastPct/10 || done == total {
				lastPct = pct
				log.Info("loading reference dataset", "done", done, "total", total, "percent", pct)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("load reference dataset: %w", err)
	}
	nodes, edges := 0, 0
	for _, n := range rep.Nodes {
		nodes += n
	}
	for _, n := range rep.Edges {
		edges += n
	}
	log.Info("reference dataset loaded", "nodes", nodes, "edges", edges, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// Handler returns the HTTP routes: /query (GraphQL, behind the hardening
// stack: request IDs, CORS, metrics, API keys, GraphQL-over-HTTP rules, rate
// limit, body limit, deadline, and the query limits inside gqlgen),
// /admin/backup (an admin key), /export/{format} (graph files, see
// exportHandler), /metrics, /healthz, /readyz and / (the explorer). Every request gets an ID
// and one access-log line; a panic becomes a 500 with the request ID.
func (m *Main) Handler() http.Handler {
	if m.metrics == nil {
		m.metrics = metrics.New(metrics.Config{})
	}
	c := m.Config
	extensions := []graphql.HandlerExtension{
		httpx.Recorder{},
		gqllimit.New(gqllimit.Config{
			MaxQueryBytes:   limitOrOff(c.MaxQueryBytes),
			MaxTokens:       limitOrOff(c.MaxTokens),
			MaxDepth:        limitOrOff(c.MaxDepth),
			MaxAliases:      limitOrOff(c.MaxAliases),
			MaxCost:         limitOrOff(c.MaxCost),
			DefaultPageSize: c.MaxPageSize,
		}),
		auth.MutationGuard(auth.RoleEditor),
	}
	if m.Tracing != nil {
		extensions = append(extensions, m.Tracing.Extension())
	}
	api := graph.New(m.apiStore(), graph.Options{
		MaxPageSize:     c.MaxPageSize,
		Logger:          m.Logger,
		Extensions:      extensions,
		NoIntrospection: !c.Introspection,
		MaxStringBytes:  limitOrOff(c.MaxStringBytes),
	})

	hc := httpx.DefaultConfig()
	hc.Body.MaxBytes = c.MaxBodyBytes
	hc.Conform.MaxQueryBytes = c.MaxQueryBytes
	hc.Timeout = c.Timeout
	hc.RateLimit.Rate = c.RateLimit
	hc.RateLimit.Burst = c.RateBurst
	hc.RateLimit.TrustedProxies = c.TrustedProxies
	hc.CORS.AllowedOrigins = splitList(c.CORSOrigins)
	hc.CORS.AllowedHeaders = splitList(c.CORSHeaders)
	// hc.Logger stays nil: the access log wraps every route below.

	mux := http.NewServeMux()
	mux.Handle("/query", httpx.Stack(hc, api, m.metrics.Middleware, auth.Middleware(m.keys)))
	mux.Handle(admin.BackupPath, auth.Middleware(m.keys)(admin.BackupHandler(m.Store, m.Logger)))
	mux.Handle("/export/{format}", m.exportHandler(hc))
	mux.Handle("/metrics", m.metrics.Handler())
	mux.HandleFunc("/healthz", healthz)
	mux.HandleFunc("/readyz", m.readyz)
	mux.Handle("/", web.Handler("/query"))
	return httpx.Chain(mux, httpx.Track, httpx.AccessLog(m.Logger), recoverPanics(m.Logger))
}

// exportHandler returns GET /export/{format} (graph files, see package
// export) behind the middleware of /query except the GraphQL-over-HTTP
// rules: CORS, metrics, API keys (reads are public), the rate limit (its
// own buckets, with the same rate), the body limit, and --export-timeout as
// its deadline. Its store calls are counted and traced like the GraphQL
// layer's.
func (m *Main) exportHandler(hc httpx.Config) http.Handler {
	h := &export.Handler{
		Exporter: &export.Exporter{Store: m.apiStore()},
		Where:    graph.NodeFilter,
		Logger:   m.Logger,
	}
	return httpx.Chain(h,
		httpx.CORS(hc.CORS),
		m.metrics.Middleware,
		auth.Middleware(m.keys),
		httpx.NewRateLimiter(hc.RateLimit).Middleware,
		httpx.LimitBody(hc.Body),
		httpx.Timeout(m.Config.ExportTimeout),
	)
}

// apiStore returns the store the GraphQL layer uses: the open store, passed
// through WrapStore (tests), counted and timed by the metrics and traced
// when tracing is on.
func (m *Main) apiStore() kepu.Store {
	st := m.Store
	if m.WrapStore != nil {
		st = m.WrapStore(st)
	}
	if m.Tracing != nil {
		st = m.Tracing.Store(st)
	}
	return metrics.InstrumentStore(st, m.metrics)
}

// limitOrOff maps a configured query limit to gqllimit's convention: the
// configuration's 0 (off) is gqllimit's negative value; 0 there means its
// default.
func limitOrOff(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// ReadyTimeout bounds the store check of /readyz.
const ReadyTimeout = 2 * time.Second

// readyz answers 200 when the store can be reached and 503 otherwise. A
// backend with a Ready method (Neo4j) is asked; any other is asked for a
// count, which proves it answers.
func (m *Main) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	var err error
	if rs, ok := m.Store.(interface{ Ready(context.Context) error }); ok {
		err = rs.Ready(ctx)
	} else {
		_, err = m.Store.CountNodes(ctx, kepu.Province, nil)
	}
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		// The cause may name files or hosts: it goes to the log only.
		m.Logger.Warn("not ready", "request_id", httpx.RequestID(r.Context()), "error", kepu.ErrorMessage(err))
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "error": graph.UnavailableMessage})
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"status": "ready"})
}

// healthz answers 200 with {"status":"ok"} while the process serves.
func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
}

// recoverPanics turns a panic outside GraphQL execution (gqlgen recovers
// those in resolvers itself) into 500 INTERNAL_SERVER_ERROR with the request
// ID; the panic value goes to the log only.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				id := httpx.RequestID(r.Context())
				log.Error("panic serving request", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
				if httpx.RecordFrom(r.Context()).Info().Status == 0 {
					httpx.Rejection{Status: http.StatusInternalServerError, Code: kepu.Internal,
						Message: "internal error", Extensions: map[string]any{"requestId": id}}.Write(w, r)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
