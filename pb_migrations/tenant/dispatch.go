package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// dispatchUp adds the dispatch board's schema (module 3, items 4–5):
// crews (a lead and members, assigned to a task as a whole), the crew
// relation on tasks, and the record of every assignment forced through a
// blocking conflict (missing or expired clearance, missing skill, leave)
// with the project manager's reason. Overrides are written by the
// server only (domain.Assign checks who may override): the API reads them.
func dispatchUp(app core.App) error {
	if err := apply(pbm.NewBase(app, "crews").Add(
		pbm.Text("name", true, 200),
	).Rel("lead", "users", false, 1, false).
		Rel("members", "users", false, 50, false).Add(
		pbm.Bool("active"),
	).Index(true, "name"), officeWrite).Save(); err != nil {
		return err
	}
	if err := pbm.Existing(app, "tasks").Rel("crew", "crews", false, 1, false).Save(); err != nil {
		return err
	}
	return pbm.NewBase(app, "assignment_overrides").
		Rel("task", "tasks", true, 1, true).
		Rel("user", "users", false, 1, false).
		Rel("crew", "crews", false, 1, false).Add(
		pbm.JSON("conflicts"),
		pbm.Text("reason", true, 1000),
	).Rel("by", "users", true, 1, false).Add(
		pbm.Date("at", true),
	).Index(false, "task").
		Rules(pbm.Rule(ruleSiteLead), pbm.Rule(ruleSiteLead), nil, nil, nil).Save()
}
