// Package metrics exposes Prometheus metrics for the GraphQL server on its
// own registry: requests by operation and outcome, request latency, store
// calls and their latency, rejections by code and rate-limit hits.
//
//	m := metrics.New(metrics.Config{})
//	store = metrics.InstrumentStore(store, m)
//	mux.Handle("/metrics", m.Handler())
//	handler = httpx.Stack(cfg, api, m.Middleware, auth.Middleware(keys))
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// Config configures the metrics.
type Config struct {
	// Namespace prefixes every metric name ["kepugraph"].
	Namespace string
	// MaxOperationNames bounds the distinct operation-name label values
	// [100]; later new names are reported as "other".
	MaxOperationNames int
	// MaxOperationNameLen truncates operation names [64].
	MaxOperationNameLen int
	// Buckets are the latency histogram buckets in seconds
	// [prometheus.DefBuckets].
	Buckets []float64
	// NoRuntimeCollectors leaves out the Go runtime and process collectors.
	NoRuntimeCollectors bool
}

// Label values used when a name is not reported as is.
const (
	Anonymous = "anonymous" // no operation name, or one that does not match the safe pattern
	Other     = "other"     // a valid name past MaxOperationNames, or an unknown outcome
)

// Metrics holds the collectors and their registry.
type Metrics struct {
	cfg      Config
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // operation, outcome, status
	latency  *prometheus.HistogramVec // operation
	inflight prometheus.Gauge
	calls    *prometheus.CounterVec   // method, code
	callDur  *prometheus.HistogramVec // method
	rejects  *prometheus.CounterVec   // code
	limited  prometheus.Counter

	mu    sync.Mutex
	names map[string]bool

	// Children of the vectors resolved once per label values, instead of
	// hashing the label strings on every request and store call.
	reqChildren     sync.Map                  // requestLabels -> prometheus.Counter
	latencyChildren sync.Map                  // operation -> prometheus.Observer
	callChildren    map[string]*storeChildren // by method; fixed after New
}

type requestLabels struct {
	op, outcome string
	status      int
}

// storeChildren are the children of one store method, resolved on its
// first successful call (so that /metrics lists no series before use).
type storeChildren struct {
	once sync.Once
	ok   prometheus.Counter
	dur  prometheus.Observer
}

// storeMethods are the methods of kepu.Store that InstrumentStore counts.
var storeMethods = []string{"Nodes", "FindNodes", "CountNodes", "Neighbors", "CountNeighbors", "PlaceNodes", "CountPlaceNodes", "Locate", "Aggregate", "AggregateEdges", "Edges", "Write"}

// New returns metrics registered on a new registry.
func New(cfg Config) *Metrics {
	if cfg.Namespace == "" {
		cfg.Namespace = "kepugraph"
	}
	if cfg.MaxOperationNames <= 0 {
		cfg.MaxOperationNames = 100
	}
	if cfg.MaxOperationNameLen <= 0 {
		cfg.MaxOperationNameLen = 64
	}
	if len(cfg.Buckets) == 0 {
		cfg.Buckets = prometheus.DefBuckets
	}
	ns := cfg.Namespace
	m := &Metrics{
		cfg:   cfg,
		reg:   prometheus.NewRegistry(),
		names: map[string]bool{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "http_requests_total",
			Help: "GraphQL HTTP requests by operation name, outcome (ok or error code) and status."}, []string{"operation", "outcome", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "http_request_duration_seconds",
			Help: "GraphQL HTTP request latency by operation name.", Buckets: cfg.Buckets}, []string{"operation"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "http_requests_in_flight",
			Help: "GraphQL HTTP requests being served."}),
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "store_calls_total",
			Help: "Store method calls by method and result code (ok or an error code)."}, []string{"method", "code"}),
		callDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "store_call_duration_seconds",
			Help: "Store method latency.", Buckets: cfg.Buckets}, []string{"method"}),
		rejects: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "rejections_total",
			Help: "Requests rejected by a limit, a protocol rule or access control, by code."}, []string{"code"}),
		limited: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "rate_limited_total",
			Help: "Requests refused by the per-client rate limit."}),
	}
	m.callChildren = make(map[string]*storeChildren, len(storeMethods))
	for _, method := range storeMethods {
		m.callChildren[method] = &storeChildren{}
	}
	m.reg.MustRegister(m.requests, m.latency, m.inflight, m.calls, m.callDur, m.rejects, m.limited)
	if !cfg.NoRuntimeCollectors {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

// Registry returns the registry (to add collectors or gather in tests).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format (mount it at
// /metrics).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// RejectionCodes are the outcomes counted in rejections_total.
var RejectionCodes = map[string]bool{
	"DEPTH_LIMIT_EXCEEDED": true, "ALIAS_LIMIT_EXCEEDED": true, "TOKEN_LIMIT_EXCEEDED": true,
	"QUERY_TOO_LARGE": true, "COMPLEXITY_LIMIT_EXCEEDED": true,
	httpx.CodePayloadTooLarge: true, httpx.CodeBatchingNotSupported: true, httpx.CodeBadRequest: true,
	httpx.CodeMethodNotAllowed: true, httpx.CodeUnsupportedMediaType: true, httpx.CodeNotAcceptable: true,
	httpx.CodeRateLimited: true, httpx.CodeTimeout: true,
	"UNAUTHENTICATED": true, "FORBIDDEN": true,
}

// knownOutcomes bounds the outcome label.
var knownOutcomes = func() map[string]bool {
	m := map[string]bool{"ok": true, "ERROR": true,
		kepu.BadUserInput: true, kepu.NotFound: true, kepu.Conflict: true, kepu.Unavailable: true, kepu.Internal: true,
		httpx.CodeClientClosedRequest: true,
		"GRAPHQL_PARSE_FAILED":        true, "GRAPHQL_VALIDATION_FAILED": true}
	for c := range RejectionCodes {
		m[c] = true
	}
	return m
}()

// safeName reports whether name matches [A-Za-z_][A-Za-z0-9_]* (a GraphQL
// name), without a regular expression.
func safeName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return name != ""
}

// OperationLabel returns the label value for an operation name: the name
// truncated to MaxOperationNameLen when it matches [A-Za-z_][A-Za-z0-9_]*,
// "anonymous" otherwise, and "other" for new names once MaxOperationNames
// distinct names have been seen.
func (m *Metrics) OperationLabel(name string) string {
	if len(name) > m.cfg.MaxOperationNameLen {
		name = name[:m.cfg.MaxOperationNameLen]
	}
	if name == "" || !safeName(name) {
		return Anonymous
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= m.cfg.MaxOperationNames {
		return Other
	}
	m.names[name] = true
	return name
}

func outcomeLabel(s string) string {
	switch {
	case s == "":
		return "unknown"
	case knownOutcomes[s]:
		return s
	}
	return Other
}

// Middleware records every request once it is served: count by operation,
// outcome and status, latency, rejections and rate-limit hits. It reads the
// httpx record (adding httpx.Track when no outer middleware did), so put it
// outside the middleware that rejects requests, and add httpx.Recorder{} to
// the gqlgen server so that operation names and outcomes are known.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.inflight.Inc()
		defer m.inflight.Dec()
		rec := httpx.RecordFrom(r.Context())
		start := time.Now()
		next.ServeHTTP(w, r)
		in := rec.Served(r.Context())
		op := m.OperationLabel(in.Operation)
		outcome := in.Outcome
		if outcome == "" && in.Status >= 200 && in.Status < 300 {
			outcome = "ok"
		}
		m.requestCounter(op, outcomeLabel(outcome), in.Status).Inc()
		m.latencyObserver(op).Observe(time.Since(start).Seconds())
		if RejectionCodes[outcome] {
			m.rejects.WithLabelValues(outcome).Inc()
		}
		if outcome == httpx.CodeRateLimited {
			m.limited.Inc()
		}
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if httpx.RecordFrom(r.Context()) == nil {
			httpx.Track(h).ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// requestCounter returns the child of requests_total for the labels (their
// values are bounded: see OperationLabel and outcomeLabel).
func (m *Metrics) requestCounter(op, outcome string, status int) prometheus.Counter {
	key := requestLabels{op: op, outcome: outcome, status: status}
	if c, ok := m.reqChildren.Load(key); ok {
		return c.(prometheus.Counter)
	}
	c := m.requests.WithLabelValues(op, outcome, strconv.Itoa(status))
	m.reqChildren.Store(key, c)
	return c
}

// latencyObserver returns the child of http_request_duration_seconds for op.
func (m *Metrics) latencyObserver(op string) prometheus.Observer {
	if o, ok := m.latencyChildren.Load(op); ok {
		return o.(prometheus.Observer)
	}
	o := m.latency.WithLabelValues(op)
	m.latencyChildren.Store(op, o)
	return o
}

// observeCall records one store call.
func (m *Metrics) observeCall(ctx context.Context, method string, start time.Time, err error) {
	if ch := m.callChildren[method]; ch != nil && err == nil {
		ch.once.Do(func() {
			ch.ok, ch.dur = m.calls.WithLabelValues(method, "ok"), m.callDur.WithLabelValues(method)
		})
		ch.ok.Inc()
		ch.dur.Observe(time.Since(start).Seconds())
		return
	}
	code := "ok"
	if err != nil {
		code = kepu.ErrorCode(err)
		switch {
		case httpx.ClientClosed(ctx):
			code = httpx.CodeClientClosedRequest
		case ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded):
			code = httpx.CodeTimeout
		case errors.Is(err, context.Canceled):
			code = httpx.CodeClientClosedRequest
		}
		if !knownOutcomes[code] {
			code = Other
		}
	}
	m.calls.WithLabelValues(method, code).Inc()
	m.callDur.WithLabelValues(method).Observe(time.Since(start).Seconds())
}
