package tenant

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Write rules (issue #14): the REST API's create, update and delete rules
// say what domain.Can… says, per role and per site. The list and view
// rules are another migration's business; this one never touches them.
// The domain hooks (domain/write_hooks.go) then apply the business rules
// and the server-set fields on every path.
const (
	// ruleAuthCrew: the caller is a crew member (a tenant admin never is).
	ruleAuthCrew = `(@request.auth.role = "crew" && @request.auth.tenant_admin != true)`
	// ruleInTeam: the record's site is one of the caller's (team or lead).
	ruleInTeam = `(site.team.id ?= @request.auth.id || site.site_lead = @request.auth.id)`
	// ruleTimeReviewer mirrors domain.CanReviewTime on the entry's site.
	ruleTimeReviewer = ruleUser + ` && (@request.auth.role = "manager" || @request.auth.tenant_admin = true || (@request.auth.role != "crew" && site != "" && (site.project_manager = @request.auth.id || site.site_lead = @request.auth.id)))`
	// ruleTimeOwn: a person's own entry, never approved by themself.
	ruleTimeOwn = ruleUser + ` && user = @request.auth.id && @request.body.approved_by:isset = false && (@request.body.status:isset = false || @request.body.status = "open" || @request.body.status = "submitted")`
	// ruleTaskDayToDay mirrors domain.CanEditSiteDay on a task's site.
	ruleTaskDayToDay = `(` + ruleManagerOrAdmin + `) || (` + ruleUser + ` && (site.project_manager = @request.auth.id || site.site_lead = @request.auth.id))`
	// ruleLinkDayToDay: the same on the predecessor's site of a link.
	ruleLinkDayToDay = `(` + ruleManagerOrAdmin + `) || (` + ruleUser + ` && (from.site.project_manager = @request.auth.id || from.site.site_lead = @request.auth.id))`
	// ruleRunDayToDay: the same on the site of a checklist run's task.
	ruleRunDayToDay = `(` + ruleManagerOrAdmin + `) || (` + ruleUser + ` && (task.site.project_manager = @request.auth.id || task.site.site_lead = @request.auth.id))`
	// ruleByMe, ruleReportedMe: the server sets the author fields;
	// naming someone else is refused rather than silently rewritten.
	ruleByMe       = `(@request.body.by:isset = false || @request.body.by = @request.auth.id)`
	ruleReportedMe = `(@request.body.reported_by:isset = false || @request.body.reported_by = @request.auth.id)`
)

// writeRules returns the create, update and delete rules this migration
// sets, per collection (nil: superusers only — the REST API has no
// legitimate use for that write).
func writeRules() map[string][3]*string {
	r := pbm.Rule
	people := r(ruleManagerOrAdmin)
	// a manager edits people's role and cost (domain.CanManagePeople);
	// activation, the admin flag and sign-in data are the tenant admin's.
	userEdit := `(` + ruleUser + ` && id = @request.auth.id && @request.body.role:isset = false && @request.body.tenant_admin:isset = false && @request.body.active:isset = false && @request.body.hourly_cost:isset = false && @request.body.last_login:isset = false) || (` +
		ruleAdmin + `) || (` + ruleUser + ` && @request.auth.role = "manager" && @request.body.tenant_admin:isset = false && @request.body.active:isset = false && @request.body.email:isset = false && @request.body.password:isset = false && @request.body.verified:isset = false)`
	timeCreate := `(` + ruleTimeReviewer + `) || (` + ruleTimeOwn + ` && (@request.auth.role != "crew" || @request.auth.tenant_admin = true || site = "" || ` + ruleInTeam + `))`
	stockCreate := `(` + ruleSiteLead + ` && ` + ruleByMe + `) || (` + ruleUser + ` && ` + ruleAuthCrew + ` && @request.body.kind = "consumption" && ` + ruleByMe + ` && ` + ruleInTeam + `)`
	return map[string][3]*string{
		"users":          {r(ruleAdmin), r(userEdit), r(ruleAdmin)},
		"user_skills":    {people, people, people},
		"clearances":     {people, people, people},
		"availability":   {people, people, people},
		"tasks":          {r(ruleTaskDayToDay), r(`(` + ruleTaskDayToDay + `) || (` + ruleTaskCrewUpdateV3 + `)`), r(ruleTaskDayToDay)},
		"task_links":     {r(ruleLinkDayToDay), r(ruleLinkDayToDay), r(ruleLinkDayToDay)},
		"plan_baselines": {r(ruleTaskDayToDay), nil, r(ruleTaskDayToDay)},
		"checklist_runs": {r(`(` + ruleRunDayToDay + `) || (` + ruleRunAssignee + `)`),
			r(`(` + ruleRunDayToDay + `) || (` + ruleRunAssignee + ` && @request.body.task:isset = false && @request.body.template:isset = false)`), r(ruleRunDayToDay)},
		"time_entries": {r(timeCreate),
			r(`status != "approved" && ((` + ruleTimeReviewer + `) || (` + ruleTimeOwn + ` && @request.body.user:isset = false))`),
			r(`status != "approved" && (` + ruleTimeReviewer + `)`)},
		// proof is created by its upload protocol only (domain.AddPhoto,
		// domain.AddSignature) and never edited
		"photos":     {nil, nil, nil},
		"signatures": {nil, nil, nil},
		"incidents": {r(ruleUser + ` && ` + ruleReportedMe + ` && (@request.auth.role != "crew" || @request.auth.tenant_admin = true || ` + ruleInTeam + `)`),
			r(`(` + ruleSiteDayToDay + `) && @request.body.reported_by:isset = false`), r(ruleSitePMOnly)},
		"stock_moves": {r(stockCreate), nil, nil},
		// the one company profile is written at provisioning
		"company":        {nil, r(ruleAdmin), nil},
		"sync_conflicts": {nil, r(ruleUser + ` && @request.auth.role != "crew" && (site = "" || @request.auth.role = "manager" || @request.auth.tenant_admin = true || site.project_manager = @request.auth.id || site.site_lead = @request.auth.id)`), nil},
	}
}

// writeRulesUp sets the create, update and delete rules of writeRules.
func writeRulesUp(app core.App) error {
	for name, rules := range writeRules() {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return fmt.Errorf("write rules: %w", err)
		}
		col.CreateRule, col.UpdateRule, col.DeleteRule = rules[0], rules[1], rules[2]
		if err := app.Save(col); err != nil {
			return fmt.Errorf("write rules of %s: %w", name, err)
		}
	}
	return nil
}
