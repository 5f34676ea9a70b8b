package tracing

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// startOTLP exports one server span per request (route pattern, status,
// tenant) over OTLP/HTTP. endpoint is "host:port" (plain HTTP) or a URL;
// OTEL_EXPORTER_OTLP_ENDPOINT is used when it is empty; with neither,
// tracing is off.
func startOTLP(ctx context.Context, endpoint, version string, logger *slog.Logger) (*Tracing, error) {
	if endpoint == "" {
		endpoint = os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if endpoint == "" {
		return &Tracing{}, nil
	}
	var opt otlptracehttp.Option
	if strings.Contains(endpoint, "://") {
		opt = otlptracehttp.WithEndpointURL(strings.TrimRight(endpoint, "/") + "/v1/traces")
	} else {
		opt = otlptracehttp.WithEndpoint(endpoint)
	}
	opts := []otlptracehttp.Option{opt}
	if !strings.HasPrefix(endpoint, "https://") {
		opts = append(opts, otlptracehttp.WithInsecure())
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return &Tracing{}, err
	}
	res := resource.NewSchemaless(attribute.String("service.name", "fieldops"), attribute.String("service.version", version))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	tracer := tp.Tracer("github.com/fieldops360/fieldops")
	logger.Info("tracing enabled", "endpoint", endpoint)
	t := &Tracing{shutdown: tp.Shutdown}
	t.trace = func(r *http.Request, route func() string, tenant string) (*http.Request, func(code int)) {
		ctx, span := tracer.Start(r.Context(), r.Method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("fieldops.tenant", tenant)))
		return r.WithContext(ctx), func(code int) {
			rt := route()
			span.SetName(r.Method + " " + rt)
			span.SetAttributes(attribute.String("http.route", rt), attribute.Int("http.response.status_code", code))
			if code >= 500 {
				span.SetStatus(codes.Error, http.StatusText(code))
			}
			span.End()
		}
	}
	return t, nil
}
