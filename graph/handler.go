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
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kepugraph/kepugraph/graph/generated"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// Options configure the handler.
type Options struct {
	MaxPageSize int          // largest page a connection returns; default 100
	Logger      *slog.Logger // may be nil (logs are discarded)
	// BatchWait is how long a dataloader collects keys before calling the
	// store; default 1ms. It applies only to fields the lookahead prefetch
	// did not load (see prefetch.go): prefetched fields never wait.
	BatchWait time.Duration
	// NoPrefetch turns the lookahead prefetch off, leaving every nested
	// field to the batching loaders (for comparison in tests and
	// benchmarks).
	NoPrefetch bool
	// Extensions are added to the gqlgen server with srv.Use, in order,
	// after the built-in ones (for example query limits and access control).
	Extensions []graphql.HandlerExtension
	// NoIntrospection turns introspection off (it is on by default); field
	// suggestions ("Did you mean …") in validation errors go with it.
	NoIntrospection bool
}

// DefaultBatchWait is the default Options.BatchWait.
const DefaultBatchWait = time.Millisecond

// New returns the GraphQL HTTP handler (POST and GET, application/json) for
// the store. Each request gets its own dataloaders and store-call counter;
// the response's extensions.storeCalls reports the count.
func New(st kepu.Store, opts Options) http.Handler {
	if opts.MaxPageSize <= 0 {
		opts.MaxPageSize = 100
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.BatchWait <= 0 {
		opts.BatchWait = DefaultBatchWait
	}
	r := &Resolver{store: st, maxPageSize: opts.MaxPageSize, batchWait: opts.BatchWait, noPrefetch: opts.NoPrefetch, logger: opts.Logger,
		analyzer: &analysis.Analyzer{Store: st}}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opts.NoIntrospection {
		srv.SetDisableSuggestion(true)
	} else {
		srv.Use(extension.Introspection{})
	}
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
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
		return next(WithLoaders(ctx, NewLoaders(st, opts.BatchWait)))
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
