package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

// postTransport serves GraphQL over HTTP POST with a JSON body. It behaves
// as gqlgen's transport.POST (same statuses: 400 for a body that is not a
// JSON object, 422 for a request error with application/json and 400 with
// application/graphql-response+json) with three differences:
//
//   - the response media type is negotiated with httpx.PreferredResponseType
//     (q-values honoured), the rule the rest of the stack applies;
//   - the body is decoded with httpx.DecodeJSON (encoding/json v2: about a
//     third of the time and allocations of encoding/json's Decoder;
//     duplicate names and invalid UTF-8 are errors);
//   - the response is written from its parts (data is already JSON, made by
//     gqlgen's marshalers) instead of being re-encoded and re-compacted by
//     json.Marshal, with a Content-Length (and X-Content-Type-Options:
//     nosniff, since "<" in data is no longer escaped as \u003c);
//   - a request error (before execution) has no data entry.
type postTransport struct{}

var _ graphql.Transport = postTransport{}

func (postTransport) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if ct == httpx.MediaTypeJSON {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == httpx.MediaTypeJSON
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := setResponseType(w, r)
	start := graphql.Now()

	body, err := readBody(r)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, badRequest("could not read request body: %v", err)), true)
		return
	}
	var p httpx.Params
	if err := httpx.DecodeJSON(body, &p); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, badRequest("%s", httpx.JSONErrorMessage(err))), true)
		return
	}
	execute(w, r, exec, contentType, p, start)
}

// getTransport serves GraphQL over HTTP GET (query, operationName,
// variables and extensions as URL query parameters) as gqlgen's
// transport.GET does, with postTransport's differences, and one more: an
// operation other than a query, which httpx.Conform cannot see when only a
// persisted query's hash is sent, is 405 METHOD_NOT_ALLOWED with Allow:
// POST (gqlgen answers 406 without a code).
type getTransport struct{}

var _ graphql.Transport = getTransport{}

func (getTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	contentType := setResponseType(w, r)
	start := graphql.Now()
	p, rj := httpx.DecodeParams(r, 0)
	if rj != nil {
		w.WriteHeader(rj.Status)
		writeResponse(w, exec.DispatchError(r.Context(), badRequest("%s", rj.Message)), true)
		return
	}
	execute(w, r, exec, contentType, p, start)
}

// setResponseType sets the response's media type, negotiated from the
// Accept header, and X-Content-Type-Options, and returns the media type.
func setResponseType(w http.ResponseWriter, r *http.Request) string {
	contentType := httpx.PreferredResponseType(r.Header.Get("Accept"))
	if contentType == "" {
		// httpx.Conform answers 406 before this; without it, do as gqlgen.
		contentType = httpx.MediaTypeGraphQLResponse
	}
	h := w.Header()
	h["Content-Type"] = contentTypeValues[contentType]
	h["X-Content-Type-Options"] = nosniff
	return contentType
}

// badRequest is the error of a request that is not a GraphQL-over-HTTP
// request (400 BAD_REQUEST).
func badRequest(format string, args ...any) gqlerror.List {
	e := gqlerror.Errorf(format, args...)
	e.Extensions = map[string]any{"code": httpx.CodeBadRequest}
	return gqlerror.List{e}
}

// execute runs the operation of a decoded request and writes the response:
// a request without a query (nor a persisted query's hash) is 400
// BAD_REQUEST; a request error is 422 or 400 (requestErrorStatus) without
// a data entry; a mutation over GET is 405.
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, contentType string, p httpx.Params, start time.Time) {
	ctx := r.Context()
	if p.Query == "" && p.Extensions["persistedQuery"] == nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, badRequest("the request has no query")), true)
		return
	}
	params := &graphql.RawParams{
		Query:         p.Query,
		OperationName: p.OperationName,
		Variables:     p.Variables,
		Extensions:    p.Extensions,
		Headers:       r.Header,
		ReadTime:      graphql.TraceTiming{Start: start, End: graphql.Now()},
	}
	rc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		opErr = operationNotFound(rc, p.OperationName, opErr)
		if rc != nil {
			opErr = redundantValueErrors(rc.RawQuery, opErr)
		}
		w.WriteHeader(requestErrorStatus(contentType, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr), true)
		return
	}
	if r.Method == http.MethodGet && rc.Operation != nil && rc.Operation.Operation != ast.Query {
		h := w.Header()
		h["Allow"] = []string{http.MethodPost}
		w.WriteHeader(http.StatusMethodNotAllowed)
		e := gqlerror.Errorf("a %s must be sent with POST", rc.Operation.Operation)
		e.Extensions = map[string]any{"code": httpx.CodeMethodNotAllowed}
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{e}), true)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp != nil && len(resp.Errors) > 1 {
		resp.Errors = collapseRepeated(resp.Errors)
	}
	writeResponse(w, resp, false)
}

// collapseRepeated keeps one of the BAD_USER_INPUT errors that differ only
// in the list indexes of their paths (an argument refused once per parent:
// schoolPartners(first: 101) under 50 museums gave 50 identical errors);
// the one kept says in extensions.repeats how many more there were. The
// data still has null at each of their paths.
func collapseRepeated(errs gqlerror.List) gqlerror.List {
	var out gqlerror.List
	first := map[string]int{} // key → index in out
	for _, e := range errs {
		if code, _ := e.Extensions["code"].(string); code != kepu.BadUserInput || len(e.Path) == 0 {
			out = append(out, e)
			continue
		}
		var key strings.Builder
		key.WriteString(e.Message)
		for _, p := range e.Path {
			if name, ok := p.(ast.PathName); ok {
				key.WriteString("\x00" + string(name))
			} else {
				key.WriteString("\x00#")
			}
		}
		if i, ok := first[key.String()]; ok {
			n, _ := out[i].Extensions["repeats"].(int)
			out[i].Extensions["repeats"] = n + 1
			continue
		}
		first[key.String()] = len(out)
		out = append(out, e)
	}
	return out
}

// operationNotFound rewrites gqlgen's error for a document without the
// operation to run ("operation X not found"; "operation  not found" when
// the document has several operations and no operationName was sent) into
// a message that names the problem and the document's named operations
// (at most 10). Other errors are returned as they are; the code stays
// GRAPHQL_VALIDATION_FAILED, as for the other errors of a document.
func operationNotFound(rc *graphql.OperationContext, name string, errs gqlerror.List) gqlerror.List {
	if rc == nil || rc.Doc == nil || rc.Operation != nil || len(errs) != 1 || errs[0].Message != "operation "+name+" not found" {
		return errs
	}
	e := *errs[0]
	switch {
	case len(rc.Doc.Operations) == 0:
		e.Message = "the document has no operation to run"
	case name == "":
		e.Message = fmt.Sprintf("the document has %d operations; operationName must name the one to run", len(rc.Doc.Operations))
	default:
		e.Message = fmt.Sprintf("the document has no operation named %q", kepu.Truncate(name, 64))
	}
	var names []string
	for _, op := range rc.Doc.Operations {
		if op.Name != "" && len(names) < 10 {
			names = append(names, op.Name)
		}
	}
	if len(names) > 0 {
		e.Message += " (its operations: " + strings.Join(names, ", ") + ")"
	}
	return gqlerror.List{&e}
}

// Header values shared by every response (net/http only reads them; a
// handler that adds to one gets a new slice, as their capacity is full).
var (
	contentTypeValues = map[string][]string{
		httpx.MediaTypeJSON:            {httpx.MediaTypeJSON},
		httpx.MediaTypeGraphQLResponse: {httpx.MediaTypeGraphQLResponse},
	}
	nosniff = []string{"nosniff"}
)

// requestErrorStatus is the status of a response to a request that failed
// before execution: 400 for a request that is not a well-formed GraphQL
// request (BAD_REQUEST, PERSISTED_QUERY_HASH_MISMATCH), whatever the
// response's media type; else gqlgen's rule for a parse or validation
// error (422 with application/json, 400 with
// application/graphql-response+json; 200 for an error of another kind).
func requestErrorStatus(contentType string, errs gqlerror.List) int {
	for _, e := range errs {
		switch e.Extensions["code"] {
		case httpx.CodeBadRequest, CodePersistedQueryHashMismatch:
			return http.StatusBadRequest
		}
	}
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == httpx.MediaTypeGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// readBody returns the request body: as httpx.LimitBody has read it (no
// copy), else read in one allocation when its announced length is within
// the default body limit.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if b, ok := httpx.TakeBody(r); ok { // read by httpx.LimitBody
		return b, nil
	}
	n := r.ContentLength
	if n > httpx.DefaultMaxBodyBytes {
		n = 0
	}
	return httpx.ReadAll(r.Body, n)
}

// writeResponse writes a response as json.Marshal would, except that data
// is copied as it is (gqlgen's marshalers produce compact, valid JSON), and
// that a request error (one raised before execution: the body, parsing,
// validation, variables) has no data entry, as the GraphQL specification
// asks.
func writeResponse(w http.ResponseWriter, resp *graphql.Response, requestError bool) {
	if resp == nil {
		// What gqlgen writes when the request's context ended during
		// execution; httpx.Timeout recognizes it.
		writeBody(w, []byte("null"))
		return
	}
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		// Incremental delivery (not used by this schema): the general way.
		b, err := json.Marshal(resp)
		if err != nil {
			b = []byte(`{"errors":[{"message":"could not encode the response"}],"data":null}`)
		}
		writeBody(w, b)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	buf.Reset()
	buf.Grow(len(resp.Data) + 256)
	buf.WriteByte('{')
	if len(resp.Errors) > 0 {
		buf.WriteString(`"errors":`)
		if err := json.NewEncoder(buf).Encode(resp.Errors); err != nil {
			buf.Reset()
			buf.WriteString(`{"errors":[{"message":"could not encode the errors"}]`)
		}
		trimNewline(buf)
	}
	switch {
	case len(resp.Data) > 0:
		comma(buf)
		buf.WriteString(`"data":`)
		buf.Write(resp.Data)
	case !requestError || len(resp.Errors) == 0:
		comma(buf)
		buf.WriteString(`"data":null`)
	}
	if len(resp.Extensions) > 0 {
		mark := buf.Len()
		comma(buf)
		buf.WriteString(`"extensions":`)
		if b, err := appendObject(buf.AvailableBuffer(), resp.Extensions); err != nil {
			buf.Truncate(mark)
		} else {
			buf.Write(b)
		}
	}
	buf.WriteByte('}')
	writeBody(w, buf.Bytes())
}

// bufPool holds response buffers: the writer copies a response before
// Write returns, so a buffer serves the next response.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuf returns a buffer to the pool unless it grew large (one big
// response must not pin its memory).
func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		bufPool.Put(b)
	}
}

// jsonAppender is a value that encodes itself (see gqllimit.Cost).
type jsonAppender interface{ AppendJSON([]byte) []byte }

// appendObject appends the JSON encoding of m to b as json.Marshal would
// (keys sorted), without reflection for the values extensions hold: ints,
// strings, booleans and jsonAppenders; other values go through json.Marshal.
func appendObject(b []byte, m map[string]any) ([]byte, error) {
	var keysBuf [8]string
	keys := keysBuf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendValue(b, k); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case string:
		if plainASCII(v) {
			b = append(b, '"')
			b = append(b, v...)
			return append(b, '"'), nil
		}
	case map[string]any:
		return appendObject(b, v)
	case jsonAppender:
		return v.AppendJSON(b), nil
	}
	enc, err := json.Marshal(v)
	return append(b, enc...), err
}

// plainASCII reports whether s needs no escaping in JSON (json.Marshal
// escapes control characters, quotes, backslashes, <, > and &).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// comma separates a member from the one before it, if any.
func comma(b *bytes.Buffer) {
	if b.Len() > 1 {
		b.WriteByte(',')
	}
}

// trimNewline removes the newline json.Encoder ends a value with.
func trimNewline(b *bytes.Buffer) {
	if n := b.Len(); n > 0 && b.Bytes()[n-1] == '\n' {
		b.Truncate(n - 1)
	}
}

func writeBody(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
