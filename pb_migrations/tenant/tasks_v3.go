package tenant

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// ruleTaskCrewUpdateV3 also keeps the fields added since proofV2 out of a
// crew member's hands: the crew a task is given to, and the urgent-works
// declaration that lets an excavation start without a DT-DICT receipt
// (the site lead's or the project manager's decision).
const ruleTaskCrewUpdateV3 = ruleTaskCrewUpdate + ` && @request.body.crew:isset = false && @request.body.urgent_works:isset = false && @request.body.urgent_reason:isset = false`

func tasksV3Up(app core.App) error {
	tasks, err := app.FindCollectionByNameOrId("tasks")
	if err != nil {
		return err
	}
	if tasks.UpdateRule == nil || !strings.Contains(*tasks.UpdateRule, ruleTaskCrewUpdate) {
		// NB: a rule changed by hand in the dashboard is left as it is
		// (refusing to migrate would keep the tenant from opening); the
		// sync endpoint still refuses a crew validation.
		app.Logger().Warn("tasks update rule changed by hand: crew restrictions of tasks_v3 not applied")
		return nil
	}
	tasks.UpdateRule = pbm.Rule(strings.Replace(*tasks.UpdateRule, ruleTaskCrewUpdate, ruleTaskCrewUpdateV3, 1))
	return app.Save(tasks)
}
