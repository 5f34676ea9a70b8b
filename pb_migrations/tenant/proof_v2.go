package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Rule fragments of module 4 (proof). Time entries are personal data:
// crews see and record their own, site leads and the office see all.
// An approved entry is locked (period lock): nobody edits or deletes it
// through the API. Crews edit their own entries while open or rejected
// and may only submit them; site leads approve or reject.
const (
	ruleTimeRead   = ruleNotCrew + ` || (` + ruleUser + ` && user = @request.auth.id)`
	ruleTimeCreate = ruleSiteLead + ` || (` + ruleUser + ` && @request.body.user = @request.auth.id && (@request.body.status:isset = false || @request.body.status = "open" || @request.body.status = "submitted") && @request.body.approved_by:isset = false)`
	ruleTimeUpdate = `status != "approved" && (` + ruleSiteLead + ` || (` + ruleUser + ` && user = @request.auth.id && (status = "open" || status = "rejected") && @request.body.user:isset = false && @request.body.approved_by:isset = false && (@request.body.status:isset = false || @request.body.status = "open" || @request.body.status = "submitted")))`
	ruleTimeDelete = `status != "approved" && (` + ruleOffice + `)`
	// a crew member assigned to a task reports its status and progress.
	ruleTaskCrewUpdate = ruleUser + ` && assignees.id ?= @request.auth.id && @request.body.title:isset = false && @request.body.site:isset = false && @request.body.assignees:isset = false && @request.body.planned_start:isset = false && @request.body.planned_end:isset = false && @request.body.phase:isset = false && @request.body.work_type:isset = false && @request.body.duration_days:isset = false && @request.body.pinned:isset = false && @request.body.vehicle:isset = false && @request.body.equipment:isset = false && (@request.body.status:isset = false || @request.body.status = "in_progress" || @request.body.status = "blocked" || @request.body.status = "done")`
	// the conflict inbox: site leads and the office, and its author.
	ruleConflictRead = ruleSiteLead + ` || (` + ruleUser + ` && user = @request.auth.id)`
)

// proofV2Up adds the offline sync ledger (sync_ops: one row per applied
// idempotency key with its original answer), the conflict inbox
// (sync_conflicts) and the per-role rules of time entries, and lets crews
// report progress on the tasks assigned to them.
func proofV2Up(app core.App) error {
	if err := saveAll(
		pbm.NewBase(app, "sync_ops").Add(
			pbm.Text("key", true, 64),
		).Rel("user", "users", true, 1, false).Add(
			pbm.Text("collection", false, 64),
			pbm.Text("op", false, 16),
			pbm.JSON("result"),
		).Index(true, "key").Index(false, "user").
			Rules(pbm.Rule(`user = @request.auth.id`), pbm.Rule(`user = @request.auth.id`), nil, nil, nil),
		pbm.NewBase(app, "sync_conflicts").
			Rel("user", "users", true, 1, false).Add(
			pbm.Text("key", true, 64),
			pbm.Text("op", false, 16),
			pbm.Text("collection", true, 64),
			pbm.Text("record", false, 64),
			pbm.JSON("data"),
			pbm.Text("reason", true, 500),
			pbm.Date("device_time", false),
			pbm.Select("status", true, "open", "resolved"),
		).Rel("site", "sites", false, 1, false).Rel("resolved_by", "users", false, 1, false).
			Index(false, "status").Index(false, "user").
			Rules(pbm.Rule(ruleConflictRead), pbm.Rule(ruleConflictRead), nil, pbm.Rule(ruleSiteLead), nil),
		pbm.Existing(app, "time_entries").
			Rules(pbm.Rule(ruleTimeRead), pbm.Rule(ruleTimeRead), pbm.Rule(ruleTimeCreate), pbm.Rule(ruleTimeUpdate), pbm.Rule(ruleTimeDelete)),
	); err != nil {
		return err
	}
	// NB: compose with whatever update rule the planning module set.
	tasks, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		return err
	}
	rule := ruleTaskCrewUpdate
	if tasks.UpdateRule != nil && *tasks.UpdateRule != "" {
		rule = "(" + *tasks.UpdateRule + ") || (" + ruleTaskCrewUpdate + ")"
	}
	tasks.UpdateRule = pbm.Rule(rule)
	return app.Save(tasks)
}
