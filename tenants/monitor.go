package tenants

import (
	"bufio"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Request statistics per tenant for the monitoring page (issue #19), in
// memory: the requests, 5xx answers and a latency histogram of the last
// trafficWindow, in one-minute slots. The tenant dimension is bounded by
// the tenants served by this process.

// trafficWindow is how far back the statistics look.
const trafficSlots = 5

// LatencyBuckets are the upper bounds of the latency histogram.
var LatencyBuckets = []time.Duration{
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
	250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2500 * time.Millisecond, 5 * time.Second,
}

type trafficSlot struct {
	minute   int64
	requests int64
	errors   int64
	hist     [11]int64 // LatencyBuckets and +Inf
}

type tenantTraffic struct {
	slots [trafficSlots]trafficSlot
}

type trafficBook struct {
	mu sync.Mutex
	m  map[string]*tenantTraffic
}

func (b *trafficBook) record(slug string, d time.Duration, code int, now time.Time) {
	minute := now.Unix() / 60
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]*tenantTraffic{}
	}
	t := b.m[slug]
	if t == nil {
		t = &tenantTraffic{}
		b.m[slug] = t
	}
	s := &t.slots[minute%trafficSlots]
	if s.minute != minute {
		*s = trafficSlot{minute: minute}
	}
	s.requests++
	if code >= 500 {
		s.errors++
	}
	i := sort.Search(len(LatencyBuckets), func(i int) bool { return d <= LatencyBuckets[i] })
	s.hist[i]++
}

// Traffic is a tenant's requests over the last minutes.
type Traffic struct {
	Requests  int64
	Errors5xx int64
	// Hist counts requests per LatencyBuckets bound, the last one beyond.
	Hist [11]int64
}

// ErrorRate is the share of 5xx answers (0–1).
func (t Traffic) ErrorRate() float64 {
	if t.Requests == 0 {
		return 0
	}
	return float64(t.Errors5xx) / float64(t.Requests)
}

// Quantile is the upper bound of the bucket holding quantile q (0–1) of
// the latencies; 0 without requests, -1 beyond the last bound.
func (t Traffic) Quantile(q float64) time.Duration {
	if t.Requests == 0 {
		return 0
	}
	rank := int64(q*float64(t.Requests) + 0.999999)
	var n int64
	for i, c := range t.Hist {
		if n += c; n >= rank {
			if i == len(LatencyBuckets) {
				return -1
			}
			return LatencyBuckets[i]
		}
	}
	return -1
}

// TrafficWindow is how far back Traffic looks.
const TrafficWindow = trafficSlots * time.Minute

// Traffic returns each tenant's requests of the last TrafficWindow.
func (r *Registry) Traffic() map[string]Traffic {
	now := time.Now().Unix() / 60
	r.traffic.mu.Lock()
	defer r.traffic.mu.Unlock()
	out := make(map[string]Traffic, len(r.traffic.m))
	for slug, t := range r.traffic.m {
		var s Traffic
		for _, sl := range t.slots {
			if now-sl.minute >= trafficSlots {
				continue
			}
			s.Requests += sl.requests
			s.Errors5xx += sl.errors
			for i := range sl.hist {
				s.Hist[i] += sl.hist[i]
			}
		}
		out[slug] = s
	}
	return out
}

// statusWriter records the status code a tenant answered; it passes
// flushes (SSE) and hijacks through.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush flushes the underlying writer when it can.
func (w *statusWriter) Flush() {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack hands the connection over when the underlying writer can.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap returns the underlying writer (http.ResponseController).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// stream reports whether the answer is a live stream (SSE), whose
// duration is not a latency.
func (w *statusWriter) stream() bool {
	return strings.HasPrefix(w.Header().Get("Content-Type"), "text/event-stream")
}

// status is the code answered (200 when nothing was written).
func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}
