package tenants_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestUsageMetering: N requests to a tenant are N requests in its
// usage_daily row after a flush, another tenant's are not, a second flush
// adds only what came after; the gauges read the tenant's database.
func TestUsageMetering(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	other := tenanttest.Provision(t, tt.Registry, "other", domain.SectorTP)
	tt.User(domain.RoleCrew, "c1@acme.test")
	ctx := context.Background()
	if _, err := tt.Registry.FlushUsage(ctx); err != nil { // what provisioning did
		t.Fatal(err)
	}
	day := time.Now().UTC().Format(time.DateOnly)
	before := usageOf(t, tt, tt.Slug, day)
	for range 37 {
		// NB: no routes in this package's registry: every answer counts, 404s included
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/api/health"); rec.Code != http.StatusOK {
			t.Fatalf("health = %d", rec.Code)
		}
	}
	for range 5 {
		tenanttest.Get(t, tt.Registry, other.Host(), "/login")
	}
	got, err := tt.Registry.FlushUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got[tt.Slug].Requests != 37 || got[other.Slug].Requests != 5 {
		t.Errorf("flush: %+v, want 37 and 5 requests", got)
	}
	u := usageOf(t, tt, tt.Slug, day)
	if u.Requests-before.Requests != 37 {
		t.Errorf("usage_daily requests %d → %d, want +37", before.Requests, u.Requests)
	}
	if u.ActiveUsers != 2 || u.DBBytes < 100_000 || u.StorageBytes < u.DBBytes || u.CPUms < 0 {
		t.Errorf("gauges: %+v (admin + 1 crew active, a database of some size)", u)
	}
	if o := usageOf(t, tt, other.Slug, day); o.Requests < 5 || o.Requests > 5+before.Requests+10 {
		t.Errorf("other tenant: %+v", o)
	}
	// nothing new: the row stays; 3 more: +3
	if got, _ := tt.Registry.FlushUsage(ctx); got[tt.Slug].Requests != 0 {
		t.Errorf("empty flush added %+v", got[tt.Slug])
	}
	for range 3 {
		tenanttest.Get(t, tt.Registry, tt.Host(), "/login")
	}
	if _, err := tt.Registry.FlushUsage(ctx); err != nil {
		t.Fatal(err)
	}
	if u2 := usageOf(t, tt, tt.Slug, day); u2.Requests != u.Requests+3 {
		t.Errorf("after 3 more: %d, want %d", u2.Requests, u.Requests+3)
	}
}

func usageOf(t *testing.T, tt *tenanttest.Tenant, slug, day string) (u struct{ Requests, ActiveUsers, DBBytes, StorageBytes, CPUms int }) {
	t.Helper()
	days, err := tt.Registry.UsageDays(slug, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) == 1 {
		d := days[0]
		u.Requests, u.ActiveUsers, u.DBBytes, u.StorageBytes, u.CPUms = d.Requests, d.ActiveUsers, d.DBBytes, d.StorageBytes, d.CPUms
	}
	return u
}
