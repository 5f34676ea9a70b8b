package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

func resourcesUp(app core.App) error {
	return saveAll(
		apply(pbm.NewBase(app, "vehicles").Add(
			pbm.Text("plate", true, 16),
			pbm.Text("label", true, 200),
			pbm.Select("kind", false, "car", "van", "truck", "excavator", "trailer", "other"),
			pbm.Int("capacity", false),
			pbm.Select("status", false, "available", "assigned", "maintenance", "out"),
			pbm.Text("gps_device_id", false, 64),
			pbm.Select("mode", false, "business", "private"),
			pbm.Int("odometer_km", false),
		).Index(true, "plate"), officeWrite),
		pbm.NewBase(app, "vehicle_positions").
			Rel("vehicle", "vehicles", true, 1, true).Add(
			pbm.Date("at", true),
			pbm.Number("lat", true, nil, nil),
			pbm.Number("lng", true, nil, nil),
			pbm.Number("speed", false, nil, nil),
			pbm.Number("accuracy", false, nil, nil),
		).Index(false, "vehicle", "at").
			Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil),
		apply(pbm.NewBase(app, "equipment").Add(
			pbm.Text("name", true, 200),
			pbm.Text("code", false, 32),
			pbm.Text("category", false, 100),
			pbm.Select("status", false, "available", "in_use", "maintenance", "lost", "retired"),
			pbm.Text("location", false, 200),
			pbm.Date("next_maintenance", false),
		), officeWrite),
		apply(pbm.NewBase(app, "reservations").Add(
			pbm.Select("asset_kind", true, "vehicle", "equipment"),
			pbm.Text("asset", true, 32),
		).Rel("site", "sites", false, 1, false).Add(
			pbm.Text("task", false, 32),
		).Rel("user", "users", false, 1, false).Add(
			pbm.Date("from", true),
			pbm.Date("to", true),
			pbm.Text("note", false, 500),
		).Index(false, "asset"), siteLeadWrite),
		apply(pbm.NewBase(app, "maintenance").Add(
			pbm.Select("asset_kind", true, "vehicle", "equipment"),
			pbm.Text("asset", true, 32),
			pbm.Text("label", true, 200),
			pbm.Date("due", false),
			pbm.Int("due_km", false),
			pbm.Date("done_at", false),
			pbm.Money("cost"),
		), officeWrite),
		apply(pbm.NewBase(app, "suppliers").Add(
			pbm.Text("name", true, 200),
			pbm.Email("email", false),
			pbm.Text("phone", false, 32),
		), officeWrite),
		apply(pbm.NewBase(app, "materials").Add(
			pbm.Text("sku", true, 64),
			pbm.Text("name", true, 200),
			pbm.Text("unit", true, 16),
			pbm.Money("unit_cost"),
			pbm.Number("min_stock", false, nil, nil),
		).Rel("supplier", "suppliers", false, 1, false).Index(true, "sku"), officeWrite),
		apply(pbm.NewBase(app, "stock_moves").
			Rel("material", "materials", true, 1, false).Add(
			pbm.Select("kind", true, "order", "receipt", "consumption", "transfer", "adjustment"),
			pbm.Number("qty", true, nil, nil),
			pbm.Text("location", false, 100),
			pbm.Text("to_location", false, 100),
		).Rel("site", "sites", false, 1, false).Add(
			pbm.Text("task", false, 32),
			pbm.Text("reason", false, 500),
		).Rel("by", "users", false, 1, false).Index(false, "material"), crewWrite),
		apply(pbm.NewBase(app, "purchase_orders").
			Rel("supplier", "suppliers", true, 1, false).Add(
			pbm.Text("number", true, 32),
			pbm.Select("status", false, "draft", "sent", "partial", "received", "cancelled"),
			pbm.JSON("lines"),
			pbm.Money("total"),
		).Rel("site", "sites", false, 1, false).Index(true, "number"), officeWrite),
	)
}
