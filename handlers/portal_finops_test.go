package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestMarginMetric: /metrics carries fieldops_tenant_margin_eur, one
// series per tenant, negative for a trial tenant that uses the platform.
func TestMarginMetric(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 16, 0, 0, 0, 0, time.UTC)
	m := metrics.New()
	reg := handlertest.NewRegistry(t, tenanttest.WithClock(func() time.Time { return now }),
		handlertest.WithDeps(func(d *handlers.Deps) { d.Metrics = m }))
	m.AttachMargins(reg)
	tt := tenanttest.Provision(t, reg, "acme", "btp")
	tenanttest.Provision(t, reg, "paying", "btp")
	trial, start := true, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if _, err := reg.SetLicence(tt.Slug, tenants.LicenceInput{Plan: tenants.PlanStarter, Starts: &start, Trial: &trial}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.SetLicence("paying", tenants.LicenceInput{Plan: tenants.PlanPro, Starts: &start}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := reg.PutUsageDays(tt.Slug, []tenants.UsageDay{{Day: "2026-12-02", Requests: 10, CPUms: 36_000_000}}); err != nil {
		t.Fatal(err)
	}
	body := tenanttest.Get(t, reg, "admin.localhost", "/metrics").Body.String()
	// acme: 10 CPU-hours × 0.05 + all the memory (40 € × 15/31) = 19.85 €, paying nothing;
	// paying: Pro 490 € × 15/31 = 237.10 € so far, no cost
	if !strings.Contains(body, `fieldops_tenant_margin_eur{tenant="acme"} -19.85`) || !strings.Contains(body, `fieldops_tenant_margin_eur{tenant="paying"} 237.1`) {
		t.Errorf("margin series: %s", grep(body, "fieldops_tenant_margin_eur"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
