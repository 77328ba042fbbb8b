package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"

	"github.com/kepugraph/kepugraph/httpx"
)

// The refusals made before a route's handler runs, in the shape of every
// other error of the API: {"errors":[{"message","extensions":{"code",…}}]}.

// Codes of the transport-level refusals made here (the others are
// httpx's: PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, BAD_REQUEST, …).
const (
	CodeURITooLong                   = "URI_TOO_LONG"                    // 414
	CodeRequestHeaderFieldsTooLarge  = "REQUEST_HEADER_FIELDS_TOO_LARGE" // 431
	CodeNotImplemented               = "NOT_IMPLEMENTED"                 // 501
	CodeHTTPVersionNotSupported      = "HTTP_VERSION_NOT_SUPPORTED"      // 505
	CodeExpectationFailed            = "EXPECTATION_FAILED"              // 417
	headerRoom                       = 64 << 10                          // MaxHeaderBytes beyond the URL limit
	minMaxHeaderBytes                = http.DefaultMaxHeaderBytes        // 1 MiB, net/http's default
	maxPlainErrorBytes               = 1 << 10                           // net/http's own answers are shorter
	plainErrorHeaders                = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	plainErrorStatusLinePrefix       = "HTTP/1.1 "
	jsonErrorHeadersWithoutLengthFmt = "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
)

// MaxURLBytes is the longest request target (path and query) a request may
// have: the same as the longest body, since a GET request's URL carries
// what a POST request's body does. Longer: 414 URI_TOO_LONG (LimitURL).
func MaxURLBytes(c Config) int64 {
	if c.MaxBodyBytes > 0 {
		return c.MaxBodyBytes
	}
	return httpx.DefaultMaxBodyBytes
}

// MaxHeaderBytes is the http.Server's MaxHeaderBytes: room for a URL of
// MaxURLBytes and 64 KiB of headers, and at least net/http's default of 1
// MiB. Beyond it net/http refuses the request itself, before any handler
// (431, rewritten by JSONErrors).
func MaxHeaderBytes(c Config) int {
	return int(max(MaxURLBytes(c)+headerRoom, minMaxHeaderBytes))
}

// LimitURL answers 414 URI_TOO_LONG (extensions limit and measured, in
// bytes) to a request whose target is longer than max bytes: on /query a
// GET request's query and variables belong in a POST body then.
func LimitURL(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n := int64(len(r.RequestURI)); n > max {
				httpx.Rejection{Status: http.StatusRequestURITooLong, Code: CodeURITooLong,
					Message:    fmt.Sprintf("the URL is %d bytes, more than the limit of %d; send the query and its variables with POST", n, max),
					Extensions: map[string]any{"limit": max, "measured": n}}.Write(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// JSONErrors wraps a listener so that the answers net/http writes itself,
// without calling a handler, to a request it cannot read or serve (request
// line and headers over MaxHeaderBytes: 431; an unsupported transfer
// encoding: 501; an unsupported HTTP version: 505; a malformed request:
// 400; an Expect header other than 100-continue: 417) are JSON errors with
// a code, as every other refusal, instead of text/plain or an empty body:
// REQUEST_HEADER_FIELDS_TOO_LARGE, NOT_IMPLEMENTED,
// HTTP_VERSION_NOT_SUPPORTED, BAD_REQUEST, EXPECTATION_FAILED. Only a write
// that is one of those answers whole (net/http writes each with one call,
// then closes the connection) is rewritten; every other write passes
// unchanged.
func JSONErrors(ln net.Listener) net.Listener { return jsonErrorListener{ln} }

type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrorConn{Conn: c}, nil
}

type jsonErrorConn struct{ net.Conn }

// CloseWrite half-closes a TCP connection, as net/http does after its 431
// so that the client reads the answer before the connection resets.
func (c *jsonErrorConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom lets net/http send files with the connection's own ReadFrom
// (sendfile on TCP): a body, never one of the answers rewritten.
func (c *jsonErrorConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

func (c *jsonErrorConn) Write(b []byte) (int, error) {
	if out, ok := rewritePlainError(b); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// expectationFailed matches net/http's answer to an Expect header other
// than 100-continue, which it writes without calling the handler: 417,
// Connection: close, Date and an empty body.
var expectationFailed = regexp.MustCompile(`\AHTTP/1\.1 417 Expectation Failed\r\nConnection: close\r\nDate: [^\r\n]*\r\nContent-Length: 0\r\n\r\n\z`)

// plainError matches one of net/http's own answers: "HTTP/1.1 <code>
// <text>[: <detail>]", its two fixed headers, and a body that repeats the
// status (or says "Unsupported transfer encoding").
var plainError = regexp.MustCompile(`\AHTTP/1\.1 (4\d\d|5\d\d) ([A-Za-z ]+)(?:: ([^\r\n]*))?` +
	regexp.QuoteMeta(plainErrorHeaders) + `([^\r\n]*)\z`)

// rewritePlainError returns the JSON answer that replaces b when b is one
// of net/http's plain-text answers.
func rewritePlainError(b []byte) ([]byte, bool) {
	// Every response's first write passes here: a success (status 1xx,
	// 2xx or 3xx) is let through before any pattern is tried.
	if len(b) > maxPlainErrorBytes || !bytes.HasPrefix(b, []byte(plainErrorStatusLinePrefix)) ||
		len(b) <= len(plainErrorStatusLinePrefix) || (b[len(plainErrorStatusLinePrefix)] != '4' && b[len(plainErrorStatusLinePrefix)] != '5') {
		return nil, false
	}
	if expectationFailed.Match(b) {
		return jsonError(http.StatusExpectationFailed, CodeExpectationFailed, "the Expect header is not supported: send none, or 100-continue")
	}
	if !bytes.Contains(b, []byte(plainErrorHeaders)) {
		return nil, false
	}
	m := plainError.FindSubmatch(b)
	if m == nil {
		return nil, false
	}
	status, _ := strconv.Atoi(string(m[1]))
	if string(m[2]) != http.StatusText(status) || !bytes.HasPrefix(m[4], m[1]) && string(m[4]) != "Unsupported transfer encoding" {
		return nil, false
	}
	detail := string(m[3])
	var code, msg string
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		code, msg = CodeRequestHeaderFieldsTooLarge, "the request line and headers are too large; send long queries and variables with POST"
	case http.StatusNotImplemented:
		code, msg = CodeNotImplemented, "unsupported transfer encoding"
	case http.StatusHTTPVersionNotSupported:
		code, msg = CodeHTTPVersionNotSupported, "unsupported HTTP version"
	case http.StatusBadRequest:
		code, msg = httpx.CodeBadRequest, "malformed HTTP request"
	default:
		return nil, false
	}
	if detail != "" {
		msg = detail // net/http's reason: "missing required Host header", "malformed MIME header line: …"
	}
	return jsonError(status, code, msg)
}

// jsonError is a whole HTTP/1.1 response that closes the connection: the
// status and a JSON error with the code and message.
func jsonError(status int, code, msg string) ([]byte, bool) {
	body, err := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
	if err != nil {
		return nil, false
	}
	out := fmt.Appendf(nil, jsonErrorHeadersWithoutLengthFmt, status, http.StatusText(status), len(body))
	return append(out, body...), true
}
