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

func TestVehiclePagesAndForms(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleProjectManager, "pm@acme.test")
	pm := tt.Login("pm@acme.test", tenanttest.Password)
	reg, host := tt.Registry, tt.Host()

	// the empty list, then the form
	rec := tenanttest.Get(t, reg, host, "/vehicles", pm)
	if rec.Code != 200 || testid(doc(t, rec.Body.String()), "empty-state").Length() != 1 {
		t.Fatalf("/vehicles = %d", rec.Code)
	}
	if rec = tenanttest.Get(t, reg, host, "/vehicles/new", pm); rec.Code != 200 {
		t.Fatalf("/vehicles/new = %d", rec.Code)
	}
	// invalid: 400, field error, typed values kept, nothing saved
	bad := url.Values{"plate": {"?"}, "label": {"Kangoo"}, "kind": {"van"}, "status": {"available"}, "mode": {"business"}}
	rec = tenanttest.PostForm(t, reg, host, "/vehicles", bad, pm)
	d := doc(t, rec.Body.String())
	if rec.Code != http.StatusBadRequest || testid(d, "error-plate").Length() != 1 {
		t.Fatalf("invalid vehicle = %d", rec.Code)
	}
	if v, _ := testid(d, "field-label").Attr("value"); v != "Kangoo" {
		t.Errorf("typed label lost: %q", v)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionVehicles); n != 0 {
		t.Fatalf("%d vehicles saved from invalid input", n)
	}
	// valid: 303 to the page
	good := url.Values{"plate": {"ga 101 nt"}, "label": {"Kangoo"}, "kind": {"van"}, "status": {"available"}, "mode": {"business"}, "gps_device_id": {"TRK-0001"}, "odometer_km": {"42000"}}
	rec = tenanttest.PostForm(t, reg, host, "/vehicles", good, pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create = %d %s", rec.Code, rec.Body)
	}
	v, err := tt.App().FindFirstRecordByData(domain.CollectionVehicles, "plate", "GA-101-NT")
	if err != nil {
		t.Fatal(err)
	}
	// duplicate plate: field error
	good.Set("gps_device_id", "")
	rec = tenanttest.PostForm(t, reg, host, "/vehicles", good, pm)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-plate").Length() != 1 {
		t.Errorf("duplicate plate = %d", rec.Code)
	}
	// page, assignment, conflicting assignment, maintenance
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active"})
	rec = tenanttest.Get(t, reg, host, "/vehicles/"+v.Id, pm)
	if rec.Code != 200 || testid(doc(t, rec.Body.String()), "assign-form").Length() != 1 {
		t.Fatalf("vehicle page = %d", rec.Code)
	}
	assign := url.Values{"site": {site.Id}, "from": {"2026-12-01T08:00"}, "to": {"2026-12-03T18:00"}}
	if rec = tenanttest.PostForm(t, reg, host, "/vehicles/"+v.Id+"/assignments", assign, pm); rec.Code != http.StatusSeeOther {
		t.Fatalf("assign = %d %s", rec.Code, rec.Body)
	}
	assign.Set("from", "2026-12-02T08:00")
	rec = tenanttest.PostForm(t, reg, host, "/vehicles/"+v.Id+"/assignments", assign, pm)
	if rec.Code != http.StatusConflict || !strings.Contains(testid(doc(t, rec.Body.String()), "form-error").Text(), "Déjà réservé") {
		t.Errorf("conflicting assignment = %d", rec.Code)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionReservations); n != 1 {
		t.Errorf("%d assignments, want 1", n)
	}
	rec = tenanttest.PostForm(t, reg, host, "/vehicles/"+v.Id+"/maintenance", url.Values{"label": {""}, "due_km": {"45000"}}, pm)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-label").Length() != 1 {
		t.Errorf("invalid maintenance = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/vehicles/"+v.Id+"/maintenance", url.Values{"label": {"Vidange"}, "due_km": {"42500"}}, pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("maintenance = %d", rec.Code)
	}
	d = doc(t, tenanttest.Get(t, reg, host, "/vehicles/"+v.Id, pm).Body.String())
	if got := testid(d, "maintenance-state").Text(); got != "Bientôt dû" {
		t.Errorf("maintenance state = %q", got)
	}
	// the map lists positions even without tiles
	tt.Record(domain.CollectionVehiclePositions, map[string]any{"vehicle": v.Id, "at": "2026-11-30 10:00:00.000Z", "lat": 47.2, "lng": -1.55})
	d = doc(t, tenanttest.Get(t, reg, host, "/vehicles/map", pm).Body.String())
	if testid(d, "marker-"+v.Id).Length() != 1 || d.Find("#fleet-map").Length() != 1 {
		t.Error("map page does not list the position")
	}
	// audit trail names the actor
	n, _ := tt.App().CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "vehicles", "record": v.Id})
	if n == 0 {
		t.Error("no audit event for the vehicle")
	}
}

func TestVehiclePagesPerRoleAndTenant(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleSiteLead, "lead@acme.test")
	tt.User(domain.RoleCrew, "crew@acme.test")
	v, _ := domain.CreateVehicle(tt.App(), nil, domain.VehicleInput{Plate: "GA-101-NT", Label: "Kangoo"})
	lead := tt.Login("lead@acme.test", tenanttest.Password)
	crew := tt.Login("crew@acme.test", tenanttest.Password)
	reg, host := tt.Registry, tt.Host()
	scenarios := []struct {
		name   string
		cookie *http.Cookie
		method string
		path   string
		form   url.Values
		want   int
	}{
		{"lead lists", lead, "GET", "/vehicles", nil, 200},
		{"lead cannot create", lead, "GET", "/vehicles/new", nil, 403},
		{"lead cannot post a vehicle", lead, "POST", "/vehicles", url.Values{"plate": {"AA-111-AA"}, "label": {"x"}}, 403},
		{"lead assigns", lead, "POST", "/vehicles/" + v.Id + "/assignments", url.Values{"user": {""}, "site": {""}, "note": {"x"}, "from": {"2026-12-01T08:00"}, "to": {"2026-12-01T09:00"}}, 400},
		{"crew cannot open", crew, "GET", "/vehicles", nil, 403},
		{"crew cannot assign", crew, "POST", "/vehicles/" + v.Id + "/assignments", url.Values{}, 403},
		{"anonymous is sent to login", nil, "GET", "/vehicles", nil, 303},
	}
	for _, s := range scenarios {
		var code int
		var cookies []*http.Cookie
		if s.cookie != nil {
			cookies = append(cookies, s.cookie)
		}
		if s.method == "GET" {
			code = tenanttest.Get(t, reg, host, s.path, cookies...).Code
		} else {
			code = tenanttest.PostForm(t, reg, host, s.path, s.form, cookies...).Code
		}
		if code != s.want {
			t.Errorf("%s: %d, want %d", s.name, code, s.want)
		}
	}
	// tenant A's cookie on tenant B's host, and B's page of A's vehicle
	b := tenanttest.Provision(t, reg, "beta", domain.SectorTP)
	if code := tenanttest.Get(t, reg, b.Host(), "/vehicles/"+v.Id, lead).Code; code != 303 && code != 401 && code != 404 {
		t.Errorf("A's cookie on B = %d", code)
	}
	b.User(domain.RoleManager, "boss@beta.test")
	bc := b.Login("boss@beta.test", tenanttest.Password)
	if code := tenanttest.Get(t, reg, b.Host(), "/vehicles/"+v.Id, bc).Code; code != 404 {
		t.Errorf("A's vehicle on B = %d, want 404", code)
	}
}
