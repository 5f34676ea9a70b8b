package tenants

import (
	"net/http"
	"testing"
	"time"
)

// TestTrafficWindow: 5xx answers make the error rate, latencies fill the
// histogram's quantiles, and requests older than the window drop out.
func TestTrafficWindow(t *testing.T) {
	t.Parallel()
	r := &Registry{}
	now := time.Now()
	for i := range 20 {
		code := http.StatusOK
		if i%10 == 0 {
			code = http.StatusBadGateway
		}
		r.traffic.record("acme", time.Duration(i+1)*time.Millisecond, code, now)
	}
	r.traffic.record("acme", 9*time.Second, http.StatusOK, now)                                    // beyond the last bound
	r.traffic.record("old", time.Millisecond, http.StatusInternalServerError, now.Add(-time.Hour)) // out of the window
	got := r.Traffic()
	a := got["acme"]
	if a.Requests != 21 || a.Errors5xx != 2 || a.ErrorRate() < 0.095 || a.ErrorRate() > 0.096 {
		t.Errorf("acme: %+v rate %v", a, a.ErrorRate())
	}
	// 1–20 ms and one 9 s: the median is ≤ 25 ms (11th of 21), p95 beyond 5 s
	if a.Quantile(0.5) != 25*time.Millisecond || a.Quantile(0.99) != -1 || a.Quantile(0.1) != 5*time.Millisecond {
		t.Errorf("quantiles: p10 %v p50 %v p99 %v", a.Quantile(0.1), a.Quantile(0.5), a.Quantile(0.99))
	}
	if o := got["old"]; o.Requests != 0 || o.ErrorRate() != 0 || o.Quantile(0.5) != 0 {
		t.Errorf("an hour-old request counts: %+v", o)
	}
}
