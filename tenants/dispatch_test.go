package tenants_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// hostRoutes is a minimal HTTP layer (tenants.RouteInstaller): "/" names
// the app that served it, from its own database, and the status pages are
// the default ones. The real handlers' pages are tested in package
// handlers (TestDispatcherPages).
type hostRoutes struct{}

func (hostRoutes) TenantRoutes(se *core.ServeEvent) error {
	se.Router.GET("/{$}", func(e *core.RequestEvent) error {
		c, err := domain.FindCompany(e.App)
		if err != nil {
			return err
		}
		return e.String(http.StatusOK, "tenant "+tenants.FromContext(e.Request.Context()).Slug+": "+c.Name())
	})
	return nil
}

func (hostRoutes) PlatformRoutes(se *core.ServeEvent) error {
	se.Router.GET("/{$}", func(e *core.RequestEvent) error { return e.String(http.StatusOK, "platform") })
	return nil
}

func (hostRoutes) ErrorPage(w http.ResponseWriter, r *http.Request, status int, cause tenants.Cause) {
	tenants.DefaultErrorPages(w, r, status, cause)
}

func withHostRoutes(c *tenants.Config) {
	c.Routes = func(*tenants.Registry) (tenants.RouteInstaller, error) { return hostRoutes{}, nil }
}

func TestDispatchRoutesByHost(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t, withHostRoutes)
	reg := tt.Registry
	tenanttest.Provision(t, reg, "gone", "tp")
	tenanttest.Provision(t, reg, "paused", "elec")
	if _, err := reg.SetStatus("paused", tenants.StatusSuspended, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.DeleteTenant("gone", "", "test"); err != nil {
		t.Fatal(err)
	}

	scenarios := []struct {
		host     string
		status   int
		contains string
	}{
		{"localhost:8090", 200, "platform"},
		{"admin.localhost", 200, "platform"},
		{"acme.localhost:8090", 200, "tenant acme: Entreprise ACME"},
		{"ACME.localhost.", 200, "tenant acme: Entreprise ACME"},
		{"nobody.localhost", 404, "Aucun espace"},
		{"evil.example.com", 404, "Aucun espace"},
		{"a.b.localhost", 404, "Aucun espace"},
		{"paused.localhost", 503, "suspendu"},
		{"gone.localhost", 410, "supprimé"},
	}
	for _, s := range scenarios {
		t.Run(s.host, func(t *testing.T) {
			rec := tenanttest.Do(t, reg, http.MethodGet, s.host, "/", "", nil)
			if rec.Code != s.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, s.status, rec.Body.String())
			}
			if !strings.Contains(rec.Body.String(), s.contains) {
				t.Errorf("body = %q, want it to contain %q", rec.Body.String(), s.contains)
			}
		})
	}
	if reg.IsOpen("paused") || reg.IsOpen("gone") || reg.IsOpen("nobody") {
		t.Error("a suspended, deleted or unknown tenant was opened")
	}
	if rec := tenanttest.Do(t, reg, http.MethodGet, "paused.localhost", "/api/collections/sites/records", "", nil); rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Errorf("suspended API = %d (Retry-After %q), want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if _, err := reg.SetStatus("paused", tenants.StatusActive, "test"); err != nil {
		t.Fatal(err)
	}
	if rec := tenanttest.Do(t, reg, http.MethodGet, "paused.localhost", "/", "", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "tenant paused") {
		t.Errorf("resumed tenant = %d %q, want 200", rec.Code, rec.Body.String())
	}
}

func TestDispatchDefaultTenant(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t, tenanttest.WithDefaultTenant("solo"), withHostRoutes)
	tenanttest.Provision(t, reg, "solo", "btp")
	for host, want := range map[string]string{
		"localhost":           "tenant solo",
		"chantiers.dupont.fr": "tenant solo",
		"anything.localhost":  "tenant solo",
		"admin.localhost":     "platform",
	} {
		rec := tenanttest.Do(t, reg, http.MethodGet, host, "/", "", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: status %d %q, want %s", host, rec.Code, rec.Body.String(), want)
		}
	}
	if got := reg.URL("solo"); got != "http://localhost:8090/" {
		t.Errorf("default tenant URL = %q", got)
	}
}

func TestDispatchWithoutHTTPLayer(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	if rec := tenanttest.Do(t, tt.Registry, http.MethodGet, "nobody.localhost", "/", "", nil); rec.Code != 404 || !strings.Contains(rec.Body.String(), "Aucun espace") {
		t.Errorf("unknown host = %d %q, want the default 404 page", rec.Code, rec.Body.String())
	}
	if rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/api/health", "", nil); rec.Code != 200 {
		t.Errorf("/api/health = %d, want PocketBase's API", rec.Code)
	}
}

func TestDispatchServesPocketBaseAPIAndDashboard(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	if rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/_/", "", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "<html") {
		t.Errorf("dashboard = %d", rec.Code)
	}
	if rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/api/health", "", nil); rec.Code != 200 {
		t.Errorf("/api/health = %d", rec.Code)
	}
	// anonymous users see nothing of the business data
	rec := tenanttest.Do(t, tt.Registry, http.MethodGet, tt.Host(), "/api/collections/users/records", "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"totalItems":0`) {
		t.Errorf("anonymous users list = %d %s, want an empty list", rec.Code, rec.Body.String())
	}
	// the backup-restore API is blocked, even for a real backup
	if err := tt.App().CreateBackup(context.Background(), "b.zip"); err != nil {
		t.Fatal(err)
	}
	su := tt.Token("_superusers", tt.Admin)
	rec = tenanttest.Do(t, tt.Registry, http.MethodPost, tt.Host(), "/api/backups/b.zip/restore", su, nil)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "fieldops backup restore") {
		t.Errorf("restore API = %d %s, want 403 pointing to the CLI", rec.Code, rec.Body.String())
	}
	if err := tt.App().RestoreBackup(context.Background(), "b.zip"); err == nil {
		t.Error("RestoreBackup was not refused by the hook")
	}
}

func TestProbesAnswerOnAnyHost(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	for _, host := range []string{"10.1.2.3:8090", "localhost", "nobody.localhost"} {
		if rec := tenanttest.Do(t, reg, http.MethodGet, host, "/healthz", "", nil); rec.Code != 200 {
			t.Errorf("%s /healthz = %d", host, rec.Code)
		}
		if rec := tenanttest.Do(t, reg, http.MethodGet, host, "/readyz", "", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "ready") {
			t.Errorf("%s /readyz = %d %s", host, rec.Code, rec.Body.String())
		}
	}
}
