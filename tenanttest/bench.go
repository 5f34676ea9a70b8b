package tenanttest

import (
	"slices"
	"testing"
	"time"
)

// ReportPercentiles adds the p50, p99 and max (milliseconds) of samples
// to b, for benchmarks whose figure is a latency distribution
// (provisioning, reopen).
func ReportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(q float64) float64 {
		i := int(q * float64(len(samples)-1))
		return float64(samples[i].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(samples[len(samples)-1].Microseconds())/1000, "max-ms")
}
