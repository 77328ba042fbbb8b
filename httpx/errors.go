package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Error codes of the rejections made by this package (extensions.code).
const (
	CodePayloadTooLarge      = "PAYLOAD_TOO_LARGE"      // 413
	CodeBatchingNotSupported = "BATCHING_NOT_SUPPORTED" // 400
	CodeBadRequest           = "BAD_REQUEST"            // 400
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"     // 405
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE" // 415
	CodeNotAcceptable        = "NOT_ACCEPTABLE"         // 406
	CodeRateLimited          = "RATE_LIMITED"           // 429
	CodeTimeout              = "TIMEOUT"                // 503 when a handler wrote nothing before the deadline
	// CodeClientClosedRequest is the outcome of a request whose client
	// hung up before the response was ready (nginx's 499 "client closed
	// request"): not a fault of the server or its store. No client reads
	// it; it is what the access log and metrics record.
	CodeClientClosedRequest   = "CLIENT_CLOSED_REQUEST" // 499
	MediaTypeJSON             = "application/json"
	MediaTypeGraphQLResponse  = "application/graphql-response+json"
	maxAcceptHeaderMediaTypes = 64
)

// UnavailableMessage is what a client reads when the store cannot answer
// (SERVICE_UNAVAILABLE), on every route; the cause is in the log under the
// request ID, which the response carries (extensions.requestId).
const UnavailableMessage = "the service is temporarily unavailable; try again later"

// StatusClientClosedRequest is the status recorded (access log, metrics)
// for a request whose client closed the connection before the response was
// ready: nginx's non-standard 499.
const StatusClientClosedRequest = 499

// ClientClosed reports whether ctx ended because the request's client went
// away: net/http cancels a request's context when its connection closes,
// while a deadline (Timeout) ends it with context.DeadlineExceeded.
func ClientClosed(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

// Rejection is a GraphQL-shaped error response made outside GraphQL
// execution.
type Rejection struct {
	Status  int
	Code    string
	Message string
	// Extensions beyond code (for example "limit").
	Extensions map[string]any
	// Header holds extra response headers (Allow, Retry-After, ...).
	Header http.Header
}

type wireError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// Write sends the rejection: the status, the headers and the body
// {"errors":[{"message","extensions":{"code",...}}]} as
// application/graphql-response+json when the client prefers it, else
// application/json. It records the code as the request's outcome.
func (rj Rejection) Write(w http.ResponseWriter, r *http.Request) {
	ext := map[string]any{"code": rj.Code}
	for k, v := range rj.Extensions {
		if k != "code" {
			ext[k] = v
		}
	}
	body, _ := json.Marshal(struct {
		Errors []wireError `json:"errors"`
	}{[]wireError{{Message: rj.Message, Extensions: ext}}})
	for k, vs := range rj.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	ct := MediaTypeJSON
	if r != nil && PreferredResponseType(r.Header.Get("Accept")) == MediaTypeGraphQLResponse {
		ct = MediaTypeGraphQLResponse
	}
	// Without a charset parameter, as the GraphQL responses: JSON is
	// UTF-8 and its media type defines none (RFC 8259, section 11).
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r != nil {
		SetOutcome(r.Context(), rj.Code)
	}
	w.WriteHeader(rj.Status)
	w.Write(body)
}

// Reject writes a rejection with a status, code, message and an optional
// limit (omitted when nil).
func Reject(w http.ResponseWriter, r *http.Request, status int, code, msg string, limit any) {
	rj := Rejection{Status: status, Code: code, Message: msg}
	if limit != nil {
		rj.Extensions = map[string]any{"limit": limit}
	}
	rj.Write(w, r)
}

// PreferredResponseType negotiates the response media type from an Accept
// header, per GraphQL over HTTP: it returns MediaTypeGraphQLResponse or
// MediaTypeJSON, whichever the client rates higher, or "" when neither is
// acceptable (406). An explicit entry beats a wildcard (*/* or
// application/*); graphql-response+json wins a tie between explicit entries;
// an empty header or wildcards alone give application/json, as gqlgen does.
func PreferredResponseType(accept string) string {
	accept = strings.TrimSpace(accept)
	switch accept {
	case "", MediaTypeJSON: // the common cases, without parsing
		return MediaTypeJSON
	case MediaTypeGraphQLResponse:
		return MediaTypeGraphQLResponse
	}
	gql, js, wild := -1.0, -1.0, -1.0
	parts := strings.Split(accept, ",")
	if len(parts) > maxAcceptHeaderMediaTypes {
		parts = parts[:maxAcceptHeaderMediaTypes]
	}
	for _, part := range parts {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 || v > 1 {
				continue
			}
			q = v
		}
		switch mt {
		case MediaTypeGraphQLResponse:
			gql = max(gql, q)
		case MediaTypeJSON:
			js = max(js, q)
		case "*/*", "application/*":
			wild = max(wild, q)
		}
	}
	if gql < 0 && js < 0 {
		if wild > 0 {
			return MediaTypeJSON
		}
		return ""
	}
	if gql < 0 {
		gql = wild
	}
	if js < 0 {
		js = wild
	}
	switch {
	case gql <= 0 && js <= 0:
		return ""
	case gql >= js:
		return MediaTypeGraphQLResponse
	}
	return MediaTypeJSON
}
