package main

import (
	"context"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestDemoPlatform: the demo platform has three tenants on the three
// plans, a month of usage each and one invoice each for the previous
// month; a second start issues nothing more.
func TestDemoPlatform(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	reg := tenanttest.NewRegistry(t, tenanttest.WithClock(func() time.Time { return now }))
	tenanttest.Provision(t, reg, demoSlug, domain.SectorBTP)
	if _, err := reg.SetLicence(demoSlug, tenants.LicenceInput{Plan: tenants.PlanPro}, "test"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	if err := ensureDemoPlatform(ctx, reg, now); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo platform: %s", time.Since(start))
	plans := map[string]string{}
	for _, slug := range []string{demoSlug, demoStarter, demoEnterprise} {
		info, err := reg.Get(slug)
		if err != nil {
			t.Fatal(err)
		}
		plans[info.Plan] = slug
		days, err := reg.UsageDays(slug, "2026-11-01", "2026-12-05")
		if err != nil || len(days) != 35 {
			t.Errorf("%s: %d usage days, want 35 (%v)", slug, len(days), err)
		}
		inv, err := reg.Invoices(tenants.InvoiceFilter{Tenant: slug, Period: "2026-11"})
		if err != nil || len(inv) != 1 || inv[0].AmountEUR <= 0 {
			t.Errorf("%s: invoices %+v %v", slug, inv, err)
		}
	}
	if len(plans) != 3 {
		t.Errorf("plans: %v", plans)
	}
	// the enterprise tenant pays its contract price and storage beyond 500 GB
	if inv, _ := reg.Invoices(tenants.InvoiceFilter{Tenant: demoEnterprise}); len(inv) == 1 && (len(inv[0].Lines) < 2 || inv[0].Lines[0].UnitPriceCents != 189000) {
		t.Errorf("enterprise lines: %+v", inv[0].Lines)
	}
	if err := ensureDemoPlatform(ctx, reg, now); err != nil {
		t.Fatal(err)
	}
	if all, _ := reg.Invoices(tenants.InvoiceFilter{}); len(all) != 3 {
		t.Errorf("after a second start: %d invoices, want 3", len(all))
	}
}
