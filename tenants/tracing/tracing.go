// Package tracing exports one OpenTelemetry server span per request over
// OTLP/HTTP when an endpoint is configured (`serve --otlp-endpoint`). Its
// per-request hook plugs into metrics.Observe.
package tracing

import (
	"context"
	"log/slog"
	"net/http"
)

// Tracing is the OpenTelemetry set-up: off (nil Trace) unless an OTLP
// endpoint is configured.
type Tracing struct {
	shutdown func(context.Context) error
	trace    func(r *http.Request, route func() string, tenant string) (*http.Request, func(code int))
}

// Trace returns the per-request hook of Observe (nil when tracing is off).
func (t *Tracing) Trace() func(r *http.Request, route func() string, tenant string) (*http.Request, func(code int)) {
	if t == nil {
		return nil
	}
	return t.trace
}

// Shutdown flushes pending spans.
func (t *Tracing) Shutdown(ctx context.Context) {
	if t != nil && t.shutdown != nil {
		_ = t.shutdown(ctx)
	}
}

// Start starts OTLP/HTTP tracing to endpoint (or
// OTEL_EXPORTER_OTLP_ENDPOINT); without either it returns a no-op Tracing.
func Start(ctx context.Context, endpoint, version string, logger *slog.Logger) (*Tracing, error) {
	return startOTLP(ctx, endpoint, version, logger)
}
