package httpx

import (
	"log/slog"
	"net/http"
	"time"
)

// Config gathers the settings of the middleware that Stack chains. The zero
// value of each field means its default.
type Config struct {
	Body      BodyConfig      // body size [1 MiB] and batching [off]
	Conform   ConformConfig   // GraphQL-over-HTTP rules
	Timeout   time.Duration   // per-request deadline [10 s]
	RateLimit RateLimitConfig // per-client token bucket [10/s, burst 20]
	CORS      CORSConfig      // allowed origins [none: CORS off]
	// Auth authenticates requests (auth.Middleware); Stack runs it after
	// the rate limiter, so that guessed credentials are rate-limited per
	// IP too. Set RateLimit.Principal so that valid keys keep their own
	// buckets. Nil: none.
	Auth Middleware
	// Logger receives the access log; nil turns the access log off.
	Logger *slog.Logger
}

// DefaultConfig returns the defaults, with the rate limit on.
func DefaultConfig() Config {
	return Config{
		Body:      BodyConfig{MaxBytes: DefaultMaxBodyBytes},
		Conform:   ConformConfig{MaxQueryBytes: DefaultMaxQueryBytes},
		Timeout:   DefaultTimeout,
		RateLimit: RateLimitConfig{Rate: 10, Burst: 20, IdleTTL: 10 * time.Minute},
	}
}

// Middleware is an HTTP middleware.
type Middleware = func(http.Handler) http.Handler

// Chain wraps h in the middleware, the first one outermost.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		if mws[i] != nil {
			h = mws[i](h)
		}
	}
	return h
}

// Stack wraps the GraphQL handler in the recommended order, outermost
// first: Track (request ID and record), AccessLog, CORS, the extra
// middleware in the order given (for example metrics), the rate limiter
// (before authentication, so that guessed credentials are limited, and
// before the body is read, so that a flooding client costs little),
// cfg.Auth, Conform, LimitBody and Timeout. Each request takes one token,
// from its API key's bucket when cfg.RateLimit.Principal verifies its
// credentials, else from its IP's.
func Stack(cfg Config, h http.Handler, extra ...Middleware) http.Handler {
	mws := []Middleware{Track}
	if cfg.Logger != nil {
		mws = append(mws, AccessLog(cfg.Logger))
	}
	mws = append(mws, CORS(cfg.CORS))
	mws = append(mws, extra...)
	mws = append(mws,
		NewRateLimiter(cfg.RateLimit).Middleware,
		cfg.Auth,
		Conform(cfg.Conform),
		LimitBody(cfg.Body),
		Timeout(cfg.Timeout),
	)
	return Chain(h, mws...)
}
