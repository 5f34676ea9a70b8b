package tenants_test

import (
	"encoding/json"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestPlatformRecordsAndFinders(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	tenanttest.Provision(t, reg, "zeta", domain.SectorElec)
	tenanttest.Provision(t, reg, "alpha", domain.SectorBTP)
	if _, err := reg.SetStatus("zeta", tenants.StatusSuspended, "ops@fieldops.test"); err != nil {
		t.Fatal(err)
	}
	app := reg.Platform()

	if n, err := tenants.CountTenantRecords(app); err != nil || n != 2 {
		t.Errorf("tenant count = %d %v, want 2", n, err)
	}
	recs, err := tenants.FindTenantRecords(app)
	if err != nil || len(recs) != 2 {
		t.Fatalf("tenant records = %d %v", len(recs), err)
	}
	a, z := recs[0], recs[1]
	if a.Slug() != "alpha" || a.Sector() != domain.SectorBTP || a.Status() != tenants.StatusActive || a.AdminEmail() != "admin@alpha.test" || a.Created().IsZero() {
		t.Errorf("alpha = %q %q %q %q %v", a.Slug(), a.Sector(), a.Status(), a.AdminEmail(), a.Created())
	}
	if z.Slug() != "zeta" || z.Status() != tenants.StatusSuspended || z.Name() != "Entreprise ZETA" {
		t.Errorf("zeta = %q %q %q", z.Slug(), z.Status(), z.Name())
	}
	if a.Plan() == "" {
		t.Error("plan of a provisioned tenant is empty")
	}

	all, err := tenants.FindPlatformAudit(app, "", 100)
	if err != nil || len(all) != 3 {
		t.Fatalf("platform audit = %d %v, want 2 creations and a suspension (the HTTP layer, which adds the session keys, is not wired here)", len(all), err)
	}
	if all[0].Action() != "tenant.suspend" || all[0].Tenant() != "zeta" || all[0].Actor() != "ops@fieldops.test" {
		t.Errorf("newest event = %q %q %q", all[0].Action(), all[0].Tenant(), all[0].Actor())
	}
	for i := 1; i < len(all); i++ {
		if all[i].At().After(all[i-1].At()) {
			t.Errorf("event %d is newer than event %d", i, i-1)
		}
	}
	mine, err := tenants.FindPlatformAudit(app, "alpha", 100)
	if err != nil || len(mine) != 1 || mine[0].Action() != "tenant.create" {
		t.Fatalf("alpha's events = %d %v, want its creation", len(mine), err)
	}
	var detail map[string]any
	if err := json.Unmarshal(mine[0].Detail(), &detail); err != nil || detail["sector"] != domain.SectorBTP {
		t.Errorf("creation detail = %s %v", mine[0].Detail(), err)
	}
	if one, err := tenants.FindPlatformAudit(app, "", 1); err != nil || len(one) != 1 {
		t.Errorf("limited audit = %d %v, want 1", len(one), err)
	}
}

func TestAuthenticateSuperuser(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	if _, err := reg.UpsertSuperuser("root@fieldops.test", "correct-horse-42", "test"); err != nil {
		t.Fatal(err)
	}
	app := reg.Platform()
	if su, err := tenants.AuthenticateSuperuser(app, "root@fieldops.test", "correct-horse-42"); err != nil || !su.IsSuperuser() {
		t.Fatalf("good credentials = %v", err)
	}
	for _, c := range []struct{ email, password string }{
		{"root@fieldops.test", "wrong"},
		{"nobody@fieldops.test", "correct-horse-42"},
	} {
		if _, err := tenants.AuthenticateSuperuser(app, c.email, c.password); err != domain.ErrBadCredentials {
			t.Errorf("%s / %s: %v, want bad credentials", c.email, c.password, err)
		}
	}
}
