package tenants_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestEntitlementsFromControlPlane(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg := tt.Registry
	got, err := reg.Entitlements(tt.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.Licence != domain.LicenceActive || got.Plan != "enterprise" || got.PlanName != "Enterprise" || got.Seats != 0 ||
		!slices.Contains(got.Modules, domain.PlanModuleInvoicing) || !got.AllowsModule("reports") {
		t.Fatalf("new enterprise tenant: %+v, want every module, no seat limit", got)
	}
	if unknown, err := reg.Entitlements("nobody"); err != nil || unknown.Licence != domain.LicenceActive {
		t.Errorf("unknown slug: %+v, %v", unknown, err)
	}

	// the platform changes the plan: seen at once (no wait for the TTL)
	rec, err := reg.Platform().FindFirstRecordByData("tenants", "slug", tt.Slug)
	if err != nil {
		t.Fatal(err)
	}
	rec.Load(map[string]any{"plan": "starter", "seats": 10, "modules": []string{"sites", "planning"}})
	if err := reg.Platform().Save(rec); err != nil {
		t.Fatal(err)
	}
	got, _ = reg.Entitlements(tt.Slug)
	if got.Plan != "starter" || got.Seats != 10 || !slices.Equal(got.Modules, []string{"sites", "planning"}) || got.Licence != domain.LicenceActive {
		t.Errorf("after plan change: %+v", got)
	}
	if got.AllowsModule("reports") || !got.AllowsModule("planning") || got.ModulePlans["reporting"] != "Pro" || got.ModulePlans["invoicing"] != "Pro" {
		t.Errorf("modules outside the plan: %+v", got)
	}
	// the plan's own seats and modules when the tenant sets none
	rec.Load(map[string]any{"plan": "starter", "seats": 0, "modules": nil})
	if err := reg.Platform().Save(rec); err != nil {
		t.Fatal(err)
	}
	got, _ = reg.Entitlements(tt.Slug)
	if got.Seats != 10 || got.PlanName != "Starter" || !slices.Equal(got.Modules, []string{"sites", "resources", "planning", "proof"}) {
		t.Errorf("starter plan defaults: %+v", got)
	}

	scenarios := []struct {
		name    string
		fields  map[string]any
		licence string
	}{
		{"licence ended an hour ago: grace", map[string]any{"licence_expires": time.Now().Add(-time.Hour)}, domain.LicenceGrace},
		{"licence ended 15 days ago: read-only", map[string]any{"licence_expires": time.Now().AddDate(0, 0, -15)}, domain.LicenceReadOnly},
		{"a 30-day grace period", map[string]any{"grace_days": 30}, domain.LicenceGrace},
		{"licence renewed", map[string]any{"licence_expires": time.Now().AddDate(1, 0, 0)}, domain.LicenceActive},
		{"tenant suspended", map[string]any{"status": tenants.StatusSuspended}, domain.LicenceSuspended},
	}
	for _, s := range scenarios {
		rec.Load(s.fields)
		if err := reg.Platform().Save(rec); err != nil {
			t.Fatal(err)
		}
		if got, _ := reg.Entitlements(tt.Slug); got.Licence != s.licence {
			t.Errorf("%s: licence %q, want %q", s.name, got.Licence, s.licence)
		}
	}
}
