package tenants_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// The benchmarks of a tenant served by the real handlers (reopen, idle
// RSS, API CPU against stock PocketBase) are in
// handlers/registry_bench_test.go.

// BenchmarkProvision measures `tenant create` end to end from the
// sector's template: copy, tenant-specific writes (auth secrets, audit
// genesis, company, admin with one bcrypt hash), control-plane record.
// The templates are built first, in a directory of the benchmark's own,
// and reported apart ("template-ms/sector": done once per schema
// version). Target: p50 < 150 ms, p99 < 300 ms over 60 tenants.
func BenchmarkProvision(b *testing.B) {
	reg := tenanttest.NewRegistry(b, func(c *tenants.Config) { c.TemplateDir = b.TempDir() })
	start := time.Now()
	if err := reg.WarmTemplates(); err != nil {
		b.Fatal(err)
	}
	templateMS := float64(time.Since(start).Microseconds()) / 1000 / 3
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
	tenanttest.ReportPercentiles(b, samples)
	b.ReportMetric(templateMS, "template-ms/sector")
}
