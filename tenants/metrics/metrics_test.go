package metrics

import (
	"fmt"
	"testing"
	"time"
)

// certExpiries gathers the certificate expiry series: host -> expiry.
func certExpiries(t *testing.T, m *Metrics) map[string]float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() == "fieldops_certificate_expiry_timestamp_seconds" {
			for _, s := range mf.GetMetric() {
				out[s.GetLabel()[0].GetValue()] = s.GetGauge().GetValue()
			}
		}
	}
	return out
}

// Certificate expiries: only the CertExpiryHosts hosts nearest expiry are
// exported, and only hosts served within CertServedWithin.
func TestCertExpiryBounded(t *testing.T) {
	m := New()
	clock := time.Unix(1_790_000_000, 0)
	m.now = func() time.Time { return clock }
	base := time.Unix(1_800_000_000, 0)
	for i := range 3 * CertExpiryHosts {
		m.SetCertExpiry(fmt.Sprintf("h%04d.example.com", i), base.Add(time.Duration(i)*time.Hour))
	}
	got := certExpiries(t, m)
	if len(got) != CertExpiryHosts {
		t.Fatalf("%d series, want %d", len(got), CertExpiryHosts)
	}
	for h, v := range got {
		if v >= float64(base.Add(CertExpiryHosts*time.Hour).Unix()) {
			t.Fatalf("host %s (expiry %v) is not among the nearest", h, v)
		}
	}
	// eight days later only the host served again is left: the others' certificates may have
	// been renewed since without the gauge knowing
	clock = clock.Add(8 * 24 * time.Hour)
	m.SetCertExpiry("h0150.example.com", base.Add(90*24*time.Hour))
	if got := certExpiries(t, m); len(got) != 1 || got["h0150.example.com"] != float64(base.Add(90*24*time.Hour).Unix()) {
		t.Fatalf("after 8 days: %v", got)
	}
}
