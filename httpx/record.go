// Package httpx holds the HTTP middleware that hardens the GraphQL endpoint:
// request IDs and a per-request record (Track), body limits and batching
// (LimitBody), GraphQL-over-HTTP conformance (Conform), deadlines (Timeout),
// per-client rate limits (RateLimiter), CORS and an access log (AccessLog).
//
// Each middleware is a func(http.Handler) http.Handler configured by a small
// struct; Stack builds the recommended chain from one Config. Every rejection
// is a GraphQL-shaped JSON body:
//
//	{"errors":[{"message":"…","extensions":{"code":"…","limit":…}}]}
package httpx

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Info is what is known about one request. The GraphQL layer fills in the
// operation fields; Track fills in the rest.
type Info struct {
	RequestID     string
	Method, Path  string
	Start         time.Time
	Operation     string // GraphQL operation name as sent by the client ("" if none)
	OperationType string // query, mutation or subscription, when parsed
	Cost          int    // computed query cost, -1 when unknown
	Outcome       string // "ok" or the first error code
	Principal     string // authenticated key name, "" when anonymous
	Status        int    // HTTP status written (0 until written)
	Bytes         int64  // response body bytes written
	// WantStatus, when set, replaces the status that the handler writes
	// (see SetStatus).
	WantStatus int
}

// Record is the mutable per-request Info, shared by the middleware and the
// GraphQL extensions through the request context. It is safe for concurrent
// use; a nil *Record ignores updates.
type Record struct {
	mu   sync.Mutex
	info Info
}

type recordKey struct{}

// RecordFrom returns the request's record, or nil outside Track.
func RecordFrom(ctx context.Context) *Record {
	r, _ := ctx.Value(recordKey{}).(*Record)
	return r
}

// WithRecord returns a context carrying rec.
func WithRecord(ctx context.Context, rec *Record) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// Update changes the record under its lock.
func (r *Record) Update(f func(*Info)) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	f(&r.info)
}

// Served returns a copy of the record of a request that has been served
// (the middleware that log or count requests read it after the handler
// returns): a request whose client closed the connection before the
// handler finished, without an "ok" outcome, is recorded as 499
// CLIENT_CLOSED_REQUEST (see ClientClosed), whatever the handler made of
// its cancelled work (SERVICE_UNAVAILABLE from a store call cut off,
// nothing at all): nobody read it.
func (r *Record) Served(ctx context.Context) Info {
	closed := ClientClosed(ctx)
	var in Info
	r.Update(func(i *Info) {
		if closed && i.Outcome != "ok" {
			i.Outcome, i.Status = CodeClientClosedRequest, StatusClientClosedRequest
		}
		in = *i
	})
	if r == nil {
		return r.Info()
	}
	return in
}

// Info returns a copy of the record.
func (r *Record) Info() Info {
	if r == nil {
		return Info{Cost: -1}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.info
}

// RequestID returns the ID of the request (empty outside Track).
func RequestID(ctx context.Context) string { return RecordFrom(ctx).Info().RequestID }

// SetOperation records the GraphQL operation name and type ("" keeps the
// current value).
func SetOperation(ctx context.Context, name, typ string) {
	RecordFrom(ctx).Update(func(i *Info) {
		if name != "" {
			i.Operation = name
		}
		if typ != "" {
			i.OperationType = typ
		}
	})
}

// SetCost records the computed cost of the operation.
func SetCost(ctx context.Context, cost int) {
	RecordFrom(ctx).Update(func(i *Info) { i.Cost = cost })
}

// SetOutcome records the outcome: "ok" or an error code.
func SetOutcome(ctx context.Context, outcome string) {
	RecordFrom(ctx).Update(func(i *Info) { i.Outcome = outcome })
}

// SetPrincipal records the name of the authenticated client.
func SetPrincipal(ctx context.Context, name string) {
	RecordFrom(ctx).Update(func(i *Info) { i.Principal = name })
}

// SetStatus asks Track's response writer to send status instead of the one
// the handler writes (gqlgen decides statuses itself; this is how a GraphQL
// extension turns its rejection into a 401, 403 or 400). The first call
// wins. It has no effect once the header is written or outside Track.
func SetStatus(ctx context.Context, status int) {
	RecordFrom(ctx).Update(func(i *Info) {
		if i.WantStatus == 0 {
			i.WantStatus = status
		}
	})
}

// MaxRequestIDLen bounds a client-supplied X-Request-ID; longer or
// non-printable IDs are replaced by a generated one.
const MaxRequestIDLen = 128

// Track is the outermost middleware: it gives the request an ID (the
// client's X-Request-ID when it is short and printable, else a generated
// ID in UUID form, see newRequestID), echoes it in the response's
// X-Request-ID, and puts a Record in the context, where inner handlers find
// the ID (RequestID). Its response writer applies SetStatus and records the
// status and size written.
func Track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if RecordFrom(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = newRequestID()
		}
		rec := &Record{info: Info{RequestID: id, Method: r.Method, Path: r.URL.Path, Start: time.Now(), Cost: -1}}
		r = r.WithContext(WithRecord(r.Context(), rec))
		w.Header()["X-Request-Id"] = []string{id}
		tw := &trackWriter{ResponseWriter: w, rec: rec}
		next.ServeHTTP(tw, r)
		if !tw.wroteHeader {
			// Nothing written: net/http sends 200 with an empty body.
			rec.Update(func(i *Info) {
				if i.Status == 0 {
					i.Status = http.StatusOK
				}
			})
		}
	})
}

// Generated request IDs have the form of a UUID (36 characters) but are
// made of a random per-process prefix and a counter: unique within the
// process, unique across processes with overwhelming probability, and
// cheap (no crypto/rand read per request). Request IDs correlate log lines;
// they are not secrets.
var requestIDs struct {
	prefix [18]byte // "xxxxxxxx-xxxx-xxxx" from 8 random bytes
	count  atomic.Uint64
}

func init() {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("httpx: crypto/rand: " + err.Error()) // never happens on supported systems
	}
	u := uuid.UUID(b).String() // 8-4-4-4-12
	copy(requestIDs.prefix[:], u[:18])
	requestIDs.count.Store(binary.BigEndian.Uint64(b[8:]))
}

// newRequestID returns the next generated request ID.
func newRequestID() string {
	var buf [36]byte
	copy(buf[:], requestIDs.prefix[:])
	n := requestIDs.count.Add(1)
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], n)
	buf[18] = '-'
	hex.Encode(buf[19:23], c[:2])
	buf[23] = '-'
	hex.Encode(buf[24:], c[2:])
	return string(buf[:])
}

func validRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// trackWriter applies the record's WantStatus and records what is written.
type trackWriter struct {
	http.ResponseWriter
	rec         *Record
	wroteHeader bool
}

func (w *trackWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code >= 200 {
		w.wroteHeader = true
		w.rec.Update(func(i *Info) {
			if i.WantStatus != 0 {
				code = i.WantStatus
			}
			i.Status = code
		})
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *trackWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.rec.Update(func(i *Info) { i.Bytes += int64(n) })
	return n, err
}

// Flush implements http.Flusher when the underlying writer does.
func (w *trackWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker when the underlying writer does
// (websocket transports need it).
func (w *trackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("httpx: response writer does not support hijacking")
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *trackWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
