package domain_test

import (
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestStockMovesStoredNeverNegative(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp"})
	mat, err := domain.SaveMaterial(app, lead.Record, "", domain.MaterialInput{SKU: "cim-35", Name: "Ciment 35 kg", Unit: "sac", UnitCost: 9.5, MinStock: 10})
	if err != nil {
		t.Fatal(err)
	}
	siteLoc := domain.SiteLocation(site.Id)
	steps := []struct {
		name     string
		in       domain.StockMoveInput
		wantCode string
	}{
		{"receipt at the depot", domain.StockMoveInput{Kind: domain.MoveReceipt, Qty: 20, Location: domain.LocationDepot}, ""},
		{"transfer to the site", domain.StockMoveInput{Kind: domain.MoveTransfer, Qty: 12, Location: domain.LocationDepot, ToLocation: siteLoc}, ""},
		{"consume on the site (location defaulted)", domain.StockMoveInput{Kind: domain.MoveConsumption, Qty: 5, Site: site.Id}, ""},
		{"consume more than the site holds", domain.StockMoveInput{Kind: domain.MoveConsumption, Qty: 8, Site: site.Id}, domain.EConflict},
		{"consumption without a site", domain.StockMoveInput{Kind: domain.MoveConsumption, Qty: 1, Location: domain.LocationDepot}, domain.EInvalid},
		{"adjustment without reason", domain.StockMoveInput{Kind: domain.MoveAdjustment, Qty: -1, Location: domain.LocationDepot}, domain.EInvalid},
		{"adjustment with reason", domain.StockMoveInput{Kind: domain.MoveAdjustment, Qty: -3, Location: domain.LocationDepot, Reason: "Sacs éventrés"}, ""},
	}
	for _, s := range steps {
		s.in.Material = mat.Id
		_, err := domain.RecordStockMove(app, lead.Record, s.in)
		if code := domain.ErrorCode(err); code != s.wantCode {
			t.Fatalf("%s: code %q (%v), want %q", s.name, code, err, s.wantCode)
		}
	}
	stock, err := domain.FindMaterialStock(app, "")
	if err != nil || len(stock) != 1 {
		t.Fatalf("stock = %v, %v", stock, err)
	}
	b := stock[0].Balances
	if b[domain.LocationDepot] != 5 || b[siteLoc] != 7 || stock[0].Total != 12 {
		t.Errorf("balances = %v", b)
	}
	if stock[0].Low {
		t.Error("12 ≥ min 10 flagged low")
	}
	cons, err := domain.ConsumptionBySite(app)
	if err != nil || len(cons) != 1 || cons[0].Cost != 47.5 || cons[0].Code != "CH-1" {
		t.Errorf("consumption by site = %+v, %v", cons, err)
	}
	n, _ := app.CountRecords(domain.CollectionAuditEvents)
	if n == 0 {
		t.Error("no audit events for stock moves")
	}
	// the SKU is unique
	if _, err := domain.SaveMaterial(app, lead.Record, "", domain.MaterialInput{SKU: "CIM-35", Name: "Doublon", Unit: "sac"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("duplicate SKU: %v", err)
	}
}

func TestReservationConflictStored(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	tool, err := domain.SaveEquipment(app, lead.Record, "", domain.EquipmentInput{Name: "Perforateur"})
	if err != nil || tool.GetString("code") != "OUT-0001" {
		t.Fatalf("tool %v code %q", err, tool.GetString("code"))
	}
	from := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	in := domain.ReservationInput{AssetKind: domain.AssetEquipment, Asset: tool.Id, User: lead.Id, From: from, To: from.Add(4 * time.Hour)}
	if _, err := domain.Reserve(app, lead.Record, in); err != nil {
		t.Fatal(err)
	}
	in.From, in.To = from.Add(3*time.Hour), from.Add(6*time.Hour)
	if _, err := domain.Reserve(app, lead.Record, in); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("overlap: %v, want conflict", err)
	}
	in.From = from.Add(4 * time.Hour)
	if _, err := domain.Reserve(app, lead.Record, in); err != nil {
		t.Fatalf("back to back: %v", err)
	}
	// the same period on another asset kind and id is free
	v, err := domain.CreateVehicle(app, lead.Record, domain.VehicleInput{Plate: "AB-123-CD", Label: "Kangoo", GPSDeviceID: "dev-0001"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.Reserve(app, lead.Record, domain.ReservationInput{AssetKind: domain.AssetVehicle, Asset: v.Id, User: lead.Id, From: from, To: from.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.CreateVehicle(app, lead.Record, domain.VehicleInput{Plate: "ab 123 cd", Label: "Autre"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("duplicate plate: %v", err)
	}
	if _, err := domain.CreateVehicle(app, lead.Record, domain.VehicleInput{Plate: "ZZ-999-ZZ", Label: "Autre", GPSDeviceID: "dev-0001"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("duplicate device: %v", err)
	}
	if _, err := domain.SaveEquipment(app, lead.Record, "", domain.EquipmentInput{Name: "Autre", Code: "out-0001"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("duplicate equipment code: %v", err)
	}
}

func TestPurchaseOrderReceiptAndMaintenanceRecurrence(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	sup, err := domain.SaveSupplier(app, pm.Record, domain.SupplierInput{Name: "Point.P Nantes"})
	if err != nil {
		t.Fatal(err)
	}
	mat, _ := domain.SaveMaterial(app, pm.Record, "", domain.MaterialInput{SKU: "GAINE-20", Name: "Gaine ICTA 20", Unit: "m", UnitCost: 0.45})
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	po, err := domain.CreatePurchaseOrder(app, pm.Record, domain.POInput{Supplier: sup.Id, Lines: []domain.POLine{{Material: mat.Id, Qty: 100}}}, now)
	if err != nil || po.GetString("number") != "BC-2026-0001" || po.GetFloat("total") != 45 {
		t.Fatalf("po %v: %s %v", err, po.GetString("number"), po.GetFloat("total"))
	}
	if _, err := domain.SetPurchaseOrderStatus(app, pm.Record, po.Id, domain.POReceived, now); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("draft → received: %v", err)
	}
	for _, st := range []string{domain.POSent, domain.POReceived} {
		if _, err := domain.SetPurchaseOrderStatus(app, pm.Record, po.Id, st, now); err != nil {
			t.Fatalf("→ %s: %v", st, err)
		}
	}
	stock, _ := domain.FindMaterialStock(app, "gaine")
	if len(stock) != 1 || stock[0].Total != 100 {
		t.Fatalf("stock after receipt = %+v", stock)
	}

	v, _ := domain.CreateVehicle(app, pm.Record, domain.VehicleInput{Plate: "AB-123-CD", Label: "Kangoo", OdometerKm: 42000})
	m, err := domain.ScheduleMaintenance(app, pm.Record, domain.MaintenanceInput{AssetKind: domain.AssetVehicle, Asset: v.Id, Label: "Vidange", DueKm: 45000, IntervalKm: 15000, IntervalDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	next, err := domain.CompleteMaintenance(app, pm.Record, m.Id, now, 44800, 189.9)
	if err != nil || next == nil || next.GetInt("due_km") != 59800 {
		t.Fatalf("next = %v, %v", next, err)
	}
	if _, err := domain.CompleteMaintenance(app, pm.Record, m.Id, now, 44800, 1); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("done twice: %v", err)
	}
	planned, history, _ := domain.FindMaintenance(app, domain.AssetVehicle, v.Id)
	if len(planned) != 1 || len(history) != 1 {
		t.Errorf("planned %d history %d", len(planned), len(history))
	}
}
