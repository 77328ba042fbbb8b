package export

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// Handler serves GET /export/{format}?<selection> (see ParseQuery and
// Formats): the file with its Content-Type and a Content-Disposition naming
// it (kepugraph.<ext> for the whole graph, kepugraph-subgraph.<ext> for a
// selection).
//
// Errors before the first byte are JSON in the API's shape, with
// extensions.code: 400 BAD_USER_INPUT for an unknown format or a bad
// parameter, 404 NOT_FOUND for a path without a format (/export, /export/)
// and when around, from or to names no node, 405
// METHOD_NOT_ALLOWED for methods other than GET and HEAD, 503
// SERVICE_UNAVAILABLE when the store is down, 500 INTERNAL_SERVER_ERROR
// (logged with the request ID) otherwise. A failure while streaming aborts
// the connection, so a client never takes a cut file for a whole one.
//
// It records the operation as export_<format> (type "export") and its
// outcome for the access log and the metrics.
type Handler struct {
	Exporter *Exporter
	Where    WhereFunc    // the GraphQL where conversion; nil rejects where
	Logger   *slog.Logger // nil: slog.Default()
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("format")
	if name == "" && r.Pattern == "" {
		// Not served through a ServeMux pattern: the path's last segment.
		name = r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	}
	f := LookupFormat(name)
	if f != nil {
		httpx.SetOperation(ctx, "export_"+f.Name, "export")
	} else {
		httpx.SetOperation(ctx, "export", "export")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		httpx.Rejection{Status: http.StatusMethodNotAllowed, Code: httpx.CodeMethodNotAllowed,
			Message: "exports are read with GET", Header: http.Header{"Allow": {"GET, HEAD"}}}.Write(w, r)
		return
	}
	if f == nil {
		var names []string
		for _, f := range Formats {
			names = append(names, f.Name)
		}
		if name == "" {
			h.fail(w, r, kepu.Errorf(kepu.NotFound, "an export is read from /export/{format} (formats are %s)", strings.Join(names, ", ")))
			return
		}
		h.fail(w, r, badInput("unknown export format %q (formats are %s)", kepu.Truncate(name, 64), strings.Join(names, ", ")))
		return
	}
	sel, err := ParseQuery(r.URL.Query(), h.Where)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	plan, err := h.Exporter.Prepare(ctx, sel)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	file := "kepugraph"
	if len(sel.Labels) > 0 || len(sel.Rels) > 0 || sel.Where != nil || sel.Around != "" || sel.From != "" {
		file += "-subgraph"
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Disposition", `attachment; filename="`+file+f.Ext+`"`)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	if d, ok := ctx.Deadline(); ok {
		// The server's write timeout is sized for GraphQL answers; a large
		// export may write for as long as its deadline allows.
		_ = http.NewResponseController(w).SetWriteDeadline(d.Add(time.Second))
	}
	start := time.Now()
	lw := &lazyWriter{w: w}
	st, err := plan.Write(ctx, f.New(lw))
	if err != nil && !lw.started {
		// Nothing is sent yet (the writers buffer): a proper error.
		for _, k := range []string{"Content-Type", "Content-Disposition", "Cache-Control"} {
			hd.Del(k)
		}
		h.fail(w, r, err)
		return
	}
	if err != nil {
		if httpx.ClientClosed(ctx) {
			// The client hung up mid-file: the access log records the
			// request as 499 CLIENT_CLOSED_REQUEST (httpx.Track).
			h.logger().Debug("export cut off: the client closed the request", "request_id", httpx.RequestID(ctx),
				"format", f.Name, "nodes", st.Nodes, "edges", st.Edges)
			panic(http.ErrAbortHandler)
		}
		code := kepu.ErrorCode(err)
		if ctx.Err() != nil {
			code = httpx.CodeTimeout
		}
		httpx.SetOutcome(ctx, code)
		h.logger().Warn("export cut off", "request_id", httpx.RequestID(ctx), "format", f.Name,
			"nodes", st.Nodes, "edges", st.Edges, "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	h.logger().Debug("export written", "request_id", httpx.RequestID(ctx), "format", f.Name,
		"nodes", st.Nodes, "edges", st.Edges, "took", time.Since(start).String())
}

// lazyWriter sends the status line with the first byte of the file, so
// that a failure before it still gets an error response.
type lazyWriter struct {
	w       http.ResponseWriter
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// fail writes an error that happened before the response started.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := kepu.ErrorCode(err)
	status := http.StatusInternalServerError
	msg := kepu.ErrorMessage(err)
	var ext map[string]any
	switch {
	case code == kepu.BadUserInput:
		status = http.StatusBadRequest
	case code == kepu.NotFound:
		status = http.StatusNotFound
	case httpx.ClientClosed(r.Context()):
		// Nobody reads it; the access log records 499
		// CLIENT_CLOSED_REQUEST, without an error line.
		status, code, msg = httpx.StatusClientClosedRequest, httpx.CodeClientClosedRequest, "the client closed the request"
	case r.Context().Err() != nil:
		status, code, msg = http.StatusServiceUnavailable, httpx.CodeTimeout, "the export took longer than its deadline"
	case code == kepu.Unavailable:
		// As GraphQL answers it: the store's own words may name files or
		// hosts, so they go to the log under the request ID.
		id := httpx.RequestID(r.Context())
		status, msg = http.StatusServiceUnavailable, httpx.UnavailableMessage
		ext = map[string]any{"requestId": id}
		h.logger().Error("export: store unavailable", "request_id", id, "error", kepu.ErrorMessage(err))
	default:
		code, msg = kepu.Internal, "internal error"
		id := httpx.RequestID(r.Context())
		ext = map[string]any{"requestId": id}
		h.logger().Error("export failed", "request_id", id, "error", err.Error())
	}
	httpx.Rejection{Status: status, Code: code, Message: msg, Extensions: ext}.Write(w, r)
}
