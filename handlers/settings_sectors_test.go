package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSettingsEnableSector: the tenant admin enables public works from the
// settings page: its work types appear, the admin is told what was added,
// the creations are audited in the admin's name; a second time adds
// nothing; an unknown sector is refused; other roles cannot.
func TestSettingsEnableSector(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host, app := tt.Registry, tt.Host(), tt.App()
	tt.User(domain.RoleManager, "boss@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)
	adminRec, _ := app.FindAuthRecordByEmail("users", tt.Admin)

	rec := tenanttest.Get(t, reg, host, "/settings", admin)
	d := doc(t, rec.Body.String())
	if rec.Code != http.StatusOK || testid(d, "settings-sectors").Length() != 1 {
		t.Fatalf("settings = %d, sectors section %d", rec.Code, testid(d, "settings-sectors").Length())
	}
	if !strings.Contains(testid(d, "sector-btp").Text(), "Secteur principal") || testid(d, "sector-btp-add").Length() != 0 {
		t.Errorf("btp: %q", testid(d, "sector-btp").Text())
	}
	if !strings.Contains(testid(d, "sector-tp").Text(), "Non activé") || testid(d, "sector-tp-work-types").Text() != "0 types d'intervention" ||
		testid(d, "sector-tp-add").Length() != 1 {
		t.Errorf("tp before: %q", testid(d, "sector-tp").Text())
	}

	rec = tenanttest.PostForm(t, reg, host, "/settings/sectors", url.Values{"sector": {"tp"}}, admin)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/settings?") || !strings.Contains(loc, "pack=tp") {
		t.Fatalf("enable tp = %d %q %s", rec.Code, loc, rec.Body)
	}
	ref, _ := domain.ReferenceFor(domain.SectorTP)
	if n, _ := app.CountRecords("work_types", dbx.HashExp{"sector": "tp"}); n != int64(len(ref.WorkTypes)) {
		t.Errorf("%d tp work types, want %d", n, len(ref.WorkTypes))
	}
	if n, _ := app.CountRecords("audit_events", dbx.HashExp{"collection": "work_types", "actor": adminRec.Id}); n != int64(len(ref.WorkTypes)) {
		t.Errorf("%d work type creations audited in the admin's name", n)
	}
	page, _, _ := strings.Cut(loc, "#") // a browser keeps the fragment
	d = doc(t, tenanttest.Get(t, reg, host, page, admin).Body.String())
	if toast := testid(d, "toasts").Text(); !strings.Contains(toast, "Travaux publics") || !strings.Contains(toast, "éléments de référence ajoutés") {
		t.Errorf("toast %q", toast)
	}
	if !strings.Contains(testid(d, "sector-tp").Text(), "Activé") || testid(d, "sector-tp-add").Length() != 0 ||
		!strings.HasPrefix(testid(d, "sector-tp-work-types").Text(), "13 ") {
		t.Errorf("tp after: %q", testid(d, "sector-tp").Text())
	}

	// a second time: nothing added, nothing audited
	events, _ := app.CountRecords("audit_events")
	rec = tenanttest.PostForm(t, reg, host, "/settings/sectors", url.Values{"sector": {"tp"}}, admin)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "added=0") {
		t.Errorf("again = %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if n, _ := app.CountRecords("audit_events"); n != events {
		t.Errorf("enabling again wrote %d audit events", n-events)
	}
	page, _, _ = strings.Cut(rec.Header().Get("Location"), "#")
	d = doc(t, tenanttest.Get(t, reg, host, page, admin).Body.String())
	if toast := testid(d, "toasts").Text(); !strings.Contains(toast, "rien à ajouter") {
		t.Errorf("toast again %q", toast)
	}

	if rec := tenanttest.PostForm(t, reg, host, "/settings/sectors", url.Values{"sector": {"nucleaire"}}, admin); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown sector = %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/settings/sectors", url.Values{"sector": {"elec"}}, tt.Login("boss@acme.test", tenanttest.Password)); rec.Code != http.StatusForbidden {
		t.Errorf("manager enabling a sector = %d, want 403", rec.Code)
	}
	if n, _ := app.CountRecords("work_types", dbx.HashExp{"sector": "elec"}); n != 0 {
		t.Errorf("refused requests added %d elec work types", n)
	}
	c, _ := domain.FindCompany(app)
	if got := c.EnabledSectors(); len(got) != 2 || got[1] != "tp" {
		t.Errorf("sectors %v", got)
	}
}
