package metrics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// Resolver maps a request host to the platform or a tenant
// (tenants.Registry).
type Resolver interface {
	Resolve(hostport string) (kind, slug string)
}

// ObserveConfig configures the outer HTTP middleware of `fieldops serve`.
type ObserveConfig struct {
	Metrics  *Metrics // nil: no series recorded
	Registry Resolver // nil: no tenant in the access log
	Logger   *slog.Logger
	// Shutdown is cancelled when the server starts its graceful shutdown:
	// SSE streams are ended then, so that draining does not wait for them.
	Shutdown context.Context
	// Trace, when set, starts a span for the request (OpenTelemetry) and
	// returns the request carrying it and a func ending it.
	Trace func(r *http.Request, route func() string, tenant string) (*http.Request, func(code int))
}

const requestIDCtxKey ctxKey = 3

// RequestID returns the request id set by Observe ("" outside a request).
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDCtxKey).(string)
	return s
}

// isStream tells a long-lived SSE request (Datastar GET stream).
func isStream(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// Observe wraps the dispatcher: request id (X-Request-Id, kept when the
// ingress sent a sane one), route-pattern latency metrics, SSE client
// count, a JSON access log line with request id and tenant (no personal
// data: no query string, no IP), and tracing when configured.
func Observe(cfg ObserveConfig, next http.Handler) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Shutdown == nil {
		cfg.Shutdown = context.Background()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if len(id) < 8 || len(id) > 64 || strings.ContainsAny(id, " \t\"\\") {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx, holder := withRouteHolder(context.WithValue(r.Context(), requestIDCtxKey, id))
		tenant := ""
		if cfg.Registry != nil {
			if kind, slug := cfg.Registry.Resolve(r.Host); kind == tenants.TargetTenant {
				tenant = slug
			} else if kind == tenants.TargetPlatform {
				tenant = "platform"
			}
		}
		stream := isStream(r)
		if stream {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
			stop := context.AfterFunc(cfg.Shutdown, cancel)
			defer stop()
			if cfg.Metrics != nil {
				cfg.Metrics.sse.Inc()
				defer cfg.Metrics.sse.Dec()
			}
		}
		r = r.WithContext(ctx)
		route := func() string {
			if holder.route != "" {
				return holder.route
			}
			switch r.URL.Path {
			case "/healthz", "/readyz", "/metrics", "/ca.pem":
				return r.URL.Path
			}
			return "unmatched"
		}
		var endSpan func(int)
		if cfg.Trace != nil {
			r, endSpan = cfg.Trace(r, route, tenant)
		}
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		code := strconv.Itoa(rec.code)
		if endSpan != nil {
			endSpan(rec.code)
		}
		if cfg.Metrics != nil && !stream {
			cfg.Metrics.reqDur.WithLabelValues(route(), r.Method, code).Observe(d.Seconds())
			cfg.Metrics.reqTotal.WithLabelValues(route(), r.Method, code).Inc()
			cfg.Metrics.tenants.Observe(tenant, rec.code)
		}
		level := slog.LevelInfo
		if rec.code >= 500 {
			level = slog.LevelError
		}
		cfg.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", id), slog.String("tenant", tenant), slog.String("method", r.Method),
			slog.String("route", route()), slog.Int("status", rec.code), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
			slog.Int64("bytes", rec.bytes))
	})
}

// statusRecorder records the status and size; Flush and Unwrap keep SSE
// and http.ResponseController working through it.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	bytes       int64
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wroteHeader {
		s.code, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
