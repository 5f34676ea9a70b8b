package xlsx

import (
	"context"

	"go.opentelemetry.io/otel/trace"
)

// startSpan starts a child span of the span of ctx (the request's, when
// traced; none: a no-op span) around a document's generation; it uses the
// parent's tracer provider, so this package needs no tracing set-up.
func startSpan(ctx context.Context, name string) (context.Context, trace.Span) {
	return trace.SpanFromContext(ctx).TracerProvider().Tracer("github.com/fieldops360/fieldops/domain/xlsx").Start(ctx, name)
}
