package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants/tracing"
	"github.com/fieldops360/fieldops/tenants/tracing/otlptest"
)

const (
	inTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	inParent = "00f067aa0ba902b7"
)

func flush(t *testing.T, tr *tracing.Tracing) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tr.Shutdown(ctx)
}

// TestOTLPTracingExportsSpans: a request traced by the hook, with an
// incoming traceparent, reaches a real OTLP/HTTP receiver (protobuf
// decoded) as a server span continuing that trace, with the tenant, route
// and user; a child span is parented to it.
func TestOTLPTracingExportsSpans(t *testing.T) {
	rv := otlptest.New(t)
	tr, err := tracing.Start(context.Background(), rv.URL, "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || tr.Trace() == nil || !tr.Exporting() {
		t.Fatalf("tracing not started: %v", err)
	}
	req := httptest.NewRequest(http.MethodGet, "/sites/abc", nil)
	req.Header.Set("traceparent", "00-"+inTrace+"-"+inParent+"-01")
	req, end := tr.Trace()(req, func() string { return "/sites/{id}" }, "acme")
	tracing.SetUser(req.Context(), "u1234567890abcd")
	_, child := tracing.Child(req.Context(), "db.report.daily")
	child.End()
	end(200)
	flush(t, tr)
	spans := map[string]otlptest.Span{}
	for _, s := range rv.Spans() {
		spans[s.Name] = s
	}
	srv, ok := spans["GET /sites/{id}"]
	if !ok || rv.Bad() != 0 {
		t.Fatalf("server span not received (bad posts %d): %+v", rv.Bad(), rv.Spans())
	}
	if srv.TraceID != inTrace || srv.ParentID != inParent || srv.Service != "fieldops" {
		t.Errorf("server span %+v does not continue traceparent %s-%s", srv, inTrace, inParent)
	}
	for k, v := range map[string]string{"fieldops.tenant": "acme", "http.route": "/sites/{id}", "http.response.status_code": "200", "enduser.id": "u1234567890abcd"} {
		if srv.Attrs[k] != v {
			t.Errorf("server span %s = %q, want %q", k, srv.Attrs[k], v)
		}
	}
	if c := spans["db.report.daily"]; c.TraceID != inTrace || c.ParentID != srv.SpanID {
		t.Errorf("child span %+v not under the server span %s", c, srv.SpanID)
	}
}

// TestTracingWithoutEndpoint: no endpoint, spans still get ids (for the
// logs) but nothing is exported; a malformed traceparent starts a new
// trace.
func TestTracingWithoutEndpoint(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	tr, err := tracing.Start(context.Background(), "", "test", slog.Default())
	if err != nil || tr.Exporting() || tr.Trace() == nil {
		t.Fatalf("Start without endpoint: exporting=%v err=%v", tr.Exporting(), err)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("traceparent", "00-"+inTrace+"-zz-01")
	req, end := tr.Trace()(req, func() string { return "/" }, "acme")
	defer end(200)
	tp := tracing.Traceparent(req.Context())
	if tp == "" || strings.Contains(tp, inTrace) {
		t.Errorf("traceparent %q: want a fresh trace", tp)
	}
	var nilT *tracing.Tracing
	if nilT.Trace() != nil || nilT.Exporting() {
		t.Error("nil Tracing traces")
	}
}

// TestLogHandlerAddsRequestKeys: a line logged with a request context
// carries the contract keys; a line without one carries none; keys the
// line already has are kept, not repeated.
func TestLogHandlerAddsRequestKeys(t *testing.T) {
	tr, _ := tracing.Start(context.Background(), "", "test", nil)
	var buf bytes.Buffer
	log := slog.New(tracing.LogHandler(slog.NewJSONHandler(&buf, nil))).With("process", "serve")
	req := httptest.NewRequest(http.MethodPost, "/tasks/abc", nil)
	req.Header.Set("traceparent", "00-"+inTrace+"-"+inParent+"-01")
	req, end := tr.Trace()(req, func() string { return "/tasks/{id}" }, "acme")
	defer end(200)
	tracing.SetUser(req.Context(), "u1")
	log.InfoContext(req.Context(), "saved", "tenant", "acme")
	log.Info("no request")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", buf.String())
	}
	if strings.Count(lines[0], `"tenant"`) != 1 {
		t.Errorf("tenant repeated: %s", lines[0])
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"trace_id": inTrace, "tenant": "acme", "route": "/tasks/{id}", "method": "POST", "user": "u1", "process": "serve"} {
		if got[k] != v {
			t.Errorf("%s = %v, want %s (%s)", k, got[k], v, lines[0])
		}
	}
	if sid, _ := got["span_id"].(string); len(sid) != 16 || sid == inParent {
		t.Errorf("span_id %v: want the server span's own id", got["span_id"])
	}
	if _, ok := got["duration_ms"].(float64); !ok {
		t.Errorf("no duration_ms: %s", lines[0])
	}
	for _, k := range []string{"trace_id", "span_id", "user", "route"} {
		if strings.Contains(lines[1], `"`+k+`"`) {
			t.Errorf("line outside a request has %s: %s", k, lines[1])
		}
	}
}

// TestTransportInjectsTraceparent: an outgoing call made with a traced
// context carries its trace (a client span under the caller's span); one
// without a span carries no traceparent.
func TestTransportInjectsTraceparent(t *testing.T) {
	got := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("traceparent")
	}))
	defer srv.Close()
	client := &http.Client{Transport: tracing.Transport(nil)}
	ctx := tracing.FromTraceparent(context.Background(), "00-"+inTrace+"-"+inParent+"-01")
	for _, c := range []context.Context{ctx, context.Background()} {
		req, _ := http.NewRequestWithContext(c, http.MethodGet, srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if tp := <-got; !strings.HasPrefix(tp, "00-"+inTrace+"-") {
		t.Errorf("traced call carried %q", tp)
	}
	if tp := <-got; tp != "" {
		t.Errorf("untraced call carried %q", tp)
	}
	if tracing.FromTraceparent(context.Background(), "garbage") == nil || tracing.Traceparent(context.Background()) != "" {
		t.Error("traceparent of a context without span")
	}
}
