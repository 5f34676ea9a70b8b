package handlers_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestGDPRPersonPageExportErase: a tenant admin sees what the tenant
// holds about a person, downloads their export (audited) and erases them
// after typing their e-mail; a manager cannot; a wrong confirmation
// erases nothing; the chain still verifies against its anchor.
func TestGDPRPersonPageExportErase(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host, app := tt.Registry, tt.Host(), tt.App()
	crew := tt.User(domain.RoleCrew, "paul.renard@acme.test")
	tt.User(domain.RoleManager, "boss@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	base := "/users/" + crew.Id + "/gdpr"

	d := doc(t, tenanttest.Get(t, reg, host, "/users", admin).Body.String())
	if testid(d, "gdpr").Length() == 0 {
		t.Error("the users page has no GDPR link")
	}
	rec := tenanttest.Get(t, reg, host, base, admin)
	d = doc(t, rec.Body.String())
	if rec.Code != http.StatusOK || !strings.Contains(testid(d, "gdpr-counts").Text(), "Compte") || testid(d, "gdpr-erase").Length() != 1 {
		t.Fatalf("GDPR page = %d %q\n%s", rec.Code, testid(d, "gdpr-counts").Text(), rec.Body.String())
	}
	for _, p := range []string{base + "/export", base + "/erase"} {
		if rec := tenanttest.PostForm(t, reg, host, p, url.Values{"confirm": {"paul.renard@acme.test"}}, boss); rec.Code != http.StatusForbidden {
			t.Errorf("a manager posts %s: %d", p, rec.Code)
		}
	}
	if rec := tenanttest.Get(t, reg, host, "/users/nobody123456789/gdpr", admin); rec.Code != http.StatusNotFound {
		t.Errorf("unknown person: %d", rec.Code)
	}

	rec = tenanttest.PostForm(t, reg, host, base+"/export", url.Values{}, admin)
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if rec.Code != http.StatusOK || err != nil || rec.Header().Get("Content-Type") != "application/zip" || len(zr.File) < 5 {
		t.Fatalf("export = %d %q %v", rec.Code, rec.Header().Get("Content-Type"), err)
	}
	if n, _ := app.CountRecords("audit_events", dbx.HashExp{"action": domain.AuditGDPRExport, "record": crew.Id}); n != 1 {
		t.Errorf("export audit events = %d", n)
	}

	rec = tenanttest.PostForm(t, reg, host, base+"/erase", url.Values{"confirm": {"paul"}}, admin)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "paul.renard@acme.test") {
		t.Errorf("wrong confirmation = %d", rec.Code)
	}
	if u, _ := app.FindRecordById("users", crew.Id); u.GetString("name") == "" || !u.GetBool("active") {
		t.Fatal("a wrong confirmation erased the person")
	}
	rec = tenanttest.PostForm(t, reg, host, base+"/erase", url.Values{"confirm": {"Paul.Renard@acme.test"}}, admin)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("erase = %d %s", rec.Code, rec.Body)
	}
	d = doc(t, tenanttest.Get(t, reg, host, base, admin).Body.String())
	if testid(d, "gdpr-erased").Length() != 1 || !strings.Contains(d.Find("h1").Text(), "Personne effacée #") {
		t.Errorf("after the erasure: %q", d.Find("h1").Text())
	}
	rep, err := reg.VerifyAudit(t.Context(), tt.Slug)
	if err != nil || !rep.OK || rep.Redacted == 0 {
		t.Errorf("audit verify after the erasure: %+v %v", rep, err)
	}
}

// TestGDPRRetentionSettings: the tenant admin sets the retention periods;
// a bad value comes back with its message and saves nothing.
func TestGDPRRetentionSettings(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host, app := tt.Registry, tt.Host(), tt.App()
	admin := tt.Login(tt.Admin, tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/settings", admin).Body.String())
	if v, _ := d.Find(`input[name="vehicle_positions_days"]`).Attr("value"); v != "61" {
		t.Errorf("default vehicle retention shown = %q", v)
	}
	rec := tenanttest.PostForm(t, reg, host, "/settings/retention", url.Values{"vehicle_positions_days": {"0"}, "clock_gps_days": {"30"}}, admin)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "entre 1 et 3650") {
		t.Errorf("0 days = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/settings/retention", url.Values{"vehicle_positions_days": {"30"}, "clock_gps_days": {"90"}}, admin)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save = %d %s", rec.Code, rec.Body)
	}
	c, _ := domain.FindCompany(app)
	if s := c.RetentionSettings(); s.VehiclePositionsDays != 30 || s.ClockGPSDays != 90 {
		t.Errorf("stored %+v", s)
	}
}

// TestPortalTenantExport: a super-admin starts a tenant's export from
// the portal, sees it finish and downloads it; the platform audit log
// records it; another tenant's archive name and a path are refused.
func TestPortalTenantExport(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg := tt.Registry
	root := portalLogin(t, reg)
	page := "/portal/tenants/" + tt.Slug
	if rec := tenanttest.PostForm(t, reg, platformHost, page+"/export", url.Values{}); rec.Code == http.StatusSeeOther && rec.Header().Get("Location") != "/portal/login" {
		t.Errorf("export without a session = %d", rec.Code)
	}
	rec := tenanttest.PostForm(t, reg, platformHost, page+"/export", url.Values{}, root)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("start = %d %s", rec.Code, rec.Body)
	}
	var href string
	for deadline := time.Now().Add(20 * time.Second); href == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		d := doc(t, tenanttest.Get(t, reg, platformHost, page, root).Body.String())
		href, _ = testid(d, "export-files").Find("a").Attr("href")
	}
	if href == "" {
		t.Fatal("no export archive on the tenant page")
	}
	rec = tenanttest.Get(t, reg, platformHost, href, root)
	if _, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len())); rec.Code != http.StatusOK || err != nil {
		t.Errorf("download = %d %v", rec.Code, err)
	}
	for _, bad := range []string{"/portal/tenants/other/exports/" + href[strings.LastIndex(href, "/")+1:], page + "/exports/..%2Fplatform.db"} {
		if rec := tenanttest.Get(t, reg, platformHost, bad, root); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", bad, rec.Code)
		}
	}
	recs, err := tenants.FindPlatformAudit(reg.Platform(), tt.Slug, 50)
	n := 0
	for _, r := range recs {
		if r.Action() == "tenant.export" && r.Actor() == "root@fieldops.test" {
			n++
		}
	}
	if err != nil || n != 1 {
		t.Errorf("platform audit: %d tenant.export by the super-admin (%v)", n, err)
	}
}
