// Package web serves the kepugraph explorer: a GraphiQL page at / and the
// graph view at /graph, bundled from npm packages into dist/ by build.mjs
// (run `make web`) and embedded in the binary, so the pages load nothing from
// another host.
//
// When the binary was built without the bundle (dist/ holds only .gitkeep),
// the handler serves a short page that says how to build it and where the API
// is, instead of a 404.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

//go:embed all:dist
var distFS embed.FS

// Dist returns the embedded bundle (the content of dist/).
func Dist() fs.FS {
	sub, err := fs.Sub(distFS, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path; "dist" is valid.
		panic(err)
	}
	return sub
}

// Built reports whether the bundle was built before the binary: whether
// dist/index.html is embedded.
func Built() bool { return built(Dist()) }

func built(fsys fs.FS) bool {
	_, err := fs.Stat(fsys, "index.html")
	return err == nil
}

// Handler returns the handler for the explorer: GET / serves index.html
// (GraphiQL), GET /graph graph.html (the graph view: sigma.js, graphology,
// ForceAtlas2, and the coverage chart at /graph#coverage) and GET /<file>
// the bundle's files with their content types. Paths that name no
// page or file get 404 NOT_FOUND, other methods on those that do 405
// METHOD_NOT_ALLOWED (Allow: GET, HEAD), both as JSON errors with
// extensions.code that name endpoint. endpoint is the API path that the
// fallback page names (the bundled page always talks to /query).
func Handler(endpoint string) http.Handler { return newHandler(Dist(), endpoint) }

func newHandler(fsys fs.FS, endpoint string) http.Handler {
	files := http.FileServerFS(fsys)
	hasIndex := built(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		page, isPage := pages[p]
		name := strings.TrimPrefix(p, "/")
		isFile := false
		if !isPage && p != "/favicon.ico" && !strings.HasPrefix(name, ".") {
			st, err := fs.Stat(fsys, name)
			isFile = err == nil && !st.IsDir()
		}
		if !isPage && !isFile && p != "/favicon.ico" {
			notFound(w, r, endpoint)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			httpx.Rejection{Status: http.StatusMethodNotAllowed, Code: httpx.CodeMethodNotAllowed,
				Message: fmt.Sprintf("%s is read with GET; GraphQL requests go to %s", p, endpoint),
				Header:  http.Header{"Allow": {"GET, HEAD"}}}.Write(w, r)
			return
		}
		switch {
		case p == "/favicon.ico":
			serveFavicon(w, r)
		case isPage && !hasIndex:
			serveFallback(w, r, endpoint)
		case isPage:
			servePage(w, r, fsys, page)
		default:
			w.Header().Set("Cache-Control", "no-cache")
			files.ServeHTTP(w, r)
		}
	})
}

// notFound answers a path that names no page, no file of the bundle and
// no route of the server: 404 NOT_FOUND as a JSON error like every other
// error of the API, naming the GraphQL endpoint (a client configured with
// /graphql or / gets told where the API is).
func notFound(w http.ResponseWriter, r *http.Request, endpoint string) {
	p := r.URL.Path
	if len(p) > 200 {
		p = p[:200] + "…"
	}
	httpx.Reject(w, r, http.StatusNotFound, kepu.NotFound,
		fmt.Sprintf("no such path %q: GraphQL requests go to %s (POST or GET); the explorer is at /, the graph view at /graph, graph files at /export/{format}", p, endpoint), nil)
}

// pages maps the paths of the HTML pages to their files in the bundle.
var pages = map[string]string{
	"/":           "index.html",
	"/index.html": "index.html",
	"/graph":      "graph.html",
	"/graph.html": "graph.html",
}

// servePage serves an HTML page of the bundle itself (http.ServeFileFS
// would redirect /index.html to /); 404 when the bundle lacks it.
func servePage(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, "explorer page unreadable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

const fallbackPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>kepugraph</title>
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>kepugraph</h1>
<p>The GraphQL API is running at <a href="ENDPOINT"><code>ENDPOINT</code></a> (POST or GET).</p>
<p>The explorer (GraphiQL, at <code>/</code>) and the graph view (<code>/graph</code>)
were not built into this binary. To build them, run <code>make web</code> in the
repository (it runs <code>npm ci</code> and <code>npm run build</code> in
<code>web/</code>), then build the server again: the pages are embedded when it
is compiled, so restarting this binary does not add them (<code>go run .</code>
compiles it at each start); <code>make run</code> does both.</p>
</body>
</html>
`

func serveFallback(w http.ResponseWriter, r *http.Request, endpoint string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	body := strings.ReplaceAll(fallbackPage, "ENDPOINT", htmlEscape(endpoint))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write([]byte(body))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
