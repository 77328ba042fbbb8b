package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// StartingMessage is what every request hears while the server starts: it
// listens before the store is opened (so that an address in use is found
// first), and opening the store, and loading the reference dataset into an
// empty one, takes from a second to minutes (49 s on Neo4j at load
// average 10).
const StartingMessage = "the server is starting: the store is being opened (and the reference dataset loaded into an empty store); try again shortly"

// StartingRetryAfter is the Retry-After (seconds) of the answers while
// the server starts.
const StartingRetryAfter = "5"

// Starting answers while the store opens, before the routes of Handler
// exist: /healthz 200 {"status":"starting"} (the process is up, as a
// liveness probe asks), /readyz 503 {"status":"starting","error":
// StartingMessage}, and any other request 503 SERVICE_UNAVAILABLE with
// StartingMessage in the API's error shape; the 503s carry Retry-After.
// Without it a client that connected meanwhile waited in the listen
// queue, unanswered, until the store was open.
func Starting() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch r.URL.Path {
		case "/healthz":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "starting"})
		case "/readyz":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", StartingRetryAfter)
			w.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "starting", "error": StartingMessage})
		default:
			httpx.Rejection{Status: http.StatusServiceUnavailable, Code: kepu.Unavailable, Message: StartingMessage,
				Header: http.Header{"Retry-After": {StartingRetryAfter}}}.Write(w, r)
		}
	})
}

// StartingHandler is Starting behind the outer middleware of Handler's
// routes: request IDs (httpx.Track), the access log, and CORS with c's
// --cors-origins and --cors-headers. A browser app on another origin can
// then read the 503 and its Retry-After (without the CORS headers it saw
// a network error), and a preflight is answered as it will be once the
// store is open. /metrics is not served until then (503).
func StartingHandler(c Config, log *slog.Logger) http.Handler {
	return httpx.Chain(Starting(), httpx.Track, httpx.AccessLog(log), httpx.CORS(corsConfig(c)))
}

// Switch is an http.Handler that serves the handler last given to Set:
// the server serves Starting from the moment it listens, then the routes
// of Handler once the store is open. The zero Switch answers as Starting.
type Switch struct {
	h atomic.Pointer[http.Handler]
}

// Set makes h serve every request from now on (requests being served go
// on with the handler they started with).
func (s *Switch) Set(h http.Handler) { s.h.Store(&h) }

// ServeHTTP serves r with the handler last set, Starting before any.
func (s *Switch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := s.h.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	starting.ServeHTTP(w, r)
}

var starting = Starting()
