package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// parseEUR reads a French amount ("3 360,00 €") back as a number.
func parseEUR(t *testing.T, s string) float64 {
	t.Helper()
	r := strings.NewReplacer("\u202f", "", "\u00a0", "", " ", "", "€", "", "%", "", ",", ".")
	v, err := strconv.ParseFloat(r.Replace(strings.TrimSpace(s)), 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return v
}

// TestSiteCostsPage: /sites/{id}/costs shows the cumulative actual cost
// per day equal to the rollup added up by hand (8 h and 4 h × 30 €, an
// incident of 500 € today), the planned curve from the task's dates, the
// engine's figures per phase, the late task linked to its Gantt row;
// managers and the site's project manager only (403 for the others, 404
// for another tenant's site); the costs tab and the dashboard's margin
// link lead there.
func TestSiteCostsPage(t *testing.T) {
	tt := handlertest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	tt.User(domain.RoleProjectManager, "pm2@acme.test")
	tt.User(domain.RoleManager, "boss@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	crew.Set("hourly_cost", 30)
	if err := app.Save(crew.Record); err != nil {
		t.Fatal(err)
	}
	today := domain.TenantFactsOf(app).Today(time.Now())
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	site := tt.Record("sites", map[string]any{"code": "CH-C", "name": "Chantier C", "sector": "btp", "status": "active",
		"start": day(-4) + " 00:00:00.000Z", "end": day(0) + " 00:00:00.000Z", "budget": 10000, "contract_amount": 12000,
		"project_manager": pm.Id, "site_lead": lead.Id, "team": []string{crew.Id}})
	phase := tt.Record("phases", map[string]any{"site": site.Id, "name": "Gros œuvre", "budget": 6000})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "phase": phase.Id, "title": "Maçonnerie", "planned_start": day(-4),
		"duration_days": 2, "assignees": []string{crew.Id}, "status": "in_progress", "progress": 50})
	for _, e := range []struct {
		day      int
		from, to string
	}{{-4, "07:00", "15:00"}, {-2, "07:00", "11:00"}} {
		tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "task": task.Id, "status": "approved", "source": "office",
			"clock_in": day(e.day) + " " + e.from + ":00.000Z", "clock_out": day(e.day) + " " + e.to + ":00.000Z"})
	}
	tt.Record("incidents", map[string]any{"site": site.Id, "kind": "damage", "severity": "low", "description": "Casse",
		"status": "open", "impact_eur": 500})
	task, err := app.FindRecordById("tasks", task.Id)
	if err != nil {
		t.Fatal(err)
	}
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	pmC := tt.Login("pm@acme.test", tenanttest.Password)
	path := "/sites/" + site.Id + "/costs"

	// by hand: 240 € on day −4, 120 € more on day −2, 500 € today
	wantActual := map[string]float64{day(-4): 240, day(-3): 240, day(-2): 360, day(-1): 360, day(0): 860}
	ps, pe := task.GetDateTime("planned_start").Time(), task.GetDateTime("planned_end").Time()
	span := pe.Sub(ps).Hours()/24 + 1
	for _, c := range []struct {
		who  string
		cook *http.Cookie
	}{{"manager", boss}, {"project manager", pmC}} {
		rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, c.cook)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s = %d", c.who, path, rec.Code)
		}
		d, _ := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
		for k, want := range wantActual {
			row := d.Find(`[data-testid="point-` + k + `"]`)
			if row.Length() != 1 {
				t.Fatalf("%s: no point for %s", c.who, k)
			}
			if got := parseEUR(t, row.Find(`[data-testid="point-actual"]`).Text()); got != want {
				t.Errorf("%s: actual on %s = %v, want %v", c.who, k, got, want)
			}
			dd, _ := time.Parse(time.DateOnly, k)
			el := dd.Sub(time.Date(ps.Year(), ps.Month(), ps.Day(), 0, 0, 0, 0, time.UTC)).Hours()/24 + 1
			plan := float64(int(min(span, max(0, el))/span*1000+0.5)) / 10
			if got := parseEUR(t, row.Find(`[data-testid="point-progress"]`).Text()); got != plan {
				t.Errorf("%s: planned progress on %s = %v, want %v", c.who, k, got, plan)
			}
			if got := parseEUR(t, row.Find(`[data-testid="point-planned"]`).Text()); got != plan*100 {
				t.Errorf("%s: planned value on %s = %v, want %v", c.who, k, got, plan*100)
			}
		}
		for _, id := range []string{"chart-cost", "chart-progress"} {
			svg := d.Find(`[data-testid="` + id + `"] svg[role="img"]`)
			if svg.Length() != 1 || svg.Find("title").Text() == "" || svg.Find("desc").Text() == "" || svg.Find("polyline").Length() == 0 {
				t.Errorf("%s: chart %s not accessible or empty", c.who, id)
			}
		}
		// per phase: the engine's figures, and by hand (phase at 50 %)
		eng, err := domain.ComputeSiteKPIs(app, site.Id, time.Time{}, today.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][4]float64{"Gros œuvre": {6000, 360, 3360, 2640}, "Hors phase": {0, 500, 500, -500}}
		for _, p := range eng.Phases {
			name := p.Name
			if p.PhaseID == "" {
				name = "Hors phase"
			}
			if w := want[name]; w != [4]float64{p.Budget, p.Costs.Total, p.Forecast, p.Budget - p.Forecast} {
				t.Errorf("engine phase %q = %v %v %v, want %v", name, p.Budget, p.Costs.Total, p.Forecast, w)
			}
		}
		rows := d.Find(`[data-testid="costs-phases"] tbody tr`)
		if rows.Length() != len(want) {
			t.Errorf("%s: %d phase rows", c.who, rows.Length())
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			w, ok := want[strings.TrimSpace(r.Find("th").Text())]
			got := [4]float64{}
			for i, id := range []string{"phase-budget", "phase-actual", "phase-forecast", "phase-margin"} {
				got[i] = parseEUR(t, r.Find(`[data-testid="`+id+`"]`).Text())
			}
			if !ok || got != w {
				t.Errorf("%s: phase row %q = %v, want %v", c.who, r.Find("th").Text(), got, w)
			}
		})
		// forecast 860 + 10 000 × 50 % = 5 860 €; margin 12 000 − 5 860
		if f := d.Find(`[data-testid="costs-figures"]`).Text(); !strings.Contains(f, "5\u202f860,00") || !strings.Contains(f, "6\u202f140,00") {
			t.Errorf("%s: headline figures %q", c.who, f)
		}
		late := d.Find(`[data-testid="late-` + task.Id + `"] a`)
		href, _ := late.Attr("href")
		if href != "/sites/"+site.Id+"/gantt#task-"+task.Id {
			t.Errorf("%s: late task link %q", c.who, href)
		} else if g := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id+"/gantt", c.cook); g.Code != http.StatusOK ||
			!strings.Contains(g.Body.String(), `id="task-`+task.Id+`"`) {
			t.Errorf("%s: Gantt %d without the late task's anchor", c.who, g.Code)
		}
		if tab := d.Find(`a[href="` + path + `"]`); tab.Length() == 0 {
			t.Errorf("%s: no costs tab", c.who)
		}
		if href, _ := d.Find(`[data-testid="nav-kpis"]`).Attr("href"); href != "/kpis" {
			t.Errorf("%s: Pilotage nav entry %q", c.who, href)
		}
	}
	// the dashboard's margin and budget links lead to the costs page
	dash := tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard", boss)
	dd, _ := goquery.NewDocumentFromReader(strings.NewReader(dash.Body.String()))
	for _, id := range []string{"kpi-margin", "kpi-burn"} {
		if href, _ := dd.Find(`[data-testid="kpi-row-` + site.Id + `"] [data-testid="` + id + `"] a`).Attr("href"); href != path {
			t.Errorf("dashboard %s links to %q", id, href)
		}
	}

	// others: 403, and no costs tab on the site page for the site lead
	for _, who := range []string{"pm2@acme.test", "lead@acme.test", "crew@acme.test"} {
		c := tt.Login(who, tenanttest.Password)
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, c); rec.Code != http.StatusForbidden {
			t.Errorf("%s %s = %d, want 403", who, path, rec.Code)
		}
	}
	lc := tt.Login("lead@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id, lc); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), path) ||
		strings.Contains(rec.Body.String(), `data-testid="nav-kpis"`) {
		t.Errorf("site lead's site page %d shows the costs tab or the Pilotage entry", rec.Code)
	}
	// another tenant's site is unknown here
	b := tenanttest.Provision(t, tt.Registry, "other", "btp")
	bs := b.Record("sites", map[string]any{"code": "CH-B", "name": "B", "sector": "btp", "status": "active"})
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+bs.Id+"/costs", boss); rec.Code != http.StatusNotFound {
		t.Errorf("another tenant's site = %d, want 404", rec.Code)
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/nope/costs", boss); rec.Code != http.StatusNotFound {
		t.Errorf("unknown site = %d, want 404", rec.Code)
	}
}
