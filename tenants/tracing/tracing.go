// Package tracing is the request tracing of `fieldops serve`: one
// OpenTelemetry server span per request that continues an incoming W3C
// `traceparent`, child spans for the heavy work (PDF/Excel generation,
// report queries, REST saves, outbound mail, replication control calls),
// `traceparent` on outgoing HTTP calls (Transport), OTLP/HTTP export when
// an endpoint is configured, and the log handler (LogHandler) that puts
// trace_id, span_id, tenant, route, method and user on every log line
// emitted while a request is handled.
package tracing

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// instrumentation is the tracer name of the product's spans.
const instrumentation = "github.com/fieldops360/fieldops"

// propagator reads and writes the W3C `traceparent`/`tracestate` headers.
var propagator = propagation.TraceContext{}

// Tracing is the OpenTelemetry set-up. Spans always get ids (log lines
// carry them); they leave the process only when an OTLP endpoint is
// configured (Exporting).
type Tracing struct {
	provider  trace.TracerProvider
	tracer    trace.Tracer
	exporting bool
	shutdown  func(context.Context) error
}

// Exporting tells whether spans are sent to an OTLP endpoint.
func (t *Tracing) Exporting() bool { return t != nil && t.exporting }

// Provider returns the tracer provider of the product's spans.
func (t *Tracing) Provider() trace.TracerProvider { return t.provider }

// Trace returns the per-request hook of metrics.Observe: it continues the
// request's `traceparent` (or starts a trace), starts the server span,
// records the request facts the log handler adds to every line, and
// returns the func ending the span with the status (nil on a nil
// Tracing).
func (t *Tracing) Trace() func(r *http.Request, route func() string, tenant string) (*http.Request, func(code int)) {
	if t == nil || t.tracer == nil {
		return nil
	}
	return t.trace
}

func (t *Tracing) trace(r *http.Request, route func() string, tenant string) (*http.Request, func(code int)) {
	ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx = withRequestInfo(ctx, &requestInfo{tenant: tenant, method: r.Method, route: route, start: time.Now()})
	ctx, span := t.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("fieldops.tenant", tenant)))
	return r.WithContext(ctx), func(code int) {
		rt := route()
		span.SetName(r.Method + " " + rt)
		span.SetAttributes(attribute.String("http.route", rt), attribute.Int("http.response.status_code", code))
		if u := UserOf(ctx); u != "" {
			span.SetAttributes(attribute.String("enduser.id", u))
		}
		if code >= 500 {
			span.SetStatus(codes.Error, http.StatusText(code))
		}
		span.End()
	}
}

// Shutdown flushes pending spans.
func (t *Tracing) Shutdown(ctx context.Context) {
	if t != nil && t.shutdown != nil {
		_ = t.shutdown(ctx)
	}
}

// Start sets tracing up: spans are exported over OTLP/HTTP to endpoint
// ("host:port" for plain HTTP, or a URL), or OTEL_EXPORTER_OTLP_ENDPOINT
// when it is empty; with neither, spans still get ids (for the logs and
// the outgoing `traceparent`) but are not exported. An exporter that
// cannot be built returns a non-exporting Tracing and the error.
func Start(ctx context.Context, endpoint, version string, logger *slog.Logger) (*Tracing, error) {
	exp, endpoint, err := newExporter(ctx, endpoint)
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(newResource(version))}
	if exp != nil {
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	if exp != nil && logger != nil {
		logger.Info("tracing enabled", "endpoint", endpoint)
	}
	return &Tracing{provider: tp, tracer: tp.Tracer(instrumentation), exporting: exp != nil, shutdown: tp.Shutdown}, err
}
