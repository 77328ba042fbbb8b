package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Params are the GraphQL request parameters of GraphQL over HTTP.
type Params struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

// DecodeParams reads the GraphQL parameters of a request: from the URL query
// for GET, from the JSON body for POST (reading at most maxBody bytes; 0
// means 1 MiB; the body is restored so that the next handler can read it
// again). Malformed input gives a *Rejection (400, 413 or 415), never a
// panic.
func DecodeParams(r *http.Request, maxBody int64) (Params, *Rejection) {
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	var p Params
	switch r.Method {
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return p, badRequest("malformed URL query")
		}
		p.Query = q.Get("query")
		p.OperationName = q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := DecodeJSON([]byte(v), &p.Variables); err != nil {
				return p, badRequest("variables must be a JSON object")
			}
		}
		if v := q.Get("extensions"); v != "" {
			if err := DecodeJSON([]byte(v), &p.Extensions); err != nil {
				return p, badRequest("extensions must be a JSON object")
			}
		}
		return p, nil
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != MediaTypeJSON {
			return p, &Rejection{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMediaType,
				Message: "POST requests must have Content-Type application/json"}
		}
		body, rj := readBody(r, maxBody)
		if rj != nil {
			return p, rj
		}
		if first := firstNonSpace(body); first == '[' {
			return p, &Rejection{Status: http.StatusBadRequest, Code: CodeBatchingNotSupported,
				Message: "batched requests (a JSON array) are not supported; send one operation per request"}
		} else if first != '{' {
			return p, badRequest("the request body must be a JSON object")
		}
		if err := DecodeJSON(body, &p); err != nil {
			return p, badRequest(JSONErrorMessage(err))
		}
		return p, nil
	}
	return p, &Rejection{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
		Message: "GraphQL requests use GET or POST", Header: http.Header{"Allow": {"GET, POST"}}}
}

// readBody reads the whole body, at most max bytes, and puts it back.
func readBody(r *http.Request, max int64) ([]byte, *Rejection) {
	tooLarge := func() *Rejection {
		return &Rejection{Status: http.StatusRequestEntityTooLarge, Code: CodePayloadTooLarge,
			Message: fmt.Sprintf("the request body is larger than %d bytes", max), Extensions: map[string]any{"limit": max}}
	}
	if r.ContentLength > max {
		return nil, tooLarge()
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := ReadAll(io.LimitReader(r.Body, max+1), r.ContentLength)
	r.Body.Close()
	if err != nil {
		return nil, badRequest("could not read the request body")
	}
	if int64(len(body)) > max {
		return nil, tooLarge()
	}
	bb := &BufferedBody{body: body}
	bb.r.Reset(body)
	r.Body = bb
	r.ContentLength = int64(len(body))
	return body, nil
}

// BufferedBody is a request body that LimitBody has read into memory.
// Handlers read it as any body, or take the bytes with TakeBody.
type BufferedBody struct {
	body []byte
	r    bytes.Reader
}

func (b *BufferedBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *BufferedBody) Close() error               { return nil }

// TakeBody returns the unread rest of a request body that LimitBody has
// read into memory, without copying it, and marks it read; ok is false for
// any other body. The bytes are shared: the caller must not modify them.
func TakeBody(r *http.Request) (rest []byte, ok bool) {
	b, ok := r.Body.(*BufferedBody)
	if !ok {
		return nil, false
	}
	rest = b.body[len(b.body)-b.r.Len():]
	b.r.Reset(nil)
	return rest, true
}

// ReadAll is io.ReadAll starting with room for the announced length
// (which the caller bounds: it is allocated up front) plus one byte, so
// that a body of that length takes one allocation instead of io.ReadAll's
// doubling from 512 bytes.
func ReadAll(rd io.Reader, length int64) ([]byte, error) {
	size := 512
	if length > 0 {
		size = int(length) + 1
	}
	b := make([]byte, 0, size)
	for {
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
	}
}

func badRequest(msg string) *Rejection {
	return &Rejection{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: msg}
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// DecodeJSON decodes one JSON value into v, with numbers inside interface
// values (variables, extensions) as json.Number, as gqlgen's own decoder
// gives them: GraphQL coerces them to Int or Float later. Trailing data,
// duplicate object names and invalid UTF-8 are errors.
//
// It uses the encoding/json v2 implementation (github.com/go-json-experiment/json),
// which decodes a typical request in a third of the time and allocations
// of encoding/json's Decoder.
func DecodeJSON(b []byte, v any) error {
	return jsonv2.Unmarshal(b, v, numbersAsJSONNumber)
}

// JSONErrorMessage says what is wrong with a request body that DecodeJSON
// refused into Params, in a client's words, without Go types or the
// decoder's name: a parameter of the wrong type (`"variables" must be a
// JSON object`), or where the JSON breaks (`the request body is not valid
// JSON: unexpected end at byte 40`).
func JSONErrorMessage(err error) string {
	var se *jsonv2.SemanticError
	if errors.As(err, &se) && se.JSONPointer != "" {
		name := strings.TrimPrefix(string(se.JSONPointer), "/")
		if i := strings.IndexByte(name, '/'); i >= 0 {
			name = name[:i]
		}
		switch name {
		case "query", "operationName":
			return fmt.Sprintf("%q must be a string", name)
		case "variables", "extensions":
			return fmt.Sprintf("%q must be a JSON object", name)
		}
		return fmt.Sprintf("the request body has a value of the wrong type at %s", se.JSONPointer)
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		what := "invalid JSON"
		switch {
		case errors.Is(syn.Err, io.ErrUnexpectedEOF):
			what = "unexpected end"
		case syn.Err != nil:
			what = strings.TrimPrefix(syn.Err.Error(), "jsontext: ")
		}
		return fmt.Sprintf("the request body is not valid JSON: %s at byte %d", what, syn.ByteOffset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the request body is not valid JSON: unexpected end"
	}
	return "the request body is not valid JSON"
}

// numbersAsJSONNumber makes a JSON number decoded into an interface value a
// json.Number (its text, unrounded) instead of a float64.
var numbersAsJSONNumber = jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *any) error {
	if dec.PeekKind() != '0' {
		return jsonv2.SkipFunc
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	*v = json.Number(tok.String())
	return nil
}))

// OperationType returns the type of the operation that params select
// ("query", "mutation", "subscription"), or "" when the query does not parse
// or names no such operation (the GraphQL layer reports those errors). It
// parses only queries of at most maxQuery bytes (0: 20 KB) so that a huge
// query costs nothing here.
func OperationType(query, operationName string, maxQuery int) string {
	if maxQuery <= 0 {
		maxQuery = 20 << 10
	}
	if query == "" || len(query) > maxQuery {
		return ""
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return ""
	}
	var op *ast.OperationDefinition
	if operationName == "" {
		if len(doc.Operations) != 1 {
			return ""
		}
		op = doc.Operations[0]
	} else {
		op = doc.Operations.ForName(operationName)
	}
	if op == nil {
		return ""
	}
	return string(op.Operation)
}
