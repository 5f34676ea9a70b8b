package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenants/tracing"
	"github.com/fieldops360/fieldops/tenants/tracing/otlptest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestRequestTraceInLogsAndSpans: a PDF report request wired as in
// `fieldops serve` (Observe, the tracing hook and route wrapper, the JSON
// log handler) with an incoming traceparent: its JSON request line carries
// the continued trace id, its span id, tenant, route pattern, method,
// status, duration and the user's record id (no e-mail); the real OTLP
// receiver gets the server span (parent: the caller's span) and the
// pdf.report.daily child span whose parent is the server span.
func TestRequestTraceInLogsAndSpans(t *testing.T) {
	t.Parallel()
	rv := otlptest.New(t)
	var logs lockedBuffer
	logger := slog.New(tracing.LogHandler(slog.NewJSONHandler(&logs, nil)))
	tr, err := tracing.Start(context.Background(), rv.URL, "test", logger)
	if err != nil {
		t.Fatal(err)
	}
	wrap := func(c *tenants.Config) {
		inner := c.Routes
		c.Routes = func(reg *tenants.Registry) (tenants.RouteInstaller, error) {
			ri, err := inner(reg)
			return tr.Routes(metrics.WithRoutePattern(ri)), err
		}
	}
	tt := handlertest.New(t, handlertest.WithDeps(func(d *handlers.Deps) { d.Logger = logger }), wrap)
	boss := tt.User(domain.RoleManager, "boss@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active"}).Id
	cookie := tt.Login("boss@acme.test", tenanttest.Password)
	srv := metrics.Observe(metrics.ObserveConfig{Registry: tt.Registry, Logger: logger, Trace: tr.Trace()}, tt.Registry)

	req := tenanttest.NewRequest(http.MethodGet, tt.Host(), "/reports/sites/"+site+"/daily.pdf?date=2026-11-18", nil)
	req.AddCookie(cookie)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
		t.Fatalf("daily.pdf = %d %.200s", rec.Code, rec.Body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tr.Shutdown(ctx)

	const traceID, route = "4bf92f3577b34da6a3ce929d0e0e4736", "/reports/sites/{siteId}/daily.pdf"
	var line map[string]any
	for _, l := range strings.Split(logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" {
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no JSON request line in %q", logs.String())
	}
	for k, v := range map[string]any{"trace_id": traceID, "tenant": "acme", "route": route, "method": "GET", "status": 200.0, "user": boss.Id} {
		if line[k] != v {
			t.Errorf("request line %s = %v, want %v", k, line[k], v)
		}
	}
	if d, ok := line["duration_ms"].(float64); !ok || d <= 0 {
		t.Errorf("request line duration_ms = %v", line["duration_ms"])
	}
	if strings.Contains(logs.String(), "boss@acme.test") {
		t.Error("the logs carry the user's e-mail")
	}

	var server, pdf *otlptest.Span
	spans := rv.Spans()
	for i, s := range spans {
		switch {
		case s.Name == "GET "+route:
			server = &spans[i]
		case s.Name == "pdf.report.daily":
			pdf = &spans[i]
		}
	}
	if server == nil || pdf == nil {
		t.Fatalf("spans received: %+v", spans)
	}
	if server.TraceID != traceID || server.ParentID != "00f067aa0ba902b7" || server.SpanID != line["span_id"] {
		t.Errorf("server span %+v: want trace %s, the caller's parent, the log line's span_id %v", server, traceID, line["span_id"])
	}
	if server.Attrs["enduser.id"] != boss.Id || server.Attrs["fieldops.tenant"] != "acme" {
		t.Errorf("server span attributes %v", server.Attrs)
	}
	if pdf.TraceID != traceID || pdf.ParentID != server.SpanID {
		t.Errorf("pdf span %+v: want a child of the server span %s", pdf, server.SpanID)
	}
}
