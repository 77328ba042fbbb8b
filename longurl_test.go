package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLongURL: a GET URL longer than --max-body-bytes (a GET's URL carries
// what a POST's body does) is 414 URI_TOO_LONG, and one longer than the
// server's header limit, which net/http refuses itself before any handler,
// is 431 REQUEST_HEADER_FIELDS_TOO_LARGE: both JSON errors with a code, as
// every refusal (newcomer report of 2026-12-03: a GET URL over 1 MB got
// net/http's text/plain 431 without a code).
func TestLongURL(t *testing.T) {
	m, _ := mustRunMain(t, "--data-dir", t.TempDir(), "--no-seed")
	addr := strings.TrimPrefix(m.URL(), "http://")
	for _, tc := range []struct {
		bytes  int
		status int
		code   string
	}{
		{1<<20 + 1000, 414, "URI_TOO_LONG"},
		{2 << 20, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE"},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(time.Minute))
		target := "/query?query=%7B__typename%7D&operationName=" + strings.Repeat("x", tc.bytes)
		// The server may answer and close before reading all of it.
		go io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			conn.Close()
			t.Fatalf("%d bytes: %v", tc.bytes, err)
		}
		b, _ := io.ReadAll(res.Body)
		conn.Close()
		var out struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(b, &out); err != nil || res.StatusCode != tc.status || len(out.Errors) != 1 || out.Errors[0].Extensions.Code != tc.code ||
			res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("a URL of %d bytes: %d %s %q; want %d %s", tc.bytes, res.StatusCode, res.Header.Get("Content-Type"), b, tc.status, tc.code)
		}
	}
}
