package handlers_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// resourcesTenant has one user per role, a site with the crew in its
// team, a material with 10 units on the site and a vehicle.
type resourcesTenant struct {
	*tenanttest.Tenant
	site, material, vehicle string
	users                   map[string]string // role → id
}

func newResourcesTenant(t *testing.T) resourcesTenant {
	t.Helper()
	tt := handlertest.New(t)
	rt := resourcesTenant{Tenant: tt, users: map[string]string{}}
	for _, role := range domain.Roles {
		rt.users[role] = tt.User(role, role+"@acme.test").Id
	}
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{rt.users[domain.RoleCrew]}})
	mat, err := domain.SaveMaterial(tt.App(), nil, "", domain.MaterialInput{SKU: "CIM-35", Name: "Ciment", Unit: "sac", UnitCost: 9.5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.RecordStockMove(tt.App(), nil, domain.StockMoveInput{Material: mat.Id, Kind: domain.MoveReceipt, Qty: 10, Location: domain.SiteLocation(site.Id)}); err != nil {
		t.Fatal(err)
	}
	v, err := domain.CreateVehicle(tt.App(), nil, domain.VehicleInput{Plate: "GA-101-NT", Label: "Kangoo", GPSDeviceID: "TRK-0001"})
	if err != nil {
		t.Fatal(err)
	}
	rt.site, rt.material, rt.vehicle = site.Id, mat.Id, v.Id
	return rt
}

func apiJSON(v any) *strings.Reader {
	b, _ := json.Marshal(v)
	return strings.NewReader(string(b))
}

func TestResourcesAPIRulesPerRole(t *testing.T) {
	t.Parallel()
	rt := newResourcesTenant(t)
	reg, host := rt.Registry, rt.Host()
	tok := func(role string) string { return rt.Token("users", role+"@acme.test") }
	ok := func(code int) bool { return code == 200 }
	refused := func(code int) bool { return code == 400 || code == 403 || code == 404 || code == 409 }
	consumption := func(by string, qty float64) map[string]any {
		return map[string]any{"material": rt.material, "kind": "consumption", "qty": qty, "site": rt.site, "by": by}
	}
	scenarios := []struct {
		name, role, method, path string
		body                     any
		want                     func(int) bool
	}{
		{"manager creates a vehicle", domain.RoleManager, "POST", "/api/collections/vehicles/records", map[string]any{"plate": "AA-111-AA", "label": "Master", "gps_device_id": "TRK-0002"}, ok},
		{"project manager creates equipment", domain.RoleProjectManager, "POST", "/api/collections/equipment/records", map[string]any{"name": "Perforateur", "code": "OUT-0001"}, ok},
		{"project manager creates a material", domain.RoleProjectManager, "POST", "/api/collections/materials/records", map[string]any{"sku": "GAINE-20", "name": "Gaine", "unit": "m"}, ok},
		{"site lead cannot create a vehicle", domain.RoleSiteLead, "POST", "/api/collections/vehicles/records", map[string]any{"plate": "BB-222-BB", "label": "x"}, refused},
		{"site lead cannot create a material", domain.RoleSiteLead, "POST", "/api/collections/materials/records", map[string]any{"sku": "X-1", "name": "x", "unit": "u"}, refused},
		{"site lead reserves", domain.RoleSiteLead, "POST", "/api/collections/reservations/records", map[string]any{"asset_kind": "vehicle", "asset": rt.vehicle, "vehicle": rt.vehicle, "site": rt.site, "from": "2026-12-01 08:00:00.000Z", "to": "2026-12-01 12:00:00.000Z"}, ok},
		{"site lead records a transfer", domain.RoleSiteLead, "POST", "/api/collections/stock_moves/records", map[string]any{"material": rt.material, "kind": "transfer", "qty": 2, "location": "site:" + rt.site, "to_location": "depot"}, ok},
		{"crew cannot create a vehicle", domain.RoleCrew, "POST", "/api/collections/vehicles/records", map[string]any{"plate": "CC-333-CC", "label": "x"}, refused},
		{"crew cannot reserve", domain.RoleCrew, "POST", "/api/collections/reservations/records", map[string]any{"asset_kind": "vehicle", "asset": rt.vehicle, "site": rt.site, "from": "2026-12-02 08:00:00.000Z", "to": "2026-12-02 12:00:00.000Z"}, refused},
		{"crew records a consumption as themself", domain.RoleCrew, "POST", "/api/collections/stock_moves/records", consumption(rt.users[domain.RoleCrew], 3), ok},
		{"crew cannot record in someone else's name", domain.RoleCrew, "POST", "/api/collections/stock_moves/records", consumption(rt.users[domain.RoleSiteLead], 1), refused},
		{"crew cannot record a receipt", domain.RoleCrew, "POST", "/api/collections/stock_moves/records", map[string]any{"material": rt.material, "kind": "receipt", "qty": 100, "location": "depot", "by": rt.users[domain.RoleCrew]}, refused},
		{"stock never negative through the API", domain.RoleSiteLead, "POST", "/api/collections/stock_moves/records", consumption(rt.users[domain.RoleSiteLead], 50), refused},
		{"adjustment without reason refused", domain.RoleManager, "POST", "/api/collections/stock_moves/records", map[string]any{"material": rt.material, "kind": "adjustment", "qty": -1, "location": "depot"}, refused},
		{"crew reads materials", domain.RoleCrew, "GET", "/api/collections/materials/records", nil, ok},
		{"nobody edits the stock ledger", domain.RoleManager, "GET", "/api/collections/stock_moves/records", nil, ok},
	}
	for _, s := range scenarios {
		var body *strings.Reader
		if s.body != nil {
			body = apiJSON(s.body)
		}
		var rec = tenanttest.Do(t, reg, s.method, host, s.path, tok(s.role), nilIfEmpty(body))
		if !s.want(rec.Code) {
			t.Errorf("%s: %d %s", s.name, rec.Code, rec.Body)
		}
	}
	// crews list only the vehicles assigned to them
	list := func(role, col string) int {
		rec := tenanttest.Do(t, reg, "GET", host, "/api/collections/"+col+"/records", tok(role), nil)
		var out struct {
			TotalItems int `json:"totalItems"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out.TotalItems
	}
	rt.Record(domain.CollectionVehiclePositions, map[string]any{"vehicle": rt.vehicle, "at": "2026-11-30 10:00:00.000Z", "lat": 47.2, "lng": -1.5})
	if n := list(domain.RoleCrew, "vehicle_positions"); n != 0 {
		t.Errorf("crew sees %d positions", n)
	}
	if n := list(domain.RoleSiteLead, "vehicle_positions"); n != 1 {
		t.Errorf("site lead sees %d positions, want 1", n)
	}
	if n := list(domain.RoleCrew, "vehicles"); n != 0 {
		t.Errorf("crew sees %d vehicles before an assignment", n)
	}
	if _, err := domain.Reserve(rt.App(), nil, domain.ReservationInput{AssetKind: domain.AssetVehicle, Asset: rt.vehicle, User: rt.users[domain.RoleCrew],
		From: mustTime("2026-12-05T08:00:00Z"), To: mustTime("2026-12-05T12:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	if n := list(domain.RoleCrew, "vehicles"); n != 1 {
		t.Errorf("crew sees %d vehicles after an assignment, want 1", n)
	}
	if n := list(domain.RoleSiteLead, "vehicles"); n != 2 {
		t.Errorf("site lead sees %d vehicles, want 2", n)
	}
	// the stock ledger cannot be edited through the API
	moves, _ := rt.App().FindRecordsByFilter(domain.CollectionStockMoves, "", "", 1, 0)
	rec := tenanttest.Do(t, reg, "PATCH", host, "/api/collections/stock_moves/records/"+moves[0].Id, tok(domain.RoleManager), apiJSON(map[string]any{"qty": 1000}))
	if rec.Code == 200 {
		t.Error("a manager edited a stock move through the API")
	}
}

func TestResourcesCrossTenantAPI(t *testing.T) {
	t.Parallel()
	rt := newResourcesTenant(t)
	b := tenanttest.Provision(t, rt.Registry, "beta", domain.SectorTP)
	b.User(domain.RoleManager, "boss@beta.test")
	tokA := rt.Token("users", domain.RoleManager+"@acme.test")
	for _, col := range []string{"vehicles", "equipment", "materials"} {
		rec := tenanttest.Do(t, rt.Registry, "GET", b.Host(), "/api/collections/"+col+"/records", tokA, nil)
		if rec.Code == 200 && !strings.Contains(rec.Body.String(), `"totalItems":0`) {
			t.Errorf("A's token lists B's %s: %s", col, rec.Body)
		}
	}
	rec := tenanttest.Do(t, rt.Registry, "GET", b.Host(), "/api/collections/vehicles/records/"+rt.vehicle, b.Token("users", "boss@beta.test"), nil)
	if rec.Code != 404 {
		t.Errorf("B reads A's vehicle: %d", rec.Code)
	}
	// A's consumption form with A's cookie on B's host
	c := rt.Login(domain.RoleCrew+"@acme.test", tenanttest.Password)
	r := tenanttest.PostForm(t, rt.Registry, b.Host(), "/m/consumption", url.Values{"site": {rt.site}, "material": {rt.material}, "qty": {"1"}}, c)
	if r.Code == http.StatusSeeOther {
		t.Errorf("A's cookie recorded a consumption on B")
	}
}

func nilIfEmpty(r *strings.Reader) io.Reader {
	if r == nil {
		return nil
	}
	return r
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
