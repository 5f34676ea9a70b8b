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

// TestRatesAndBudgetsEdit: managers and project managers set a vehicle's
// and a tool's daily rate and a phase's budget on their forms (French
// decimal comma accepted, the value shown back with a comma, audited);
// negative, absurd and unreadable amounts come back with the field's
// message (400) and change nothing; a site lead sees no budget field and
// is refused one (403) on the page as through the REST API, where an
// unchanged value still passes and a project manager's bad value is 400.
func TestRatesAndBudgetsEdit(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	app := tt.App()
	tt.User(domain.RoleManager, "boss@acme.test")
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-R", "name": "Rates", "sector": "btp", "status": "active",
		"project_manager": pm.Id, "site_lead": lead.Id})
	boss, pmC, leadC := tt.Login("boss@acme.test", tenanttest.Password), tt.Login("pm@acme.test", tenanttest.Password), tt.Login("lead@acme.test", tenanttest.Password)
	post := func(c *http.Cookie, path string, v url.Values) (int, string) {
		rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, v, c)
		return rec.Code, rec.Body.String()
	}
	rate := func(col, id string) float64 {
		r, err := app.FindRecordById(col, id)
		if err != nil {
			t.Fatal(err)
		}
		return r.GetFloat(col2field(col))
	}

	// vehicle: created by the manager at 350,50 €, shown back with a comma
	if page := tenanttest.Get(t, tt.Registry, tt.Host(), "/vehicles/new", boss).Body.String(); !strings.Contains(page, `name="daily_rate"`) {
		t.Fatal("no daily rate on the vehicle form")
	}
	vform := url.Values{"plate": {"AB-123-CD"}, "label": {"Master"}, "kind": {"van"}, "status": {"available"}, "mode": {"business"}, "daily_rate": {"350,50"}}
	if code, body := post(boss, "/vehicles", vform); code != http.StatusSeeOther {
		t.Fatalf("create vehicle: %d %.300s", code, body)
	}
	veh, err := app.FindFirstRecordByData(domain.CollectionVehicles, "plate", "AB-123-CD")
	if err != nil || veh.GetFloat("daily_rate") != 350.5 {
		t.Fatalf("vehicle rate %v %v", veh, err)
	}
	if page := tenanttest.Get(t, tt.Registry, tt.Host(), "/vehicles/"+veh.Id+"/edit", boss).Body.String(); !strings.Contains(page, `value="350,5"`) {
		t.Error("the edit form does not show 350,5")
	}
	for _, c := range []struct{ v, want string }{
		{"-10", "ne peut pas être négatif"}, {"9999999", "trop élevé"}, {"beaucoup", "Montant invalide « beaucoup »"}, {"1,2,3", "Montant invalide"},
	} {
		vform.Set("daily_rate", c.v)
		if code, body := post(pmC, "/vehicles/"+veh.Id, vform); code != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("vehicle rate %q: %d, want 400 with %q", c.v, code, c.want)
		}
	}
	vform.Set("daily_rate", "1 200")
	if code, _ := post(pmC, "/vehicles/"+veh.Id, vform); code != http.StatusSeeOther || rate(domain.CollectionVehicles, veh.Id) != 1200 {
		t.Errorf("project manager's rate: %d, %v", code, rate(domain.CollectionVehicles, veh.Id))
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "vehicles", "record": veh.Id, "actor": pm.Id}); n != 1 {
		t.Errorf("%d audit events by the project manager, want 1", n)
	}

	// equipment: created by the project manager at 45,5 €
	eform := url.Values{"name": {"Perforateur"}, "code": {"OUT-0100"}, "status": {"available"}, "location": {"Dépôt"}, "daily_rate": {"45,5"}}
	if code, body := post(pmC, "/equipment", eform); code != http.StatusSeeOther {
		t.Fatalf("create equipment: %d %.300s", code, body)
	}
	tool, err := app.FindFirstRecordByData(domain.CollectionEquipment, "code", "OUT-0100")
	if err != nil || tool.GetFloat("daily_rate") != 45.5 {
		t.Fatalf("equipment rate %v %v", tool, err)
	}
	eform.Set("daily_rate", "-1")
	if code, body := post(boss, "/equipment/"+tool.Id, eform); code != http.StatusBadRequest || !strings.Contains(body, "négatif") {
		t.Errorf("negative equipment rate: %d", code)
	}

	// phase budgets
	phases := "/sites/" + site.Id + "/phases"
	if code, body := post(boss, phases, url.Values{"name": {"Gros œuvre"}, "budget": {"6 000,50"}}); code != http.StatusSeeOther {
		t.Fatalf("add phase: %d %.300s", code, body)
	}
	ph, err := app.FindFirstRecordByData(domain.CollectionPhases, "name", "Gros œuvre")
	if err != nil || ph.GetFloat("budget") != 6000.5 {
		t.Fatalf("phase budget %v %v", ph, err)
	}
	upd := func(c *http.Cookie, v url.Values) (int, string) {
		v.Set("name", "Gros œuvre")
		return post(c, phases+"/"+ph.Id, v)
	}
	if code, body := upd(pmC, url.Values{"budget": {"-5"}}); code != http.StatusBadRequest || !strings.Contains(body, `data-testid="phase-budget-error"`) {
		t.Errorf("negative phase budget: %d", code)
	}
	if code, _ := upd(pmC, url.Values{"budget": {"7000"}, "progress": {"20"}}); code != http.StatusSeeOther || rate(domain.CollectionPhases, ph.Id) != 7000 {
		t.Errorf("project manager's budget: %d %v", code, rate(domain.CollectionPhases, ph.Id))
	}
	if page := tenanttest.Get(t, tt.Registry, tt.Host(), phases, leadC).Body.String(); strings.Contains(page, `name="budget"`) || !strings.Contains(page, `data-testid="phase-progress"`) {
		t.Error("the site lead's phases tab shows a budget field (or no phase)")
	}
	if code, _ := upd(leadC, url.Values{"budget": {"1"}}); code != http.StatusForbidden {
		t.Errorf("site lead sets a budget: %d, want 403", code)
	}
	if code, _ := upd(leadC, url.Values{"progress": {"40"}}); code != http.StatusSeeOther || rate(domain.CollectionPhases, ph.Id) != 7000 {
		t.Errorf("site lead's progress: %d, budget now %v", code, rate(domain.CollectionPhases, ph.Id))
	}

	// REST API: the same rules
	tok := func(email string) string { return tt.Token("users", email) }
	for _, c := range []struct {
		name, who, path string
		body            map[string]any
		want            int
	}{
		{"site lead changes a phase budget", "lead@acme.test", "/api/collections/phases/records/" + ph.Id, map[string]any{"budget": 1}, http.StatusForbidden},
		{"site lead sends it unchanged", "lead@acme.test", "/api/collections/phases/records/" + ph.Id, map[string]any{"budget": 7000, "progress": 50}, http.StatusOK},
		{"site lead changes a tool's rate", "lead@acme.test", "/api/collections/equipment/records/" + tool.Id, map[string]any{"daily_rate": 0}, http.StatusForbidden},
		{"negative rate", "pm@acme.test", "/api/collections/vehicles/records/" + veh.Id, map[string]any{"daily_rate": -1}, http.StatusBadRequest},
		{"absurd rate", "pm@acme.test", "/api/collections/vehicles/records/" + veh.Id, map[string]any{"daily_rate": 1e7}, http.StatusBadRequest},
		{"project manager's rate", "pm@acme.test", "/api/collections/vehicles/records/" + veh.Id, map[string]any{"daily_rate": 99.5}, http.StatusOK},
	} {
		if rec := tenanttest.Do(t, tt.Registry, "PATCH", tt.Host(), c.path, tok(c.who), apiJSON(c.body)); rec.Code != c.want {
			t.Errorf("%s: %d, want %d (%.200s)", c.name, rec.Code, c.want, rec.Body)
		}
	}
	if rate(domain.CollectionVehicles, veh.Id) != 99.5 || rate(domain.CollectionPhases, ph.Id) != 7000 || rate(domain.CollectionEquipment, tool.Id) != 45.5 {
		t.Errorf("after the API: vehicle %v, phase %v, tool %v", rate(domain.CollectionVehicles, veh.Id), rate(domain.CollectionPhases, ph.Id), rate(domain.CollectionEquipment, tool.Id))
	}
}

// col2field is the rate or budget field of a collection.
func col2field(col string) string {
	if col == domain.CollectionPhases {
		return "budget"
	}
	return "daily_rate"
}
