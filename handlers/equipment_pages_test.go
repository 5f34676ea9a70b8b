package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestEquipmentPagesLabelsReservationsAndScan(t *testing.T) {
	t.Parallel()
	rt := newResourcesTenant(t)
	reg, host := rt.Registry, rt.Host()
	pm := rt.Login(domain.RoleProjectManager+"@acme.test", tenanttest.Password)
	lead := rt.Login(domain.RoleSiteLead+"@acme.test", tenanttest.Password)
	crew := rt.Login(domain.RoleCrew+"@acme.test", tenanttest.Password)

	rec := tenanttest.PostForm(t, reg, host, "/equipment", url.Values{"name": {""}, "code": {"x y"}, "status": {"available"}}, pm)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-name").Length() != 1 {
		t.Fatalf("invalid equipment = %d", rec.Code)
	}
	if n, _ := rt.App().CountRecords(domain.CollectionEquipment); n != 0 {
		t.Fatal("invalid equipment saved")
	}
	rec = tenanttest.PostForm(t, reg, host, "/equipment", url.Values{"name": {"Perforateur SDS"}, "status": {"available"}, "location": {"Dépôt"}}, pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create = %d %s", rec.Code, rec.Body)
	}
	item, err := rt.App().FindFirstRecordByData(domain.CollectionEquipment, "code", "OUT-0001")
	if err != nil {
		t.Fatal(err)
	}
	rec = tenanttest.PostForm(t, reg, host, "/equipment", url.Values{"name": {"Autre"}, "code": {"OUT-0001"}, "status": {"available"}}, pm)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-code").Length() != 1 {
		t.Errorf("duplicate code = %d", rec.Code)
	}
	if code := tenanttest.PostForm(t, reg, host, "/equipment", url.Values{"name": {"x"}}, lead).Code; code != 403 {
		t.Errorf("site lead creates equipment: %d", code)
	}

	// the labels sheet: one QR per item encoding its URL on the tenant host
	d := doc(t, tenanttest.Get(t, reg, host, "/equipment/labels", lead).Body.String())
	label := testid(d, "label-"+item.Id)
	if u, _ := label.Attr("data-url"); u != "http://"+host+"/equipment/"+item.Id || label.Find(`[data-testid="qr"] path`).Length() != 1 {
		t.Errorf("label url %q", u)
	}

	// reserve, conflict, move
	path := "/equipment/" + item.Id
	res := url.Values{"user": {rt.users[domain.RoleCrew]}, "from": {"2026-12-01T08:00"}, "to": {"2026-12-01T17:00"}}
	if rec = tenanttest.PostForm(t, reg, host, path+"/reservations", res, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("reserve = %d %s", rec.Code, rec.Body)
	}
	res.Set("from", "2026-12-01T16:00")
	res.Set("to", "2026-12-02T10:00")
	rec = tenanttest.PostForm(t, reg, host, path+"/reservations", res, lead)
	if rec.Code != http.StatusConflict || !strings.Contains(testid(doc(t, rec.Body.String()), "form-error").Text(), "Déjà réservé") {
		t.Errorf("conflict = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, path+"/reservations", url.Values{"user": {rt.users[domain.RoleCrew]}, "from": {"2026-12-03T10:00"}, "to": {"2026-12-03T09:00"}}, lead)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-to").Length() != 1 {
		t.Errorf("end before start = %d", rec.Code)
	}
	if rec = tenanttest.PostForm(t, reg, host, path+"/move", url.Values{"holder": {rt.users[domain.RoleSiteLead]}, "site": {rt.site}}, lead); rec.Code != http.StatusSeeOther {
		t.Fatalf("move = %d %s", rec.Code, rec.Body)
	}
	item, _ = rt.App().FindRecordById(domain.CollectionEquipment, item.Id)
	if item.GetString("status") != domain.EquipmentInUse || item.GetString("site") != rt.site {
		t.Errorf("after move: status %q site %q", item.GetString("status"), item.GetString("site"))
	}
	// scanning: the crew member who has it booked sees it, read-only;
	// another crew member does not; crews cannot move it
	d = doc(t, tenanttest.Get(t, reg, host, path, crew).Body.String())
	if testid(d, "equipment-item-page").Length() != 1 || testid(d, "move-equipment-form").Length() != 0 {
		t.Error("crew scan: page missing or editable")
	}
	rt.User(domain.RoleCrew, "other@acme.test")
	other := rt.Login("other@acme.test", tenanttest.Password)
	if code := tenanttest.Get(t, reg, host, path, other).Code; code != 403 {
		t.Errorf("unrelated crew scan = %d", code)
	}
	if code := tenanttest.PostForm(t, reg, host, path+"/move", url.Values{"location": {"Camion"}}, crew).Code; code != 403 {
		t.Errorf("crew moves = %d", code)
	}
	if code := tenanttest.Get(t, reg, host, path, nil...).Code; code != 303 {
		t.Errorf("anonymous scan = %d, want redirect to login", code)
	}
	// maintenance of a tool: by date only
	rec = tenanttest.PostForm(t, reg, host, path+"/maintenance", url.Values{"label": {"VGP"}, "due_km": {"100"}}, pm)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("km on a tool = %d", rec.Code)
	}
	if rec = tenanttest.PostForm(t, reg, host, path+"/maintenance", url.Values{"label": {"VGP"}, "due": {"2027-01-15"}, "interval_days": {"180"}}, pm); rec.Code != http.StatusSeeOther {
		t.Errorf("maintenance = %d %s", rec.Code, rec.Body)
	}
	// cross-tenant: B's manager cannot open A's item
	b := tenanttest.Provision(t, reg, "beta", domain.SectorTP)
	b.User(domain.RoleManager, "boss@beta.test")
	if code := tenanttest.Get(t, reg, b.Host(), path, b.Login("boss@beta.test", tenanttest.Password)).Code; code != 404 {
		t.Errorf("A's item on B = %d", code)
	}
}
