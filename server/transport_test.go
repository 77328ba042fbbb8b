package server

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kepugraph/kepugraph/embedded"
	"github.com/kepugraph/kepugraph/metrics"
)

// transportServer serves Handler over an empty embedded store as Main
// does: MaxHeaderBytes and JSONErrors around the listener.
func transportServer(t *testing.T, c Config) *httptest.Server {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c.RateLimit = 0
	h := Handler(Routes{Config: c, Store: st, Metrics: metrics.New(metrics.Config{}), Logger: c.NewLogger(io.Discard)})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.MaxHeaderBytes = MaxHeaderBytes(c)
	srv.Listener = JSONErrors(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// rawExchange writes a request as it is to the server and reads the
// response.
func rawExchange(t *testing.T, srv *httptest.Server, raw string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	go func() { io.WriteString(conn, raw) }() // the server may answer before reading it all
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// TestTransportRefusals: every refusal of a request at the HTTP level, on
// /query, is a JSON error in the GraphQL-over-HTTP shape with a code and
// its status, whether the handlers make it (httpx: body, media types,
// method, JSON; LimitURL: a URL over MaxURLBytes) or net/http itself
// before any handler runs (headers over MaxHeaderBytes, a malformed
// request, an unknown transfer coding, HTTP/2 over HTTP/1 framing, an
// Expect header other than 100-continue), which JSONErrors rewrites. A GET URL just over the limit was a text/plain 431
// without a code.
func TestTransportRefusals(t *testing.T) {
	c := DefaultConfig()
	c.MaxBodyBytes = 4096
	srv := transportServer(t, c)
	host := srv.Listener.Addr().String()
	longQuery := "/query?query=" + strings.Repeat("%20", 2000) + "%7B__typename%7D" // 6 KB: over the 4 KB URL limit
	hugeHeader := strings.Repeat("x", MaxHeaderBytes(c)+8192)                       // net/http reads 4 KiB beyond the limit
	for _, tc := range []struct {
		name   string
		raw    string
		status int
		code   string
	}{
		{"URL over the limit", "GET " + longQuery + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 414, CodeURITooLong},
		{"URL over net/http's limit", "GET /query?query=" + strings.Repeat("a", MaxHeaderBytes(c)+8192) + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 431, CodeRequestHeaderFieldsTooLarge},
		{"headers over net/http's limit", "GET /query?query=%7B__typename%7D HTTP/1.1\r\nHost: " + host + "\r\nX-Big: " + hugeHeader + "\r\n\r\n", 431, CodeRequestHeaderFieldsTooLarge},
		{"body over the limit", "POST /query HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n" + strings.Repeat(" ", 5000), 413, "PAYLOAD_TOO_LARGE"},
		{"wrong content type", "POST /query HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}", 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"bad JSON", "POST /query HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"query\":", 400, "BAD_REQUEST"},
		{"a batch", "POST /query HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", 400, "BATCHING_NOT_SUPPORTED"},
		{"method", "PUT /query HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\n\r\n", 405, "METHOD_NOT_ALLOWED"},
		{"not acceptable", "GET /query?query=%7B__typename%7D HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/html\r\n\r\n", 406, "NOT_ACCEPTABLE"},
		{"malformed request line", "GET /query\r\nHost: " + host + "\r\n\r\n", 400, "BAD_REQUEST"},
		{"malformed header", "GET /query?query=%7B__typename%7D HTTP/1.1\r\nHost: " + host + "\r\nNo colon here\r\n\r\n", 400, "BAD_REQUEST"},
		{"no Host header", "GET /query?query=%7B__typename%7D HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST"},
		{"unknown transfer coding", "POST /query HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, CodeNotImplemented},
		{"HTTP version", "GET /query?query=%7B__typename%7D HTTP/2.0\r\nHost: " + host + "\r\n\r\n", 505, CodeHTTPVersionNotSupported},
		{"Expect", "GET /query?query=%7B__typename%7D HTTP/1.1\r\nHost: " + host + "\r\nExpect: teapot\r\n\r\n", 417, CodeExpectationFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := rawExchange(t, srv, tc.raw)
			var out struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("%d %q: not JSON: %v", res.StatusCode, body, err)
			}
			if res.StatusCode != tc.status || len(out.Errors) != 1 || out.Errors[0].Extensions.Code != tc.code || out.Errors[0].Message == "" {
				t.Fatalf("%d %s; want %d %s", res.StatusCode, body, tc.status, tc.code)
			}
			t.Logf("%d %s: %s", res.StatusCode, tc.code, out.Errors[0].Message)
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	// A URL within the limit is served.
	res, body := rawExchange(t, srv, "GET /query?query="+strings.Repeat("%20", 1000)+"%7B__typename%7D HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	if res.StatusCode != 200 || !strings.Contains(string(body), `"__typename":"Query"`) {
		t.Errorf("a 3 KB URL: %d %s", res.StatusCode, body)
	}
}

// TestRewritePlainError: only net/http's own plain-text answers, whole,
// are rewritten; a response that merely starts like one is not.
func TestRewritePlainError(t *testing.T) {
	const hdr = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	for _, tc := range []struct {
		in   string
		want int // status of the rewrite; 0: left as it is
	}{
		{"HTTP/1.1 431 Request Header Fields Too Large" + hdr + "431 Request Header Fields Too Large", 431},
		{"HTTP/1.1 400 Bad Request" + hdr + "400 Bad Request", 400},
		{"HTTP/1.1 400 Bad Request: missing required Host header" + hdr + "400 Bad Request: missing required Host header", 400},
		{"HTTP/1.1 501 Not Implemented" + hdr + "Unsupported transfer encoding", 501},
		{"HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version" + hdr + "505 HTTP Version Not Supported: unsupported protocol version", 505},
		{"HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nDate: Thu, 03 Dec 2026 09:53:43 GMT\r\nContent-Length: 0\r\n\r\n", 417},
		{"HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nDate: Thu, 03 Dec 2026 09:53:43 GMT\r\nContent-Length: 2\r\n\r\n{}", 0},
		{"HTTP/1.1 200 OK" + hdr + "200 OK", 0},
		{"HTTP/1.1 400 Bad Request" + hdr + "400 Bad Request\r\nmore", 0},
		{"HTTP/1.1 400 Bad Request" + hdr + "something else", 0},
		{"HTTP/1.1 431 Wrong Text" + hdr + "431 Wrong Text", 0},
		{"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{}", 0},
		{`{"data":{}}`, 0},
	} {
		out, ok := rewritePlainError([]byte(tc.in))
		if ok != (tc.want != 0) {
			t.Errorf("%q: rewritten %v", tc.in, ok)
			continue
		}
		if !ok {
			continue
		}
		res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(out))), nil)
		if err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		b, _ := io.ReadAll(res.Body)
		var doc struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if res.StatusCode != tc.want || json.Unmarshal(b, &doc) != nil || len(doc.Errors) != 1 || doc.Errors[0].Extensions.Code == "" || !res.Close {
			t.Errorf("%q: %d %s (close %v)", tc.in, res.StatusCode, b, res.Close)
		}
	}
}
