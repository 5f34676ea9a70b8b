package tracing

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// requestInfo is what the log handler knows of the request being handled:
// set by the Trace hook, the user filled in once authentication ran.
type requestInfo struct {
	tenant, method string
	route          func() string
	start          time.Time
	mu             sync.Mutex
	user           string
}

type ctxKey struct{}

func withRequestInfo(ctx context.Context, ri *requestInfo) context.Context {
	return context.WithValue(ctx, ctxKey{}, ri)
}

func infoOf(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(ctxKey{}).(*requestInfo)
	return ri
}

// SetUser records the authenticated user's record id (never an e-mail or
// a name) for the log lines and the span of the request of ctx; outside a
// traced request it does nothing.
func SetUser(ctx context.Context, id string) {
	if ri := infoOf(ctx); ri != nil {
		ri.mu.Lock()
		ri.user = id
		ri.mu.Unlock()
	}
}

// UserOf returns the user id recorded by SetUser ("" when anonymous or
// outside a request).
func UserOf(ctx context.Context) string {
	ri := infoOf(ctx)
	if ri == nil {
		return ""
	}
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.user
}

// LogHandler wraps h so that every record logged with a request context
// (logger.InfoContext(ctx, …), LogAttrs(ctx, …)) carries trace_id and
// span_id (the current span) and the request's tenant, route (pattern),
// method, user (record id) and duration_ms so far; keys the record already
// has are not repeated. The key names are a contract of the Loki queries
// (docs/observability.md).
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (l logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return logHandler{l.Handler.WithAttrs(as)}
}

func (l logHandler) WithGroup(name string) slog.Handler {
	return logHandler{l.Handler.WithGroup(name)}
}

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	sc := trace.SpanContextFromContext(ctx)
	ri := infoOf(ctx)
	if !sc.IsValid() && ri == nil {
		return l.Handler.Handle(ctx, r)
	}
	has := map[string]bool{}
	r.Attrs(func(a slog.Attr) bool { has[a.Key] = true; return true })
	add := func(k, v string) {
		if !has[k] && v != "" {
			r.AddAttrs(slog.String(k, v))
		}
	}
	if sc.IsValid() {
		add("trace_id", sc.TraceID().String())
		add("span_id", sc.SpanID().String())
	}
	if ri != nil {
		add("tenant", ri.tenant)
		add("route", ri.route())
		add("method", ri.method)
		add("user", UserOf(ctx))
		if !has["duration_ms"] {
			r.AddAttrs(slog.Float64("duration_ms", float64(time.Since(ri.start).Microseconds())/1000))
		}
	}
	return l.Handler.Handle(ctx, r)
}
