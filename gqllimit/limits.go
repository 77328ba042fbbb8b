// Package gqllimit is a gqlgen handler extension that bounds GraphQL
// operations before any resolver runs: query size and tokens before parsing,
// then depth, aliases and a GitHub-style cost after validation. The cost is
// reported in every response's extensions.cost.
//
//	srv.Use(gqllimit.New(gqllimit.Config{}))
package gqllimit

import (
	"context"
	"fmt"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kepugraph/kepugraph/httpx"
)

// Error codes (extensions.code) of the rejections.
const (
	CodeDepth      = "DEPTH_LIMIT_EXCEEDED"
	CodeAliases    = "ALIAS_LIMIT_EXCEEDED"
	CodeTokens     = "TOKEN_LIMIT_EXCEEDED"
	CodeSize       = "QUERY_TOO_LARGE"
	CodeComplexity = "COMPLEXITY_LIMIT_EXCEEDED"
)

// Defaults.
const (
	DefaultMaxDepth        = 12
	DefaultMaxAliases      = 30
	DefaultMaxTokens       = 2000
	DefaultMaxQueryBytes   = 20 << 10
	DefaultMaxCost         = 50_000
	DefaultPageSize        = 100
	extensionName          = "QueryLimits"
	statsKey               = "gqllimit.cost"
	responseExtensionField = "cost"
)

func init() {
	// Rejections are protocol errors: gqlgen answers them with 422
	// (application/json) or 400 (application/graphql-response+json)
	// instead of 200.
	for _, c := range []string{CodeDepth, CodeAliases, CodeTokens, CodeSize, CodeComplexity} {
		errcode.RegisterErrorType(c, errcode.KindProtocol)
	}
}

// Config sets the limits. A limit of 0 (or less) is off: the zero Config
// limits nothing; DefaultConfig has the defaults below in brackets.
type Config struct {
	// MaxQueryBytes bounds the query text [20 KB] (QUERY_TOO_LARGE),
	// checked before anything else.
	MaxQueryBytes int
	// MaxTokens bounds the lexical tokens of the query [2000]
	// (TOKEN_LIMIT_EXCEEDED), counted before parsing.
	MaxTokens int
	// MaxDepth bounds field nesting [12] (DEPTH_LIMIT_EXCEEDED).
	MaxDepth int
	// MaxAliases bounds the aliased fields of the operation, fragments
	// included [30] (ALIAS_LIMIT_EXCEEDED).
	MaxAliases int
	// MaxCost bounds the computed cost [50,000]
	// (COMPLEXITY_LIMIT_EXCEEDED); see Measure.
	MaxCost int
	// DefaultPageSize is the size assumed for a connection without first
	// or last [100, also when 0]; keep it equal to the server's default
	// page size.
	DefaultPageSize int
	// ArgumentMax, when set, returns the largest value the resolver of
	// typeName.field accepts for its Int argument arg (first, last, limit),
	// false for none. The cost counts a larger value as that maximum: the
	// resolver refuses it (BAD_USER_INPUT) before any work, and the cost
	// limit must not answer for it first (COMPLEXITY_LIMIT_EXCEEDED for
	// first: 100000 but BAD_USER_INPUT for first: 101).
	ArgumentMax func(typeName, field, arg string) (int, bool)
	// RejectStatus, when set (for example 400), is the HTTP status of every
	// rejection. It needs httpx.Track around the handler. Zero leaves the
	// status to gqlgen: 422 for application/json, 400 for
	// application/graphql-response+json.
	RejectStatus int
	// CountIntrospection counts __schema/__type fields in depth and cost;
	// off by default so that GraphiQL's introspection query (deeper than 12)
	// works. Introspection is still bounded by size and tokens.
	CountIntrospection bool
}

// DefaultConfig returns the default limits.
func DefaultConfig() Config {
	return Config{
		MaxQueryBytes:   DefaultMaxQueryBytes,
		MaxTokens:       DefaultMaxTokens,
		MaxDepth:        DefaultMaxDepth,
		MaxAliases:      DefaultMaxAliases,
		MaxCost:         DefaultMaxCost,
		DefaultPageSize: DefaultPageSize,
	}
}

// Cost is the value of a response's extensions.cost.
type Cost struct {
	Requested int `json:"requested"`
	Limit     int `json:"limit"`
}

// AppendJSON appends the JSON encoding of c (what json.Marshal gives) to b,
// without reflection: the GraphQL layer writes it in every response.
func (c Cost) AppendJSON(b []byte) []byte {
	b = append(b, `{"requested":`...)
	b = strconv.AppendInt(b, int64(c.Requested), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(c.Limit), 10)
	return append(b, '}')
}

// Limits is the extension. Create it with New.
type Limits struct {
	cfg    Config
	schema *ast.Schema
	// cache keeps, per query text, its token count and the measurement of
	// its last operation when that does not depend on variables. gqlgen's
	// query cache hands out the same parsed document for the same text, so
	// a repeated query is measured once. Nil when MaxQueryBytes is off
	// (unbounded texts are not kept).
	cache *lru.LRU[*measured]
}

// CacheSize is the number of query texts whose measurements are kept (as
// many as the server's parsed-query cache).
const CacheSize = 1000

// measured is what the cache keeps for one query text. It is never changed
// once in the cache: a new value replaces it.
type measured struct {
	tokens int
	op     *ast.OperationDefinition // the operation m measures; nil when none
	m      Measurement
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = (*Limits)(nil)

// New returns the extension with cfg (a limit of 0 is off).
func New(cfg Config) *Limits {
	if cfg.DefaultPageSize <= 0 {
		cfg.DefaultPageSize = DefaultPageSize
	}
	l := &Limits{cfg: cfg}
	if l.cfg.MaxQueryBytes > 0 {
		l.cache = lru.New[*measured](CacheSize)
	}
	return l
}

// Config returns the effective configuration.
func (l *Limits) Config() Config { return l.cfg }

// ExtensionName implements graphql.HandlerExtension.
func (l *Limits) ExtensionName() string { return extensionName }

// Validate implements graphql.HandlerExtension; it keeps the schema for
// cost computation.
func (l *Limits) Validate(es graphql.ExecutableSchema) error {
	l.schema = es.Schema()
	return nil
}

// MutateOperationParameters checks size and tokens before parsing.
func (l *Limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if max := l.cfg.MaxQueryBytes; max > 0 && len(p.Query) > max {
		return l.reject(ctx, CodeSize, fmt.Sprintf("the query is %d bytes long, more than the limit of %d", len(p.Query), max), max, len(p.Query))
	}
	if max := l.cfg.MaxTokens; max > 0 {
		stop := 0
		if l.cfg.MaxQueryBytes <= 0 {
			stop = max + 1 // no size bound: do not lex an unbounded text
		}
		if n := l.tokens(ctx, p.Query, stop); n > max {
			return l.reject(ctx, CodeTokens, fmt.Sprintf("the query has %d tokens, more than the limit of %d", n, max), max, n)
		}
	}
	return nil
}

// MutateOperationContext measures the parsed, validated operation and
// rejects it when a limit is exceeded; resolvers have not run yet.
func (l *Limits) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil && opCtx.Doc != nil {
		op = opCtx.Doc.Operations.ForName(opCtx.OperationName)
	}
	m := l.measure(ctx, opCtx, op)
	opCtx.Stats.SetExtension(statsKey, &Cost{Requested: m.Cost, Limit: l.cfg.MaxCost})
	httpx.SetCost(ctx, m.Cost)
	if max := l.cfg.MaxDepth; max > 0 && m.Depth > max {
		return l.reject(ctx, CodeDepth, fmt.Sprintf("the query is nested %d levels deep, more than the limit of %d", m.Depth, max), max, m.Depth)
	}
	if max := l.cfg.MaxAliases; max > 0 && m.Aliases > max {
		return l.reject(ctx, CodeAliases, fmt.Sprintf("the operation has %d aliases, more than the limit of %d", m.Aliases, max), max, m.Aliases)
	}
	if max := l.cfg.MaxCost; max > 0 && m.Cost > max {
		return l.reject(ctx, CodeComplexity, fmt.Sprintf("the query costs %d, more than the limit of %d; ask for smaller pages (first/last) or fewer nested connections", m.Cost, max), max, m.Cost)
	}
	return nil
}

// tokens returns CountTokens(query, stop), from the cache when it holds
// the query.
func (l *Limits) tokens(ctx context.Context, query string, stop int) int {
	if l.cache == nil || len(query) > l.cfg.MaxQueryBytes {
		return CountTokens(query, stop)
	}
	if e, ok := l.cache.Get(ctx, query); ok {
		return e.tokens
	}
	n := CountTokens(query, stop)
	l.cache.Add(ctx, query, &measured{tokens: n})
	return n
}

// measure returns Measure of the operation, from the cache when the query
// text's entry holds the same parsed operation and its measurement does not
// depend on variables.
func (l *Limits) measure(ctx context.Context, opCtx *graphql.OperationContext, op *ast.OperationDefinition) Measurement {
	var e *measured
	if l.cache != nil && op != nil {
		e, _ = l.cache.Get(ctx, opCtx.RawQuery)
		if e != nil && e.op == op {
			return e.m
		}
	}
	m, usesVars := measureWith(&walker{schema: l.schema, doc: opCtx.Doc, vars: opCtx.Variables, pageSize: l.cfg.DefaultPageSize,
		introspection: l.cfg.CountIntrospection, argMax: l.cfg.ArgumentMax}, op)
	if l.cache != nil && op != nil && !usesVars {
		switch {
		case e != nil: // keep the token count MutateOperationParameters stored
			l.cache.Add(ctx, opCtx.RawQuery, &measured{tokens: e.tokens, op: op, m: m})
		case l.cfg.MaxTokens <= 0: // tokens are never counted
			l.cache.Add(ctx, opCtx.RawQuery, &measured{op: op, m: m})
		}
	}
	return m
}

// InterceptResponse adds extensions.cost {requested, limit} to responses of
// measured operations (rejected ones included).
func (l *Limits) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(statsKey).(*Cost)
	if !ok {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions[responseExtensionField] = *c
	return resp
}

// CostFromContext returns the computed cost of the current operation.
func CostFromContext(ctx context.Context) (Cost, bool) {
	if !graphql.HasOperationContext(ctx) {
		return Cost{}, false
	}
	c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(statsKey).(*Cost)
	if !ok {
		return Cost{}, false
	}
	return *c, true
}

func (l *Limits) reject(ctx context.Context, code, msg string, limit, measured int) *gqlerror.Error {
	httpx.SetOutcome(ctx, code)
	if l.cfg.RejectStatus != 0 {
		httpx.SetStatus(ctx, l.cfg.RejectStatus)
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code, "limit": limit, "measured": measured}}
}
