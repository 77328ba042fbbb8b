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
	"syscall"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/neo4jstore"
	"github.com/kepugraph/kepugraph/seed/dataset"
	"github.com/kepugraph/kepugraph/web"
)

// ShutdownTimeout bounds the graceful shutdown: requests still running after
// it are cut off.
const ShutdownTimeout = 10 * time.Second

// MaxRequestBytes bounds the body of a request to /query.
const MaxRequestBytes = 1 << 20

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	m := NewMain()
	if err := m.ParseFlags(ctx, os.Args[1:]); errors.Is(err, ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "kepugraph:", err)
		os.Exit(2)
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		fmt.Fprintln(os.Stderr, "kepugraph:", err)
		os.Exit(1)
	}

	<-ctx.Done()
	stop() // a second signal kills the process at once
	m.Logger.Info("shutting down", "timeout", ShutdownTimeout.String())
	if err := m.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "kepugraph:", err)
		os.Exit(1)
	}
}

// Main is the program: its configuration and the resources it opened.
type Main struct {
	Config Config
	Logger *slog.Logger

	// Stderr receives logs and usage; Getenv reads the environment. Tests
	// replace them.
	Stderr io.Writer
	Getenv func(string) string

	Store kepu.Store

	ln     net.Listener
	server *http.Server
	done   chan error // the result of server.Serve
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
	start := time.Now()
	st, err := openStore(ctx, m.Config, log)
	if err != nil {
		return err
	}
	m.Store = st
	log.Info("store open", "store", m.Config.Store, "dataDir", m.Config.DataDir, "took", time.Since(start).Round(time.Millisecond).String())

	if err := m.seed(ctx); err != nil {
		return err
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

// seed loads the reference dataset when the store holds no province (a new
// data directory), unless NoSeed is set.
func (m *Main) seed(ctx context.Context) error {
	log := m.Logger
	n, err := m.Store.CountNodes(ctx, kepu.Province, nil)
	if kepu.ErrorCode(err) == kepu.Unavailable {
		// A server backend that is down at start: serve anyway (/readyz says
		// not ready); load the dataset with the seed command once it is up.
		log.Warn("store unreachable; not checking for the reference dataset", "error", kepu.ErrorMessage(err))
		return nil
	}
	if err != nil {
		return fmt.Errorf("count provinces: %w", err)
	}
	if n > 0 {
		log.Info("store holds data; not loading the reference dataset", "provinces", n)
		return nil
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

// Handler returns the HTTP routes: /query (GraphQL), /healthz and / (the
// explorer), wrapped in request logging.
func (m *Main) Handler() http.Handler {
	mux := http.NewServeMux()
	api := graph.New(m.Store, graph.Options{MaxPageSize: m.Config.MaxPageSize, Logger: m.Logger})
	mux.Handle("/query", http.MaxBytesHandler(api, MaxRequestBytes))
	mux.HandleFunc("/healthz", healthz)
	mux.HandleFunc("/readyz", m.readyz)
	mux.Handle("/", web.Handler("/query"))
	return logRequests(m.Logger, mux)
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
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "error": kepu.ErrorMessage(err)})
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

// statusWriter records the status code a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request (method, path, status, size,
// duration) at Info level, and turns a panic into a 500.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			if !log.Enabled(r.Context(), slog.LevelInfo) {
				return
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int("bytes", sw.bytes),
				slog.Duration("duration", time.Since(start)),
			)
		}()
		next.ServeHTTP(sw, r)
	})
}
