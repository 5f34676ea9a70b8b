package tracing

import (
	"context"
	"os"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// newExporter returns the OTLP/HTTP span exporter of endpoint (or
// OTEL_EXPORTER_OTLP_ENDPOINT), nil when neither is set, and the endpoint
// used. "host:port" is plain HTTP; a URL keeps its scheme and gets
// /v1/traces appended.
func newExporter(ctx context.Context, endpoint string) (sdktrace.SpanExporter, string, error) {
	if endpoint == "" {
		endpoint = os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	if endpoint == "" {
		return nil, "", nil
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
		return nil, endpoint, err
	}
	return exp, endpoint, nil
}

// newResource names the service in every exported span.
func newResource(version string) *resource.Resource {
	return resource.NewSchemaless(attribute.String("service.name", "fieldops"), attribute.String("service.version", version))
}
