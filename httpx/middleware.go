package httpx

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults.
const (
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxQueryBytes = 20 << 10
	DefaultTimeout       = 10 * time.Second
)

// BodyConfig configures LimitBody.
type BodyConfig struct {
	// MaxBytes bounds the request body [1 MiB]; larger bodies get 413
	// PAYLOAD_TOO_LARGE with extensions.limit.
	MaxBytes int64
	// AllowBatching lets a JSON array body through; off by default, when an
	// array gets 400 BATCHING_NOT_SUPPORTED.
	AllowBatching bool
}

// LimitBody reads the body of POST requests (at most MaxBytes) into memory
// before the next handler runs, rejecting larger bodies with 413 and JSON
// array bodies (batching) with 400. Other methods pass through.
func LimitBody(cfg BodyConfig) func(http.Handler) http.Handler {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBodyBytes
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
				next.ServeHTTP(w, r)
				return
			}
			body, rj := readBody(r, cfg.MaxBytes)
			if rj != nil {
				rj.Write(w, r)
				return
			}
			if !cfg.AllowBatching && firstNonSpace(body) == '[' {
				Reject(w, r, http.StatusBadRequest, CodeBatchingNotSupported,
					"batched requests (a JSON array) are not supported; send one operation per request", nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ConformConfig configures Conform.
type ConformConfig struct {
	// MaxQueryBytes bounds the GET queries that Conform parses to find
	// the operation type [20 KB]; larger ones are left to the GraphQL layer.
	MaxQueryBytes int
	// ContentTypes lists the media types accepted on POST
	// [application/json].
	ContentTypes []string
}

// Conform applies the GraphQL-over-HTTP rules that gqlgen's transports leave
// out or answer with other statuses:
//   - methods other than GET and POST: 405 with Allow: GET, POST;
//   - an Accept header that allows neither application/graphql-response+json
//     nor application/json: 406 NOT_ACCEPTABLE;
//   - POST without a supported Content-Type: 415 UNSUPPORTED_MEDIA_TYPE;
//   - a mutation (or subscription) over GET: 405 with Allow: POST.
func Conform(cfg ConformConfig) func(http.Handler) http.Handler {
	if cfg.MaxQueryBytes <= 0 {
		cfg.MaxQueryBytes = DefaultMaxQueryBytes
	}
	if len(cfg.ContentTypes) == 0 {
		cfg.ContentTypes = []string{MediaTypeJSON}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet, http.MethodPost:
			default:
				Rejection{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
					Message: "GraphQL requests use GET or POST", Header: http.Header{"Allow": {"GET, POST"}}}.Write(w, r)
				return
			}
			if PreferredResponseType(r.Header.Get("Accept")) == "" {
				Reject(w, r, http.StatusNotAcceptable, CodeNotAcceptable,
					"the server responds with application/graphql-response+json or application/json; the Accept header allows neither", nil)
				return
			}
			if r.Method == http.MethodPost {
				mt, err := MediaTypeJSON, error(nil)
				if ct := r.Header.Get("Content-Type"); ct != MediaTypeJSON { // the common case, without parsing
					mt, _, err = mime.ParseMediaType(ct)
				}
				if err != nil || !slices.Contains(cfg.ContentTypes, mt) {
					Rejection{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMediaType,
						Message: "POST requests must have Content-Type " + strings.Join(cfg.ContentTypes, " or "),
						Header:  http.Header{"Accept-Post": {strings.Join(cfg.ContentTypes, ", ")}}}.Write(w, r)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			p, rj := DecodeParams(r, 0)
			if rj != nil {
				rj.Write(w, r)
				return
			}
			SetOperation(r.Context(), boundedName(p.OperationName), "")
			if t := OperationType(p.Query, p.OperationName, cfg.MaxQueryBytes); t != "" && t != "query" {
				SetOperation(r.Context(), "", t)
				Rejection{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
					Message: "a " + t + " must be sent with POST", Header: http.Header{"Allow": {"POST"}}}.Write(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// boundedName truncates a client-supplied operation name for the record.
func boundedName(s string) string {
	if len(s) > 100 {
		return s[:100]
	}
	return s
}

// Timeout gives every request a deadline of d [10 s] through its context;
// store calls see it and stop. When the deadline has passed, a handler that
// has written nothing, or whose whole body is gqlgen's "null" (what gqlgen
// sends when the context ends during execution), gets 503 TIMEOUT instead.
func Timeout(d time.Duration) func(http.Handler) http.Handler {
	if d <= 0 {
		d = DefaultTimeout
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			ww := &wroteWriter{ResponseWriter: w, ctx: ctx, r: r, d: d}
			next.ServeHTTP(ww, r.WithContext(ctx))
			if !ww.wrote {
				if ctx.Err() == context.DeadlineExceeded {
					ww.timeout()
				} else if ww.headerDelay {
					w.WriteHeader(ww.headerCode)
				}
			}
		})
	}
}

// wroteWriter notes whether anything was written, and replaces a bare
// "null" body written after the deadline with the timeout rejection.
type wroteWriter struct {
	http.ResponseWriter
	ctx         context.Context
	r           *http.Request // the request as Timeout received it
	d           time.Duration
	wrote       bool
	headerCode  int // status passed to WriteHeader but not yet sent
	headerDelay bool
}

// timeout writes the timeout rejection to the underlying writer.
func (w *wroteWriter) timeout() {
	Reject(w.ResponseWriter, w.r, http.StatusServiceUnavailable, CodeTimeout, "the request took longer than "+w.d.String(), w.d.Seconds())
}

func (w *wroteWriter) WriteHeader(code int) {
	if code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if w.wrote || w.headerDelay {
		return
	}
	// Hold the status until the first Write shows whether the body is
	// gqlgen's "null".
	w.headerCode, w.headerDelay = code, true
}

func (w *wroteWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
		if w.ctx.Err() == context.DeadlineExceeded && string(bytes.TrimSpace(b)) == "null" {
			w.timeout()
			return len(b), nil
		}
		if w.headerDelay {
			w.ResponseWriter.WriteHeader(w.headerCode)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *wroteWriter) Flush() {
	if !w.wrote && w.headerDelay {
		w.ResponseWriter.WriteHeader(w.headerCode)
	}
	w.wrote = true
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *wroteWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// CORSConfig configures CORS.
type CORSConfig struct {
	// AllowedOrigins lists the origins (scheme://host[:port]) allowed to
	// call the API from a browser, or "*" for any. Empty (the default)
	// turns CORS off: no CORS headers at all.
	AllowedOrigins []string
	// AllowCredentials sends Access-Control-Allow-Credentials: true (never
	// together with "*").
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight answer [10 min].
	MaxAge time.Duration
	// AllowedHeaders are the request headers a browser may send, answered
	// in Access-Control-Allow-Headers [DefaultCORSHeaders]; "*" allows
	// whatever the preflight asks for.
	AllowedHeaders []string
	// ExposedHeaders are the response headers browser code may read
	// [DefaultCORSExposedHeaders].
	ExposedHeaders []string
}

// DefaultCORSHeaders are the request headers browsers may send by default:
// those of GraphQL over HTTP and this API (Content-Type, Accept,
// Authorization, X-Request-ID), and those common clients add: Apollo
// Client's client awareness (apollographql-client-name and -version) and
// CSRF-prevention header (apollo-require-preflight), x-apollo-operation-name,
// and the W3C trace context (traceparent, tracestate, baggage).
var DefaultCORSHeaders = []string{
	"Content-Type", "Accept", "Authorization", "X-Request-ID",
	"apollographql-client-name", "apollographql-client-version", "apollo-require-preflight", "x-apollo-operation-name",
	"traceparent", "tracestate", "baggage",
}

// DefaultCORSExposedHeaders are the response headers browser code may read
// by default: the request ID and the rate limiter's Retry-After.
var DefaultCORSExposedHeaders = []string{"X-Request-ID", "Retry-After"}

// CORS answers preflight requests (OPTIONS with Access-Control-Request-Method)
// from allowed origins with 204 and adds Access-Control-Allow-Origin to the
// responses of allowed origins. With no allowed origins it does nothing.
func CORS(cfg CORSConfig) func(http.Handler) http.Handler {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 10 * time.Minute
	}
	if len(cfg.AllowedHeaders) == 0 {
		cfg.AllowedHeaders = DefaultCORSHeaders
	}
	if len(cfg.ExposedHeaders) == 0 {
		cfg.ExposedHeaders = DefaultCORSExposedHeaders
	}
	anyHeader := slices.Contains(cfg.AllowedHeaders, "*")
	allowHeaders := strings.Join(cfg.AllowedHeaders, ", ")
	exposeHeaders := strings.Join(cfg.ExposedHeaders, ", ")
	anyOrigin := slices.Contains(cfg.AllowedOrigins, "*")
	allowed := func(origin string) bool {
		return origin != "" && (anyOrigin || slices.Contains(cfg.AllowedOrigins, origin))
	}
	return func(next http.Handler) http.Handler {
		if len(cfg.AllowedOrigins) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			h := w.Header()
			h.Add("Vary", "Origin")
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if !allowed(origin) {
				if preflight {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			if anyOrigin && !cfg.AllowCredentials {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
			}
			if cfg.AllowCredentials && !anyOrigin {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if preflight {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				if anyHeader {
					// The literal * is not a wildcard with credentials:
					// echo what the browser asks for.
					if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
						h.Set("Access-Control-Allow-Headers", req)
					}
				} else {
					h.Set("Access-Control-Allow-Headers", allowHeaders)
				}
				h.Set("Access-Control-Max-Age", strconv.Itoa(int(cfg.MaxAge.Seconds())))
				w.WriteHeader(http.StatusNoContent)
				return
			}
			h.Set("Access-Control-Expose-Headers", exposeHeaders)
			next.ServeHTTP(w, r)
		})
	}
}

// AccessLog logs one line per request at Info level (Warn for 5xx; a
// client that hung up is 499 CLIENT_CLOSED_REQUEST at Info): request
// ID, method, path, status, duration, bytes, and when known the GraphQL
// operation name and type, cost, outcome and principal. It never logs the
// query, its variables or the Authorization header. It adds Track when no
// outer middleware did.
func AccessLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := RecordFrom(r.Context())
			next.ServeHTTP(w, r)
			in := rec.Served(r.Context())
			var buf [11]slog.Attr
			attrs := append(buf[:0],
				slog.String("request_id", in.RequestID),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", in.Status),
				slog.Duration("duration", time.Since(in.Start)),
				slog.Int64("bytes", in.Bytes),
			)
			if in.Operation != "" {
				attrs = append(attrs, slog.String("operation", in.Operation))
			}
			if in.OperationType != "" {
				attrs = append(attrs, slog.String("operation_type", in.OperationType))
			}
			if in.Cost >= 0 {
				attrs = append(attrs, slog.Int("cost", in.Cost))
			}
			if in.Outcome != "" {
				attrs = append(attrs, slog.String("outcome", in.Outcome))
			}
			if in.Principal != "" {
				attrs = append(attrs, slog.String("principal", in.Principal))
			}
			level := slog.LevelInfo
			if in.Status >= 500 {
				level = slog.LevelWarn
			}
			// The handler directly, as slog.Logger.LogAttrs would call it,
			// but without the caller's program counter: looking it up
			// (runtime.Callers) costs more than a line is worth, and no
			// handler here prints the source of a line.
			if h := logger.Handler(); h.Enabled(r.Context(), level) {
				rec := slog.NewRecord(time.Now(), level, "request", 0)
				rec.AddAttrs(attrs...)
				_ = h.Handle(r.Context(), rec)
			}
		})
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if RecordFrom(r.Context()) == nil {
				Track(h).ServeHTTP(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}
