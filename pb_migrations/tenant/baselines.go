package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// baselinesUp adds the saved baselines of site plans (Gantt "baseline
// saved and compared"): a frozen copy of each task's dates. Baselines are
// never edited; who plans the site saves and deletes them (domain).
func baselinesUp(app core.App) error {
	return apply(pbm.NewBase(app, "plan_baselines").
		Rel("site", "sites", true, 1, true).Add(
		pbm.Text("name", true, 120),
		pbm.Date("taken_at", true),
	).Rel("taken_by", "users", false, 1, false).Add(
		pbm.Date("finish", false),
		pbm.JSON("tasks"),
	).Index(false, "site"), siteLeadWrite).Save()
}
