package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSiteKPIsAPI: the KPI JSON of a small site (figures by hand), who
// may read it, tenant isolation and bad parameters.
func TestSiteKPIsAPI(t *testing.T) {
	t.Parallel()
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
	site := tt.Record("sites", map[string]any{"code": "CH-API", "name": "Chantier API", "sector": "btp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "end": "2026-03-03 00:00:00.000Z", "budget": 10000, "contract_amount": 12000,
		"project_manager": pm.Id, "site_lead": lead.Id, "team": []string{crew.Id}})
	tt.Record("tasks", map[string]any{"site": site.Id, "title": "Maçonnerie", "planned_start": "2026-03-02", "duration_days": 3,
		"assignees": []string{crew.Id}, "status": "in_progress", "progress": 50})
	// 8 h × 30 € on Monday 2 March (Paris)
	tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "clock_in": "2026-03-02 07:00:00.000Z",
		"clock_out": "2026-03-02 15:00:00.000Z", "status": "approved", "source": "office"})
	mat := tt.Record("materials", map[string]any{"sku": "PAR-1", "name": "Parpaings", "unit": "u", "unit_cost": 10})
	for _, m := range []domain.StockMoveInput{
		{Material: mat.Id, Kind: domain.MoveReceipt, Qty: 10, Location: domain.SiteLocation(site.Id), Site: site.Id},
		{Material: mat.Id, Kind: domain.MoveConsumption, Qty: 4, Site: site.Id, At: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
	} {
		if _, err := domain.RecordStockMove(app, nil, m); err != nil {
			t.Fatal(err)
		}
	}
	path := "/api/fieldops/sites/" + site.Id + "/kpis"

	var k map[string]any
	rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), path+"?from=2026-03-01&to=2026-03-05", tt.Token("users", "pm@acme.test"), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("project manager: %d %s", rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &k); err != nil {
		t.Fatal(err)
	}
	// 240 € labour + 40 € material; 3 days × 1 × 7 h planned; the task
	// ends Wednesday 4, one day after the contract end (Tuesday 3); as of
	// Wednesday 4 (to − 1 day) it is not late yet
	want := map[string]float64{"budget": 10000, "actual_cost": 280, "labour_cost": 240, "material_cost": 40,
		"planned_hours": 21, "actual_hours": 8, "delay_days": 1, "progress": 50,
		// forecast 280 + 10,000 × 50 % = 5,280; margin 12,000 − 5,280
		"forecast_cost": 5280, "margin": 6720, "contract_amount": 12000}
	for key, v := range want {
		if got, ok := k[key].(float64); !ok || got != v {
			t.Errorf("%s = %v, want %v", key, k[key], v)
		}
	}
	if k["from"] != "2026-03-01" || k["to"] != "2026-03-05" || k["finish"] != "2026-03-04" {
		t.Errorf("dates: from %v to %v finish %v", k["from"], k["to"], k["finish"])
	}
	if rec.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("Cache-Control = %q", rec.Header().Get("Cache-Control"))
	}

	for _, c := range []struct {
		who   string
		token string
		code  int
	}{
		{"tenant admin", tt.Token("users", tt.Admin), http.StatusOK},
		{"manager", tt.Token("users", "boss@acme.test"), http.StatusOK},
		{"another project manager", tt.Token("users", "pm2@acme.test"), http.StatusForbidden},
		{"the site lead", tt.Token("users", "lead@acme.test"), http.StatusForbidden},
		{"crew of the site", tt.Token("users", "crew@acme.test"), http.StatusForbidden},
		{"anonymous", "", http.StatusUnauthorized},
	} {
		rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), path, c.token, nil)
		if rec.Code != c.code {
			t.Errorf("%s: %d, want %d (%s)", c.who, rec.Code, c.code, rec.Body)
		}
		if c.code != http.StatusOK {
			var p struct {
				Status  int
				Message string
			}
			if json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Status != c.code || p.Message == "" {
				t.Errorf("%s: problem body %s", c.who, rec.Body)
			}
		}
	}

	// another tenant's site is not found, even for a manager
	beta := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorTP)
	other := beta.Record("sites", map[string]any{"code": "CH-B", "name": "Chantier B", "sector": "tp", "status": "active", "budget": 1})
	boss := tt.Token("users", "boss@acme.test")
	if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), "/api/fieldops/sites/"+other.Id+"/kpis", boss, nil); rec.Code != http.StatusNotFound {
		t.Errorf("site of another tenant: %d %s", rec.Code, rec.Body)
	}
	if rec := tenanttest.Do(t, tt.Registry, "GET", beta.Host(), path, beta.Token("users", beta.Admin), nil); rec.Code != http.StatusNotFound {
		t.Errorf("acme's site on beta's host: %d %s", rec.Code, rec.Body)
	}
	for _, q := range []string{"?from=2026-13-01", "?to=mardi", "?from=2026-03-09&to=2026-03-09", "?from=1900-01-01"} {
		if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), path+q, boss, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400 (%s)", q, rec.Code, rec.Body)
		}
	}
}

// TestSettingsOvertimeRules: a tenant admin sets the overtime rules on
// the settings page (French defaults shown, decimals with a comma); a
// premium out of bounds comes back with its field error, nothing saved.
func TestSettingsOvertimeRules(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	admin := tt.Login(tt.Admin, tenanttest.Password)
	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/settings", admin)
	box := testid(doc(t, page.Body.String()), "settings-overtime")
	for name, want := range map[string]string{"overtime_weekly_hours": "35", "overtime_tier1_hours": "43", "overtime_tier1_pct": "25", "overtime_tier2_pct": "50"} {
		if got, _ := box.Find(`input[name="` + name + `"]`).Attr("value"); got != want {
			t.Errorf("%s shows %q, want %q", name, got, want)
		}
	}
	form := url.Values{"name": {"Entreprise ACME"}, "sector": {"btp"}, "timezone": {"Europe/Paris"}, "locale": {"fr"},
		"work_days": {"1", "2", "3", "4", "5"}, "overtime_weekly_hours": {"39"}, "overtime_tier1_hours": {"43,5"},
		"overtime_tier1_pct": {"10"}, "overtime_tier2_pct": {"400"}}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/settings", form, admin)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Indiquez une majoration entre 10 et 300 %") {
		t.Fatalf("premium 400 %%: %d", rec.Code)
	}
	if got := domain.TenantFactsOf(tt.App()).Overtime(); got != domain.DefaultOvertimeRules() {
		t.Errorf("refused form saved %+v", got)
	}
	form.Set("overtime_tier2_pct", "25")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/settings", form, admin); rec.Code != http.StatusSeeOther {
		t.Fatalf("save = %d %s", rec.Code, rec.Body)
	}
	want := domain.OvertimeRules{WeeklyHours: 39, Tier1Hours: 43.5, Tier1Pct: 10, Tier2Pct: 25}
	if got := domain.TenantFactsOf(tt.App()).Overtime(); got != want {
		t.Errorf("rules = %+v, want %+v", got, want)
	}
}
