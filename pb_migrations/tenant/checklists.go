package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Rules of checklist runs: a crew member fills the run of a task assigned
// to them; site leads and the office fill any. The server computes
// `complete` and stamps who/when per answer (domain hooks), so the client
// cannot forge them.
const (
	ruleRunAssignee = ruleUser + ` && task.assignees.id ?= @request.auth.id`
	ruleRunCreate   = ruleSiteLead + ` || (` + ruleRunAssignee + `)`
	ruleRunUpdate   = ruleSiteLead + ` || (` + ruleRunAssignee + ` && @request.body.task:isset = false && @request.body.template:isset = false)`
)

// checklistsUp gives checklist runs a snapshot of their template's items
// (a run keeps the items it was filled against when the template is
// edited later), one run per task (unique index) and the per-role rules
// above.
func checklistsUp(app core.App) error {
	runs, err := app.FindCollectionByNameOrId("checklist_runs")
	if err != nil {
		return err
	}
	if runs.Fields.GetByName("items") == nil {
		runs.Fields.Add(pbm.JSON("items"))
	}
	// NB: keep the plain index if an older tenant already holds two runs
	// of one task; the domain refuses a second run anyway.
	var dup int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM (SELECT task FROM checklist_runs GROUP BY task HAVING COUNT(*) > 1)").Row(&dup)
	if dup == 0 {
		runs.RemoveIndex("idx_checklist_runs_task")
		runs.AddIndex("idx_checklist_runs_task_unique", true, "`task`", "")
	}
	pbm.Rules(runs, pbm.Rule(ruleUser), pbm.Rule(ruleUser), pbm.Rule(ruleRunCreate), pbm.Rule(ruleRunUpdate), pbm.Rule(ruleSiteLead))
	return app.Save(runs)
}
