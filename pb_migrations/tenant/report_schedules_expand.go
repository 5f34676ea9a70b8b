package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// reportSchedulesUp (issue #17, scheduled reports on/off) is an expand
// step: one optional column an older binary ignores.
//
//   - report_schedules.enabled_since: when the schedule was last switched
//     on (set by the domain's hook on every path). Missed runs are caught
//     up from then only, so re-enabling a schedule never replays the runs
//     of the time it was off. Blank for schedules enabled since their
//     creation (their creation date counts).
func reportSchedulesUp(app core.App) error {
	return pbm.Existing(app, "report_schedules").Add(pbm.Date("enabled_since", false)).Save()
}
