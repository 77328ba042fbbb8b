// Command kepugraph serves the graph of China's science-popularization
// network over GraphQL.
//
// Run `kepugraph --help` for its flags. The program is laid out like
// benbjohnson/wtf's cmd/wtfd: a Main struct parses the configuration, opens
// the store and starts the HTTP server in Run, and stops everything in Close;
// main only wires signals and exit codes. The parts (the configuration, the
// routes, the log sink, the garbage-collector settings, the profiler,
// opening and seeding the store) are in package server.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/kepugraph/kepugraph/admin"
	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/metrics"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/server"
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

	sink := server.NewLogSink(os.Stderr)
	defer sink.Stop()
	m := NewMain()
	m.Stderr = sink
	if err := m.ParseFlags(ctx, os.Args[1:]); errors.Is(err, server.ErrHelp) {
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
	Config server.Config
	Logger *slog.Logger

	// Stdout receives the usage that --help asks for; Stderr receives logs,
	// and the usage after a flag error; Getenv reads the environment.
	// Tests replace them.
	Stdout io.Writer
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

	// warmStop stops the warm-up (warmUp), warmDone is closed when it
	// has ended; both nil when none runs.
	warmStop context.CancelFunc
	warmDone chan struct{}

	// openStore opens the store (server.OpenStore when nil; a test hook).
	openStore func(context.Context, server.Config, *slog.Logger) (kepu.Store, error)

	ln    net.Listener
	srv   *http.Server
	done  chan error   // the result of srv.Serve
	debug *http.Server // the profiler (--debug-addr), nil when off
}

// NewMain returns a Main with the default configuration.
func NewMain() *Main {
	return &Main{
		Config: server.DefaultConfig(),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	}
}

// ParseFlags sets the configuration from the environment and args. It
// returns ErrHelp after printing the usage for --help to Stdout (so that
// `kepugraph --help | less` and `| grep` work, as GNU's --help); a flag
// error's message and usage go to Stderr.
func (m *Main) ParseFlags(ctx context.Context, args []string) error {
	var usage bytes.Buffer
	c, err := server.ParseConfig(args, m.Getenv, &usage)
	if errors.Is(err, server.ErrHelp) {
		_, werr := m.Stdout.Write(usage.Bytes())
		return errors.Join(err, werr)
	}
	if _, werr := m.Stderr.Write(usage.Bytes()); err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	m.Config = c
	m.Logger = c.NewLogger(m.Stderr)
	return nil
}

// Run listens on the address (and the debug address), opens the store,
// loads the reference dataset into it when it is empty, and serves HTTP in
// the background. An address that cannot be listened on fails before the
// store is opened; until the store is open every request is answered
// 503 SERVICE_UNAVAILABLE (server.Starting). It returns once the server
// serves the API (see URL) or when something failed; call Close in both
// cases.
func (m *Main) Run(ctx context.Context) error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	log := m.Logger
	server.ApplyGC(m.Config, log)
	// The ports first: an address in use (another kepugraph on 8080) is
	// refused before the store is opened, seeded or migrated, not after a
	// minute of loading the reference dataset. Until the store is open
	// every request is answered at once by server.Starting (503, /healthz
	// 200 "starting"): it waited unanswered in the listen queue.
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.ln = ln
	if m.Config.DebugAddr != "" {
		if m.debug, err = server.StartDebug(m.Config.DebugAddr, log); err != nil {
			return err
		}
	}
	routes := new(server.Switch)
	routes.Set(server.StartingHandler(m.Config, log))
	m.srv = &http.Server{
		Handler:           routes,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    server.MaxHeaderBytes(m.Config),
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	m.done = make(chan error, 1)
	// net/http's own answers to requests it cannot read become JSON
	// errors with a code, as every other refusal (server.JSONErrors).
	go func() { m.done <- m.srv.Serve(server.JSONErrors(ln)) }()
	log.Info("starting: answering 503 until the store is open", "url", m.URL())

	start := time.Now()
	open := m.openStore
	if open == nil {
		open = server.OpenStore
	}
	st, err := open(ctx, m.Config, log)
	if err != nil {
		return err
	}
	m.Store = st
	if m.keys, err = m.Config.LoadKeys(); err != nil {
		return err
	}
	m.metrics = metrics.New(metrics.Config{})
	if m.Config.OTel && m.Tracing == nil {
		if m.Tracing, err = metrics.NewOTLPTracing(ctx); err != nil {
			return fmt.Errorf("set up OpenTelemetry: %w", err)
		}
		log.Info("OpenTelemetry tracing on (OTLP over HTTP)")
	}
	log.Info("store open", append(storeArgs(m.Config), "took", time.Since(start).Round(time.Millisecond).String())...)

	seedDir := ""
	if m.Config.Store == "embedded" {
		seedDir = m.Config.DataDir
	}
	if err := server.Seed(ctx, m.Store, seedDir, m.Config.NoSeed, log); err != nil {
		return err
	}
	if m.Config.Store == "neo4j" {
		m.warmUp(log)
	}

	routes.Set(m.Handler())

	explorer := "built"
	if !web.Built() {
		explorer = "not built (run make web)"
	}
	log.Info("listening", "url", m.URL(), "graphql", m.URL()+"/query", "explorer", explorer)
	return nil
}

// storeArgs are the log attributes that say which store is used: the data
// directory of the embedded store, the URI (without credentials) and
// database of Neo4j.
func storeArgs(c server.Config) []any {
	if c.Store == "neo4j" {
		return []any{"store", c.Store, "uri", neo4jstore.RedactURI(c.Neo4jURI), "database", c.Neo4jDatabase}
	}
	return []any{"store", c.Store, "dataDir", c.DataDir}
}

// warmUp computes systemStats once in the background (graph.WarmUp), so
// that Neo4j plans its statements before the first request asks for them;
// the server serves meanwhile. Close stops it.
func (m *Main) warmUp(log *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	m.warmStop, m.warmDone = cancel, make(chan struct{})
	go func() {
		defer close(m.warmDone)
		start := time.Now()
		if err := graph.WarmUp(ctx, m.Store); err != nil {
			if ctx.Err() == nil {
				log.Warn("warm-up (systemStats) failed", "error", kepu.ErrorMessage(err))
			}
			return
		}
		log.Info("warm-up done (systemStats)", "took", time.Since(start).Round(time.Millisecond).String())
	}()
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
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		if err := m.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shut down http server: %w", err))
			m.srv.Close()
		}
		if err := <-m.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		m.srv = nil
	} else if m.ln != nil {
		// Run failed after listening, before serving (a second Close
		// closes it again, which does nothing).
		m.ln.Close()
	}
	if m.warmStop != nil {
		m.warmStop()
		<-m.warmDone
		m.warmStop, m.warmDone = nil, nil
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

// Handler returns the HTTP routes (see server.Handler) over the open store.
func (m *Main) Handler() http.Handler {
	if m.metrics == nil {
		m.metrics = metrics.New(metrics.Config{})
	}
	return server.Handler(server.Routes{Config: m.Config, Store: m.Store, Wrap: m.WrapStore, Tracing: m.Tracing,
		Metrics: m.metrics, Keys: m.keys, Logger: m.Logger})
}
