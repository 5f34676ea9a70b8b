package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestDispatcherPages: the dispatcher routes each host to the platform or
// a tenant app, and the handlers render the pages of each case (home,
// login, status pages for unknown, suspended and deleted tenants). The
// routing itself is tested without the handlers in package tenants.
func TestDispatcherPages(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
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
		testid   string
		contains string
	}{
		{"localhost:8090", 200, "platform-home", "Plateforme FieldOps360"},
		{"admin.localhost", 200, "platform-home", "Plateforme FieldOps360"},
		{"acme.localhost:8090", 200, "login-page", "Entreprise ACME"},
		{"ACME.localhost.", 200, "login-page", "Entreprise ACME"},
		{"nobody.localhost", 404, "status-page", "Aucun espace"},
		{"evil.example.com", 404, "status-page", "Aucun espace"},
		{"a.b.localhost", 404, "status-page", "Aucun espace"},
		{"paused.localhost", 503, "status-page", "suspendu"},
		{"gone.localhost", 410, "status-page", "supprimé"},
	}
	for _, s := range scenarios {
		t.Run(s.host, func(t *testing.T) {
			rec := tenanttest.Do(t, reg, http.MethodGet, s.host, "/", "", nil)
			if rec.Code != s.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, s.status, rec.Body.String())
			}
			doc, err := goquery.NewDocumentFromReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			sel := doc.Find(`[data-testid="` + s.testid + `"]`)
			if sel.Length() != 1 || !strings.Contains(sel.Text(), s.contains) {
				t.Errorf("%s = %q, want it to contain %q", s.testid, sel.Text(), s.contains)
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
	if rec := tenanttest.Do(t, reg, http.MethodGet, "paused.localhost", "/", "", nil); rec.Code != 200 {
		t.Errorf("resumed tenant = %d, want 200", rec.Code)
	}
}

func TestDispatcherPagesDefaultTenant(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t, tenanttest.WithDefaultTenant("solo"))
	tenanttest.Provision(t, reg, "solo", "btp")
	for host, want := range map[string]string{
		"localhost":           "login-page",
		"chantiers.dupont.fr": "login-page",
		"anything.localhost":  "login-page",
		"admin.localhost":     "platform-home",
	} {
		rec := tenanttest.Do(t, reg, http.MethodGet, host, "/", "", nil)
		doc, _ := goquery.NewDocumentFromReader(rec.Body)
		if rec.Code != 200 || doc.Find(`[data-testid="`+want+`"]`).Length() != 1 {
			t.Errorf("%s: status %d, want %s", host, rec.Code, want)
		}
	}
	if got := reg.URL("solo"); got != "http://localhost:8090/" {
		t.Errorf("default tenant URL = %q", got)
	}
}

// TestMetricsOnPlatformHostOnly: /metrics serves the metrics given to the
// handlers on the platform host, never on a tenant host, and is absent
// when none are configured.
func TestMetricsOnPlatformHostOnly(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	reg := handlertest.NewRegistry(t, handlertest.WithDeps(func(d *handlers.Deps) { d.Metrics = m }))
	m.AttachRegistry(reg)
	tt := tenanttest.Provision(t, reg, "acme", "btp")
	if rec := tenanttest.Get(t, reg, "admin.localhost", "/metrics"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "fieldops_open_tenants") {
		t.Errorf("platform /metrics = %d, want the series", rec.Code)
	}
	if rec := tenanttest.Get(t, reg, tt.Host(), "/metrics"); strings.Contains(rec.Body.String(), "fieldops_open_tenants") {
		t.Errorf("/metrics served on a tenant host")
	}
	if rec := tenanttest.Get(t, handlertest.NewRegistry(t), "localhost", "/metrics"); rec.Code != http.StatusNotFound {
		t.Errorf("/metrics without metrics = %d, want 404", rec.Code)
	}
}
