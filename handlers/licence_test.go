package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestPlanModulesEnforced: a module outside the tenant's plan is hidden
// from the navigation and its pages answer 403 naming the plan that has
// it; a plan change applies at once, without restart.
func TestPlanModulesEnforced(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleManager, "boss@acme.test")
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/reports", boss); rec.Code != http.StatusOK {
		t.Fatalf("enterprise: /reports = %d", rec.Code)
	}
	setLicence(t, tt, tenants.LicenceInput{Plan: tenants.PlanStarter})
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/reports", boss)
	body := rec.Body.String()
	if rec.Code != http.StatusForbidden || !strings.Contains(body, "offre Starter") || !strings.Contains(body, "offre Pro") {
		t.Errorf("starter: /reports = %d, want 403 naming Starter and Pro: %s", rec.Code, snippet(body))
	}
	for _, path := range []string{"/kpis", "/reports/monthly.pdf?month=2026-11"} {
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, boss); rec.Code != http.StatusForbidden {
			t.Errorf("starter: %s = %d, want 403", path, rec.Code)
		}
	}
	dash := tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard", boss)
	d := doc(t, dash.Body.String())
	if dash.Code != http.StatusOK || testid(d, "nav-reports").Length() != 0 || testid(d, "nav-kpis").Length() != 0 || testid(d, "nav-planning").Length() != 1 {
		t.Errorf("starter navigation: %d, reports %d kpis %d planning %d", dash.Code, testid(d, "nav-reports").Length(),
			testid(d, "nav-kpis").Length(), testid(d, "nav-planning").Length())
	}
	// per-tenant modules override the plan's
	mods := []string{"sites", "reporting"}
	setLicence(t, tt, tenants.LicenceInput{Modules: &mods})
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/reports", boss); rec.Code != http.StatusOK {
		t.Errorf("reporting added: /reports = %d", rec.Code)
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/planning", boss); rec.Code != http.StatusForbidden {
		t.Errorf("planning removed: /planning = %d", rec.Code)
	}
}

// TestSeatLimit: with every seat taken, an active user is refused on
// every path (REST API, invitation, reactivation) with a message naming
// the limit; inactive users do not count.
func TestSeatLimit(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "c1@acme.test")
	old := tt.User(domain.RoleCrew, "c2@acme.test")
	n, _ := domain.CountActiveUsers(tt.App()) // admin + 2
	seats := n
	setLicence(t, tt, tenants.LicenceInput{Plan: tenants.PlanPro, Seats: &seats})

	token := tt.Token("users", tt.Admin)
	body := `{"email":"new@acme.test","password":"a-long-password-1","passwordConfirm":"a-long-password-1","name":"Nouveau","role":"crew","active":true}`
	rec := tenanttest.Do(t, tt.Registry, "POST", tt.Host(), "/api/collections/users/records", token, strings.NewReader(body))
	want := "Limite de 3 utilisateurs actifs atteinte pour l'offre Pro"
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), want) {
		t.Errorf("REST create beyond the seats = %d %s, want 400 %q", rec.Code, rec.Body, want)
	}
	admin := tt.Login(tt.Admin, tenanttest.Password)
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Inès"}, "email": {"ines@acme.test"}, "role": {"crew"}}, admin)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Limite de 3 utilisateurs") {
		t.Errorf("invitation beyond the seats = %d %s", rec.Code, snippet(rec.Body.String()))
	}
	// an inactive user frees a seat; reactivating it when full is refused
	if _, err := domain.SetUserActive(tt.App(), nil, old.Id, false); err != nil {
		t.Fatal(err)
	}
	rec = tenanttest.Do(t, tt.Registry, "POST", tt.Host(), "/api/collections/users/records", token, strings.NewReader(body))
	if rec.Code != http.StatusOK {
		t.Fatalf("create after a deactivation = %d %s", rec.Code, rec.Body)
	}
	adminRec, _ := tt.App().FindAuthRecordByEmail("users", tt.Admin)
	if _, err := domain.SetUserActive(tt.App(), adminRec, old.Id, true); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("reactivation beyond the seats: %v", err)
	}
	if c, _ := domain.CountActiveUsers(tt.App()); c != 3 {
		t.Errorf("active users = %d, want 3", c)
	}
}

// TestLicenceGraceThenReadOnly: after expiry a banner and writes still
// accepted; past the grace period reads work and every write path
// answers 403 with the licence header (the crew app keeps its queue),
// signing in still works.
func TestLicenceGraceThenReadOnly(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleManager, "boss@acme.test")
	tt.User(domain.RoleCrew, "crew@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-L", "name": "Licence", "sector": "btp", "status": "active"})
	token := tt.Token("users", "boss@acme.test")
	incident := func() *http.Response {
		b := `{"site":"` + site.Id + `","kind":"other","severity":"low","description":"Fuite"}`
		return tenanttest.Do(t, tt.Registry, "POST", tt.Host(), "/api/collections/incidents/records", token, strings.NewReader(b)).Result()
	}

	setLicence(t, tt, tenants.LicenceInput{Expires: time.Now().AddDate(0, 0, -3), SetExpires: true})
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	dash := tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard", boss)
	if b := testid(doc(t, dash.Body.String()), "licence-banner").Text(); !strings.Contains(b, "Votre licence a expiré le") {
		t.Errorf("grace banner = %q", b)
	}
	if r := incident(); r.StatusCode != http.StatusOK {
		t.Errorf("write in the grace period = %d", r.StatusCode)
	}

	setLicence(t, tt, tenants.LicenceInput{Expires: time.Now().AddDate(0, 0, -20), SetExpires: true})
	if r := incident(); r.StatusCode != http.StatusForbidden || r.Header.Get(handlers.LicenceHeader) != domain.LicenceReadOnly {
		t.Errorf("REST write when read-only = %d %q", r.StatusCode, r.Header.Get(handlers.LicenceHeader))
	}
	if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), "/api/collections/incidents/records", token, nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Fuite") {
		t.Errorf("REST read when read-only = %d", rec.Code)
	}
	sync := `{"operations":[{"key":"01JAAAAAAAAAAAAAAAAAAAAAAA","op":"create","collection":"incidents","data":{"site":"` + site.Id + `"}}]}`
	rec := tenanttest.Do(t, tt.Registry, "POST", tt.Host(), "/api/fieldops/sync", tt.Token("users", "crew@acme.test"), strings.NewReader(sync))
	if rec.Code != http.StatusForbidden || rec.Header().Get(handlers.LicenceHeader) != domain.LicenceReadOnly || !strings.Contains(rec.Body.String(), "lecture seule") {
		t.Errorf("crew sync when read-only = %d %s", rec.Code, rec.Body)
	}
	// signing in works, pages read, a form post is refused with the message
	boss = tt.Login("boss@acme.test", tenanttest.Password)
	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id, boss)
	if page.Code != http.StatusOK || !strings.Contains(testid(doc(t, page.Body.String()), "licence-banner").Text(), "lecture seule") {
		t.Errorf("site page when read-only = %d", page.Code)
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/sites/"+site.Id+"/edit", url.Values{"name": {"Renommé"}}, boss)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "lecture seule") {
		t.Errorf("form post when read-only = %d %s", rec.Code, snippet(rec.Body.String()))
	}
	if s, _ := domain.FindSite(tt.App(), site.Id); s.Name() != "Licence" {
		t.Errorf("site renamed while read-only: %q", s.Name())
	}
	// renewed: writes again
	setLicence(t, tt, tenants.LicenceInput{Expires: time.Now().AddDate(1, 0, 0), SetExpires: true})
	if r := incident(); r.StatusCode != http.StatusOK {
		t.Errorf("write after renewal = %d", r.StatusCode)
	}
}

func setLicence(t *testing.T, tt *tenanttest.Tenant, in tenants.LicenceInput) {
	t.Helper()
	if _, err := tt.Registry.SetLicence(tt.Slug, in, "test"); err != nil {
		t.Fatal(err)
	}
}

func snippet(s string) string {
	if len(s) > 600 {
		return s[:600]
	}
	return s
}

// TestPortalLicenceForm: the super-admin changes a tenant's plan, seats,
// expiry and modules from the portal; bad input keeps what was typed and
// changes nothing; the tenant sees the change at once.
func TestPortalLicenceForm(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	pc := portalLogin(t, tt.Registry)
	path := "/portal/tenants/" + tt.Slug + "/licence"
	bad := url.Values{"plan": {"pro"}, "seats": {"-3"}, "expires": {"2027-02-30"}, "modules": {"reporting"}}
	rec := tenanttest.PostForm(t, tt.Registry, platformHost, path, bad, pc)
	d := doc(t, rec.Body.String())
	if rec.Code != http.StatusBadRequest || !strings.Contains(testid(d, "error-expires").Text(), "2027-02-30") {
		t.Errorf("bad date = %d %q", rec.Code, testid(d, "error-expires").Text())
	}
	if v, _ := testid(d, "field-seats").Attr("value"); v != "-3" {
		t.Errorf("typed seats lost: %q", v)
	}
	if info, _ := tt.Registry.Get(tt.Slug); info.Plan != "enterprise" {
		t.Errorf("bad input changed the plan: %q", info.Plan)
	}
	bad.Set("expires", "2027-02-28")
	rec = tenanttest.PostForm(t, tt.Registry, platformHost, path, bad, pc)
	if d := doc(t, rec.Body.String()); rec.Code != http.StatusBadRequest || !strings.Contains(testid(d, "error-seats").Text(), "Nombre de sièges invalide") {
		t.Errorf("negative seats = %d %q", rec.Code, testid(d, "error-seats").Text())
	}
	good := url.Values{"plan": {"pro"}, "seats": {"25"}, "expires": {"2027-06-30"}, "grace_days": {"7"}, "trial": {"1"}}
	rec = tenanttest.PostForm(t, tt.Registry, platformHost, path, good, pc)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("licence save = %d %s", rec.Code, snippet(rec.Body.String()))
	}
	info, _ := tt.Registry.Get(tt.Slug)
	if info.Plan != "pro" || info.Seats != 25 || info.LicenceExpires != "2027-06-30" || !info.Trial || info.Licence != domain.LicenceActive {
		t.Errorf("after save: %+v", info)
	}
	tenanttest.Get(t, tt.Registry, tt.Host(), "/login") // a request metered for the tenant
	if _, err := tt.Registry.FlushUsage(context.Background()); err != nil {
		t.Fatal(err)
	}
	page := tenanttest.Get(t, tt.Registry, platformHost, "/portal/tenants/"+tt.Slug, pc)
	pd := doc(t, page.Body.String())
	if txt := testid(pd, "licence-in-force").Text(); !strings.Contains(txt, "25 sièges") || !strings.Contains(txt, "2027-06-30") {
		t.Errorf("in force = %q", txt)
	}
	if rows := testid(pd, "usage-table").Find("tbody tr"); rows.Length() != 1 || rows.Find("td").First().Text() == "0" {
		t.Errorf("usage table: %d rows, requests %q", rows.Length(), rows.Find("td").First().Text())
	}
	// modules checked replace the plan's: the tenant loses planning at once
	tt.User(domain.RoleManager, "boss@acme.test")
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	good["modules"] = []string{"sites", "reporting"}
	if rec := tenanttest.PostForm(t, tt.Registry, platformHost, path, good, pc); rec.Code != http.StatusSeeOther {
		t.Fatalf("modules save = %d", rec.Code)
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/planning", boss); rec.Code != http.StatusForbidden {
		t.Errorf("planning outside the modules = %d", rec.Code)
	}
	// a tenant user cannot reach the portal form
	if rec := tenanttest.PostForm(t, tt.Registry, platformHost, path, good, boss); rec.Code == http.StatusSeeOther || rec.Code == http.StatusOK {
		t.Errorf("tenant cookie on the portal = %d", rec.Code)
	}
}

// TestPortalEnablesSector: the operator enables a sector for a live
// tenant from the portal; its reference data is added (once), the tenant's
// company lists it, the platform audit records it; an unknown sector is
// refused.
func TestPortalEnablesSector(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t) // btp
	pc := portalLogin(t, tt.Registry)
	page := tenanttest.Get(t, tt.Registry, platformHost, "/portal/tenants/"+tt.Slug, pc)
	if testid(doc(t, page.Body.String()), "sector-enable-elec").Length() != 1 {
		t.Fatalf("no enable button for elec")
	}
	path := "/portal/tenants/" + tt.Slug + "/sectors"
	rec := tenanttest.PostForm(t, tt.Registry, platformHost, path, url.Values{"sector": {"elec"}}, pc)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "added=") {
		t.Fatalf("enable elec = %d %s", rec.Code, rec.Header().Get("Location"))
	}
	c, err := domain.FindCompany(tt.App())
	if err != nil || !c.HasSector("elec") {
		t.Fatalf("company sectors after enabling elec: %v %v", c.EnabledSectors(), err)
	}
	n, _ := tt.App().CountRecords("work_types", dbx.HashExp{"sector": "elec"})
	if n == 0 {
		t.Errorf("no elec work type added")
	}
	page = tenanttest.Get(t, tt.Registry, platformHost, rec.Header().Get("Location"), pc)
	d := doc(t, page.Body.String())
	if !strings.Contains(d.Find(".toast").Text(), "Électricité") || testid(d, "sector-enable-elec").Length() != 0 {
		t.Errorf("after enabling: toast %q, button %d", d.Find(".toast").Text(), testid(d, "sector-enable-elec").Length())
	}
	if rec := tenanttest.PostForm(t, tt.Registry, platformHost, path, url.Values{"sector": {"nucleaire"}}, pc); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown sector = %d", rec.Code)
	}
	audit, _ := tenants.FindPlatformAudit(tt.Registry.Platform(), tt.Slug, 10)
	found := false
	for _, a := range audit {
		found = found || a.Action() == "tenant.sector_enable"
	}
	if !found {
		t.Errorf("no tenant.sector_enable in the platform audit")
	}
}
