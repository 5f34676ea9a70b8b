package handlers_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// reportsWorld is a tenant with a manager, a project manager, a site
// lead, a crew member and a site with a day of time (Wednesday 18
// November 2026), plus a second tenant with its own site.
type reportsWorld struct {
	*tenanttest.Tenant
	site, bSite string
	beta        *tenanttest.Tenant
}

func newReportsWorld(t *testing.T) reportsWorld {
	t.Helper()
	tt := handlertest.New(t)
	w := reportsWorld{Tenant: tt}
	tt.User(domain.RoleManager, "boss@acme.test")
	tt.User(domain.RoleProjectManager, "pm@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test").Id
	crew := tt.User(domain.RoleCrew, "crew@acme.test").Id
	w.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"site_lead": lead, "team": []string{crew}}).Id
	paris, _ := time.LoadLocation(domain.DefaultTimezone)
	tt.Record("time_entries", map[string]any{"user": crew, "site": w.site, "status": "approved",
		"clock_in": time.Date(2026, 11, 18, 8, 0, 0, 0, paris).UTC(), "clock_out": time.Date(2026, 11, 18, 15, 30, 0, 0, paris).UTC()})
	w.beta = tenanttest.Provision(t, tt.Registry, "beta", domain.SectorBTP)
	w.bSite = w.beta.Record("sites", map[string]any{"code": "B-1", "name": "Pont", "sector": "btp", "status": "active"}).Id
	return w
}

func (w reportsWorld) get(t *testing.T, path string, cookie *http.Cookie) *http.Response {
	t.Helper()
	if cookie == nil {
		return tenanttest.Get(t, w.Registry, w.Host(), path).Result()
	}
	return tenanttest.Get(t, w.Registry, w.Host(), path, cookie).Result()
}

func TestSiteReportDownloads(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	boss := w.Login("boss@acme.test", tenanttest.Password)
	base := "/reports/sites/" + w.site
	scenarios := []struct {
		path, ctype, file string
	}{
		{base + "/daily.pdf?date=2026-11-18", "application/pdf", "journal-chantier-CH-1-2026-11-18.pdf"},
		{base + "/daily.xlsx?date=2026-11-18", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "journal-chantier-CH-1-2026-11-18.xlsx"},
		{base + "/weekly.pdf?week=2026-W47", "application/pdf", "rapport-hebdo-CH-1-2026-W47.pdf"},
		{base + "/weekly.xlsx?week=2026-W47", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "rapport-hebdo-CH-1-2026-W47.xlsx"},
	}
	for _, s := range scenarios {
		rec := tenanttest.Get(t, w.Registry, w.Host(), s.path, boss)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != s.ctype {
			t.Fatalf("%s: %d %s %.300s", s.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename=`+s.file {
			t.Errorf("%s: Content-Disposition %q, want %s", s.path, cd, s.file)
		}
		if strings.HasSuffix(s.file, ".pdf") && !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
			t.Errorf("%s: not a PDF", s.path)
		}
		if strings.HasSuffix(s.file, ".xlsx") {
			f, err := excelize.OpenReader(rec.Body)
			if err != nil {
				t.Fatalf("%s: %v", s.path, err)
			}
			if got := f.GetSheetList()[0]; got != "Synthèse" {
				t.Errorf("%s: first sheet %q", s.path, got)
			}
			if strings.Contains(s.path, "daily") {
				// 08:00–15:30 = 7.5 h, as a formula over the crew sheet
				if v, err := f.CalcCellValue("Synthèse", "B6", excelize.Options{RawCellValue: true}); err != nil || v != "7.5" {
					t.Errorf("daily hours %q %v, want 7.5", v, err)
				}
			}
			f.Close()
		}
	}
	// a users token works as well as the session (a project manager)
	rec := tenanttest.Do(t, w.Registry, "GET", w.Host(), base+"/weekly.pdf?week=2026-W47", w.Token("users", "pm@acme.test"), nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Errorf("token: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// English for an English reader
	tenanttest.Get(t, w.Registry, w.Host(), "/lang/en", boss)
	en := tenanttest.Get(t, w.Registry, w.Host(), base+"/daily.xlsx?date=2026-11-18", boss)
	if f, err := excelize.OpenReader(en.Body); err != nil || f.GetSheetList()[0] != "Summary" {
		t.Errorf("english workbook: %v", err)
	}
}

func TestSiteReportRefusals(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	boss := w.Login("boss@acme.test", tenanttest.Password)
	crew := w.Login("crew@acme.test", tenanttest.Password)
	base := "/reports/sites/" + w.site
	scenarios := []struct {
		name, path string
		cookie     *http.Cookie
		token      string
		want       int
	}{
		{"crew, daily pdf", base + "/daily.pdf?date=2026-11-18", crew, "", http.StatusForbidden},
		{"crew, weekly xlsx", base + "/weekly.xlsx?week=2026-W47", crew, "", http.StatusForbidden},
		{"crew token", base + "/daily.xlsx?date=2026-11-18", nil, w.Token("users", "crew@acme.test"), http.StatusForbidden},
		{"missing date", base + "/daily.pdf", boss, "", http.StatusBadRequest},
		{"bad date", base + "/daily.xlsx?date=2026-02-30", boss, "", http.StatusBadRequest},
		{"french date", base + "/daily.pdf?date=18/11/2026", boss, "", http.StatusBadRequest},
		{"missing week", base + "/weekly.pdf", boss, "", http.StatusBadRequest},
		{"bad week", base + "/weekly.xlsx?week=2026-W60", boss, "", http.StatusBadRequest},
		{"a date for a week", base + "/weekly.pdf?week=2026-11-18", boss, "", http.StatusBadRequest},
		{"unknown site", "/reports/sites/nosuchsite00000/daily.pdf?date=2026-11-18", boss, "", http.StatusNotFound},
		{"another tenant's site", "/reports/sites/" + w.bSite + "/daily.pdf?date=2026-11-18", boss, "", http.StatusNotFound},
		{"signed out", base + "/daily.pdf?date=2026-11-18", nil, "", http.StatusSeeOther},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			var rec *http.Response
			if s.token != "" {
				rec = tenanttest.Do(t, w.Registry, "GET", w.Host(), s.path, s.token, nil).Result()
			} else if s.cookie != nil {
				rec = w.get(t, s.path, s.cookie)
			} else {
				rec = w.get(t, s.path, nil)
			}
			if rec.StatusCode != s.want {
				t.Errorf("%d, want %d", rec.StatusCode, s.want)
			}
			if ct := rec.Header.Get("Content-Type"); s.want != http.StatusOK && (ct == "application/pdf" || strings.Contains(ct, "spreadsheet")) {
				t.Errorf("a refusal answered a file (%s)", ct)
			}
		})
	}
	// the manager's session on the other tenant's host is no session there
	rec := tenanttest.Get(t, w.Registry, w.beta.Host(), "/reports/sites/"+w.bSite+"/daily.pdf?date=2026-11-18", boss)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("A's cookie on B's host: %d %s, want the sign-in page", rec.Code, rec.Header().Get("Location"))
	}
	rec = tenanttest.Do(t, w.Registry, "GET", w.beta.Host(), "/reports/sites/"+w.bSite+"/daily.pdf?date=2026-11-18", w.Token("users", "boss@acme.test"), nil)
	if rec.Code == http.StatusOK {
		t.Errorf("A's token on B's host: %d", rec.Code)
	}
}

func TestTimesheetExportAPI(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	boss := w.Token("users", "boss@acme.test")
	ok := "?from=2026-11-01&to=2026-11-30"
	rec := tenanttest.Do(t, w.Registry, "GET", w.Host(), "/api/fieldops/timesheets.xlsx"+ok, boss, nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), "pointages-2026-11-01-au-2026-11-30.xlsx") {
		t.Fatalf("xlsx: %d %v %.200s", rec.Code, rec.Header(), rec.Body)
	}
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := f.CalcCellValue("Totaux par personne", "C2", excelize.Options{RawCellValue: true}); err != nil || v != "7.5" {
		t.Errorf("person total %q %v, want 7.5", v, err)
	}
	c := w.Login("pm@acme.test", tenanttest.Password)
	csv := tenanttest.Get(t, w.Registry, w.Host(), "/api/fieldops/timesheets.csv"+ok, c)
	if csv.Code != http.StatusOK || csv.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(csv.Body.String(), "\ufeffLigne;Matricule;") || !strings.Contains(csv.Body.String(), ";18/11/2026;CH-1;École;7,50;1;Validé") {
		t.Errorf("csv (project manager's session): %d %s", csv.Code, csv.Body)
	}
	scenarios := []struct {
		name, path, token string
		want              int
		msg               string
	}{
		{"site lead", "/api/fieldops/timesheets.xlsx" + ok, w.Token("users", "lead@acme.test"), http.StatusForbidden, "réservé"},
		{"crew", "/api/fieldops/timesheets.csv" + ok, w.Token("users", "crew@acme.test"), http.StatusForbidden, "réservé"},
		{"signed out", "/api/fieldops/timesheets.xlsx" + ok, "", http.StatusUnauthorized, ""},
		{"missing dates", "/api/fieldops/timesheets.xlsx", boss, http.StatusBadRequest, "Indiquez la date"},
		{"missing to", "/api/fieldops/timesheets.csv?from=2026-11-01", boss, http.StatusBadRequest, "Indiquez la date"},
		{"bad date", "/api/fieldops/timesheets.xlsx?from=2026-11-01&to=2026-11-31", boss, http.StatusBadRequest, "2026-11-31"},
		{"reversed", "/api/fieldops/timesheets.xlsx?from=2026-11-30&to=2026-11-01", boss, http.StatusBadRequest, "précède"},
		{"over a year", "/api/fieldops/timesheets.csv?from=2025-11-01&to=2026-11-01", boss, http.StatusBadRequest, "un an au plus"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			rec := tenanttest.Do(t, w.Registry, "GET", w.Host(), s.path, s.token, nil)
			var p struct{ Message string }
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != s.want || !strings.Contains(p.Message, s.msg) {
				t.Errorf("%d %q, want %d with %q", rec.Code, p.Message, s.want, s.msg)
			}
		})
	}
	if rec := tenanttest.Do(t, w.Registry, "GET", w.beta.Host(), "/api/fieldops/timesheets.xlsx"+ok, boss, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("A's token on B's host: %d, want 401", rec.Code)
	}
}

func TestReportsPage(t *testing.T) {
	t.Parallel()
	w := newReportsWorld(t)
	boss := w.Login("boss@acme.test", tenanttest.Password)
	rec := tenanttest.Get(t, w.Registry, w.Host(), "/reports", boss)
	if rec.Code != http.StatusOK {
		t.Fatalf("page: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	if d.Find(`[data-testid="reports-page"]`).Length() != 1 || d.Find(`[data-testid="timesheet-form"]`).Length() != 1 ||
		d.Find(`a[href="/reports"]`).Length() == 0 {
		t.Errorf("page without its forms or its menu entry")
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports?site="+w.site+"&date=2026-11-18&week=2026-W47&from=2026-11-01&to=2026-11-30", boss)
	d = doc(t, rec.Body.String())
	links := map[string]string{
		"dl-daily-pdf":       "/reports/sites/" + w.site + "/daily.pdf?date=2026-11-18",
		"dl-weekly-xlsx":     "/reports/sites/" + w.site + "/weekly.xlsx?week=2026-W47",
		"dl-timesheets-csv":  "/api/fieldops/timesheets.csv?from=2026-11-01&to=2026-11-30",
		"dl-timesheets-xlsx": "/api/fieldops/timesheets.xlsx?from=2026-11-01&to=2026-11-30",
	}
	for id, want := range links {
		if href, _ := d.Find(`[data-testid="` + id + `"]`).Attr("href"); href != want {
			t.Errorf("%s: %q, want %q", id, href, want)
		}
	}
	// every offered link answers its file
	for _, href := range links {
		if r := tenanttest.Get(t, w.Registry, w.Host(), href, boss); r.Code != http.StatusOK {
			t.Errorf("%s: %d", href, r.Code)
		}
	}
	// bad input comes back on the form, named, with no links
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports?site="+w.site+"&date=2026-11-18&week=2026-W99&from=2026-11-30&to=2026-11-01", boss)
	d = doc(t, rec.Body.String())
	if rec.Code != http.StatusBadRequest || d.Find(`[data-testid="error-week"]`).Length() != 1 || d.Find(`[data-testid="error-to"]`).Length() != 1 ||
		d.Find(`[data-testid="dl-daily"]`).Length() != 0 {
		t.Errorf("bad week and period: %d, errors week %d to %d", rec.Code, d.Find(`[data-testid="error-week"]`).Length(), d.Find(`[data-testid="error-to"]`).Length())
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports?site="+w.bSite+"&date=2026-11-18&week=2026-W47", boss)
	if rec.Code != http.StatusBadRequest || doc(t, rec.Body.String()).Find(`[data-testid="error-site"]`).Length() != 1 {
		t.Errorf("another tenant's site: %d", rec.Code)
	}
	// a site lead reads site reports but exports no payroll; crews neither
	lead := w.Login("lead@acme.test", tenanttest.Password)
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports", lead)
	if rec.Code != http.StatusOK || doc(t, rec.Body.String()).Find(`[data-testid="timesheet-form"]`).Length() != 0 {
		t.Errorf("site lead: %d", rec.Code)
	}
	crew := w.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, w.Registry, w.Host(), "/reports", crew); rec.Code != http.StatusForbidden {
		t.Errorf("crew: %d, want 403", rec.Code)
	}
}
