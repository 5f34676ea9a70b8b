package tenant

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

func planningUp(app core.App) error {
	return saveAll(
		apply(pbm.NewBase(app, "checklist_templates").Add(
			pbm.Text("code", true, 64),
			pbm.Text("name", true, 200),
			pbm.JSON("items"),
		).Index(true, "code"), officeWrite),
		apply(pbm.NewBase(app, "work_types").Add(
			pbm.Text("code", true, 64),
			pbm.Text("name", true, 200),
			pbm.Select("sector", true, "btp", "elec", "tp"),
			pbm.Number("default_days", false, types.Pointer(0.0), nil),
		).Rel("required_skills", "skills", false, 20, false).Add(
			pbm.JSON("required_clearances"),
			pbm.Bool("excavation"),
		).Rel("checklist", "checklist_templates", false, 1, false).Index(true, "code"), officeWrite),
		apply(pbm.NewBase(app, "tasks").
			Rel("site", "sites", true, 1, true).
			Rel("phase", "phases", false, 1, false).
			Rel("work_type", "work_types", false, 1, false).Add(
			pbm.Text("title", true, 200),
			pbm.Editor("description"),
			pbm.Date("planned_start", false),
			pbm.Date("planned_end", false),
			pbm.Number("duration_days", false, types.Pointer(0.0), nil),
			pbm.Select("status", false, "todo", "planned", "in_progress", "blocked", "done", "validated"),
		).Rel("assignees", "users", false, 50, false).
			Rel("vehicle", "vehicles", false, 1, false).
			Rel("equipment", "equipment", false, 50, false).Add(
			pbm.Number("progress", false, types.Pointer(0.0), types.Pointer(100.0)),
			pbm.Bool("pinned"),
		).Index(false, "site"), siteLeadWrite),
		apply(pbm.NewBase(app, "task_links").
			Rel("from", "tasks", true, 1, true).
			Rel("to", "tasks", true, 1, true).Add(
			pbm.Select("type", true, "FS", "SS", "FF", "SF"),
			pbm.Int("lag_days", true),
		).Index(true, "from", "to"), officeWrite),
		apply(pbm.NewBase(app, "checklist_runs").
			Rel("task", "tasks", true, 1, true).
			Rel("template", "checklist_templates", false, 1, false).Add(
			pbm.JSON("answers"),
			pbm.Bool("complete"),
		).Index(false, "task"), crewWrite),
		apply(pbm.NewBase(app, "availability").
			Rel("user", "users", true, 1, true).Add(
			pbm.Select("kind", true, "leave", "sickness", "training", "other"),
			pbm.Date("from", true),
			pbm.Date("to", true),
			pbm.Text("note", false, 500),
		).Index(false, "user"), siteLeadWrite),
	)
}
