package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestKPIBoard: the manager's dashboard and the project manager's /kpis
// show the engine's figures (margin and budget used counted by hand),
// every drill-down link answers 200, a project manager sees only their
// sites, site leads and crews get no cost figures, another tenant's
// cookie is refused, and the live stream re-renders after a change.
func TestKPIBoard(t *testing.T) {
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
	site := tt.Record("sites", map[string]any{"code": "CH-K", "name": "Chantier K", "sector": "btp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "end": "2026-03-03 00:00:00.000Z", "budget": 10000, "contract_amount": 12000,
		"project_manager": pm.Id, "site_lead": lead.Id, "team": []string{crew.Id}})
	other := tt.Record("sites", map[string]any{"code": "CH-Z", "name": "Autre", "sector": "btp", "status": "active"})
	tt.Record("tasks", map[string]any{"site": site.Id, "title": "Maçonnerie", "planned_start": "2026-03-02", "duration_days": 3,
		"assignees": []string{crew.Id}, "status": "in_progress", "progress": 50})
	tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "clock_in": "2026-03-02 07:00:00.000Z",
		"clock_out": "2026-03-02 15:00:00.000Z", "status": "approved", "source": "office"})
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	pmC := tt.Login("pm@acme.test", tenanttest.Password)

	// 8 h × 30 € = 240 € to date; forecast 240 + 10 000 × 50 % = 5 240 €;
	// margin 12 000 − 5 240 = 6 760 €; budget used 2,4 % → "2 %"
	k, err := domain.ComputeTenantKPIs(app, time.Time{}, domain.TenantFactsOf(app).Today(time.Now()).AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	var eng domain.SiteKPIs
	for _, s := range k.Sites {
		if s.SiteID == site.Id {
			eng = s
		}
	}
	if eng.Margin != 6760 || eng.BudgetUsedPct != 2.4 {
		t.Fatalf("engine: margin %v, budget used %v", eng.Margin, eng.BudgetUsedPct)
	}
	for path, c := range map[string]*http.Cookie{"/dashboard": boss, "/kpis": pmC} {
		rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, c)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		d, _ := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
		row := d.Find(`[data-testid="kpi-row-` + site.Id + `"]`)
		cell := func(id string) string { return strings.TrimSpace(row.Find(`[data-testid="` + id + `"]`).Text()) }
		if got := cell("kpi-margin"); got != "6\u202f760,00\u00a0€" {
			t.Errorf("%s margin = %q", path, got)
		}
		if got := cell("kpi-burn"); got != "2\u00a0%" {
			t.Errorf("%s budget used = %q", path, got)
		}
		if got, want := cell("kpi-late-tasks"), "1"; got != want || eng.LateTasks != 1 {
			t.Errorf("%s late tasks = %q (engine %d)", path, got, eng.LateTasks)
		}
		row.Find("a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if r := tenanttest.Get(t, tt.Registry, tt.Host(), href, c); r.Code != http.StatusOK {
				t.Errorf("%s drill-down %s = %d", path, href, r.Code)
			}
		})
		others := d.Find(`[data-testid="kpi-row-` + other.Id + `"]`).Length()
		if (path == "/dashboard") != (others == 1) {
			t.Errorf("%s: other site rows = %d", path, others)
		}
		if !strings.Contains(rec.Body.String(), `id="kpi-live"`) || !strings.Contains(rec.Body.String(), "/kpis/stream") {
			t.Errorf("%s: no live stream", path)
		}
	}

	// site leads and crews see no cost figures
	for _, who := range []string{"lead@acme.test", "crew@acme.test"} {
		c := tt.Login(who, tenanttest.Password)
		for _, path := range []string{"/kpis", "/kpis/stream", "/dashboard"} {
			if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, c); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s = %d, want 403", who, path, rec.Code)
			}
		}
	}
	// another tenant's cookie is not a session here
	b := handlertest.New(t)
	b.User(domain.RoleManager, "boss@b.test")
	bc := b.Login("boss@b.test", tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/kpis", bc); rec.Code == http.StatusOK {
		t.Errorf("B's cookie on A /kpis = %d", rec.Code)
	}

	// live: an incident with an impact re-renders the board
	srv := httptest.NewServer(tt.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := sseEvents(t, ctx, srv.URL, tt.Host(), "/kpis/stream", pmC)
	waitStreams(t, app, 1)
	tt.Record("incidents", map[string]any{"site": site.Id, "kind": "damage", "severity": "critical", "description": "Casse",
		"status": "open", "impact_eur": 1000})
	// 1 240 € to date; forecast 6 240 €; margin 5 760 €
	ev := nextEvent(t, events, `id="kpi-board"`)
	if !strings.Contains(ev, "5\u202f760,00\u00a0€") || !strings.Contains(ev, "1 / 0 / 0 / 0") {
		t.Errorf("live board after the incident: %.600q", ev)
	}
	if strings.Contains(ev, other.Id) {
		t.Errorf("the project manager's stream shows another site")
	}
}
