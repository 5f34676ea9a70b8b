package tenants_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// The benchmarks of a tenant served by the real handlers (reopen, idle
// RSS, API CPU against stock PocketBase) are in
// handlers/registry_bench_test.go.

// reportPercentiles adds p50/p99/max (milliseconds) of samples to b.
func reportPercentiles(b *testing.B, samples []time.Duration) {
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

// BenchmarkProvision measures `tenant create` end to end: database,
// schema, sector reference data, admin with password hashing, control
// plane record. Target: p50 < 500 ms, p99 < 1 s.
func BenchmarkProvision(b *testing.B) {
	reg := tenanttest.NewRegistry(b)
	samples := make([]time.Duration, 0, b.N)
	sectors := []string{"btp", "elec", "tp"}
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		_, err := reg.CreateTenant(tenants.CreateInput{
			Slug: fmt.Sprintf("bench-%d", i), Name: "Bench", Sector: sectors[i%3], AdminEmail: "a@bench.fr",
		})
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	b.StopTimer()
	reportPercentiles(b, samples)
}
