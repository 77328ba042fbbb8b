package httpx

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimitConfig configures a RateLimiter.
type RateLimitConfig struct {
	// Rate is the sustained number of requests per second a client may
	// make [10]. Zero or less turns rate limiting off.
	Rate float64
	// Burst is the size of each client's token bucket [20].
	Burst int
	// IdleTTL is how long an unused bucket is kept [10 min]; buckets idle
	// longer are evicted (a returning client starts with a full bucket).
	IdleTTL time.Duration
	// MaxClients bounds the number of buckets kept [100,000]; when full, an
	// arbitrary bucket is dropped for a new client.
	MaxClients int
	// TrustedProxies is the number of reverse proxies in front of the
	// server that append to X-Forwarded-For [0: the header is ignored and
	// the client is RemoteAddr]. With n > 0 the client is the n-th address
	// from the right of X-Forwarded-For.
	TrustedProxies int
	// Principal returns the name of the principal whose credentials r
	// carries once they are verified, "" for none or invalid ones. With
	// it the limiter can run before authentication (Stack puts it there),
	// so that requests with invalid credentials are limited too: they
	// count against their client IP's bucket, valid keys against their
	// own. Nil: the principal that auth.Middleware recorded, if it ran
	// before.
	Principal func(r *http.Request) string
	// Key returns the bucket key of a request. Default (ClientKey with
	// Principal): "principal:<name>", else "ip:<client IP>".
	Key func(r *http.Request) string
}

// RateLimiter is a per-client token-bucket rate limiter.
type RateLimiter struct {
	cfg       RateLimitConfig
	now       func() time.Time
	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

// NewRateLimiter returns a limiter with cfg (zero fields take defaults).
func NewRateLimiter(cfg RateLimitConfig) *RateLimiter {
	if cfg.Burst <= 0 {
		cfg.Burst = 20
	}
	if cfg.IdleTTL <= 0 {
		cfg.IdleTTL = 10 * time.Minute
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = 100_000
	}
	l := &RateLimiter{cfg: cfg, now: time.Now, buckets: map[string]*bucket{}}
	if l.cfg.Key == nil {
		l.cfg.Key = func(r *http.Request) string {
			if cfg.Principal != nil {
				if p := cfg.Principal(r); p != "" {
					return "principal:" + p
				}
				return "ip:" + ClientIP(r, cfg.TrustedProxies)
			}
			return ClientKey(r, cfg.TrustedProxies)
		}
	}
	return l
}

// Allow takes one token from key's bucket. When the bucket is empty it
// returns false and how long until a token is available.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	if l.cfg.Rate <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	if now.Sub(l.lastSweep) > l.cfg.IdleTTL/2 {
		l.sweepLocked(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.cfg.MaxClients {
			for k := range l.buckets { // drop an arbitrary bucket
				delete(l.buckets, k)
				break
			}
		}
		b = &bucket{lim: rate.NewLimiter(rate.Limit(l.cfg.Rate), l.cfg.Burst)}
		l.buckets[key] = b
	}
	b.lastSeen = now
	res := b.lim.ReserveN(now, 1)
	l.mu.Unlock()
	if !res.OK() {
		return false, time.Second
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *RateLimiter) sweepLocked(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if now.Sub(b.lastSeen) > l.cfg.IdleTTL {
			delete(l.buckets, k)
		}
	}
}

// Len returns the number of buckets held.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Middleware rejects requests over the client's rate with 429 RATE_LIMITED
// and a Retry-After header (whole seconds, at least 1).
func (l *RateLimiter) Middleware(next http.Handler) http.Handler {
	if l.cfg.Rate <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := l.Allow(l.cfg.Key(r))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := int(math.Ceil(wait.Seconds()))
		if secs < 1 {
			secs = 1
		}
		Rejection{Status: http.StatusTooManyRequests, Code: CodeRateLimited,
			Message:    fmt.Sprintf("too many requests; retry in %d s", secs),
			Extensions: map[string]any{"limit": l.cfg.Rate, "burst": l.cfg.Burst, "retryAfter": secs},
			Header:     http.Header{"Retry-After": {strconv.Itoa(secs)}}}.Write(w, r)
	})
}

// ClientKey is the default rate-limit key: "principal:<name>" for a request
// authenticated by an API key (auth.Middleware records the key's name, see
// SetPrincipal), else "ip:<client IP>" (see ClientIP). Unverified bearer
// tokens are not used as keys: a client could otherwise get a fresh bucket
// per request by sending random tokens.
func ClientKey(r *http.Request, trustedProxies int) string {
	if p := RecordFrom(r.Context()).Info().Principal; p != "" {
		return "principal:" + p
	}
	return "ip:" + ClientIP(r, trustedProxies)
}

// ClientIP returns the client address: the host of RemoteAddr, or with
// trustedProxies > 0 the address that the outermost trusted proxy saw (the
// trustedProxies-th entry from the right of X-Forwarded-For), falling back
// to RemoteAddr when the header is missing, short or malformed.
func ClientIP(r *http.Request, trustedProxies int) string {
	remote := r.RemoteAddr
	if host, _, err := net.SplitHostPort(remote); err == nil {
		remote = host
	}
	if trustedProxies <= 0 {
		return remote
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for _, h := range strings.Split(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	if len(hops) < trustedProxies {
		return remote
	}
	ip := net.ParseIP(hops[len(hops)-trustedProxies])
	if ip == nil {
		return remote
	}
	return ip.String()
}
