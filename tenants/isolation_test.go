package tenants_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestTenantIsolationTokens checks that tokens minted by tenant A (its
// dashboard superuser and a business user) are worthless on tenant B.
func TestTenantIsolationTokens(t *testing.T) {
	t.Parallel()
	a := tenanttest.New(t)
	b := tenanttest.Provision(t, a.Registry, "beta", domain.SectorTP)
	a.User(domain.RoleCrew, "crew@acme.test")
	reg := a.Registry

	suA := a.Token("_superusers", a.Admin)
	userA := a.Token("users", "crew@acme.test")

	// control: the tokens work on their own tenant
	if rec := tenanttest.Do(t, reg, http.MethodGet, a.Host(), "/api/collections", suA, nil); rec.Code != 200 {
		t.Fatalf("A superuser on A = %d, want 200", rec.Code)
	}
	if rec := tenanttest.Do(t, reg, http.MethodPost, a.Host(), "/api/collections/users/auth-refresh", userA, nil); rec.Code != 200 {
		t.Fatalf("A user refresh on A = %d, want 200", rec.Code)
	}

	// on B they are refused
	if rec := tenanttest.Do(t, reg, http.MethodGet, b.Host(), "/api/collections", suA, nil); rec.Code != 401 && rec.Code != 403 {
		t.Errorf("A superuser on B = %d, want 401/403", rec.Code)
	}
	if rec := tenanttest.Do(t, reg, http.MethodGet, b.Host(), "/api/collections/_superusers/records", suA, nil); rec.Code != 401 && rec.Code != 403 {
		t.Errorf("A superuser listing B's superusers = %d, want 401/403", rec.Code)
	}
	if rec := tenanttest.Do(t, reg, http.MethodPost, b.Host(), "/api/collections/users/auth-refresh", userA, nil); rec.Code != 401 && rec.Code != 403 {
		t.Errorf("A user refresh on B = %d, want 401/403", rec.Code)
	}
	rec := tenanttest.Do(t, reg, http.MethodGet, b.Host(), "/api/collections/users/records", userA, nil)
	if strings.Contains(rec.Body.String(), "@beta.test") || strings.Contains(rec.Body.String(), "@acme.test") {
		t.Errorf("A user token listed users on B: %s", rec.Body.String())
	}
	// and A's admin password does not open B's dashboard
	body := strings.NewReader(`{"identity":"` + a.Admin + `","password":"` + tenanttest.Password + `"}`)
	if rec := tenanttest.Do(t, reg, http.MethodPost, b.Host(), "/api/collections/_superusers/auth-with-password", "", body); rec.Code != 400 {
		t.Errorf("A admin login on B = %d, want 400", rec.Code)
	}
}
