package tracing_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants/tracing"
)

// TestOTLPTracingExportsSpans checks that a request traced by the OTLP
// hook reaches a real OTLP/HTTP receiver (a loopback server recording the
// protobuf payload) with the tenant and route attributes.
func TestOTLPTracingExportsSpans(t *testing.T) {
	var got atomic.Value
	var hits atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" {
			hits.Add(1)
			got.Store(string(b))
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()
	tr, err := tracing.Start(context.Background(), rcv.URL, "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || tr.Trace() == nil {
		t.Fatalf("tracing not started: %v", err)
	}
	req := httptest.NewRequest(http.MethodGet, "/sites/abc", nil)
	_, end := tr.Trace()(req, func() string { return "/sites/{id}" }, "acme")
	end(200)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr.Shutdown(ctx)
	if hits.Load() == 0 {
		t.Fatal("no span exported")
	}
	body, _ := got.Load().(string)
	for _, want := range []string{"fieldops.tenant", "acme", "/sites/{id}", "fieldops"} {
		if !strings.Contains(body, want) {
			t.Errorf("exported payload lacks %q", want)
		}
	}
	off, _ := tracing.Start(context.Background(), "", "test", slog.Default())
	if off.Trace() != nil {
		t.Error("tracing on without an endpoint")
	}
}
