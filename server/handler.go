package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kepugraph/kepugraph/admin"
	"github.com/kepugraph/kepugraph/auth"
	"github.com/kepugraph/kepugraph/export"
	"github.com/kepugraph/kepugraph/gqllimit"
	"github.com/kepugraph/kepugraph/graph"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
	"github.com/kepugraph/kepugraph/metrics"
	"github.com/kepugraph/kepugraph/web"
)

// Routes is what the HTTP routes serve and with what.
type Routes struct {
	Config Config
	// Store is the open store. /admin/backup and /readyz use it as it is;
	// /query and /export see it wrapped: by Wrap when set, by Tracing when
	// set, and by Metrics.
	Store   kepu.Store
	Wrap    func(kepu.Store) kepu.Store // a test hook, e.g. a store that fails
	Tracing *metrics.Tracing            // nil: no tracing
	Metrics *metrics.Metrics            // required
	Keys    *auth.Keyring               // API keys; nil refuses every key
	Logger  *slog.Logger
}

// Handler returns the HTTP routes: /query (GraphQL, behind the hardening
// stack: request IDs, CORS, metrics, rate limit, API keys, GraphQL-over-HTTP
// rules, body limit, deadline, and the query limits inside gqlgen),
// /admin/backup (rate limit, an admin key), /export/{format} (graph files, see
// exportHandler), /metrics, /healthz, /readyz and / (the explorer). Every
// request gets an ID and one access-log line; a panic becomes a 500 with the
// request ID; a URL longer than MaxURLBytes is 414 URI_TOO_LONG on every
// route. Serve it with MaxHeaderBytes and JSONErrors (see Main.Start).
func Handler(r Routes) http.Handler {
	c := r.Config
	extensions := []graphql.HandlerExtension{
		httpx.Recorder{},
		gqllimit.New(gqllimit.Config{
			MaxQueryBytes:   c.MaxQueryBytes,
			MaxTokens:       c.MaxTokens,
			MaxDepth:        c.MaxDepth,
			MaxAliases:      c.MaxAliases,
			MaxCost:         c.MaxCost,
			DefaultPageSize: c.MaxPageSize,
			ArgumentMax:     graph.ArgumentMax(c.MaxPageSize),
		}),
		auth.MutationGuard(auth.RoleEditor),
	}
	if r.Tracing != nil {
		extensions = append(extensions, r.Tracing.Extension())
	}
	api := graph.New(r.apiStore(), graph.Options{
		MaxPageSize:           c.MaxPageSize,
		Logger:                r.Logger,
		Extensions:            extensions,
		NoIntrospection:       !c.Introspection,
		MaxStringBytes:        c.MaxStringBytes,
		AnalyticsSlots:        c.AnalyticsSlots,
		AnalyticsCacheEntries: c.AnalyticsCacheEntries,
		AnalyticsCacheBytes:   c.AnalyticsCacheBytes(),
		// The first path requests find the adjacency; its read is not a
		// request's (not in the store metrics, traces or test hooks).
		WarmPathsFrom: r.Store,
	})

	hc := httpx.DefaultConfig()
	hc.Body.MaxBytes = c.MaxBodyBytes
	hc.Conform.MaxQueryBytes = c.MaxQueryBytes
	hc.Timeout = c.Timeout
	hc.RateLimit.Rate = c.RateLimit
	hc.RateLimit.Burst = c.RateBurst
	hc.RateLimit.TrustedProxies = c.TrustedProxies
	hc.RateLimit.Principal = r.principal // the limiter runs before auth: guessed keys count per IP
	hc.Auth = auth.Middleware(r.Keys)
	hc.CORS = corsConfig(c)
	// hc.Logger stays nil: the access log wraps every route below.

	mux := http.NewServeMux()
	mux.Handle("/query", httpx.Stack(hc, requestScope(r.Store, api), r.Metrics.Middleware))
	mux.Handle(admin.BackupPath, httpx.Chain(admin.BackupHandler(r.Store, r.Logger),
		httpx.NewRateLimiter(hc.RateLimit).Middleware, hc.Auth))
	exp := r.exportHandler(hc)
	mux.Handle("/export/{format}", exp)
	mux.Handle("/export", exp)     // 404 NOT_FOUND naming the formats
	mux.Handle("/export/{$}", exp) // the same

	mux.Handle("/metrics", r.Metrics.Handler())
	mux.HandleFunc("/healthz", healthz)
	mux.HandleFunc("/readyz", r.readyz)
	mux.Handle("/", web.Handler("/query"))
	return httpx.Chain(mux, httpx.Track, httpx.AccessLog(r.Logger), recoverPanics(r.Logger), LimitURL(MaxURLBytes(c)))
}

// exportHandler returns GET /export/{format} (graph files, see package
// export) behind the middleware of /query except the GraphQL-over-HTTP
// rules: CORS, metrics, the rate limit (its own buckets, with the same
// rate), API keys (reads are public), the body limit, and --export-timeout as
// its deadline. Its store calls are counted and traced like the GraphQL
// layer's.
func (r Routes) exportHandler(hc httpx.Config) http.Handler {
	h := &export.Handler{
		Exporter: &export.Exporter{Store: r.apiStore()},
		Where:    graph.PlainWhere(r.Config.MaxStringBytes),
		Logger:   r.Logger,
	}
	return httpx.Chain(h,
		httpx.CORS(hc.CORS),
		r.Metrics.Middleware,
		httpx.NewRateLimiter(hc.RateLimit).Middleware,
		hc.Auth,
		httpx.LimitBody(hc.Body),
		httpx.Timeout(r.Config.ExportTimeout),
	)
}

// principal returns the name of the API key that req's Authorization
// header carries, "" for none or an invalid one (the rate limiter's key,
// see httpx.RateLimitConfig.Principal).
func (r Routes) principal(req *http.Request) string {
	h := req.Header.Get("Authorization")
	if h == "" {
		return ""
	}
	tok, ok := auth.BearerToken(h)
	if !ok {
		return ""
	}
	p, ok := r.Keys.Authenticate(tok)
	if !ok {
		return ""
	}
	return p.Name
}

// apiStore returns the store the GraphQL layer and the export use: the open
// store, passed through Wrap, counted and timed by the metrics and traced
// when tracing is on.
func (r Routes) apiStore() kepu.Store {
	st := r.Store
	if r.Wrap != nil {
		st = r.Wrap(st)
	}
	if r.Tracing != nil {
		st = r.Tracing.Store(st)
	}
	return metrics.InstrumentStore(st, r.Metrics)
}

// splitList splits a comma-separated list, dropping blanks.
// corsConfig is the CORS of every route: --cors-origins and --cors-headers.
func corsConfig(c Config) httpx.CORSConfig {
	return httpx.CORSConfig{AllowedOrigins: splitList(c.CORSOrigins), AllowedHeaders: splitList(c.CORSHeaders)}
}

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
// count, which proves it answers. A backend with a SearchReady method
// (Neo4j, whose search index may still be populating after a start) is
// asked next: until its search answers, /readyz answers 503 with the
// store's message (the index is being built, N %), while the rest of the
// API serves.
func (r Routes) readyz(w http.ResponseWriter, req *http.Request) {
	ctx, cancel := context.WithTimeout(req.Context(), ReadyTimeout)
	defer cancel()
	var err error
	if rs, ok := r.Store.(interface{ Ready(context.Context) error }); ok {
		err = rs.Ready(ctx)
	} else {
		_, err = r.Store.CountNodes(ctx, kepu.Province, nil)
	}
	if ss, ok := r.Store.(interface{ SearchReady(context.Context) error }); ok && err == nil {
		err = ss.SearchReady(ctx)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		// The cause may name files or hosts: it goes to the log only,
		// unless the store marked its message as one for clients.
		r.Logger.Warn("not ready", "request_id", httpx.RequestID(req.Context()), "error", kepu.ErrorMessage(err))
		msg := graph.UnavailableMessage
		if ke := (*kepu.Error)(nil); errors.As(err, &ke) && ke.Public {
			msg = ke.Message
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "error": msg})
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
