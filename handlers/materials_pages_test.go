package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestMaterialPagesStockAndOrders(t *testing.T) {
	t.Parallel()
	rt := newResourcesTenant(t)
	reg, host := rt.Registry, rt.Host()
	pm := rt.Login(domain.RoleProjectManager+"@acme.test", tenanttest.Password)
	lead := rt.Login(domain.RoleSiteLead+"@acme.test", tenanttest.Password)
	crew := rt.Login(domain.RoleCrew+"@acme.test", tenanttest.Password)

	// catalogue form: invalid then valid
	rec := tenanttest.PostForm(t, reg, host, "/materials", url.Values{"sku": {"cim-35"}, "name": {"Doublon"}, "unit": {"sac"}}, pm)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-sku").Length() != 1 {
		t.Fatalf("duplicate SKU = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/materials", url.Values{"sku": {"GAINE-20"}, "name": {"Gaine ICTA 20"}, "unit": {"m"}, "unit_cost": {"0,45"}, "min_stock": {"100"}}, pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create material = %d %s", rec.Code, rec.Body)
	}
	if code := tenanttest.PostForm(t, reg, host, "/materials", url.Values{"sku": {"X-1"}, "name": {"x"}, "unit": {"u"}}, lead).Code; code != 403 {
		t.Errorf("site lead creates a material: %d", code)
	}
	// list: low-stock badge for the new material (0 < 100)
	d := doc(t, tenanttest.Get(t, reg, host, "/materials", pm).Body.String())
	if testid(d, "low-stock-badge").Length() != 1 || testid(d, "low-stock").Length() != 1 {
		t.Error("no low-stock alert")
	}
	// stock move by the site lead: too much (409, nothing saved), adjustment without reason (400), transfer (303)
	before, _ := rt.App().CountRecords(domain.CollectionStockMoves)
	path := "/materials/" + rt.material + "/moves"
	rec = tenanttest.PostForm(t, reg, host, path, url.Values{"kind": {"consumption"}, "qty": {"11"}, "location": {"site:" + rt.site}, "site": {rt.site}}, lead)
	if rec.Code != http.StatusConflict || !strings.Contains(testid(doc(t, rec.Body.String()), "error-qty").Text(), "Stock insuffisant") {
		t.Errorf("over-consumption = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, path, url.Values{"kind": {"adjustment"}, "qty": {"-2"}, "location": {"depot"}}, lead)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-reason").Length() != 1 {
		t.Errorf("adjustment without reason = %d", rec.Code)
	}
	if after, _ := rt.App().CountRecords(domain.CollectionStockMoves); after != before {
		t.Fatalf("refused moves saved: %d → %d", before, after)
	}
	rec = tenanttest.PostForm(t, reg, host, path, url.Values{"kind": {"transfer"}, "qty": {"4"}, "location": {"site:" + rt.site}, "to_location": {"depot"}}, lead)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("transfer = %d %s", rec.Code, rec.Body)
	}
	if got := testid(doc(t, tenanttest.Get(t, reg, host, "/materials/"+rt.material, lead).Body.String()), "stock-total").Text(); got != "10 sac" {
		t.Errorf("stock total = %q", got)
	}
	// crew consumption from the crew app
	if rec = tenanttest.Get(t, reg, host, "/m/consumption", crew); rec.Code != 200 {
		t.Fatalf("/m/consumption = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/m/consumption", url.Values{"site": {rt.site}, "material": {rt.material}, "qty": {""}}, crew)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-qty").Length() != 1 {
		t.Errorf("empty quantity = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/m/consumption", url.Values{"site": {rt.site}, "material": {rt.material}, "qty": {"2,5"}}, crew)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("crew consumption = %d %s", rec.Code, rec.Body)
	}
	if code := tenanttest.PostForm(t, reg, host, path, url.Values{"kind": {"receipt"}, "qty": {"5"}, "location": {"depot"}}, crew).Code; code != 403 {
		t.Errorf("crew posts a receipt: %d", code)
	}
	d = doc(t, tenanttest.Get(t, reg, host, "/materials", pm).Body.String())
	if got := testid(d, "consumption-cost").Text(); !strings.Contains(got, "23,75") {
		t.Errorf("consumption cost = %q, want 23,75 €", got)
	}
	// purchase order: supplier, draft, sent, received → stock
	if rec = tenanttest.PostForm(t, reg, host, "/suppliers", url.Values{"name": {"Rexel Nantes"}}, pm); rec.Code != http.StatusSeeOther {
		t.Fatalf("supplier = %d", rec.Code)
	}
	sup, _ := rt.App().FindFirstRecordByData(domain.CollectionSuppliers, "name", "Rexel Nantes")
	rec = tenanttest.PostForm(t, reg, host, "/purchase-orders", url.Values{"supplier": {sup.Id}, "location": {"depot"}}, pm)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-lines").Length() != 1 {
		t.Errorf("order without lines = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/purchase-orders", url.Values{"supplier": {sup.Id}, "location": {"depot"}, "material_0": {rt.material}, "qty_0": {"20"}}, pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("order = %d %s", rec.Code, rec.Body)
	}
	po := strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/purchase-orders/"), "?toast=saved")
	for _, st := range []string{"sent", "received"} {
		if rec = tenanttest.PostForm(t, reg, host, "/purchase-orders/"+po+"/status", url.Values{"status": {st}}, pm); rec.Code != http.StatusSeeOther {
			t.Fatalf("→ %s = %d", st, rec.Code)
		}
	}
	if rec = tenanttest.PostForm(t, reg, host, "/purchase-orders/"+po+"/status", url.Values{"status": {"cancelled"}}, pm); rec.Code != http.StatusConflict {
		t.Errorf("received → cancelled = %d", rec.Code)
	}
	if got := testid(doc(t, tenanttest.Get(t, reg, host, "/materials/"+rt.material, pm).Body.String()), "stock-total").Text(); got != "27,5 sac" {
		t.Errorf("stock after receipt = %q", got)
	}
	if code := tenanttest.Get(t, reg, host, "/purchase-orders/"+po, lead).Code; code != 200 {
		t.Errorf("site lead reads an order: %d", code)
	}
}
