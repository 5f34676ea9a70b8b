package tenant

import (
	"fmt"
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
		return fmt.Errorf("tasks update rule: the crew part is not the expected one")
	}
	tasks.UpdateRule = pbm.Rule(strings.Replace(*tasks.UpdateRule, ruleTaskCrewUpdate, ruleTaskCrewUpdateV3, 1))
	return app.Save(tasks)
}
