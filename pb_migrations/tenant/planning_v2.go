package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// planningV2Up adds the urgent-works path of the public-works safety gate:
// an excavation may start without a valid DT-DICT receipt only as urgent
// works, with a reason (recorded in the audit trail).
func planningV2Up(app core.App) error {
	return pbm.Existing(app, "tasks").Add(
		pbm.Bool("urgent_works"),
		pbm.Text("urgent_reason", false, 1000),
	).Save()
}
