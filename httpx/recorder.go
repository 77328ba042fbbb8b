package httpx

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Recorder is a gqlgen handler extension that fills the request's Record
// (see Track) with the operation name and type and the outcome: "ok", or
// the extensions.code of the first error of the response ("ERROR" when it
// has none). Add it with srv.Use(httpx.Recorder{}).
type Recorder struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.ResponseInterceptor
} = Recorder{}

// ExtensionName implements graphql.HandlerExtension.
func (Recorder) ExtensionName() string { return "HTTPRecorder" }

// Validate implements graphql.HandlerExtension.
func (Recorder) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters records the operation name before parsing, so
// that requests rejected later still carry it.
func (Recorder) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	SetOperation(ctx, boundedName(p.OperationName), "")
	return nil
}

// InterceptResponse records the operation type and the outcome.
func (Recorder) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			SetOperation(ctx, boundedName(op.Name), string(op.Operation))
		}
	}
	if resp == nil {
		return resp
	}
	outcome := "ok"
	if len(resp.Errors) > 0 {
		outcome = "ERROR"
		if code, ok := resp.Errors[0].Extensions["code"].(string); ok && code != "" {
			outcome = code
		}
	}
	RecordFrom(ctx).Update(func(i *Info) {
		// Keep a rejection recorded earlier (a 4xx by an extension).
		if i.Outcome == "" || i.Outcome == "ok" || outcome != "ok" {
			i.Outcome = outcome
		}
	})
	return resp
}
