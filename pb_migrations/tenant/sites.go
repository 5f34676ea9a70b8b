package tenant

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

func sitesUp(app core.App) error {
	lat, lng := pbm.Number("lat", false, types.Pointer(-90.0), types.Pointer(90.0)), pbm.Number("lng", false, types.Pointer(-180.0), types.Pointer(180.0))
	if err := saveAll(
		apply(pbm.NewBase(app, "clients").Add(
			pbm.Text("name", true, 200),
			pbm.Select("kind", false, "public", "private", "individual"),
			pbm.Text("siret", false, 14),
			pbm.Text("contact_name", false, 200),
			pbm.Email("email", false),
			pbm.Text("phone", false, 32),
			pbm.Text("address", false, 500),
		), officeWrite),
		apply(pbm.NewBase(app, "sites").Add(
			pbm.Text("code", true, 32),
			pbm.Text("name", true, 200),
			pbm.Select("sector", true, "btp", "elec", "tp"),
			pbm.Select("status", false, "draft", "planned", "active", "on_hold", "done", "cancelled"),
		).Rel("client", "clients", false, 1, false).Add(
			pbm.Text("address", false, 500),
			lat, lng,
			pbm.Int("geofence_m", false),
			pbm.Date("start", false),
			pbm.Date("end", false),
			pbm.Money("budget"),
			pbm.Money("contract_amount"),
		).Rel("project_manager", "users", false, 1, false).
			Rel("site_lead", "users", false, 1, false).
			Add(
				pbm.JSON("sector_fields"),
				pbm.Editor("notes"),
			).Index(true, "code").Index(false, "status"), officeWrite),
		apply(pbm.NewBase(app, "phases").
			Rel("site", "sites", true, 1, true).Add(
			pbm.Text("name", true, 200),
			pbm.Int("position", false),
			pbm.Date("start", false),
			pbm.Date("end", false),
			pbm.Select("status", false, "todo", "in_progress", "done"),
			pbm.Number("progress", false, types.Pointer(0.0), types.Pointer(100.0)),
		).Index(false, "site"), officeWrite),
		apply(pbm.NewBase(app, "milestones").
			Rel("site", "sites", true, 1, true).
			Rel("phase", "phases", false, 1, false).Add(
			pbm.Text("name", true, 200),
			pbm.Date("due", false),
			pbm.Date("reached_at", false),
			pbm.Int("position", false),
		).Index(false, "site"), officeWrite),
		apply(pbm.NewBase(app, "documents").
			Rel("site", "sites", true, 1, true).Add(
			pbm.Select("kind", true, "plan", "permit", "ppsps", "dict", "contract", "other"),
			pbm.Text("title", true, 200),
			pbm.File("file", 1, 50<<20),
			pbm.Int("version", false),
			pbm.Text("family", false, 40),
			pbm.Date("valid_until", false),
		).Rel("uploaded_by", "users", false, 1, false).Index(false, "site"), siteLeadWrite),
	); err != nil {
		return err
	}
	return nil
}
