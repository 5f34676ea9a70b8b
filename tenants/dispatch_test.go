package tenants_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/tenanttest"
)

func TestDispatchRoutesByHost(t *testing.T) {
	tt := tenanttest.New(t)
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

func TestDispatchDefaultTenant(t *testing.T) {
	reg := tenanttest.NewRegistry(t, tenanttest.WithDefaultTenant("solo"))
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

func TestDispatchServesPocketBaseAPIAndDashboard(t *testing.T) {
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
