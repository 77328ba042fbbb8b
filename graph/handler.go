package graph

import (
	"context"
	"github.com/kepugraph/kepugraph/analysis"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/kepugraph/kepugraph/graph/generated"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// Options configure the handler.
type Options struct {
	MaxPageSize int          // largest page a connection returns; default 100
	Logger      *slog.Logger // may be nil (logs are discarded)
	// BatchWait is how long a dataloader collects keys before calling the
	// store; default 1ms. It applies with NoPrefetch only: with the
	// prefetch on, lists are marshaled in one goroutine, so a field the
	// prefetch did not load makes its own store call at once (see
	// prefetch.go, startOperation).
	BatchWait time.Duration
	// NoPrefetch turns the lookahead prefetch off, leaving every nested
	// field to the batching loaders (for comparison in tests and
	// benchmarks): the one switch of the prefetch (see prefetch.go). The
	// answers are the same either way; the store calls and their timing
	// differ.
	NoPrefetch bool
	// Extensions are added to the gqlgen server with srv.Use, in order,
	// after the built-in ones (for example query limits and access control).
	Extensions []graphql.HandlerExtension
	// NoIntrospection turns introspection off (it is on by default); field
	// suggestions ("Did you mean …") in validation errors go with it.
	NoIntrospection bool
	// PersistedQueries bounds the cache of Apollo automatic persisted
	// queries (SHA-256 hash → query text, least recently used out); default
	// DefaultPersistedQueries; negative turns persisted queries off.
	PersistedQueries int
	// MaxStringBytes is the longest String (or ID) input value in bytes,
	// inline or in a variable; longer: BAD_USER_INPUT (a variable) or
	// GRAPHQL_VALIDATION_FAILED (a literal). 0 (or less) turns the limit
	// off, as every limit of the server; DefaultMaxStringBytes is its
	// default there.
	MaxStringBytes int
	// WarmPathsFrom, when set, is a store of the same graph (for example
	// the store without the instrumentation of the one the handler is
	// given) from which the analyzer's adjacency of the graph is read in
	// the background when the handler is made
	// (analysis.Analyzer.StartWarm), so that the first path and
	// neighborhood requests do not walk the store.
	WarmPathsFrom kepu.Store
	// Analytics bounds the network measures (centrality, communities,
	// coverage, systemStats): AnalyticsSlots computations at once
	// [GOMAXPROCS], and a cache of at most AnalyticsCacheEntries results
	// [analysis.DefaultCacheEntries] and about AnalyticsCacheBytes bytes
	// [analysis.DefaultCacheBytes]; zero takes the default (see
	// analysis.Analyzer).
	AnalyticsSlots        int
	AnalyticsCacheEntries int
	AnalyticsCacheBytes   int64
}

// DefaultMaxPageSize is the default Options.MaxPageSize.
const DefaultMaxPageSize = 100

// DefaultMaxStringBytes is the server's default Options.MaxStringBytes (10 KB).
const DefaultMaxStringBytes = 10 << 10

// DefaultPersistedQueries is the default Options.PersistedQueries.
const DefaultPersistedQueries = 1000

// DefaultBatchWait is the default Options.BatchWait.
const DefaultBatchWait = time.Millisecond

// newResolver is the root resolver of New's handler (opts with its
// defaults applied).
func newResolver(st kepu.Store, opts Options) *Resolver {
	return &Resolver{store: st, maxPageSize: opts.MaxPageSize, maxString: opts.MaxStringBytes, batchWait: opts.BatchWait, noPrefetch: opts.NoPrefetch, logger: opts.Logger,
		analyzer: &analysis.Analyzer{Store: st, Slots: opts.AnalyticsSlots,
			CacheEntries: opts.AnalyticsCacheEntries, CacheBytes: opts.AnalyticsCacheBytes}}
}

// New returns the GraphQL HTTP handler (POST and GET, application/json) for
// the store. Each request gets its own dataloaders and store-call counter;
// the response's extensions.storeCalls reports the count.
func New(st kepu.Store, opts Options) http.Handler {
	if opts.MaxPageSize <= 0 {
		opts.MaxPageSize = DefaultMaxPageSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BatchWait <= 0 {
		opts.BatchWait = DefaultBatchWait
	}
	r := newResolver(st, opts)
	if opts.WarmPathsFrom != nil {
		r.analyzer.StartWarm(context.Background(), opts.WarmPathsFrom)
	}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: r})
	srv := handler.New(es)
	srv.AddTransport(getTransport{})
	srv.AddTransport(postTransport{})
	queries := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queries)
	srv.SetValidationRulesFn(func() *rules.Rules { return validationRules(opts.MaxStringBytes) })
	if opts.PersistedQueries == 0 {
		opts.PersistedQueries = DefaultPersistedQueries
	}
	if opts.PersistedQueries > 0 {
		// First: it fills in the query text of a hash-only request, which
		// every later extension reads.
		srv.Use(persistedQueries{extension.AutomaticPersistedQuery{Cache: lru.New[string](opts.PersistedQueries)}})
	}
	if opts.NoIntrospection {
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
		srv.Use(introspectionNulls{})
	}
	r.plainFields = true
	for _, ext := range opts.Extensions {
		srv.Use(ext)
		if _, ok := ext.(graphql.FieldInterceptor); ok {
			r.plainFields = false
		}
	}
	// After the query limits: it may parse the query.
	srv.Use(variableCheck{schema: es.Schema(), cache: queries, maxString: opts.MaxStringBytes})
	srv.SetErrorPresenter(presentError(opts.Logger))
	srv.SetRecoverFunc(recoverPanic(opts.Logger))
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["storeCalls"] = StoreCalls(ctx)
		}
		return resp
	})
	// Each operation gets its own loaders (and store-call counter), in
	// gqlgen's context: no copy of the HTTP request for them.
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(r.startOperation(ctx))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if httpx.RecordFrom(req.Context()) == nil {
			// Outside httpx.Track (which has given the request its ID and
			// set the response header): give it one here.
			id := req.Header.Get("X-Request-ID")
			if id == "" || len(id) > 128 {
				id = uuid.NewString()
			}
			w.Header().Set("X-Request-ID", id)
			req = req.WithContext(context.WithValue(req.Context(), requestIDKey{}, id))
		}
		srv.ServeHTTP(w, req)
	})
}
