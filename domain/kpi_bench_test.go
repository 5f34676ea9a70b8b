package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// BenchmarkTenantKPIs50SitesYear is the manager dashboard's figures: every
// site's KPIs over the last month, at 50 sites with a year of data
// (target < 50 ms).
func BenchmarkTenantKPIs50SitesYear(b *testing.B) {
	app := tenanttest.New(b).App()
	end := tenanttest.KPIScale(b, app)
	began := time.Now()
	if _, err := domain.ComputeTenantKPIs(app, end.AddDate(0, -1, 0), end); err != nil {
		b.Fatal(err)
	}
	b.Logf("first read of the day (the daily heal rebuilds %d weeks): %v", domain.KPIHealWeeks, time.Since(began))
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		began := time.Now()
		k, err := domain.ComputeTenantKPIs(app, end.AddDate(0, -1, 0), end)
		if err != nil || len(k.Sites) != 50 || k.Labour == 0 {
			b.Fatalf("%v %+v", err, k)
		}
		samples = append(samples, time.Since(began))
	}
	b.StopTimer()
	tenanttest.ReportPercentiles(b, samples)
}

// BenchmarkSiteKPIsYear is one site's KPIs with its details (the project
// manager's dashboard and the API) at the same scale.
func BenchmarkSiteKPIsYear(b *testing.B) {
	app := tenanttest.New(b).App()
	end := tenanttest.KPIScale(b, app)
	if err := domain.FlushKPIDaily(app); err != nil { // the day's heal
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := domain.ComputeSiteKPIs(app, fmt.Sprintf("site%011d", i%50), time.Time{}, end); err != nil {
			b.Fatal(err)
		}
	}
}
