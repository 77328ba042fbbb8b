package metrics

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/kepugraph/kepugraph/kepu"
)

// TracerName is the instrumentation scope of the spans.
const TracerName = "github.com/kepugraph/kepugraph"

// Tracing records OpenTelemetry spans: one per GraphQL operation (through
// the gqlgen extension of Extension) and one per store call (through the
// store of Store). It is off unless the server is started with --otel.
type Tracing struct {
	tracer   trace.Tracer
	shutdown func(context.Context) error
}

// NewTracing returns tracing that records spans with tp (for example an
// SDK provider with an in-memory span recorder in tests).
func NewTracing(tp trace.TracerProvider) *Tracing {
	return &Tracing{tracer: tp.Tracer(TracerName), shutdown: func(context.Context) error { return nil }}
}

// NewOTLPTracing returns tracing that exports spans in batches over OTLP/HTTP.
// The exporter reads the standard variables: OTEL_EXPORTER_OTLP_ENDPOINT
// (default http://localhost:4318), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
// OTEL_EXPORTER_OTLP_HEADERS and so on; OTEL_SERVICE_NAME overrides the
// service name "kepugraph".
func NewOTLPTracing(ctx context.Context) (*Tracing, error) {
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := resource.Merge(resource.Default(),
		resource.NewSchemaless(semconv.ServiceName("kepugraph")))
	if err != nil {
		res = resource.Default()
	}
	// Variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) win.
	if env, err := resource.New(ctx, resource.WithFromEnv()); err == nil {
		if merged, err := resource.Merge(res, env); err == nil {
			res = merged
		}
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracing{tracer: tp.Tracer(TracerName), shutdown: tp.Shutdown}, nil
}

// Shutdown flushes the spans not yet exported and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error { return t.shutdown(ctx) }

// Extension returns the gqlgen extension that wraps every operation's
// execution in a span "graphql.<type> <name>".
func (t *Tracing) Extension() graphql.HandlerExtension { return tracingExtension{t.tracer} }

type tracingExtension struct{ tracer trace.Tracer }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = tracingExtension{}

func (tracingExtension) ExtensionName() string                   { return "OpenTelemetry" }
func (tracingExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e tracingExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	name, typ := "", "operation"
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			name, typ = op.Name, string(op.Operation)
		}
	}
	spanName := "graphql." + typ
	if name != "" {
		spanName += " " + name
	}
	ctx, span := e.tracer.Start(ctx, spanName, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("graphql.operation.type", typ), attribute.String("graphql.operation.name", name)))
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		code, _ := resp.Errors[0].Extensions["code"].(string)
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)), attribute.String("graphql.error.code", code))
		span.SetStatus(codes.Error, resp.Errors[0].Message)
	}
	return resp
}

// Store returns st with a span "store.<Method>" around every call.
func (t *Tracing) Store(st kepu.Store) kepu.Store {
	return kepu.Observe(st, kepu.Observer{
		Start: func(ctx context.Context, c kepu.Call) context.Context {
			ctx, _ = t.tracer.Start(ctx, "store."+c.Method, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(callAttributes(c)...))
			return ctx
		},
		End: func(ctx context.Context, _ kepu.Call, err error) { end(trace.SpanFromContext(ctx), err) },
	})
}

// callAttributes are the span attributes of a store call.
func callAttributes(c kepu.Call) []attribute.KeyValue {
	switch c.Method {
	case "FindNodes", "CountNodes":
		return []attribute.KeyValue{attribute.String("label", string(c.Label))}
	case "PlaceNodes", "CountPlaceNodes":
		return []attribute.KeyValue{attribute.String("label", string(c.Label)), attribute.Int("ids", c.IDs)}
	case "Nodes", "Neighbors", "CountNeighbors", "Locate":
		return []attribute.KeyValue{attribute.Int("ids", c.IDs)}
	case "Write":
		return []attribute.KeyValue{attribute.Int("changes", c.Changes)}
	}
	return nil
}

func end(span trace.Span, err error) {
	if err != nil {
		span.SetAttributes(attribute.String("kepu.code", kepu.ErrorCode(err)))
		span.SetStatus(codes.Error, kepu.ErrorMessage(err))
	}
	span.End()
}
