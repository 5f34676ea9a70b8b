package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// BenchmarkManagerDashboard50SitesYear is the manager's dashboard server
// time (issue #17: under 50 ms at 50 sites with a year of data) through
// the whole stack — routing, session, the KPI engine over the month to
// date, alerts, templ — for /dashboard (counters, alerts, incidents and
// the KPI board) and /kpis (the board alone). Today is 2026-11-27, the
// data's last month (tenanttest.KPIScale).
//
//	go test -run '^$' -bench ManagerDashboard -benchtime 100x ./handlers/
func BenchmarkManagerDashboard50SitesYear(b *testing.B) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tt := handlertest.New(b, tenanttest.WithClock(func() time.Time { return now }))
	tenanttest.KPIScale(b, tt.App())
	tt.User(domain.RoleManager, "boss@acme.test")
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	for _, path := range []string{"/dashboard", "/kpis"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			began := time.Now()
			rec := tenanttest.Get(b, tt.Registry, tt.Host(), path, boss)
			if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), "CH-0") < 50 {
				b.Fatalf("%s: %d with %d site codes, want 50", path, rec.Code, strings.Count(rec.Body.String(), "CH-0"))
			}
			b.Logf("%s first render: %v", path, time.Since(began))
			samples := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				began := time.Now()
				if rec := tenanttest.Get(b, tt.Registry, tt.Host(), path, boss); rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, rec.Code)
				}
				samples = append(samples, time.Since(began))
			}
			b.StopTimer()
			tenanttest.ReportPercentiles(b, samples)
		})
	}
}
