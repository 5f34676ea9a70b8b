// Package otlptest is a real OTLP/HTTP trace receiver for tests: a
// loopback server decoding the protobuf ExportTraceServiceRequest the
// product's exporter sends to /v1/traces.
package otlptest

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonv1 "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"
)

// Span is one received span, ids in lowercase hex.
type Span struct {
	Name, TraceID, SpanID, ParentID string
	Service                         string
	Attrs                           map[string]string
}

// Receiver collects the spans posted to it.
type Receiver struct {
	URL   string
	mu    sync.Mutex
	spans []Span
	bad   int
}

// New starts a receiver closed at the end of the test.
func New(t testing.TB) *Receiver {
	rv := &Receiver{}
	srv := httptest.NewServer(http.HandlerFunc(rv.serve))
	t.Cleanup(srv.Close)
	rv.URL = srv.URL
	return rv
}

func (rv *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if err == nil && r.URL.Path == "/v1/traces" {
		err = proto.Unmarshal(b, &req)
	}
	if err != nil || r.URL.Path != "/v1/traces" {
		rv.mu.Lock()
		rv.bad++
		rv.mu.Unlock()
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	rv.mu.Lock()
	for _, rs := range req.ResourceSpans {
		service := ""
		for _, a := range rs.GetResource().GetAttributes() {
			if a.Key == "service.name" {
				service = a.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				sp := Span{Name: s.Name, TraceID: hex.EncodeToString(s.TraceId), SpanID: hex.EncodeToString(s.SpanId),
					ParentID: hex.EncodeToString(s.ParentSpanId), Service: service, Attrs: map[string]string{}}
				for _, a := range s.Attributes {
					switch v := a.GetValue().GetValue().(type) {
					case *commonv1.AnyValue_StringValue:
						sp.Attrs[a.Key] = v.StringValue
					case *commonv1.AnyValue_IntValue:
						sp.Attrs[a.Key] = strconv.FormatInt(v.IntValue, 10)
					}
				}
				rv.spans = append(rv.spans, sp)
			}
		}
	}
	rv.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	_, _ = w.Write(out)
}

// Spans returns the spans received so far.
func (rv *Receiver) Spans() []Span {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return append([]Span(nil), rv.spans...)
}

// Bad counts the posts that were not a decodable OTLP trace export.
func (rv *Receiver) Bad() int {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return rv.bad
}
