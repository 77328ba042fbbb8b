package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kepugraph/kepugraph/internal/testenv"
)

func get(t *testing.T, h http.Handler, method, target string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHandler_Built(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":      {Data: []byte(`<html><script src="/app.js"></script></html>`)},
		"graph.html":      {Data: []byte(`<html><script src="/graph.js"></script></html>`)},
		"app.js":          {Data: []byte(`console.log(1)`)},
		"app.css":         {Data: []byte(`body{}`)},
		".gitkeep":        {Data: nil},
		"assets/font.bin": {Data: []byte{1}},
	}
	h := newHandler(fsys, "/query")

	for _, tc := range []struct {
		target, ctype string
		status        int
	}{
		{"/", "text/html", 200},
		{"/index.html", "text/html", 200},
		{"/graph", "text/html", 200},
		{"/graph.html", "text/html", 200},
		{"/graph/", "text/html", 200},
		{"/graphs", "", 404},
		{"/app.js", "text/javascript", 200},
		{"/app.css", "text/css", 200},
		{"/missing.js", "", 404},
		{"/.gitkeep", "", 404},
		{"/assets", "", 404},
		{"/../app.js", "text/javascript", 200},
	} {
		res := get(t, h, http.MethodGet, tc.target)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.target, res.StatusCode, tc.status)
			continue
		}
		if got := res.Header.Get("Content-Type"); tc.ctype != "" && !strings.HasPrefix(got, tc.ctype) {
			t.Errorf("%s: content type %q, want %q", tc.target, got, tc.ctype)
		}
	}
	if res := get(t, h, http.MethodGet, "/"); !strings.Contains(body(t, res), `src="/app.js"`) {
		t.Error("index.html not served at /")
	}
	if res := get(t, h, http.MethodGet, "/graph"); !strings.Contains(body(t, res), `src="/graph.js"`) {
		t.Error("graph.html not served at /graph")
	}
	if res := get(t, h, http.MethodPost, "/"); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", res.StatusCode)
	}
}

func TestHandler_NotBuilt(t *testing.T) {
	h := newHandler(fstest.MapFS{".gitkeep": {}}, "/query")
	if res := get(t, h, http.MethodGet, "/graph"); res.StatusCode != 200 || !strings.Contains(body(t, res), "make web") {
		t.Errorf("/graph without the bundle: status %d, want the fallback page", res.StatusCode)
	}
	res := get(t, h, http.MethodGet, "/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	b := body(t, res)
	// The page names both pages it stands in for, and says that the bundle
	// is embedded at compile time (a restart of the same binary adds nothing).
	for _, want := range []string{"make web", `href="/query"`, "graph view (<code>/graph</code>)", "build the server again"} {
		if !strings.Contains(b, want) {
			t.Errorf("fallback page lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, "http://") || strings.Contains(b, "https://") {
		t.Error("fallback page references another host")
	}
}

// TestDist checks the embedded bundle itself when it was built (it skips
// otherwise, unless CI is set): the page refers only to local assets, and
// they are in the bundle.
func TestDist(t *testing.T) {
	testenv.Need(t, "the explorer bundle web/dist", "run make web (needs Node.js and npm)", Built())
	h := Handler("/query")
	for page, refs := range map[string][]string{
		"/":      {"/app.js", "/app.css", "/graph"},
		"/graph": {"/graph.js", "/graph.css"},
	} {
		html := body(t, get(t, h, http.MethodGet, page))
		for _, ref := range refs {
			if !strings.Contains(html, `"`+ref+`"`) {
				t.Errorf("%s does not reference %s", page, ref)
			}
			if res := get(t, h, http.MethodGet, ref); res.StatusCode != 200 {
				t.Errorf("%s: status %d", ref, res.StatusCode)
			}
		}
		if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
			t.Errorf("%s references another host", page)
		}
	}
}

// TestHandler_Errors: a path the server has no route for, and a method a
// page does not take, are JSON errors with extensions.code like every other
// error of the API (they were text/plain "404 page not found" and "method
// not allowed"), and name the GraphQL endpoint: a client configured with
// /graphql, or posting to /, learns where the API is.
func TestHandler_Errors(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html": {Data: []byte(`<html></html>`)},
		"app.js":     {Data: []byte(`console.log(1)`)},
		".gitkeep":   {Data: nil},
	}
	h := newHandler(fsys, "/query")
	for _, tc := range []struct {
		method, target string
		status         int
		code, allow    string
	}{
		{http.MethodGet, "/graphql", 404, "NOT_FOUND", ""},
		{http.MethodPost, "/graphql", 404, "NOT_FOUND", ""},
		{http.MethodGet, "/export/graphml/extra", 404, "NOT_FOUND", ""},
		{http.MethodGet, "/.gitkeep", 404, "NOT_FOUND", ""},
		{http.MethodGet, "/missing.js", 404, "NOT_FOUND", ""},
		{http.MethodPost, "/", 405, "METHOD_NOT_ALLOWED", "GET, HEAD"},
		{http.MethodDelete, "/app.js", 405, "METHOD_NOT_ALLOWED", "GET, HEAD"},
	} {
		res := get(t, h, tc.method, tc.target)
		b := body(t, res)
		var got struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal([]byte(b), &got); err != nil || len(got.Errors) != 1 {
			t.Errorf("%s %s: %d %q, want a JSON error (%v)", tc.method, tc.target, res.StatusCode, b, err)
			continue
		}
		e := got.Errors[0]
		if res.StatusCode != tc.status || e.Extensions.Code != tc.code {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.target, res.StatusCode, e.Extensions.Code, tc.status, tc.code)
		}
		if ct := res.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: content type %q", tc.method, tc.target, ct)
		}
		if !strings.Contains(e.Message, "/query") {
			t.Errorf("%s %s: message %q does not name the endpoint", tc.method, tc.target, e.Message)
		}
		if a := res.Header.Get("Allow"); a != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.target, a, tc.allow)
		}
	}
}
