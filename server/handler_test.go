package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kepugraph/kepugraph/httpx"
)

// TestHandlerRecovers checks the panic recovery around every
// route: a panic outside GraphQL execution is a 500 INTERNAL_SERVER_ERROR
// and the panic value goes to the log only.
func TestHandlerRecovers(t *testing.T) {
	var buf bytes.Buffer
	h := recoverPanics(DefaultConfig().NewLogger(&buf))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom in a handler")
	}))
	srv := httptest.NewServer(httpx.Track(h))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 || !strings.Contains(string(b), `"INTERNAL_SERVER_ERROR"`) || strings.Contains(string(b), "boom") {
		t.Fatalf("panic: %d %s", res.StatusCode, b)
	}
	if !strings.Contains(buf.String(), "boom in a handler") {
		t.Errorf("the panic is not logged: %s", buf.String())
	}
}
