package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/kepugraph/kepugraph/graph/model"
	"github.com/kepugraph/kepugraph/httpx"
	"github.com/kepugraph/kepugraph/kepu"
)

type requestIDKey struct{}

// RequestID returns the ID of the request (empty outside the handler): the
// one httpx.Track gave it when the handler runs inside Track, else the one
// the handler made.
func RequestID(ctx context.Context) string {
	if id := httpx.RequestID(ctx); id != "" {
		return id
	}
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// CodeValueOutOfRange is the code of a field whose computed value its type
// cannot represent (an Int sum beyond 32 bits, a WholeNumber beyond
// 2^53 − 1, a non-finite Float): the message names the value.
const CodeValueOutOfRange = "VALUE_OUT_OF_RANGE"

// UnavailableMessage is what a client reads when the store cannot answer
// (SERVICE_UNAVAILABLE); the cause is in the log under the request ID.
const UnavailableMessage = httpx.UnavailableMessage

// presentError gives every error a code in extensions.code: a *kepu.Error
// shows its code and message; gqlgen's own errors (parse, validation) keep
// theirs; a store call cut off because the client hung up is
// CLIENT_CLOSED_REQUEST, without a log line; anything else is logged with the request ID and shown as
// INTERNAL_SERVER_ERROR "internal error".
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		fieldLocation(ctx, gerr)
		if httpx.ClientClosed(ctx) && cutOff(err) {
			// The client hung up and the store call or measure stopped
			// with it: not a fault of the store, nothing to log (the
			// access log records the request once, as 499
			// CLIENT_CLOSED_REQUEST), and nobody reads the message.
			gerr.Message = "the client closed the request"
			setCode(gerr, httpx.CodeClientClosedRequest)
			return gerr
		}
		if ctx.Err() == context.DeadlineExceeded && (errors.Is(err, context.DeadlineExceeded) || kepu.ErrorCode(err) == kepu.Unavailable) {
			// The request's deadline (--timeout) cut the store call off:
			// TIMEOUT, as httpx.Timeout answers when nothing was written.
			gerr.Message = "the request took longer than its deadline"
			setCode(gerr, httpx.CodeTimeout)
			return gerr
		}
		var kerr *kepu.Error
		if errors.As(err, &kerr) {
			gerr.Message = kerr.Message
			setCode(gerr, kerr.Code)
			var be *model.BoundError
			if errors.As(err, &be) {
				// An Int argument outside its range: which, its range and
				// the value, for clients that show them.
				gerr.Extensions["argument"] = be.Argument
				gerr.Extensions["min"] = be.Min
				gerr.Extensions["max"] = be.Max
				gerr.Extensions["value"] = be.Value
			}
			switch kerr.Code {
			case kepu.Internal:
				logger.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "path", gerr.Path.String(), "err", err)
				gerr.Message = "internal error"
				setRequestID(ctx, gerr)
			case kepu.Unavailable:
				if kerr.Public {
					// A state the client may wait out (the search
					// index is being built): its own words.
					return gerr
				}
				// The store's own words may name files, hosts or the
				// database (a full disk: "cannot write to the data
				// directory: write /srv/data/kepugraph.db: no space left
				// on device"): they go to the log, the client gets a
				// generic message and the request ID.
				logger.ErrorContext(ctx, "store unavailable", "request_id", RequestID(ctx), "path", gerr.Path.String(), "err", kerr.Message)
				gerr.Message = UnavailableMessage
				setRequestID(ctx, gerr)
			}
			return gerr
		}
		if code, ok := gerr.Extensions["code"].(string); ok && code != "" && gerr.Err == nil {
			return gerr
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			gerr.Message = "request cancelled or timed out"
			setCode(gerr, kepu.Unavailable)
			return gerr
		}
		var ce model.CoercionError
		if errors.As(err, &ce) {
			// A figure the API computed (a sum of stored values) that its
			// type cannot hold: result coercion's field error.
			gerr.Message = ce.Error()
			setCode(gerr, CodeValueOutOfRange)
			return gerr
		}
		var inner *gqlerror.Error
		if errors.As(err, &inner) && inner.Err == nil {
			// An error gqlgen made itself (for example an argument it could
			// not decode): its message is meant for clients.
			if _, ok := gerr.Extensions["code"]; !ok {
				setCode(gerr, kepu.BadUserInput)
			}
			return gerr
		}
		logger.ErrorContext(ctx, "internal error", "request_id", RequestID(ctx), "path", gerr.Path.String(), "err", err)
		gerr.Message = "internal error"
		setCode(gerr, kepu.Internal)
		setRequestID(ctx, gerr)
		return gerr
	}
}

// fieldLocation gives a field error without locations its field's place
// in the document, as the GraphQL spec asks of an error that can be
// associated with a point of the document: gqlgen adds it to the errors
// its resolvers return, not to those raised while a value is written (a
// sum an Int cannot hold, VALUE_OUT_OF_RANGE) or to a recovered panic.
func fieldLocation(ctx context.Context, gerr *gqlerror.Error) {
	if len(gerr.Locations) > 0 || len(gerr.Path) == 0 {
		return
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Position == nil || fc.Path().String() != gerr.Path.String() {
		return
	}
	gerr.Locations = []gqlerror.Location{{Line: fc.Field.Position.Line, Column: fc.Field.Position.Column}}
}

// cutOff reports whether err is what a store call or a network measure
// returns when its context ends: the context's error itself, or the
// SERVICE_UNAVAILABLE or TIMEOUT a store or measure translates it into.
func cutOff(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	switch kepu.ErrorCode(err) {
	case kepu.Unavailable, httpx.CodeTimeout:
		return true
	}
	return false
}

// setRequestID adds extensions.requestId to an internal error, so that a
// client can quote it and an operator find the details in the log.
func setRequestID(ctx context.Context, e *gqlerror.Error) {
	if id := RequestID(ctx); id != "" {
		e.Extensions["requestId"] = id
	}
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

// recoverPanic turns a panic in a resolver into an internal error (logged
// with its value).
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic", fmt.Sprint(v))
		return kepu.Errorf(kepu.Internal, "internal error")
	}
}

// addPathError reports err for item i of the current list field.
func addPathError(ctx context.Context, i int, err error) {
	path := ast.Path{ast.PathIndex(i)}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		path = append(fc.Path(), ast.PathIndex(i))
	}
	graphql.AddError(ctx, &gqlerror.Error{Err: err, Message: err.Error(), Path: path})
}
