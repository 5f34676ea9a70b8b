package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// monthlyWorld is tenant acme with two sites and a month (November 2026)
// of costs, every figure computed by hand (zone Europe/Paris, no tasks so
// progress 0 and forecast = actual + budget):
//
//	CH-A (budget 10,000, contract 12,000, project manager pm):
//	  c1 30 €/h: 18 Nov 08:00–16:00 = 8 h = 240 €; 20 Oct 08:00–10:00 = 2 h = 60 € (before the month)
//	  incidents: high 500 € on 10 Nov; critical 100 € on 5 Oct (before the month)
//	  month 740 €; to date 900 €; forecast 10,900; margin 12,000 − 10,900 = 1,100
//	CH-B (budget 5,000, contract 4,000, no project manager):
//	  c2 40 €/h: 19 Nov 08:00–12:00 = 4 h = 160 €; 10 × 12.50 € of concrete consumed 19 Nov = 125 €
//	  incident low 0 € on 12 Nov
//	  month = to date = 285 €; forecast 5,285; margin 4,000 − 5,285 = −1,285
//	totals: month 1,025 € (labour 400, materials 125, incidents 500); to date 1,185 €;
//	budget 15,000; contract 16,000; margin −185; hours 12 in the month, 14 to date;
//	incidents of the month: 1 low, 1 high.
//
// Tenant beta has a site with costs of its own that acme's report must not show.
type monthlyWorld struct {
	*tenanttest.Tenant
	beta *tenanttest.Tenant
}

func newMonthlyWorld(t *testing.T) monthlyWorld {
	t.Helper()
	tt := handlertest.New(t)
	w := monthlyWorld{Tenant: tt}
	app := tt.App()
	paris, _ := time.LoadLocation(domain.DefaultTimezone)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tt.User(domain.RoleManager, "boss@acme.test")
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test").Id
	tt.User(domain.RoleProjectManager, "pm2@acme.test")
	tt.User(domain.RoleSiteLead, "lead@acme.test")
	tt.User(domain.RoleCrew, "crew@acme.test")
	admin := tt.User(domain.RoleCrew, "ta@acme.test")
	admin.Set("tenant_admin", true)
	c1, c2 := tt.User(domain.RoleCrew, "c1@acme.test"), tt.User(domain.RoleCrew, "c2@acme.test")
	c1.Set("hourly_cost", 30)
	c2.Set("hourly_cost", 40)
	for _, u := range []*core.Record{admin.Record, c1.Record, c2.Record} {
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
	}
	a := tt.Record("sites", map[string]any{"code": "CH-A", "name": "École", "sector": "btp", "status": "active",
		"budget": 10000, "contract_amount": 12000, "project_manager": pm, "team": []string{c1.Id}}).Id
	b := tt.Record("sites", map[string]any{"code": "CH-B", "name": "Gymnase", "sector": "btp", "status": "active",
		"budget": 5000, "contract_amount": 4000, "team": []string{c2.Id}}).Id
	entry := func(user, site, in, out string) {
		tt.Record("time_entries", map[string]any{"user": user, "site": site, "status": "approved", "clock_in": at(in), "clock_out": at(out)})
	}
	entry(c1.Id, a, "2026-11-18 08:00", "2026-11-18 16:00")
	entry(c1.Id, a, "2026-10-20 08:00", "2026-10-20 10:00")
	entry(c2.Id, b, "2026-11-19 08:00", "2026-11-19 12:00")
	mat := tt.Record("materials", map[string]any{"sku": "BET-25", "name": "Béton C25", "unit": "m3", "unit_cost": 12.5}).Id
	for _, in := range []domain.StockMoveInput{
		{Material: mat, Kind: domain.MoveReceipt, Qty: 20, Site: b, Location: domain.SiteLocation(b), At: at("2026-11-19 07:30")},
		{Material: mat, Kind: domain.MoveConsumption, Qty: 10, Site: b, At: at("2026-11-19 10:00")},
	} {
		if _, err := domain.RecordStockMove(app, nil, in); err != nil {
			t.Fatal(err)
		}
	}
	incident := func(site, sev, when string, impact float64) {
		col, _ := app.FindCollectionByNameOrId("incidents")
		r := core.NewRecord(col)
		r.Load(map[string]any{"site": site, "kind": "damage", "severity": sev, "status": "open", "description": "Incident " + sev, "impact_eur": impact})
		dt, _ := types.ParseDateTime(at(when))
		r.SetRaw("created", dt)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	incident(a, "high", "2026-11-10 10:00", 500)
	incident(a, "critical", "2026-10-05 10:00", 100)
	incident(b, "low", "2026-11-12 10:00", 0)
	w.beta = tenanttest.Provision(t, tt.Registry, "beta", domain.SectorBTP)
	w.beta.User(domain.RoleManager, "boss@beta.test")
	bs := w.beta.Record("sites", map[string]any{"code": "B-9", "name": "Pont", "sector": "btp", "status": "active", "budget": 99999}).Id
	col, _ := w.beta.App().FindCollectionByNameOrId("incidents")
	r := core.NewRecord(col)
	r.Load(map[string]any{"site": bs, "kind": "damage", "severity": "critical", "status": "open", "description": "x", "impact_eur": 7777})
	dt, _ := types.ParseDateTime(at("2026-11-11 10:00"))
	r.SetRaw("created", dt)
	if err := w.beta.App().Save(r); err != nil {
		t.Fatal(err)
	}
	return w
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func TestMonthlyReportExcel(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	rec := tenanttest.Get(t, w.Registry, w.Host(), "/reports/monthly.xlsx?month=2026-11", w.Login("boss@acme.test", tenanttest.Password))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != xlsxType {
		t.Fatalf("%d %s %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != "attachment; filename=rapport-mensuel-2026-11.xlsx" {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Synthèse", "Coûts du mois", "Budget et marge", "Heures et délais", "Aléas par gravité"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %q", got)
	}
	calc := func(sheet, cell string) string {
		v, err := f.CalcCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("%s!%s: %v", sheet, cell, err)
		}
		return v
	}
	// summary: formulas over the sheets' totals lines
	for cell, want := range map[string]string{"B1": "novembre 2026", "B2": "2", "B3": "1025", "B4": "400", "B5": "125",
		"B6": "15000", "B7": "1185", "B8": "-185", "B9": "0", "B10": "14", "B11": "0", "B12": "2"} {
		if got := calc("Synthèse", cell); got != want {
			t.Errorf("Synthèse!%s = %q, want %s", cell, got, want)
		}
	}
	costs := "Coûts du mois"
	for cell, want := range map[string]string{"A2": "CH-A", "C2": "240", "G2": "500", "H2": "740", "A3": "CH-B", "D3": "125", "H3": "285",
		"A4": "Total", "C4": "400", "D4": "125", "G4": "500", "H4": "1025"} {
		if got := calc(costs, cell); got != want {
			t.Errorf("%s!%s = %q, want %s", costs, cell, got, want)
		}
	}
	if fm, _ := f.GetCellFormula(costs, "H4"); fm != "SUM(H2:H3)" {
		t.Errorf("costs total is %q, want a SUM formula", fm)
	}
	budget := want[2]
	for cell, want := range map[string]string{"F2": "10900", "H2": "1100", "H3": "-1285", "G4": "16000", "H4": "-185"} {
		if got := calc(budget, cell); got != want {
			t.Errorf("budget!%s = %q, want %s", cell, got, want)
		}
	}
	inc := "Aléas par gravité"
	for cell, want := range map[string]string{"C3": "1", "E2": "1", "F2": "0", "G4": "2", "H4": "3"} {
		if got := calc(inc, cell); got != want {
			t.Errorf("incidents!%s = %q, want %s", cell, got, want)
		}
	}
	// typed cells: amounts are numbers in a € format; frozen header with a filter
	if typ, _ := f.GetCellType(costs, "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 type %v", typ)
	}
	if v, _ := f.GetCellValue(costs, "C2"); v != "240,00 €" && v != "240.00 €" {
		t.Errorf("C2 formatted %q, want a € amount", v)
	}
	if p, err := f.GetPanes(costs); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", p, err)
	}
	if rows, _ := f.GetRows(costs); len(rows) != 4 {
		t.Errorf("%d rows, want header, 2 sites, totals", len(rows))
	}
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows {
			if strings.Contains(strings.Join(r, " "), "B-9") {
				t.Errorf("%s shows tenant beta's site", sheet)
			}
		}
	}
}

func TestMonthlyReportPDF(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	rec := tenanttest.Do(t, w.Registry, "GET", w.Host(), "/reports/monthly.pdf?month=2026-11", w.Token("users", "boss@acme.test"), nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("%d %s %.300s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	text := monthlyPDFText(t, rec.Body.Bytes())
	for _, want := range []string{"Rapport mensuel de gestion — novembre 2026", "Coût du mois", "1 025,00 €", "Coût réalisé à date", "1 185,00 €",
		"-185,00 €", "15 000,00 €", "16 000,00 €", "10 900,00 €", "-1 285,00 €", "740,00 €", "285,00 €", "CH-A", "CH-B", "Page 1 / 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "B-9") || strings.Contains(text, "7 777") {
		t.Error("PDF shows tenant beta's site")
	}
	// a project manager gets their sites only, with their totals
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports/monthly.pdf?month=2026-11", w.Login("pm@acme.test", tenanttest.Password))
	if rec.Code != http.StatusOK {
		t.Fatalf("pm: %d", rec.Code)
	}
	text = monthlyPDFText(t, rec.Body.Bytes())
	if !strings.Contains(text, "(mes chantiers)") || !strings.Contains(text, "CH-A") || strings.Contains(text, "CH-B") || !strings.Contains(text, "900,00 €") {
		t.Errorf("pm's report:\n%s", text)
	}
}

func monthlyPDFText(t *testing.T, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tenanttest.Tool(t, "pdftotext"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(string(out))
}

func TestMonthlyReportRefusals(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	login := func(email string) *http.Cookie { return w.Login(email, tenanttest.Password) }
	ok := "/reports/monthly.xlsx?month=2026-11"
	scenarios := []struct {
		name, path string
		cookie     *http.Cookie
		token      string
		want       int
		body       string
	}{
		{"tenant admin", ok, login("ta@acme.test"), "", http.StatusOK, ""},
		{"project manager's token", "/reports/monthly.pdf?month=2026-11", nil, w.Token("users", "pm@acme.test"), http.StatusOK, ""},
		{"project manager of no site", ok, login("pm2@acme.test"), "", http.StatusForbidden, ""},
		{"site lead", ok, login("lead@acme.test"), "", http.StatusForbidden, ""},
		{"crew", "/reports/monthly.pdf?month=2026-11", login("crew@acme.test"), "", http.StatusForbidden, ""},
		{"crew token", ok, nil, w.Token("users", "crew@acme.test"), http.StatusForbidden, ""},
		{"no month", "/reports/monthly.pdf", nil, w.Token("users", "boss@acme.test"), http.StatusBadRequest, "AAAA-MM"},
		{"bad month", "/reports/monthly.xlsx?month=2026-13", nil, w.Token("users", "boss@acme.test"), http.StatusBadRequest, "2026-13"},
		{"a day for a month", "/reports/monthly.xlsx?month=2026-11-01", nil, w.Token("users", "boss@acme.test"), http.StatusBadRequest, "AAAA-MM"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			var rec *http.Response
			var body string
			if s.token != "" {
				r := tenanttest.Do(t, w.Registry, "GET", w.Host(), s.path, s.token, nil)
				rec, body = r.Result(), r.Body.String()
			} else {
				r := tenanttest.Get(t, w.Registry, w.Host(), s.path, s.cookie)
				rec, body = r.Result(), r.Body.String()
			}
			if rec.StatusCode != s.want {
				t.Fatalf("%d, want %d: %.300s", rec.StatusCode, s.want, body)
			}
			if ct := rec.Header.Get("Content-Type"); s.want != http.StatusOK && (ct == "application/pdf" || ct == xlsxType) {
				t.Errorf("a refusal answered a file (%s)", ct)
			}
			if s.body != "" && !strings.Contains(body, s.body) {
				t.Errorf("the answer does not name the cause %q: %.300s", s.body, body)
			}
		})
	}
	// anonymous: the sign-in page; acme's manager on beta's host: no file
	if rec := tenanttest.Get(t, w.Registry, w.Host(), ok); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", rec.Code)
	}
	if rec := tenanttest.Do(t, w.Registry, "GET", w.beta.Host(), ok, w.Token("users", "boss@acme.test"), nil); rec.Code == http.StatusOK {
		t.Errorf("acme's token on beta's host: %d", rec.Code)
	}
	// beta's manager sees beta's site only
	rec := tenanttest.Do(t, w.Registry, "GET", w.beta.Host(), ok, w.beta.Token("users", "boss@beta.test"), nil)
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatalf("beta: %d %v", rec.Code, err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Coûts du mois", "A2"); v != "B-9" {
		t.Errorf("beta's first site %q", v)
	}
	if v, _ := f.GetCellValue("Coûts du mois", "A3"); v != "Total" {
		t.Errorf("beta's report has more than its site: %q", v)
	}
}

func TestMonthlyReportOnPage(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	boss := w.Login("boss@acme.test", tenanttest.Password)
	rec := tenanttest.Get(t, w.Registry, w.Host(), "/reports?month=2026-11", boss)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `href="/reports/monthly.pdf?month=2026-11"`) ||
		!strings.Contains(rec.Body.String(), `href="/reports/monthly.xlsx?month=2026-11"`) {
		t.Errorf("page: %d, no monthly links", rec.Code)
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports?month=novembre", boss)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Mois invalide « novembre »") {
		t.Errorf("bad month on the page: %d", rec.Code)
	}
	rec = tenanttest.Get(t, w.Registry, w.Host(), "/reports", w.Login("lead@acme.test", tenanttest.Password))
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "monthly-form") {
		t.Errorf("a site lead is offered the monthly report: %d", rec.Code)
	}
}

// TestReportSchedulesPage: an office user adds a schedule through the
// form (French field errors on bad input), a site lead may not; a failed
// run shows on the page; an archived report is listed and downloads for
// who may read it only.
func TestReportSchedulesPage(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	boss := w.Login("boss@acme.test", tenanttest.Password)
	post := func(c *http.Cookie, v url.Values) *httptest.ResponseRecorder {
		return tenanttest.PostForm(t, w.Registry, w.Host(), "/reports/schedules", v, c)
	}
	bad := []struct {
		v    url.Values
		want string
	}{
		{url.Values{"kind": {"monthly"}, "hour": {"25"}}, "Heure invalide : un nombre de 0 à 23"},
		{url.Values{"kind": {"weekly"}, "hour": {"7"}, "weekday": {"0"}}, "Choisissez le jour de la semaine"},
		{url.Values{"kind": {"daily"}, "hour": {"19"}, "recipients": {"dir@client.test, pas-une-adresse"}}, "Adresse e-mail invalide « pas-une-adresse »"},
		{url.Values{"kind": {"yearly"}, "hour": {"7"}}, "Type de rapport inconnu"},
	}
	for _, b := range bad {
		rec := post(boss, b.v)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), b.want) {
			t.Errorf("%v: %d, want 400 with %q", b.v, rec.Code, b.want)
		}
	}
	if rec := post(w.Login("lead@acme.test", tenanttest.Password), url.Values{"kind": {"monthly"}, "hour": {"7"}}); rec.Code != http.StatusForbidden {
		t.Errorf("site lead: %d, want 403", rec.Code)
	}
	rec := post(boss, url.Values{"kind": {"weekly"}, "hour": {"7"}, "weekday": {"1"}, "recipients": {"dir@client.test; compta@client.test"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %.300s", rec.Code, rec.Body)
	}
	list, err := domain.ListReportSchedules(w.App())
	if err != nil || len(list) != 1 || list[0].Cron() != "0 7 * * 1" || strings.Join(domain.ReportRecipients(list[0]), ",") != "dir@client.test,compta@client.test" {
		t.Fatalf("schedules %v %v", list, err)
	}
	// a failing schedule (a cron set through the API) is visible on the page
	list[0].SetCron("every monday")
	if err := w.App().Save(list[0].Record); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.RunReportSchedules(w.App(), time.Now(), nil, nil); err != nil {
		t.Fatal(err)
	}
	page := tenanttest.Get(t, w.Registry, w.Host(), "/reports", boss).Body.String()
	if !strings.Contains(page, `data-testid="schedule-failures"`) || !strings.Contains(page, "every monday") {
		t.Errorf("the failure is not on the page")
	}
	// an archived monthly report: listed and downloadable by the manager, not by a project manager
	pdfBody := []byte("%PDF-1.4 archive")
	rep, err := domain.ArchiveReport(w.App(), domain.ReportArchive{Kind: domain.ReportMonthly, Period: "2026-11", FileBase: "rapport-mensuel-2026-11",
		PDF: pdfBody, Lang: "fr", Trigger: domain.ReportBySchedule})
	if err != nil {
		t.Fatal(err)
	}
	page = tenanttest.Get(t, w.Registry, w.Host(), "/reports", boss).Body.String()
	if !strings.Contains(page, `href="/reports/archive/`+rep.Id+`/pdf"`) || strings.Contains(page, `/reports/archive/`+rep.Id+`/xlsx`) {
		t.Errorf("archive links missing")
	}
	dl := tenanttest.Get(t, w.Registry, w.Host(), "/reports/archive/"+rep.Id+"/pdf", boss)
	if dl.Code != http.StatusOK || domain.SHA256Hex(dl.Body.Bytes()) != rep.PDFSHA256() {
		t.Errorf("download: %d, hash %s", dl.Code, domain.SHA256Hex(dl.Body.Bytes()))
	}
	for _, c := range []struct {
		who, path string
		want      int
	}{
		{"pm@acme.test", "/reports/archive/" + rep.Id + "/pdf", http.StatusNotFound},
		{"boss@acme.test", "/reports/archive/" + rep.Id + "/xlsx", http.StatusNotFound},
		{"boss@acme.test", "/reports/archive/nope/pdf", http.StatusNotFound},
	} {
		if rec := tenanttest.Get(t, w.Registry, w.Host(), c.path, w.Login(c.who, tenanttest.Password)); rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.who, c.path, rec.Code, c.want)
		}
	}
	if strings.Contains(tenanttest.Get(t, w.Registry, w.Host(), "/reports", w.Login("pm@acme.test", tenanttest.Password)).Body.String(), "archive-"+rep.Id) {
		t.Error("a project manager sees the tenant-wide archive")
	}
}
