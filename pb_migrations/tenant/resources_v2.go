package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Rule fragments of module 2 (resources). Managers and project managers
// edit the registers (vehicles, equipment, catalogue, suppliers, orders);
// site leads run the day-to-day (vehicle assignments, reservations, moving
// tools, stock moves); crews read what they are assigned and record the
// material they consume, as themselves.
const (
	// ruleNotCrew: office roles and site leads.
	ruleNotCrew = ruleUser + ` && (@request.auth.role != "crew" || @request.auth.tenant_admin = true)`
	// vehicles: crews see the vehicles assigned to them (an assignment
	// naming them, or a task of theirs using the vehicle).
	ruleVehicleRead = ruleNotCrew + ` || (` + ruleUser + ` && (reservations_via_vehicle.user ?= @request.auth.id || tasks_via_vehicle.assignees.id ?= @request.auth.id))`
	// equipment: crews see what they hold or have reserved.
	ruleEquipmentRead = ruleNotCrew + ` || (` + ruleUser + ` && (holder = @request.auth.id || reservations_via_equipment.user ?= @request.auth.id))`
	// reservations: crews see theirs and their sites'.
	ruleReservationRead = ruleNotCrew + ` || (` + ruleUser + ` && (user = @request.auth.id || site.team.id ?= @request.auth.id))`
	// stock moves: crews see their own moves and their sites'.
	ruleStockRead = ruleNotCrew + ` || (` + ruleUser + ` && (by = @request.auth.id || site.team.id ?= @request.auth.id))`
	// stock moves: crews create consumption only, in their own name.
	ruleStockCreate = ruleSiteLead + ` || (` + ruleUser + ` && @request.auth.role = "crew" && @request.body.kind = "consumption" && @request.body.by = @request.auth.id)`
)

// resourcesV2Up extends the resources schema (vehicles, GPS, equipment,
// materials and stock) for module 2: typed relations for assignments,
// holders and stock provenance, partial unique indexes (codes and GPS
// device ids are optional but never shared) and the per-role API rules.
func resourcesV2Up(app core.App) error {
	vehicles := pbm.Existing(app, "vehicles").Add(pbm.Text("notes", false, 1000))
	if vehicles.Col != nil {
		// NB: the device id is the tracker's credential: one vehicle each.
		vehicles.Col.AddIndex("idx_vehicles_gps_device_id", true, "`gps_device_id`", "`gps_device_id` != ''")
	}
	equipment := pbm.Existing(app, "equipment").Add(
		pbm.Text("serial", false, 100),
		pbm.Text("notes", false, 1000),
	).Rel("holder", "users", false, 1, false).Rel("site", "sites", false, 1, false)
	if equipment.Col != nil {
		equipment.Col.AddIndex("idx_equipment_code", true, "`code`", "`code` != ''")
	}
	if err := saveAll(
		vehicles,
		equipment,
		pbm.Existing(app, "reservations").
			Rel("vehicle", "vehicles", false, 1, true).
			Rel("equipment", "equipment", false, 1, true).
			Rel("by", "users", false, 1, false).
			Index(false, "vehicle", "from").Index(false, "equipment", "from").
			Rules(pbm.Rule(ruleReservationRead), pbm.Rule(ruleReservationRead), pbm.Rule(ruleSiteLead), pbm.Rule(ruleSiteLead), pbm.Rule(ruleSiteLead)),
		pbm.Existing(app, "maintenance").Add(
			pbm.Int("done_km", false),
			pbm.Int("interval_days", false),
			pbm.Int("interval_km", false),
			pbm.Text("note", false, 1000),
		).Rel("by", "users", false, 1, false).Index(false, "asset").
			Rules(pbm.Rule(ruleNotCrew), pbm.Rule(ruleNotCrew), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice)),
		pbm.Existing(app, "vehicle_positions").
			Rules(pbm.Rule(ruleNotCrew), pbm.Rule(ruleNotCrew), nil, nil, nil),
		pbm.Existing(app, "suppliers").Add(
			pbm.Text("contact_name", false, 200),
			pbm.Text("address", false, 500),
		).Rules(pbm.Rule(ruleNotCrew), pbm.Rule(ruleNotCrew), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice)),
		pbm.Existing(app, "materials").Add(pbm.Text("category", false, 100)),
		pbm.Existing(app, "purchase_orders").Add(
			pbm.Date("ordered_at", false),
			pbm.Date("expected_at", false),
			pbm.Date("received_at", false),
			pbm.Text("location", false, 100),
			pbm.Text("note", false, 1000),
		).Rel("by", "users", false, 1, false).
			Rules(pbm.Rule(ruleNotCrew), pbm.Rule(ruleNotCrew), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice)),
	); err != nil {
		return err
	}
	// back-relation rules need the reservations relations saved above.
	if err := saveAll(
		pbm.Existing(app, "vehicles").Rules(pbm.Rule(ruleVehicleRead), pbm.Rule(ruleVehicleRead), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice)),
		pbm.Existing(app, "equipment").Rules(pbm.Rule(ruleEquipmentRead), pbm.Rule(ruleEquipmentRead), pbm.Rule(ruleOffice), pbm.Rule(ruleSiteLead), pbm.Rule(ruleOffice)),
	); err != nil {
		return err
	}
	// stock moves reference purchase orders, saved above.
	// NB: the ledger is append-only through the API: corrections are
	// adjustments with a reason, so update and delete are superuser-only.
	return pbm.Existing(app, "stock_moves").Add(
		pbm.Money("unit_cost"),
		pbm.Date("at", false),
	).Rel("purchase_order", "purchase_orders", false, 1, false).
		Index(false, "site").Index(false, "location").
		Rules(pbm.Rule(ruleStockRead), pbm.Rule(ruleStockRead), pbm.Rule(ruleStockCreate), nil, nil).Save()
}
